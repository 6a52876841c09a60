"""The firm's identity (issue 16, points 11 and 14): a welcoming login page that says how to
reach the firm, its contact details in every mail, its logo in mails and PDFs, and the
favicon."""
import io
from pathlib import Path

import pytest
from flask import url_for
from helpers import (
    completed_questionnaire,
    firm_details,
    html_of,
    login,
    logo_png,
    post_form,
    run_cli,
    text_of,
)
from pypdf import PdfReader
from sqlmodel import delete, select

from app import firm, pdf, storage
from app.models import Document, DossierStatus, FirmSettings, OutgoingMail, utcnow
from app.outbox import LOGO_CID, queue_mail

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "app" / "static"
EMAIL_TEMPLATES = ROOT / "app" / "templates" / "email"
VERSION = type("Version", (), {"title": "Intake", "version": 1})()  # what pdf.html reads


@pytest.fixture
def details(app, session):
    """The firm's contact details, welcome text and logo, as an admin saved them."""
    return firm_details(app, session)


def in_english(client):
    post_form(client, "/taal", {"lang": "en"})


# ---- the login page and the pages before login

@pytest.mark.parametrize("lang, heading, phone", [
    ("nl", "Welkom op het klantenportaal van Kantoor Test", "Telefoon"),
    ("en", "Welcome to the client portal of Kantoor Test", "Phone"),
])
def test_the_login_page_welcomes_and_says_how_to_reach_the_firm(client, details, lang,
                                                                 heading, phone):
    """The manual's heading, the welcome text (escaped, in paragraphs) and the firm's
    contact details as links a phone can use."""
    if lang == "en":
        in_english(client)
    page = html_of(client.get("/inloggen"))
    assert f"<h1>{heading}</h1>" in page
    assert ('<p class="welcome-text">Welkom bij ons &lt;b&gt;portaal&lt;/b&gt;.</p>'
            in page)
    assert '<p class="welcome-text">Heeft u vragen?<br>Bel ons gerust.</p>' in page
    footer = page[page.index('<footer class="site-footer">'):]
    assert "<h2 class=\"footer-heading\">Contact</h2>" in footer
    assert "<strong>Kantoor Test</strong><br>Herengracht 1<br>1015 BA Amsterdam" in footer
    assert f'{phone}: <a href="tel:+31201234567">+31 20 123 4567</a>' in footer
    assert '<a href="mailto:info@devries.example">info@devries.example</a>' in footer
    assert ('<a href="https://www.devries.example/contact">www.devries.example/contact</a>'
            in footer)
    # The logo heads the page (in the header, beside the name).
    with client.application.test_request_context():
        version = firm.current().version
    assert f'<img class="firm-logo" src="/firm/logo?v={version}" alt="">' in page


def test_the_other_pages_before_login_show_how_to_reach_the_firm(app, client, make,
                                                                  details):
    """Set password, a bad link: the footer; once logged in it is gone. An error page,
    made without the database, shows what the configuration says."""
    for path in ("/wachtwoord-instellen", "/wachtwoord/geen-geldige-link"):
        page = html_of(client.get(path))
        assert 'href="tel:+31201234567"' in page, path
    app.config["FIRM_PHONE"] = "010 123 4567"
    page = html_of(client.get("/bestaat-niet"))
    assert 'href="tel:+31101234567"' in page
    make.user(email="klant@example.nl")
    login(client, "klant@example.nl")
    assert "site-footer" not in html_of(client.get("/"))


def test_without_contact_details_there_is_no_footer(client):
    """Nothing set (and nothing configured): no empty Contact heading."""
    page = html_of(client.get("/inloggen"))
    assert "site-footer" not in page and "welcome-text" not in page
    assert "Welkom op het klantenportaal van Kantoor Test" in page


# ---- mails

def mail_kinds():
    """Every kind of mail the portal sends: each .txt template with an .html twin."""
    kinds = sorted(path.stem for path in EMAIL_TEMPLATES.glob("*.txt")
                   if not path.name.startswith("_") and path.with_suffix(".html").exists())
    assert "password_set" in kinds and "invitation" in kinds
    return kinds


# What the templates of every kind may ask for; a kind gets what it needs of these.
MAIL_CONTEXT = dict(link="http://portal.test/link", hours=1, days=7, change="sms_on",
                    documents=1, messages=1, questionnaires=1,
                    staff_url="http://portal.test/kantoor/")


@pytest.mark.parametrize("lang, phone", [("nl", "Telefoon"), ("en", "Phone")])
def test_every_mail_gives_the_contact_details_and_carries_the_logo(app, session, make, mailbox,
                                                                  details, lang, phone):
    """Mail 3 and every other kind, through a real SMTP server: the firm's name, address,
    phone, e-mail and website in both parts, and the logo as an inline part of the mail."""
    user = make.user(email="klant@example.nl", language=lang)
    kinds = mail_kinds()
    with app.test_request_context():
        for kind in kinds:
            queue_mail(session, user, kind, f"Soort {kind}", **MAIL_CONTEXT)
        session.commit()
    mails = mailbox.deliver(app)
    assert sorted(mail["Subject"].removeprefix("Soort ") for mail in mails) == kinds
    for mail in mails:
        kind = mail["Subject"]
        text = mail.get_body(("plain",)).get_content()
        for line in ("Kantoor Test", "Herengracht 1", "1015 BA Amsterdam",
                     f"{phone}: +31 20 123 4567", "E-mail: info@devries.example",
                     "Website: www.devries.example/contact"):
            assert line in text, (kind, line)
        html = mail.get_body(("html",)).get_content()
        assert '<a href="tel:+31201234567">+31 20 123 4567</a>' in html, kind
        assert '<a href="mailto:info@devries.example">' in html, kind
        assert '<a href="https://www.devries.example/contact">' in html, kind
        assert f'<img src="cid:{LOGO_CID}"' in html, kind
        assert "/firm/logo" not in html, kind  # nothing fetched from the portal
        assert mail.get_content_type() == "multipart/related", kind
        [logo] = [part for part in mail.walk() if part["Content-ID"] == f"<{LOGO_CID}>"]
        assert logo.get_content_type() == "image/png" and logo.get_content() == logo_png()
        assert logo.get_content_disposition() == "inline"


