"""The client's core flow in Chromium with JavaScript off, in one browser context:
invitation → set password → the dossier → tabs as links (whole pages) → a download → a
message of more than 4,000 characters refused by the server (the text kept, no counter on
the page) → the message with a file through the plain file input → a questionnaire whose
steps are page loads → the summary.

Pieces that other walks already cover in full are not repeated here: the search form,
status checkboxes and page links (test_portal_flow.py::test_portal_without_javascript),
a missing Onderwerp (test_messages_flow.py::test_new_message_without_javascript) and every
kind of question, Vorige and resuming on another device
(test_questionnaire_flow.py::test_questionnaire_without_javascript)."""
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import CAT_PROVIDED, Document, Message
from browser import test_keyboard
from browser.test_keyboard import link_in

arranged = test_keyboard.arranged  # the same client, dossier and questionnaire


@pytest.fixture
def page(browser, live_server):
    """A Dutch browser context with JavaScript off."""
    expect.set_options(timeout=5000)
    context = browser.new_context(java_script_enabled=False, locale="nl-NL",
                                  base_url=live_server, accept_downloads=True)
    context.set_default_timeout(10000)
    yield context.new_page()
    context.close()


def loads_a_page(page):
    """Expect the next action to load a whole page (a document request), not a fragment."""
    return page.expect_request(lambda request: request.resource_type == "document")


def test_core_flow_without_javascript(page, live_server, app, session, mailbox, arranged):
    dossier, assignment = arranged
    heading = page.get_by_role("heading", level=1)

    # Invitation and password: plain forms.
    [mail1] = mailbox.deliver(app)
    page.goto(link_in(mail1, "/welkom/"))
    page.get_by_label("E-mailadres").fill("nieuw@example.nl")
    page.get_by_role("button", name="Verstuur").click()
    expect(heading).to_have_text("Controleer uw e-mail")
    [mail2] = mailbox.deliver(app)
    page.goto(link_in(mail2, "/wachtwoord/"))
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill("Welkom2026")
    page.get_by_label("Herhaal wachtwoord").fill("Welkom2026")
    page.get_by_role("button", name="Instellen wachtwoord").click()
    expect(page).to_have_url(live_server + "/mijn-gegevens")

    # The dossier; its tabs are links to whole pages.
    page.goto("/dossiers")
    expect(heading).to_have_text("Aankoop woning")
    tabs = page.get_by_role("navigation", name="Onderdelen van het dossier")
    with loads_a_page(page):
        tabs.get_by_role("link", name=re.compile(r"^Documenten")).click()
    expect(page).to_have_url(f"{live_server}/dossiers/{dossier.id}/documenten")
    expect(tabs.get_by_role("link", name=re.compile(r"^Documenten"))).to_have_attribute(
        "aria-current", "page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Declaratie").click()
    assert download.value.suggested_filename == "declaratie.pdf"
    assert open(download.value.path(), "rb").read() == b"%PDF-1.4 Declaratie"
    page.reload()
    expect(page.locator(".tab-panel tr", has_text="Declaratie")).to_contain_text("Gedownload op")

    # Nieuw bericht: no counter; 4,001 characters are refused by the server, kept on screen.
    with loads_a_page(page):
        tabs.get_by_role("link", name=re.compile(r"^Berichten")).click()
    page.get_by_role("link", name="Nieuw bericht").click()
    expect(page).to_have_url(f"{live_server}/dossiers/{dossier.id}/berichten/nieuw")
    body = page.get_by_role("textbox", name="Bericht", exact=True)
    expect(page.locator("#body-counter")).to_be_hidden()
    # A browser that does not apply maxlength (an old one, or a paste it lets through).
    body.evaluate("textarea => textarea.removeAttribute('maxlength')")
    too_long = "Hierbij mijn paspoort. " + "x" * 3978
    assert len(too_long) == 4001
    page.get_by_label("Onderwerp").fill("Stukken koopakte")
    body.fill(too_long)
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Een bericht mag maximaal 4000 tekens bevatten; uw bericht heeft er 4001.")
    expect(body).to_have_value(too_long)
    expect(page.get_by_label("Onderwerp")).to_have_value("Stukken koopakte")
    expect(page.locator("#body-counter")).to_be_hidden()
    assert session.exec(select(Message).where(Message.sent_at.is_not(None))).all() == []

    # Shortened, with a file through the plain file input: sent.
    body.fill("Hierbij mijn paspoort.")
    page.get_by_label("Bestanden kiezen").set_input_files([{
        "name": "paspoort.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 pas"}])
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator(".flashes")).to_contain_text("Uw bericht is verstuurd.")
    expect(page.locator("table.messages")).to_contain_text("Stukken koopakte")

    # Acties → Invullen: each Volgende loads the next step as a whole page.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=re.compile(r"^Acties")).click()
    page.get_by_role("link", name="Invullen Intake koper").click()
    step = page.locator(".step-count")
    expect(step).to_have_text("Stap 1 van 5")
    answers = [{"Volledige naam": "Anna de Vries", "Geboortedatum": "1980-05-05",
                "E-mailadres": "anna@example.nl"},
               {"Ja": True}, {"Naam partner": "Els de Vries"},
               {"Rekeningnummer": "NL91 ABNA 0417 1643 00", "Koopwoning": True},
               {"Testament": True},
               {"Kopie legitimatiebewijs": "paspoort.pdf"}]
    for fields in answers:
        for label, value in fields.items():
            field = page.get_by_label(label, exact=True)
            if value is True:
                field.check()
            elif label == "Kopie legitimatiebewijs":
                field.set_input_files([{"name": value, "mimeType": "application/pdf",
                                        "buffer": b"%PDF-1.4 pas"}])
            else:
                field.fill(value)
        with loads_a_page(page):
            page.get_by_role("button", name="Volgende").click()
    expect(step).to_have_text("Overzicht")
    expect(page).to_have_url(f"{live_server}/vragenlijsten/{assignment.id}/overzicht")
    for typed in ("Anna de Vries", "Els de Vries", "NL91 ABNA 0417 1643 00", "Koopwoning",
                  "Testament", "paspoort.pdf"):
        expect(page.locator("#questionnaire")).to_contain_text(typed)

    sent = session.exec(select(Message).where(Message.from_client)).one()
    assert sent.sent_at is not None and sent.body == "Hierbij mijn paspoort."
    files = session.exec(select(Document).where(Document.category == CAT_PROVIDED)).all()
    assert [d.filename for d in files] == ["paspoort.pdf", "paspoort.pdf"]
