"""The staff side walked in Chromium, in Dutch and in English: a lawyer logs in with the
authenticator app, creates a company client and a dossier for it with two progress steps
(htmx swaps the list), publishes two files by drag and drop and sends a questionnaire; the
client accepts the invitation from the real mails and sees it all: the dossier with its
progress, both documents and the questionnaire under Acties."""
import re

from helpers import labels_of_other_language, link_in
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import totp_code, with_app

from app.models import Questionnaire, QuestionnaireVersion, User
from browser.helpers import OWN_NAMES, drop_files, heading, labels, log_in, speaks

TEXTS = labels("staff_clients")


# Language names are written in their own language on purpose.
FIRM_NAMES = ("Kantoor Test",)  # not labels of either language


def a_questionnaire(session, lawyer):
    """A questionnaire ready to send, as the builder (tested on its own) leaves it."""
    questionnaire = Questionnaire(title="Intake overname", created_by_id=lawyer.id)
    session.add(questionnaire)
    session.flush()
    session.add(QuestionnaireVersion(
        questionnaire_id=questionnaire.id, version=1, title="Intake overname",
        definition={"steps": [{"title": "Gegevens", "questions": [
            {"id": "kvk", "type": "text", "label": "KvK-nummer", "required": True}]}]}))
    session.commit()
    return questionnaire


def test_staff_creates_a_company_client_and_dossier(page, live_server, app, session, make,
                                                    mailbox, t):
    lang = t["lang"]
    foreign = [p for p in labels_of_other_language(lang) if p not in OWN_NAMES]
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    secret = with_app(session, lawyer)
    questionnaire = a_questionnaire(session, lawyer)

    # Log in: password, then the code of the authenticator app; the staff side opens.
    log_in(page, lawyer, language=lang)
    expect(page).to_have_url(live_server + "/inloggen/verificatie/app")
    page.get_by_label(t["code"], exact=True).fill(totp_code(secret))
    page.get_by_role("button", name=t["log_in"], exact=True).click()
    expect(page).to_have_url(live_server + "/kantoor/")
    expect(heading(page)).to_have_text(t["staff_side"])
    speaks(page, lang, foreign, ignore=FIRM_NAMES)

    # A company client: mail 1 goes to its main account.
    page.get_by_role("navigation").get_by_role("link", name=t["clients"]).click()
    expect(heading(page)).to_have_text(t["clients"])
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    page.get_by_role("link", name=t["new_company"]).click()
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    page.get_by_label(t["company_name"]).fill("Bakkerij De Wit B.V.")
    page.get_by_label(t["main_name"]).fill("Anna de Wit")
    page.get_by_label(t["email"]).fill("anna@dewit.nl")
    page.locator(f'input[name="language"][value="{lang}"]').check()
    page.get_by_role("button", name=t["create"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["created"])
    expect(heading(page)).to_have_text("Anna de Wit")
    speaks(page, lang, foreign, ignore=FIRM_NAMES)

    # A dossier for the company, started from the client's page.
    page.get_by_role("link", name=t["new_dossier_for"]).click()
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    page.get_by_label(t["number"]).fill("2026-0042")
    page.get_by_label(t["description"]).fill("Overname winkelpand")
    expect(page.get_by_label(t["lawyer"])).to_have_value(str(lawyer.id))
    page.get_by_role("button", name=t["save"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["dossier_created"])
    expect(heading(page)).to_have_text("2026-0042 · Overname winkelpand")
    expect(page.locator("#clients")).to_contain_text(t["shared"])
    speaks(page, lang, foreign, ignore=FIRM_NAMES)

    # Two progress steps, added and reordered by htmx without reloading the page.
    page.evaluate("window.notReloaded = true")
    steps = page.locator("#steps")
    for title in ("Conceptakte opstellen", "Notariële overdracht"):
        steps.get_by_label(t["title_nl"]).fill(title)
        steps.get_by_role("button", name=t["add_step"]).click()
        expect(steps.locator("ol > li").last).to_contain_text(title)
    expect(steps.get_by_role("heading", level=2)).to_have_text(f"{t['progress']} (0/2)")
    steps.get_by_role("button", name=f"{t['up']} Notariële overdracht").click()
    expect(steps.locator("ol > li").first).to_contain_text("Notariële overdracht")
    steps.get_by_role("button", name=f"{t['up']} Conceptakte opstellen").click()
    expect(steps.locator("ol > li").first).to_contain_text("Conceptakte opstellen")
    assert page.evaluate("window.notReloaded") is True
    page.reload()
    expect(page.locator("#steps ol > li")).to_have_count(2)
    speaks(page, lang, foreign, ignore=FIRM_NAMES)

    # Two files published at once by drag and drop under Documenten.
    nav = page.locator("main nav.section-nav")
    nav.get_by_role("link", name=t["documents"], exact=True).click()
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    page.get_by_role("radio", name=t["documents"]).check()
    drop_files(page, ["Conceptakte.pdf", "Volmacht.pdf"])
    expect(page.locator("[data-upload-zone] [data-selection] li")).to_have_count(2)
    page.get_by_role("button", name=t["publish"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(t["published"])

    # A questionnaire sent to the company's main account.
    nav.get_by_role("link", name=t["questionnaires"], exact=True).click()
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    anna = session.exec(select(User).where(User.email == "anna@dewit.nl")).one()
    page.get_by_label(t["questionnaire"], exact=True).select_option(str(questionnaire.id))
    page.get_by_label(t["client"], exact=True).select_option(str(anna.id))
    page.get_by_role("button", name=t["send_q"]).click()
    expect(page.locator("td.status")).to_have_text(t["not_started"])
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    page.get_by_role("button", name=t["log_out"]).click()

    # The client accepts the invitation from the real mails ...
    [mail1] = mailbox.deliver(app)
    assert (mail1["To"], mail1["Subject"]) == ("anna@dewit.nl", t["mail1"])
    page.goto(link_in(mail1, "/welkom/", live_server))
    page.get_by_label(t["email"]).fill("anna@dewit.nl")
    page.get_by_role("button", name=t["send"]).click()
    [mail2] = mailbox.deliver(app)
    page.goto(link_in(mail2, "/wachtwoord/", live_server))
    page.get_by_label(t["password"], exact=True).fill(t["new_password"])
    page.get_by_label(t["repeat"]).fill(t["new_password"])
    page.get_by_role("button", name=t["set_password"]).click()
    expect(page).to_have_url(live_server + "/mijn-gegevens")

    # ... and, with one dossier, goes straight into it and sees its progress.
    page.goto("/dossiers")
    expect(heading(page)).to_have_text("Overname winkelpand")
    summary = page.locator("details.progress summary")
    expect(summary).to_have_text(f"{t['progress']} (0/2)")
    summary.click()
    expect(page.locator("details.progress li")).to_have_count(2)
    expect(page.locator("details.progress li").first).to_contain_text("Conceptakte opstellen")

    # The two published documents, and the questionnaire under Acties (its count on every page).
    tab = page.get_by_role("link", name=re.compile("^" + t["documents"]))
    expect(tab).to_contain_text("(2)")
    tab.click()
    table = page.locator("table.documents")
    expect(table).to_contain_text("Conceptakte")
    expect(table).to_contain_text("Volmacht")
    actions = page.get_by_role("navigation").get_by_role("link", name=re.compile(t["actions"]))
    expect(actions.locator(".badge")).to_have_text("1")
    actions.click()
    row = page.get_by_role("row", name=re.compile("Intake overname"))
    expect(row).to_contain_text("2026-0042")
    expect(row.get_by_role("link", name=re.compile(t["fill_in"]))).to_be_visible()
