"""Acties walked in Chromium: fill two steps, log out, log in on another device (a new
browser context: no cookies, no history), resume at step 3, finish, print, download the
PDF; with JavaScript (htmx swaps) and without, in Dutch and English."""
import io
import re

import pytest
from helpers import age_notifications, assign
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from app import notifications
from app.models import QuestionnaireAnswer
from browser.helpers import drop_files, labels, log_in

TEXTS = labels("questionnaire_flow")


def open_from_acties(page, t):
    page.get_by_role("navigation").get_by_role("link", name=re.compile(t["actions"])).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["actions"])
    page.get_by_role("link", name=re.compile(t["fill_in"])).click()


def expect_step(page, t, number, live_server, assignment):
    expect(page.locator(".step-count")).to_have_text(t["step"].format(number))
    expect(page).to_have_url(f"{live_server}/vragenlijsten/{assignment.id}/stap/{number}")


@pytest.fixture
def devices(browser, live_server):
    """Opens a new browser context per call, as a separate device, with JavaScript on or
    off. A script error or Content-Security-Policy violation in any of them fails the test.
    """
    expect.set_options(timeout=5000)
    contexts, errors = [], []

    def open_device(js):
        context = browser.new_context(java_script_enabled=js, base_url=live_server,
                                      locale="nl-NL", accept_downloads=True)
        context.set_default_timeout(10000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: errors.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)
        return page

    yield open_device
    for context in contexts:
        context.close()
    assert errors == [], "errors in the browser"


