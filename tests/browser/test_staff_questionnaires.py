"""The questionnaire builder walked in Chromium, in Dutch and in English: a lawyer builds a
small questionnaire with a condition, previews it (the condition shows at once, nothing is
stored), sends it to a client for a dossier, and the client finds it under Acties."""
import re

from helpers import labels_of_other_language
from playwright.sync_api import expect
from sqlmodel import func, select
from twostep_helpers import totp_code, with_app

from app.models import QuestionnaireAnswer, QuestionnaireAssignment
from browser.helpers import heading, labels, log_in, speaks

TEXTS = labels("staff_questionnaires")


FIRM_NAMES = ("Kantoor Test",)  # the firm's name is not a label of either language


def test_staff_builds_previews_and_sends_a_questionnaire(page, browser, live_server, app,
                                                         session, make, t):
    lang = t["lang"]
    foreign = labels_of_other_language(lang)
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    secret = with_app(session, lawyer)
    klaas = make.user(email="klaas@example.nl", name="Klaas Klant")
    make.dossier(clients=[klaas], lawyer=lawyer, number="2026-0142",
                 description="Testament en levenstestament")

    log_in(page, lawyer.email, language=lang)
    expect(page).to_have_url(live_server + "/inloggen/verificatie/app")
    page.get_by_label(t["code"], exact=True).fill(totp_code(secret))
    page.get_by_role("button", name=t["log_in"], exact=True).click()
    expect(page).to_have_url(live_server + "/kantoor/")

    # A new questionnaire with one step and a question that depends on another.
    page.get_by_role("navigation").get_by_role("link", name=t["questionnaires"]).click()
    expect(heading(page)).to_have_text(t["questionnaires"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    page.get_by_label(t["title"], exact=True).fill(t["name"])
    page.get_by_role("button", name=t["create"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["created"])
    expect(heading(page)).to_have_text(t["name"])
    page.get_by_label(t["step_title"]).fill(t["step1"])
    page.get_by_role("button", name=t["add_step"]).click()
    page.get_by_role("link", name=t["add_question"]).click()
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    page.get_by_label(t["question"], exact=True).fill(t["married"])
    page.get_by_label(t["kind"]).select_option(label=t["yesno"])
    page.get_by_role("button", name=t["save_question"]).click()
    page.get_by_role("link", name=t["add_question"]).click()
    page.get_by_label(t["question"], exact=True).fill(t["partner"])
    page.get_by_label(t["show"]).select_option(label=t["only_if"].format(t["married"]))
    page.get_by_role("button", name=t["save_question"]).click()
    expect(page.locator("#problems")).to_have_text(t["ready"])
    expect(page.locator("li#vraag-" + ("naam_van_uw_partner" if lang == "nl"
                                       else "name_of_your_partner"))).to_be_visible()
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)

    # The preview: the client's own screen; the dependent question shows at once (htmx).
    page.get_by_role("link", name=t["preview"], exact=True).click()
    expect(page.locator(".step-count")).to_have_text(t["step"])
    # htmx binds the radio's change event once the page has loaded; a check before that is
    # a plain form change (shown after Volgende, as without JavaScript).
    page.wait_for_load_state("load")
    partner = page.get_by_label(t["partner"])
    expect(partner).to_be_hidden()
    page.get_by_role("radio", name=t["yes"]).check()
    expect(partner).to_be_visible()
    partner.fill("Els")
    page.get_by_role("button", name=t["next"]).click()
    expect(page.locator(".step-count")).to_have_text(t["summary"])
    expect(page.locator("#questionnaire")).to_contain_text("Els")
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    assert session.exec(select(func.count()).select_from(QuestionnaireAnswer)).one() == 0

    # Send it: choose the dossier, then the client on the dossier's page.
    page.get_by_role("link", name=t["back"]).click()
    page.get_by_role("link", name=t["send"]).click()
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    page.get_by_label(t["dossier"]).select_option(label="2026-0142 · Testament en levenstestament")
    page.get_by_role("button", name=t["continue"]).click()
    expect(heading(page)).to_have_text("2026-0142 · Testament en levenstestament")
    page.get_by_label(t["client"], exact=True).select_option(
        label="Klaas Klant (klaas@example.nl)")
    page.get_by_role("button", name=t["send_button"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["sent"])
    expect(page.locator("td.status")).to_have_text(t["not_started"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    assert session.exec(select(func.count()).select_from(QuestionnaireAssignment)).one() == 1

    # The client finds it under Acties.
    context = browser.new_context(locale="nl-NL", base_url=live_server)
    try:
        client_page = context.new_page()
        log_in(client_page, "klaas@example.nl")
        client_page.get_by_role("navigation").get_by_role("link", name=re.compile("Acties")
                                                          ).click()
        row = client_page.get_by_role("row", name=re.compile(t["name"]))
        expect(row).to_contain_text("2026-0142")
        row.get_by_role("link", name=re.compile("Invullen")).click()
        expect(client_page.get_by_role("heading", level=1)).to_have_text(t["name"])
        expect(client_page.locator(".step-count")).to_have_text("Stap 1 van 1")
    finally:
        context.close()
