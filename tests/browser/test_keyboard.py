"""The client's core flows walked in Chromium with the keyboard only: no mouse, no clicks,
no filling of fields the keyboard did not reach. Invitation mail → e-mail address → set
password → Mijn gegevens → Home → the dossier → its tabs → a download → Nieuw bericht with
"+ Bijlagen" (the dialog takes the focus, keeps it, gives it back on Escape) → Versturen →
Acties → Invullen → every step with Volgende → the summary. At every Tab stop the focused
element must show a visible focus indicator, also on the firm's colour."""
import re

import pytest
from helpers import link_in
from playwright.sync_api import expect
from sqlmodel import select

from app.models import (
    CAT_PROVIDED,
    Document,
    Message,
)
from browser.helpers import Keyboard, labels

TEXTS = labels("keyboard")


@pytest.mark.parametrize("invited_client", ["nl", "en"], indirect=True)
def test_keyboard_only(page, live_server, app, session, mailbox, invited_client, request):
    dossier, assignment = invited_client
    t = TEXTS[request.node.callspec.params["invited_client"]]
    keys = Keyboard(page)
    heading = page.get_by_role("heading", level=1)

    if t is TEXTS["en"]:  # picks English on the login page first, as in test_signin_flow
        page.goto("/inloggen")
        keys.activate(page.get_by_role("button", name="English"))
        expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()

    # Mail 1: the first Tab shows the skip link, then the e-mail address and Verstuur.
    [mail1] = mailbox.deliver(app)
    page.goto(link_in(mail1, "/welkom/"))
    expect(heading).to_have_text(t["setup"])
    keys.press("Tab")
    expect(page.get_by_role("link", name=t["skip"])).to_be_focused()
    keys.type_into(page.get_by_label(t["email"]), "nieuw@example.nl")
    keys.activate(page.get_by_role("button", name=t["send"]))
    expect(heading).to_have_text(t["check"])

    # Mail 2: the password twice, then Instellen wachtwoord; lands on Mijn gegevens.
    [mail2] = mailbox.deliver(app)
    page.goto(link_in(mail2, "/wachtwoord/"))
    keys.type_into(page.get_by_role("textbox", name=t["password"], exact=True), "Welkom2026")
    keys.type_into(page.get_by_label(t["repeat"]), "Welkom2026")
    keys.activate(page.get_by_role("button", name=t["set_password"]))
    expect(page).to_have_url(live_server + "/mijn-gegevens")
    expect(heading).to_have_text(t["my_details"])

    # Home through the menu, then the Dossiers tile: the one dossier opens straight away.
    nav = page.get_by_role("navigation", name=t["main_menu"])
    keys.activate(nav.get_by_role("link", name="Home"))
    expect(heading).to_have_text("Home")
    keys.activate(page.locator(".tiles a").first)
    expect(heading).to_have_text("Aankoop woning")

    # Voortgang opens with Enter; the tabs are links, and the focus stays on the tab chosen.
    keys.activate(page.locator("details.progress summary"))
    expect(page.locator("details.progress")).to_have_attribute("open", "")
    tabs = page.get_by_role("navigation", name=t["parts"])
    documents = tabs.get_by_role("link", name=re.compile("^" + t["documents"]))
    keys.activate(documents)
    expect(page).to_have_url(f"{live_server}/dossiers/{dossier.id}/documenten")
    expect(documents).to_have_attribute("aria-current", "page")
    expect(documents).to_be_focused()
    assert keys.focused()["shown"]

    # A download with Enter; the focus comes back to the row's link after the refresh.
    download_link = page.get_by_role("link", name="Download Declaratie")
    keys.tab_to(download_link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "declaratie.pdf"
    expect(page.locator(".tab-panel tr", has_text="Declaratie")).to_contain_text(t["downloaded_on"])
    expect(download_link).to_be_focused()

    # Berichten, then Nieuw bericht: Onderwerp and Bericht.
    keys.activate(tabs.get_by_role("link", name=re.compile("^" + t["messages"])), back=True)
    expect(page).to_have_url(f"{live_server}/dossiers/{dossier.id}/berichten")
    keys.activate(page.get_by_role("link", name=t["new_message"]))
    expect(page).to_have_url(f"{live_server}/dossiers/{dossier.id}/berichten/nieuw")
    # The link swapped itself away: the new tab panel has the focus, and shows it.
    page.wait_for_function("document.activeElement.classList.contains('tab-panel')")
    assert keys.focused()["shown"]
    keys.type_into(page.get_by_label(t["subject"]), "Stukken koopakte")
    body = page.get_by_role("textbox", name=t["message"], exact=True)
    keys.type_into(body, "Hierbij mijn paspoort.")

    # t["attachments"]: the dialog takes the focus and keeps it, both ways round.
    opener = page.get_by_role("button", name=t["attachments"])
    dialog = page.get_by_role("dialog", name=t["add_attachments"])
    keys.activate(opener)
    expect(dialog).to_be_visible()
    browse = dialog.get_by_role("button", name=t["browse"])
    cancel = dialog.get_by_role("button", name=t["cancel"])
    expect(browse).to_be_focused()
    inside = []
    for _ in range(4):
        inside.append(keys.press("Tab")["what"])
        assert dialog.evaluate("d => d.contains(document.activeElement)"), inside
    assert any(t["browse"] in stop for stop in inside[1:]), f"Tab did not cycle: {inside}"
    keys.tab_to(browse)
    keys.press("Shift+Tab")
    expect(cancel).to_be_focused()
    keys.press("Tab")
    expect(browse).to_be_focused()
    # Escape closes it and the focus is back on t["attachments"].
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    assert keys.focused()["shown"]

    # Open again: Enter on Bladeren opens the file chooser; upload the one file.
    page.keyboard.press("Enter")
    expect(browse).to_be_focused()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files([{"name": "paspoort.pdf", "mimeType": "application/pdf",
                              "buffer": b"%PDF-1.4 paspoort"}])
    expect(dialog.locator("[data-selection] li")).to_have_count(1)
    keys.activate(dialog.get_by_role("button", name=t["upload_one"]))
    page.wait_for_url(re.compile(r"/concepten/\d+$"))
    expect(body).to_have_value("Hierbij mijn paspoort.")
    keys.activate(page.get_by_role("button", name=t["send_message"]))
    expect(page.locator(".flashes")).to_contain_text(t["sent"])

    # Acties → Invullen: every step with the keyboard, Volgende with Enter.
    keys.activate(nav.get_by_role("link", name=re.compile("^" + t["actions"])))
    expect(heading).to_have_text(t["actions"])
    keys.activate(page.get_by_role("link", name=t["fill_in"]))
    step = page.locator(".step-count")
    expect(step).to_have_text(t["step"].format(1))
    keys.type_into(page.get_by_label("Volledige naam"), "Anna de Vries")
    # Day and month alike: the date field's order of parts follows the browser's locale.
    keys.type_into(page.get_by_label("Geboortedatum"), "05051980")
    keys.type_into(page.get_by_role("textbox", name="E-mailadres", exact=True), "anna@example.nl")
    keys.type_into(page.get_by_label("Telefoonnummer"), "06 12345678")
    next_button = page.get_by_role("button", name=t["next"])
    title = page.locator("#questionnaire-title")

    def next_step(expected):
        """Volgende with Enter; the new step's title takes the focus (once htmx settled),
        so the next Tab starts at the top of the new step."""
        keys.activate(next_button)
        expect(step).to_have_text(expected)
        expect(title).to_be_focused()

    next_step(t["step"].format(2))

    # A radio group: Tab reaches it, the arrow keys choose; the partner question appears.
    keys.tab_to(page.get_by_role("radio", name=t["yes"]))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=t["no"])).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(page.get_by_role("radio", name=t["yes"])).to_be_checked()
    keys.type_into(page.get_by_label("Naam partner"), "Els de Vries")
    next_step(t["step"].format(3))

    keys.type_into(page.get_by_label("Rekeningnummer"), "NL91 ABNA 0417 1643 00")
    keys.type_into(page.get_by_label("Bruto jaarinkomen"), t["income"])
    keys.tab_to(page.get_by_role("radio", name="Koopwoning"))
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Koopwoning")).to_be_checked()
    next_step(t["step"].format(4))

    # Checkboxes with Space.
    keys.activate(page.get_by_role("checkbox", name="Testament", exact=True), key="Space")
    keys.activate(page.get_by_role("checkbox", name="Samenlevingscontract"), key="Space")
    expect(page.get_by_role("checkbox", name="Testament", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Levenstestament")).not_to_be_checked()
    keys.type_into(page.get_by_label("Toelichting"), "Graag voor de zomer.")
    next_step(t["step"].format(5))

    # A file question: the drop zone of attachments; Space on its Bladeren opens the chooser.
    question = page.locator("#question-legitimatie")
    keys.tab_to(question.get_by_role("button", name=t["browse"]))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files([{"name": "paspoort.pdf", "mimeType": "application/pdf",
                              "buffer": b"%PDF-1.4 paspoort"}])
    expect(question.locator("[data-selection] li")).to_contain_text("paspoort.pdf")
    next_step(t["summary"])
    answers = page.locator("#questionnaire")
    for typed in ("Anna de Vries", t["date"], "Els de Vries", "NL91 ABNA 0417 1643 00",
                  "Koopwoning", "Testament", "Samenlevingscontract", "Graag voor de zomer.",
                  "paspoort.pdf"):
        expect(answers).to_contain_text(typed)

    # On a phone the links fold away behind "Menu": Tab reaches it, Enter opens it, and its
    # links follow it in the Tab order (issue 16, point 13).
    page.set_viewport_size({"width": 375, "height": 667})
    my_details = nav.get_by_role("link", name=t["my_details"])
    expect(my_details).to_be_hidden()
    keys.activate(nav.locator("summary"), back=True)
    expect(my_details).to_be_visible()
    keys.activate(my_details)
    expect(heading).to_have_text(t["my_details"])

    sent = session.exec(select(Message).where(Message.from_client)).one()
    assert sent.sent_at is not None and sent.subject == "Stukken koopakte"
    files = session.exec(select(Document).where(Document.category == CAT_PROVIDED)).all()
    # The message's file, and the questionnaire's.
    assert [d.filename for d in files] == ["paspoort.pdf", "paspoort.pdf"]
