"""Bekijken in Chromium: the client opens a PDF and a PNG from the document list and the
browser shows them itself (Chromium's PDF viewer, its image view) under the sandboxing CSP,
without a download and without a CSP complaint; Back returns to the list, which now marks
the document downloaded. A staff member does the same from the dossier's documents. In
Dutch and English."""
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from reportlab.pdfgen import canvas
from twostep_helpers import with_app

from app.models import CAT_CORRESPONDENCE, DocumentDownload
from browser.helpers import labels, log_in, staff_log_in

TEXTS = labels("preview")
PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"  # Chromium's own


def real_pdf(text):
    """A one-page PDF that says `text`."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setFont("Helvetica", 32)
    pdf.drawString(72, 700, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def real_png(width=240, height=120):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (122, 31, 61)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def arranged(make):
    """A client in `lang` with a letter (PDF), a photo (PNG) and a Word file in one dossier,
    handled by a lawyer: (client, lawyer, dossier, {title: document})."""
    def build(lang):
        lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", language=lang)
        client = make.user(email="klant@example.nl", name="Klaas Klant", language=lang)
        dossier = make.dossier(clients=[client], lawyer=lawyer, description="Aankoop woning")
        documents = {
            "Brief": make.document(dossier, CAT_CORRESPONDENCE, "Brief", "brief.pdf",
                                   real_pdf("Geachte heer Klant"), by=lawyer),
            "Foto": make.document(dossier, CAT_CORRESPONDENCE, "Foto", "foto.png",
                                  real_png(), "image/png", by=lawyer),
            "Notitie": make.document(
                dossier, CAT_CORRESPONDENCE, "Notitie", "notitie.docx", b"PK\x03\x04 docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                by=lawyer),
        }
        return client, lawyer, dossier, documents
    return build


def show_link(page, t, title):
    return page.get_by_role("link", name=f"{t['show']} {title}", exact=True)


def pdf_viewer_shows(page):
    """Chromium's PDF viewer took the page: its frame inside the sandboxed document, with
    the document's one page drawn."""
    for _ in range(100):
        viewer = next((f for f in page.frames if f.url.startswith(PDF_VIEWER)), None)
        if viewer is not None:
            break
        page.wait_for_timeout(100)
    assert viewer is not None, [f.url for f in page.frames]
    # The viewer's own state (Chromium's internals; Debian's Chromium 156): loaded, 1 page.
    state = "() => { const v = document.querySelector('pdf-viewer'); return v && "\
            "[v.loadState_, v.documentDimensions && v.documentDimensions.pageDimensions.length] }"
    for _ in range(100):
        if viewer.evaluate(state) == ["success", 1]:
            break
        page.wait_for_timeout(100)
    assert viewer.evaluate(state) == ["success", 1]


def assert_no_download(page, downloads):
    assert downloads == [], f"{page.url} was downloaded, not shown"


def test_the_client_views_a_pdf_and_a_png(page, session, arranged, lang):
    t = TEXTS[lang]
    client, _lawyer, dossier, documents = arranged(lang)
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    log_in(page, client, wait=True)
    tab = f"/dossiers/{dossier.id}/correspondentie"
    page.goto(tab)
    # Bekijken where the browser can show it; a Word file only has Download.
    expect(show_link(page, t, "Brief")).to_be_visible()
    expect(show_link(page, t, "Notitie")).to_have_count(0)
    expect(page.get_by_role("link", name=f"{t['download']} Notitie", exact=True)) \
        .to_be_visible()

    show_link(page, t, "Brief").click()
    expect(page).to_have_url(re.compile(rf"/documenten/{documents['Brief'].id}/bekijken$"))
    pdf_viewer_shows(page)
    assert_no_download(page, downloads)

    page.go_back()
    expect(page).to_have_url(re.compile(rf"{tab}$"))
    show_link(page, t, "Foto").click()
    expect(page).to_have_url(re.compile(rf"/documenten/{documents['Foto'].id}/bekijken$"))
    image = page.locator("img")
    expect(image).to_have_count(1)
    expect(image).to_have_js_property("naturalWidth", 240)
    assert_no_download(page, downloads)
    page.go_back()
    expect(page).to_have_url(re.compile(rf"{tab}$"))

    # Each whole preview counted as a download, as Download would have.
    session.expire_all()
    for title in ("Brief", "Foto"):
        mark = session.get(DocumentDownload, (documents[title].id, client.id))
        assert mark is not None and mark.count == 1, title
    assert session.get(DocumentDownload, (documents["Notitie"].id, client.id)) is None


def test_a_staff_member_views_a_pdf(page, session, arranged, lang):
    t = TEXTS[lang]
    client, lawyer, dossier, documents = arranged(lang)
    with_app(session, lawyer)
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}/documenten")
    expect(show_link(page, t, "Notitie")).to_have_count(0)
    show_link(page, t, "Brief").click()
    expect(page).to_have_url(
        re.compile(rf"/kantoor/documenten/{documents['Brief'].id}/bekijken$"))
    pdf_viewer_shows(page)
    assert_no_download(page, downloads)
    session.expire_all()
    assert session.get(DocumentDownload, (documents["Brief"].id, client.id)) is None