def walk(open_device, t, js, live_server, app, session, make, mailbox):
    lang = "en" if t is TEXTS["en"] else "nl"
    page = open_device(js)
    client = make.user(email="klant@example.nl", name="Klaas Klant", language=lang)
    lawyer = make.staff(email="mr.jansen@kantoor.example.nl")
    dossier = make.dossier(clients=[client], lawyer=lawyer, number="2026-0142",
                           description="Aankoop woning")
    assignment = assign(session, client, dossier)
    log_in(page, "klant@example.nl", wait=True)
    open_from_acties(page, t)
    expect_step(page, t, 1, live_server, assignment)
    if js:  # marks this document: it survives htmx swaps, not page loads
        page.evaluate("window.sameDocument = true")

    # Step 1, then step 2 with its conditional question.
    page.get_by_label("Volledige naam").fill("Klaas Klant")
    page.get_by_label("Geboortedatum").fill("1980-12-31")
    page.get_by_label("E-mailadres", exact=True).fill("klaas@example.nl")
    page.get_by_label("Telefoonnummer").fill("06 12345678")
    page.get_by_role("button", name=t["next"]).click()
    expect_step(page, t, 2, live_server, assignment)
    partner = page.get_by_label("Naam partner")
    expect(partner).to_be_hidden()
    page.get_by_role("radio", name=t["yes"]).check()
    if js:
        expect(partner).to_be_visible()  # shown at once, before saving
    else:
        page.get_by_role("button", name=t["next"]).click()
        expect(page.get_by_role("alert")).to_contain_text(t["more"])
        expect_step(page, t, 2, live_server, assignment)
    partner.fill("Els Klant")
    page.get_by_role("button", name=t["next"]).click()
    expect_step(page, t, 3, live_server, assignment)
    assert len(session.exec(select(QuestionnaireAnswer)).all()) == 2
    if js:
        assert page.evaluate("window.sameDocument === true"), "a step loaded a whole page"

    # Leave by logging out; logging in on another device resumes at step 3.
    page.get_by_role("button", name=t["log_out"]).click()
    page.goto(f"/vragenlijsten/{assignment.id}/stap/3")
    expect(page).to_have_url(re.compile(r"/inloggen"))
    page.context.close()
    page = open_device(js)
    assert page.context.cookies() == []
    log_in(page, "klant@example.nl", wait=True)
    open_from_acties(page, t)
    expect_step(page, t, 3, live_server, assignment)
    # What was saved on the first device is there.
    page.goto(f"/vragenlijsten/{assignment.id}/stap/2")
    expect(page.get_by_label("Naam partner")).to_have_value("Els Klant")
    page.goto(f"/vragenlijsten/{assignment.id}")
    expect_step(page, t, 3, live_server, assignment)
    if js:
        page.evaluate("window.sameDocument = true")

    # A wrong IBAN: a message, the typed text kept.
    iban = page.get_by_label("Rekeningnummer")
    iban.fill("NL91 ABNA 0417 1643 01")
    page.get_by_label("Bruto jaarinkomen").fill("52.000" if lang == "nl" else "52,000")
    page.get_by_role("radio", name="Koopwoning").check()
    page.get_by_role("button", name=t["next"]).click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(t["problem"])
    expect(summary).to_contain_text(t["iban_wrong"])
    if js:
        expect(summary).to_be_focused()
    expect(iban).to_have_value("NL91 ABNA 0417 1643 01")
    expect(iban).to_have_attribute("aria-invalid", "true")
    iban.fill("NL91 ABNA 0417 1643 00")
    page.get_by_role("button", name=t["next"]).click()
    expect_step(page, t, 4, live_server, assignment)

    # "Vorige" keeps what was typed on the step it leaves.
    page.get_by_label("Testament", exact=True).check()
    page.get_by_label("Toelichting").fill("Graag voor de zomer.")
    page.get_by_role("button", name=t["previous"]).click()
    expect_step(page, t, 3, live_server, assignment)
    expect(page.get_by_label("Rekeningnummer")).to_have_value("NL91 ABNA 0417 1643 00")
    page.get_by_role("button", name=t["next"]).click()
    expect_step(page, t, 4, live_server, assignment)
    expect(page.get_by_label("Toelichting")).to_have_value("Graag voor de zomer.")
    expect(page.get_by_label("Testament", exact=True)).to_be_checked()
    page.get_by_role("button", name=t["next"]).click()

    expect_step(page, t, 5, live_server, assignment)
    if js:  # the drop zone of message attachments, for one file: the last one dropped
        question = page.locator("#question-legitimatie")
        drop_files(page, ["oud.pdf"], "#question-legitimatie [data-drop-zone]")
        drop_files(page, ["paspoort.pdf"], "#question-legitimatie [data-drop-zone]")
        expect(question.locator("[data-selection] li")).to_have_count(1)
        expect(question.locator("[data-selection] li")).to_contain_text("paspoort.pdf")
    else:
        page.get_by_label("Kopie legitimatiebewijs").set_input_files(files=[{
            "name": "paspoort.pdf", "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4 paspoort"}])
    page.get_by_role("button", name=t["next"]).click()

    # The summary, printed and completed.
    expect(page.locator(".step-count")).to_have_text(t["summary"])
    expect(page).to_have_url(f"{live_server}/vragenlijsten/{assignment.id}/overzicht")
    answers = page.locator("#questionnaire")
    for expected in ("Klaas Klant", "Els Klant", "NL91 ABNA 0417 1643 00", "52.000" if
                     lang == "nl" else "52,000", "Koopwoning", "Graag voor de zomer.",
                     "paspoort.pdf"):
        expect(answers).to_contain_text(expected)
    if js:
        assert page.evaluate("window.sameDocument === true"), "a step loaded a whole page"
    page.get_by_role("link", name=t["print"]).click()
    expect(page.get_by_text(t["print_hint"])).to_be_visible()
    expect(page.locator(".answers").first).to_contain_text("Klaas Klant")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_text(t["print_hint"])).to_be_hidden()
    expect(page.get_by_text("Els Klant")).to_be_visible()
    page.emulate_media(media="screen")
    page.go_back()
    page.get_by_role("button", name=t["complete"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["done"])

    with page.expect_download() as download_info:
        page.get_by_role("link", name=t["download"]).click()
    download = download_info.value
    assert download.suggested_filename == "Intake koper 2026-0142.pdf"
    with open(download.path(), "rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    content = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in (t["completed_on"], "Klaas Klant", "Els Klant", "2026-0142",
                     "NL91 ABNA 0417 1643 00", "Graag voor de zomer."):
        assert expected in content, expected

    # Gone from Acties, and the lawyer is told (in the next batch of notifications).
    page.get_by_role("navigation").get_by_role("link", name=re.compile(t["actions"])).click()
    expect(page.get_by_text(t["no_actions"])).to_be_visible()
    age_notifications(session, 6)
    assert notifications.send_due(app) == 1
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "mr.jansen@kantoor.example.nl"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_questionnaire_with_javascript(devices, live_server, app, session, make, mailbox, lang):
    walk(devices, TEXTS[lang], True, live_server, app, session, make, mailbox)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_questionnaire_without_javascript(devices, live_server, app, session, make, mailbox,
                                          lang):
    walk(devices, TEXTS[lang], False, live_server, app, session, make, mailbox)
