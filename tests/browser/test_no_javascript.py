"""The client's core flow in Chromium with JavaScript off, in one browser context:
invitation → set password → the dossier → tabs as links (whole pages) → a download → a
message of more than 4,000 characters refused by the server (the text kept, no counter on
the page) → the message with a file through the plain file input → a questionnaire whose
steps are page loads → the summary. A second walk, in Dutch and in English, takes the
states of issue 14: the password before the authenticator app and new backup codes, SMS
set-up refusing a number of a country outside the list and a number with an extension, and
an extra account of a company listed as invited, then deleted.

Pieces that other walks already cover in full are not repeated here: the search form,
status checkboxes and page links (test_portal_flow.py::test_portal_without_javascript),
a missing Onderwerp (test_messages_flow.py::test_new_message_without_javascript) and every
kind of question, Vorige and resuming on another device
(test_questionnaire_flow.py::test_questionnaire_without_javascript)."""
import re

import pyotp
import pytest
from helpers import PASSWORD, labels_of_other_language, link_in
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import APP_SETUP, last_sms_code, sms_sent, totp_code, with_app

from app import approvals
from app.models import (
    CAT_DOCUMENT,
    CAT_PROVIDED,
    AccountInvitation,
    Document,
    LoginSession,
    Message,
    Passkey,
    RecoveryCode,
    User,
)
from browser.helpers import OWN_NAMES, labels, log_in, speaks, staff_log_in


@pytest.fixture
def page(browser, live_server):
    """A Dutch browser context with JavaScript off."""
    yield from _without_javascript(browser, live_server)


@pytest.fixture
def localhost_page(browser, localhost):
    """The same at localhost, where passkeys work (issue 20)."""
    yield from _without_javascript(browser, localhost)


def _without_javascript(browser, base_url):
    expect.set_options(timeout=5000)
    context = browser.new_context(java_script_enabled=False, locale="nl-NL",
                                  base_url=base_url, accept_downloads=True)
    context.set_default_timeout(10000)
    yield context.new_page()
    context.close()


def loads_a_page(page):
    """Expect the next action to load a whole page (a document request), not a fragment."""
    return page.expect_request(lambda request: request.resource_type == "document")


def test_core_flow_without_javascript(page, live_server, app, session, mailbox, invited_client):
    dossier, assignment = invited_client
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

    # The dossier; its tabs are links to whole pages. With one dossier the way back is Home:
    # "Dossiers" would lead straight back in (issue 16, point 9).
    page.goto("/dossiers")
    expect(heading).to_have_text("Aankoop woning")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link", name="Dossiers", exact=True)).to_have_count(0)
    expect(page.locator("p.back").get_by_role("link")).to_have_text("Home")
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

    # On a phone the links fold away behind "Menu": a <details>, which opens without
    # JavaScript; Acties and its count stay beside it (issue 16, point 13).
    page.set_viewport_size({"width": 375, "height": 667})
    expect(menu.get_by_role("link", name=re.compile(r"^Acties"))).to_be_visible()
    expect(menu.get_by_role("link", name="Mijn gegevens")).to_be_hidden()
    menu.get_by_text("Menu", exact=True).click()
    with loads_a_page(page):
        menu.get_by_role("link", name="Mijn gegevens").click()
    expect(heading).to_have_text("Mijn gegevens")
    page.set_viewport_size({"width": 1280, "height": 720})

    sent = session.exec(select(Message).where(Message.from_client)).one()
    assert sent.sent_at is not None and sent.body == "Hierbij mijn paspoort."
    files = session.exec(select(Document).where(Document.category == CAT_PROVIDED)).all()
    assert [d.filename for d in files] == ["paspoort.pdf", "paspoort.pdf"]


# ---- The states that issue 14 added, walked with JavaScript off, in Dutch and in English:
# the password before the authenticator app and before new backup codes, the SMS set-up
# refusing a number of another country and a number with an extension, and an extra account
# listed as invited, then deleted. The English walk must show no Dutch (and the Dutch walk
# no English) on any of these pages.

