"""Issue 16, point 12: the icons of the manual, from one vendored sprite. Each type of
document shows its own icon, named for screen readers; an icon beside a label that says
the same is hidden from them; the sprite holds exactly the icons the templates use."""
import re
from pathlib import Path

from flask import render_template_string
from helpers import html_of

from app.models import CAT_CORRESPONDENCE, DocumentDownload

APP = Path(__file__).resolve().parent.parent / "app"
SPRITE = APP / "static" / "icons.svg"

# Every allowed extension: the icon its documents show, and that icon's Dutch name.
PDF, WORD, SHEET = ("file-type-pdf", "PDF-document"), ("file-word", "Word-document"), \
    ("file-excel", "Spreadsheet")
IMAGE, MAIL, OTHER = ("photo", "Afbeelding"), ("mail", "E-mail"), ("file", "Bestand")
ICONS = {".pdf": PDF, ".doc": WORD, ".docx": WORD, ".odt": WORD, ".rtf": WORD,
         ".xls": SHEET, ".xlsx": SHEET, ".ods": SHEET, ".csv": SHEET,
         ".jpg": IMAGE, ".jpeg": IMAGE, ".png": IMAGE, ".gif": IMAGE, ".heic": IMAGE,
         ".tif": IMAGE, ".tiff": IMAGE, ".eml": MAIL, ".msg": MAIL, ".txt": OTHER,
         ".zip": OTHER}


def icon_use(name):
    """How a page refers to icon `name` of the sprite."""
    return re.compile(r'<use href="/static/icons\.svg\?v=[0-9a-f]+#' + re.escape(name) + '"')


def test_each_type_of_document_shows_its_icon_with_its_name(app, client, session, make, jan):
    types = app.config["ALLOWED_UPLOAD_TYPES"]
    assert set(ICONS) == set(types), "a new file type needs its icon here"
    dossier = make.dossier(clients=[jan])
    for extension, content_type in types.items():
        make.document(dossier, CAT_CORRESPONDENCE, title=f"Stuk {extension}",
                      filename=f"stuk{extension}", content_type=content_type)
    html = html_of(client.get(f"/dossiers/{dossier.id}/correspondentie"))
    rows = {re.search(r"Stuk (\.\w+)", row)[1]: row
            for row in re.findall(r"<tr>.*?</tr>", html, re.S) if "Stuk ." in row}
    assert set(rows) == set(types)
    for extension, (icon, name) in ICONS.items():
        row = rows[extension]
        assert icon_use(icon).search(row), (extension, icon)
        assert f'role="img" focusable="false"><title>{name}</title>' in row, (extension, name)
        # The Download button's icon is decoration: the button says "Download".
        assert re.search(r'download>\s*<svg class="icon" aria-hidden="true" focusable="false">'
                         r'<use [^>]*#download"></use></svg>Download', row), extension


def test_downloaded_mark_is_an_icon_named_with_its_date(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    letter = make.document(dossier, CAT_CORRESPONDENCE, title="Brief")
    session.add(DocumentDownload(document_id=letter.id, user_id=jan.id))
    session.commit()
    html = html_of(client.get(f"/dossiers/{dossier.id}/correspondentie"))
    assert icon_use("circle-check").search(html)
    assert re.search(r'<svg class="icon downloaded" role="img" focusable="false">'
                     r"<title>Gedownload op [^<]+</title>", html)


def test_icon_macro_names_an_image_or_hides_decoration(app):
    with app.test_request_context():
        named = render_template_string(
            '{% from "_macros.html" import icon %}{{ icon("eye", "Inzien") }}')
        decoration = render_template_string(
            '{% from "_macros.html" import icon %}{{ icon("eye") }}')
    assert '<svg class="icon" role="img" focusable="false"><title>Inzien</title>' in named
    assert "aria-hidden" not in named
    assert '<svg class="icon" aria-hidden="true" focusable="false"><use ' in decoration
    assert "<title>" not in decoration and "role=" not in decoration


def used_icons():
    """The names of the icons the templates show: icon("name") calls, and the icons of
    the document types in portal/_doc_icon.html."""
    names = set()
    for path in (APP / "templates").rglob("*.html"):
        text = path.read_text()
        names |= set(re.findall(r'\bicon\(\s*"([a-z0-9-]+)"', text))
        if path.name == "_doc_icon.html":
            names |= set(re.findall(r'\("([a-z0-9-]+)", _\(', text))
    return names


def test_the_sprite_holds_exactly_the_icons_the_templates_use():
    sprite = SPRITE.read_text()
    symbols = set(re.findall(r'<symbol id="([a-z0-9-]+)" viewBox="0 0 24 24">', sprite))
    assert symbols == used_icons()
    assert {icon for icon, _name in ICONS.values()} <= symbols
    # Nothing the strict CSP would block, and the licence travels with the file.
    assert "<style" not in sprite and "<script" not in sprite and "style=" not in sprite
    assert "Tabler Icons 3.54.0" in sprite and "MIT License" in sprite