def test_a_mail_without_logo_has_no_image_and_no_attachment(app, session, make, mailbox,
                                                            details):
    """No logo (or removed between queueing and sending): a plain mail, no broken image."""
    user = make.user(email="klant@example.nl")
    with app.test_request_context():
        queue_mail(session, user, "password_set", "Met logo in de wachtrij")
        session.commit()
    assert "cid:" in session.exec(select(OutgoingMail)).one().body_html
    details.logo_key = None
    session.commit()
    [mail] = mailbox.deliver(app)
    assert not [part for part in mail.walk() if part.get_content_maintype() == "image"]
    html = mail.get_body(("html",)).get_content()
    assert "<img" not in html and "Kantoor Test" in html
    assert "+31 20 123 4567" in mail.get_body(("plain",)).get_content()


# ---- the PDF of a questionnaire

def pdf_images(app, document):
    with app.app_context(), open(storage.path_for(document.storage_key), "rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return [image.image.size for page in reader.pages for image in page.images]


@pytest.mark.parametrize("with_logo", [True, False])
def test_the_questionnaire_pdf_shows_the_logo(app, client, session, make, request, with_logo):
    """The logo is drawn in the PDF (passed as data, no file read by the renderer)."""
    if with_logo:
        request.getfixturevalue("details")
    completed_questionnaire(client, session, make)
    document = session.exec(select(Document)).one()
    assert pdf_images(app, document) == ([(120, 40)] if with_logo else [])


@pytest.mark.parametrize("size, drawn", [((120, 40), (144, 48)), ((3000, 100), (240, 8)),
                                         ((40, 400), (5, 48))])
def test_the_pdf_logo_keeps_its_shape_within_its_box(app, session, size, drawn):
    """A wide or tall logo is drawn smaller, never stretched, never wider than the text."""
    firm_details(app, session)
    with app.app_context():
        row = session.get(FirmSettings, firm.SETTINGS_ID)
        row.logo_key = storage.store_bytes(logo_png(size))[0]
        session.commit()
    with app.test_request_context():
        logo = pdf.logo_image()
        assert (logo["width"], logo["height"]) == drawn
        html = pdf.questionnaire_html(firm_name="Kantoor Test", version=VERSION, dossier=None,
                                      client=None, summary=[], completed=utcnow())
        assert f'<img src="firm-logo" width="{drawn[0]}" height="{drawn[1]}" alt="">' in html
        assert PdfReader(io.BytesIO(pdf.html_to_pdf(html))).pages[0].images[0].image.size \
            == size


# ---- the favicon

def test_without_logo_the_portals_own_icon(app, client):
    """/favicon.ico answers (no 404 in the log), and pages name the SVG icon."""
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data == (STATIC / "favicon.ico").read_bytes()
    page = html_of(client.get("/inloggen"))
    with app.test_request_context():
        svg = url_for("static", filename="favicon.svg")
    assert f'<link rel="icon" type="image/svg+xml" href="{svg}">' in page
    served = client.get(svg)
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert b"<script" not in served.data


def test_with_a_logo_the_icon_is_the_logo(app, client, details):
    """The logo at a versioned URL in every page, and at /favicon.ico."""
    with app.test_request_context():
        version = firm.current().version
    page = html_of(client.get("/inloggen"))
    assert f'<link rel="icon" href="/firm/logo?v={version}">' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/png"
    assert icon.data == logo_png()
    again = client.get("/favicon.ico", headers={"If-None-Match": icon.headers["ETag"]})
    assert again.status_code == 304


def test_the_header_logo_stays_small_on_a_phone():
    """On a narrow screen the logo is at most 2rem high and 6rem wide (one header line)."""
    css = (STATIC / "css" / "portal.css").read_text()
    assert "@media (max-width: 40rem) { .firm-logo { max-height: 2rem; max-width: 6rem; } }" \
        in css


def test_text_of_the_login_page_names_the_firm(client, details):
    """A screen reader's first words: the welcome naming the firm."""
    text = text_of(client.get("/inloggen"), unescape=True)
    assert "Welkom op het klantenportaal van Kantoor Test Welkom bij ons <b>portaal</b>." in text


def test_the_demo_firm_says_how_to_reach_it(app, client, session):
    """`make run`'s firm has realistic contact details and a welcome (its name stays the
    configuration's), so the demo shows the login page as a firm would have it."""
    session.exec(delete(DossierStatus))  # the demo brings its own
    session.commit()
    assert run_cli(app, "demo").exit_code == 0
    page = text_of(client.get("/inloggen"), unescape=True)
    assert "Via dit portaal volgt u uw dossiers" in page
    assert "Kantoor Test Keizersgracht 123 1015 CJ Amsterdam Telefoon: +31 20 123 4567" in page