HARDENING_TEXTS = {
    lang: {**texts, "two_step": labels("twostep_flow")[lang],
           "accounts": labels("company_accounts")[lang]}
    for lang, texts in labels("no_javascript").items()}


@pytest.fixture(params=["nl", "en"])
def texts(request):
    return HARDENING_TEXTS[request.param]


def speaks_only(page, texts):
    """The page is all in its language: none of the other language's catalogue phrases (as
    test_staff_settings checks) and none of the words this walk knows to be on these pages."""
    lang = texts["two_step"]["lang"]
    # "Extra accounts" is Dutch for "Additional accounts", but good English as well (the
    # English page says "Extra accounts of <company> see ...").
    speaks(page, lang, [p for p in labels_of_other_language(lang)
                        if p != "Extra accounts" and p not in OWN_NAMES],
           ignore=("Kantoor Test", "Advocaten De Vries"))
    shown = page.locator("body").inner_text()
    mixed = [w for w in texts["foreign_words"]
             if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", shown, re.IGNORECASE)]
    assert mixed == [], f"{page.url} in {lang} shows {mixed}"


def test_password_first_and_sms_countries_without_javascript(page, live_server, app, session,
                                                              make, texts):
    t, tt = texts, texts["two_step"]
    user = make.user(email="jan@example.nl", language=tt["lang"])
    heading = page.get_by_role("heading", level=1)
    alert = page.get_by_role("alert")
    password = page.get_by_label(tt["password"])

    log_in(page, "jan@example.nl")
    expect(page).to_have_url(live_server + "/mijn-gegevens")
    with loads_a_page(page):
        page.get_by_role("link", name=tt["set_up"]).click()
    expect(heading).to_have_text(tt["two_step"])

    # The authenticator app: the password page comes first and shows no QR code or key.
    page.get_by_role("link", name=tt["set_up_app"]).click()
    expect(page).to_have_url(live_server + APP_SETUP)
    expect(heading).to_have_text(tt["set_up_app"])
    expect(page.locator("main")).to_contain_text(t["app_intro"])
    expect(page.locator("svg.qr, #totp-secret")).to_have_count(0)
    speaks_only(page, t)
    # Nothing, then a wrong password: an error, the field empty, no secret made or kept.
    page.get_by_role("button", name=tt["continue"]).click()
    expect(alert).to_contain_text(t["enter_password"])
    password.fill("Fout12345")
    with loads_a_page(page):
        page.get_by_role("button", name=tt["continue"]).click()
    expect(alert).to_contain_text(t["wrong_password"])
    expect(password).to_have_value("")
    expect(page.locator("svg.qr, #totp-secret")).to_have_count(0)
    speaks_only(page, t)
    assert [s.totp_pending_secret for s in session.exec(select(LoginSession))] == [None]
    page.goto(APP_SETUP)  # the address again: still the password first
    expect(page.locator("svg.qr, #totp-secret")).to_have_count(0)

    # The right password: the QR code and the key; a code from it turns the app on.
    password.fill(PASSWORD)
    page.get_by_role("button", name=tt["continue"]).click()
    expect(page).to_have_url(live_server + APP_SETUP)
    expect(page.locator("svg.qr")).to_be_visible()
    speaks_only(page, t)
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label(tt["code"], exact=True).fill(totp.now())
    page.get_by_role("button", name=tt["confirm"], exact=True).click()
    session.refresh(user)
    assert user.totp_enabled

    # A first set-up ends on the backup codes (issue 16, point 3); Print is a page to print.
    expect(page.locator("main")).to_contain_text(tt["app_done"])
    expect(heading).to_have_text(tt["backup_heading"])
    first_codes = page.locator("#backup-codes code").all_inner_texts()
    assert len(first_codes) == 10
    speaks_only(page, t)
    with loads_a_page(page):
        page.get_by_role("button", name=tt["print"]).click()
    expect(heading).to_have_text(tt["backup_heading"])
    expect(page.locator("#backup-codes code")).to_have_text(first_codes)
    expect(page.locator("main")).to_contain_text(t["print_hint"])
    speaks_only(page, t)
    page.get_by_role("link", name=tt["saved_backup"]).click()
    expect(heading).to_have_text(tt["two_step"])
    first_set = {c.code_hash for c in session.exec(select(RecoveryCode))}
    assert len(first_set) == 10

    # New backup codes: the password first, a wrong one makes none.
    page.get_by_role("link", name=tt["make_backup"]).click()
    expect(heading).to_have_text(tt["make_backup"])
    expect(page.locator("main")).to_contain_text(t["backup_intro"])
    expect(page.locator("#backup-codes")).to_have_count(0)
    speaks_only(page, t)
    password.fill("Fout12345")
    page.get_by_role("button", name=tt["make_backup"]).click()
    expect(alert).to_contain_text(t["wrong_password"])
    expect(page.locator("#backup-codes")).to_have_count(0)
    session.expire_all()
    assert {c.code_hash for c in session.exec(select(RecoveryCode))} == first_set
    password.fill(PASSWORD)
    page.get_by_role("button", name=tt["make_backup"]).click()
    expect(heading).to_have_text(tt["backup_heading"])
    expect(page.locator("#backup-codes code")).to_have_count(10)
    page.get_by_role("link", name=tt["saved_backup"]).click()

    # SMS: a number of a country outside the list, then one with an extension, are refused
    # with what was typed kept; no SMS goes out. The password is asked for every time.
    page.get_by_role("link", name=tt["set_up_sms"]).click()
    expect(heading).to_have_text(t["sms_heading"])
    mobile = page.get_by_label(tt["mobile"])
    speaks_only(page, t)
    for typed, problem in (("+1 202 555 0143", t["us_refused"]),
                           ("06 12345678 ext 12", t["extension"])):
        mobile.fill(typed)
        password.fill(PASSWORD)
        with loads_a_page(page):
            page.get_by_role("button", name=tt["send_code"]).click()
        expect(alert).to_contain_text(problem)
        expect(mobile).to_have_value(typed)
        expect(password).to_have_value("")
        expect(mobile).to_have_attribute("aria-invalid", "true")
        speaks_only(page, t)
    assert sms_sent(app) == []

    # A Dutch mobile number without the password: refused too; with it, the code goes out.
    mobile.fill("06 12345678")
    page.get_by_role("button", name=tt["send_code"]).click()
    expect(alert).to_contain_text(t["enter_password"])
    expect(mobile).to_have_value("06 12345678")
    assert sms_sent(app) == []
    password.fill(PASSWORD)
    page.get_by_role("button", name=tt["send_code"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["sent_to"])
    page.get_by_label(tt["code"], exact=True).fill(last_sms_code(app))
    page.get_by_role("button", name=tt["confirm"], exact=True).click()
    expect(heading).to_have_text(tt["recovery"])
    session.refresh(user)
    assert (user.sms_enabled, user.sms_phone) == (True, "+31612345678")
    assert [to for to, _text in sms_sent(app)] == ["+31612345678"]


def test_extra_account_invited_and_deleted_without_javascript(page, live_server, app, session,
                                                               make, mailbox, texts):
    t, at = texts, texts["accounts"]
    lang = texts["two_step"]["lang"]
    company = make.company("Bakkerij De Wit B.V.")
    make.user(email="anna@dewit.nl", name="Anna de Wit", company=company, company_main=True,
              language=lang)
    heading = page.get_by_role("heading", level=1)

    log_in(page, "anna@dewit.nl")
    expect(page).to_have_url(live_server + "/mijn-gegevens")
    with loads_a_page(page):
        page.get_by_role("link", name=at["extra"], exact=True).click()
    expect(heading).to_have_text(at["extra"])
    expect(page.locator("main")).to_contain_text(t["none_yet"])
    expect(page.get_by_role("heading", level=2)).to_have_text(t["add_heading"])
    speaks_only(page, t)

    # Added: listed as invited (not yet active), and mail 1 goes out.
    page.get_by_label(at["name"], exact=True).fill("Piet de Wit")
    page.get_by_label(at["email"]).fill("piet@dewit.nl")
    with loads_a_page(page):
        page.get_by_role("button", name=at["add"]).click()
    expect(page).to_have_url(live_server + "/mijn-gegevens/accounts")
    expect(page.get_by_role("status")).to_contain_text(at["added"])
    row = page.get_by_role("row").filter(has_text="piet@dewit.nl")
    expect(row.get_by_role("cell")).to_have_text(["Piet de Wit", "piet@dewit.nl", t["invited"],
                                                  re.compile(at["view"])])
    speaks_only(page, t)
    [mail1] = mailbox.deliver(app)
    assert mail1["To"] == "piet@dewit.nl"
    piet = session.exec(select(User).where(User.email == "piet@dewit.nl")).one()
    assert piet.active and piet.first_login_at is None

    # Deleted from the list, after a confirmation page.
    with loads_a_page(page):
        row.get_by_role("link", name=f"{at['delete']} Piet de Wit").click()
    expect(heading).to_have_text(at["confirm"])
    speaks_only(page, t)
    page.get_by_role("button", name=at["delete_account"]).click()
    expect(page).to_have_url(live_server + "/mijn-gegevens/accounts")
    expect(page.get_by_role("status")).to_contain_text(at["deleted"])
    expect(page.get_by_role("row").filter(has_text="piet@dewit.nl")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(t["none_yet"])
    session.refresh(piet)
    assert not piet.active
    assert session.exec(select(AccountInvitation)).all() == []


# ---- The firm's identity (issue 16, point 14) with JavaScript off: the admin's settings form
# refuses a bad phone number with everything typed kept, then saves; the login page then
# welcomes with the firm's text and says how to reach it.

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_firm_contact_details_without_javascript(page, live_server, session, make, lang):
    t = labels("staff_settings")[lang]
    admin = make.staff(role="admin", email="beheer@kantoor.test", name="Anne Beheer",
                       language=lang)
    with_app(session, admin)
    staff_log_in(page, admin)
    with loads_a_page(page):
        page.goto("/kantoor/instellingen")
    phone, address = page.get_by_label(t["phone"], exact=True), page.get_by_label(
        t["postal_address"])
    phone.fill("12345")
    address.fill("Herengracht 1\n1015 BA Amsterdam")
    page.get_by_label(t["welcome_text"]).fill("Welkom bij Mulder & Partners.")
    with loads_a_page(page):
        page.get_by_role("button", name=t["save"]).click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(address).to_have_value("Herengracht 1\n1015 BA Amsterdam")
    phone.fill("020 123 4567")
    page.get_by_role("button", name=t["save"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["saved"])

    page.get_by_role("button", name=t["log_out"]).click()
    expect(page).to_have_url(live_server + "/inloggen")
    expect(page.locator(".welcome-text")).to_have_text("Welkom bij Mulder & Partners.")
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("Herengracht 1")
    expect(footer.get_by_role("link", name="+31 20 123 4567")).to_have_attribute(
        "href", "tel:+31201234567")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_documents_to_provide_without_javascript(page, live_server, app, session, make, lang):
    """Aan te leveren stukken (issue 17): Acties → the request's page → a file through the
    plain file input of one item (the page comes back saying so), a refused one (nothing
    kept), and the file under Door mij aangeleverd with its item."""
    t = labels("requests_client_flow")[lang]
    client = make.user(email="klant@example.nl", language=lang)
    dossier = make.dossier(clients=[client], number="2026-0142", description="Aankoop woning")
    request = make.document_request(dossier, client, items=["Koopakte", "Loonstrook"])
    log_in(page, client)
    with loads_a_page(page):
        page.get_by_role("navigation").get_by_role(
            "link", name=re.compile(rf"^{t['actions']}")).click()
    with loads_a_page(page):
        page.get_by_role("link", name=re.compile(rf"^{t['provide']}")).click()
    # The drop zones with their Bladeren are there, hidden: the plain file inputs serve.
    expect(page.locator("[data-browse]")).to_have_count(2)
    expect(page.locator("[data-browse]").first).to_be_hidden()
    page.get_by_label(t["choose"].format("Koopakte")).set_input_files([{
        "name": "koopakte.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 akte"}])
    with loads_a_page(page):
        page.locator(f"#item-{request.items[0].id}").get_by_role(
            "button", name=t["upload"]).click()
    expect(page).to_have_url(f"{live_server}/acties/stukken/{request.id}")
    expect(page.locator(".flashes")).to_contain_text(t["one_provided"].format("Koopakte"))
    expect(page.locator(f"#item-{request.items[0].id}")).to_contain_text(t["handed_in"])
    expect(page.locator("#request-status")).to_contain_text("1")
    # An empty file is refused, and nothing of it kept.
    page.get_by_label(t["choose"].format("Loonstrook")).set_input_files([{
        "name": "leeg.pdf", "mimeType": "application/pdf", "buffer": b""}])
    page.locator(f"#item-{request.items[1].id}").get_by_role("button", name=t["upload"]).click()
    expect(page.locator(".flash-error").first).to_contain_text("Loonstrook")
    expect(page.locator(f"#item-{request.items[1].id}")).to_contain_text(t["to_provide"])
    assert [d.filename for d in session.exec(select(Document)).all()] == ["koopakte.pdf"]
    page.goto(f"/dossiers/{dossier.id}/aangeleverd")
    expect(page.locator("main tr", has_text="koopakte.pdf")).to_contain_text(
        f"{t['provided_for']}: Koopakte")


# Instellingen → API-sleutels and Webhooks (issue 19) with JavaScript off: a key made, shown
# once and revoked; a webhook added, a delivery given up on sent again. Whole pages each time.

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_api_keys_and_webhooks_without_javascript(page, session, make, lang):
    from app.models import ApiKey, WebhookDelivery, WebhookEndpoint, utcnow
    t = labels("api_keys")[lang]
    admin = make.staff(role="admin", email="beheer@kantoor.test", name="Anne Beheer",
                       language=lang)
    with_app(session, admin)
    staff_log_in(page, admin)
    with loads_a_page(page):
        page.goto("/kantoor/instellingen/api-sleutels/nieuw")
    page.get_by_label(t["key_name"], exact=True).fill("Dossiersysteem")
    with loads_a_page(page):
        page.get_by_role("button", name=t["make_key"]).click()
    expect(page.locator("#error-summary")).to_contain_text(t["no_scope"])
    expect(page.get_by_label(t["key_name"], exact=True)).to_have_value("Dossiersysteem")
    page.get_by_label(t["scope"]).check()
    with loads_a_page(page):
        page.get_by_role("button", name=t["make_key"]).click()
    raw = page.locator("#api-key").input_value()
    assert raw.startswith("klp_")
    with loads_a_page(page):
        page.get_by_role("link", name=t["copied"]).click()
    assert raw not in page.content()
    row = page.get_by_role("row").filter(has_text="Dossiersysteem")
    with loads_a_page(page):
        row.get_by_role("link", name=t["revoke"]).click()
    with loads_a_page(page):
        page.get_by_role("button", name=t["revoke_key"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["revoked_flash"])
    assert session.exec(select(ApiKey)).one().revoked_at is not None

    with loads_a_page(page):
        page.goto("/kantoor/instellingen/webhooks/nieuw")
    page.get_by_label(t["address"]).fill("http://127.0.0.1:9/portaal")
    page.get_by_label(t["event"]).check()
    page.get_by_label(t["allow_private"]).check()
    with loads_a_page(page):
        page.get_by_role("button", name=t["add_webhook"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["added"])
    endpoint = session.exec(select(WebhookEndpoint)).one()
    session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id="evt_nojs",
                                event_type="message.received", payload="{}", attempts=8,
                                failed_at=utcnow(), last_error="ConnectionRefusedError"))
    session.commit()
    with loads_a_page(page):
        page.reload()
    delivery = page.get_by_role("row").filter(has_text="evt_nojs")
    expect(delivery).to_contain_text(t["failed"])
    with loads_a_page(page):
        delivery.get_by_role("button", name=t["send_again"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["sent_again"])
    session.expire_all()
    assert session.exec(select(WebhookDelivery)).one().failed_at is None


# Passkeys (issue 20) need JavaScript: without it the pages say so and every other way keeps
# working: the password with the app's code (the passkey, offered first, cannot be used),
# and removing a passkey with the password.

@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.sealed  # the receipt of the approval below
def test_passkeys_without_javascript(localhost_page, localhost, app, session, make, lang):
    t, page = labels("passkeys")[lang], localhost_page
    said = page.locator("main noscript > p")  # Playwright's text matching skips <noscript>
    foreign = [p for p in labels_of_other_language(lang) if p not in OWN_NAMES and p != "Log in"]
    user = make.user(email="jan@example.nl", language=lang)
    with_app(session, user)
    session.add(Passkey(user_id=user.id, credential_id="bm90LWEta2V5", public_key=b"-",
                        name="Laptop"))
    user.passkey_enabled = True
    session.commit()
    page.context.add_cookies([{"name": "lang", "value": lang, "url": localhost}])

    page.goto("/inloggen")
    expect(said).to_contain_text(t["needs_js"])
    expect(page.get_by_role("button", name=t["log_in_passkey"])).to_be_hidden()
    speaks(page, lang, foreign)
    log_in(page, user)
    expect(page).to_have_url(localhost + "/inloggen/verificatie/passkey")
    expect(said).to_contain_text(t["needs_js"])
    expect(page.get_by_role("button", name=t["use"])).to_be_hidden()
    speaks(page, lang, foreign)
    with loads_a_page(page):
        page.get_by_role("link", name=t["use_app"]).click()
    page.locator('input[name="code"]').fill(totp_code(user.totp_secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(localhost + "/mijn-gegevens")  # the first login

    # Mijn gegevens → Passkeys: adding one says it needs JavaScript, at both steps.
    page.goto("/mijn-gegevens/2-staps-verificatie/passkeys")
    expect(said).to_contain_text(t["adding_needs_js"])
    speaks(page, lang, foreign)
    page.get_by_label(t["passkey_name"]).fill("iPad")
    page.get_by_label(t["password"]).fill(PASSWORD)
    with loads_a_page(page):
        page.get_by_role("button", name=t["continue"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["add"])
    expect(said).to_contain_text(t["needs_js"])
    expect(page.get_by_role("button", name=t["make"])).to_be_hidden()
    speaks(page, lang, foreign)

    # Ter goedkeuring: Akkoord by passkey says it needs JavaScript; the app's code approves.
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen")
    dossier = make.dossier(clients=[user], lawyer=lawyer)
    document = make.document(dossier, CAT_DOCUMENT, title="Concept akte",
                             filename="concept-akte.pdf", data=b"%PDF-1.4 concept", by=lawyer)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=user,
                                          sent_by=lawyer, document=document,
                                          title="Concept akte")
        session.commit()
    page.goto(f"/acties/goedkeuren/{approval.id}/akkoord")
    expect(said).to_contain_text(t["needs_js"])
    expect(page.get_by_role("button", name=t["approve_passkey"])).to_be_hidden()
    speaks(page, lang, foreign)
    with loads_a_page(page):
        page.get_by_role("link", name=t["use_app"]).click()
    page.locator('input[name="code"]').fill(totp_code(user.totp_secret, 1))
    with loads_a_page(page):
        page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("status")).to_contain_text(t["approved"])

    # Removed with the password.
    page.goto("/mijn-gegevens/2-staps-verificatie/passkeys")
    with loads_a_page(page):
        page.get_by_role("link", name=f"{t['remove']} Laptop").click()
    expect(said).to_contain_text(t["needs_js"])
    speaks(page, lang, foreign)
    page.get_by_label(t["password"]).fill(PASSWORD)
    with loads_a_page(page):
        page.get_by_role("button", name=t["remove_passkey"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(t["removed"])
    expect(page.locator("main")).to_contain_text(t["none_yet"])
    assert session.exec(select(Passkey)).all() == []
