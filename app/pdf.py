"""PDFs rendered with xhtml2pdf that fetch nothing but the app's own bundled assets
(PITFALLS.md 6; the three locks that make sure of it: docs/design.md, "PDFs")."""
import base64
import io
import os

from flask import render_template
from markupsafe import Markup
from PIL import Image
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from . import firm

ASSET_DIR = os.path.join(os.path.dirname(__file__), "static", "pdf")
# The names a PDF template may use, and the files they stand for.
ASSETS = {"questionnaire.css": os.path.join(ASSET_DIR, "questionnaire.css")}
# The name a PDF template gives the firm's logo: handed over as a data: URI, since the
# resource policy lets the renderer read no file outside the asset folder.
LOGO = "firm-logo"
LOGO_BOX = (240, 48)  # the largest the logo is drawn, in CSS pixels: its shape is kept
# Inside the asset folder, so the policy lets the renderer look, and find nothing.
REFUSED = os.path.join(ASSET_DIR, "refused", "nothing-here")
POLICY = ResourceAccessPolicy.server(base_dir=ASSET_DIR, allow_remote=False)


class PDFError(Exception):
    """xhtml2pdf could not render the document."""


def link_callback(uri, _relative=None):
    """The file of an allow-listed asset (the firm's logo as data); any other name (a path,
    file://, http://, data:) becomes a path that does not exist."""
    if uri == LOGO:
        return logo_data_uri() or REFUSED
    return ASSETS.get(uri, REFUSED) if isinstance(uri, str) else REFUSED


def logo_data_uri():
    """The firm's logo as a data: URI, or None when there is none."""
    found = firm.logo_file()
    if found is None:
        return None
    path, content_type = found
    with open(path, "rb") as f:
        return f"data:{content_type};base64,{base64.b64encode(f.read()).decode()}"


def logo_image():
    """What the template needs to draw the firm's logo (src, width, height, fitted in
    LOGO_BOX), or None when there is none, or it cannot be read as an image."""
    found = firm.logo_file()
    if found is None:
        return None
    try:
        with Image.open(found[0]) as image:
            width, height = image.size
    except (OSError, Image.DecompressionBombError):
        return None
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    return {"src": LOGO, "width": round(width * scale), "height": round(height * scale)}


def html_to_pdf(html):
    """Render an HTML string to PDF bytes without fetching anything."""
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, link_callback=link_callback,
                            resource_policy=POLICY, encoding="utf-8")
    if result.err:
        raise PDFError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()


def render_html(template, **context):
    """A PDF template rendered (autoescaped) to HTML; it may use `page_number` and
    `page_count` for xhtml2pdf's page counters."""
    context.setdefault("page_number", Markup("<pdf:pagenumber>"))
    context.setdefault("page_count", Markup("<pdf:pagecount>"))
    context.setdefault("logo", logo_image())
    return render_template(template, **context)


def questionnaire_html(*, firm_name, version, dossier, client, summary, completed):
    """The HTML of a completed questionnaire's PDF in the current language (see
    force_locale): `summary` as Filling.summary() gives it, `completed` the moment (UTC)."""
    return render_html("questionnaires/pdf.html", firm_name=firm_name, version=version,
                       dossier=dossier, client=client, summary=summary, completed=completed)
