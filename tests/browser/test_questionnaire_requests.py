"""Documents asked for from a questionnaire's answers, in Chromium, in Dutch and in English: a
lawyer attaches "Huwelijkse voorwaarden" (from the firm's list) to the answer "Gehuwd" and a
typed document to another answer, previews, sends; the client answers "Gehuwd", completes,
and is asked for that one document under Acties, not for the other. The builder's new pages
pass the axe audit, and work with JavaScript off."""
import re

import pytest
from helpers import labels_of_other_language
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app.models import DocumentRequest, QuestionnaireVersion, RequestItem, StandardItem
from browser.a11y import Audit
from browser.helpers import heading, labels, log_in, speaks, staff_log_in

TEXTS = labels("questionnaire_requests")
FIRM_NAMES = ("Kantoor Test",)


def arrange(session, make, t):
    """A lawyer (with the app) and a client speaking the test's language, a dossier, the
    firm's list with the marriage agreement on it, and a questionnaire of one choice
    question: (lawyer, questionnaire id)."""
    lang = t["lang"]
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    with_app(session, lawyer)
    klaas = make.user(email="klaas@example.nl", name="Klaas Klant", language=lang)
    make.dossier(clients=[klaas], lawyer=lawyer, number="2026-0142",
                 description="Testament en levenstestament")
    session.add(StandardItem(title=t["agreement"], explanation=t["agreement_help"]))
    session.commit()
    version = make.version({"steps": [{"title": t["step_title"], "questions": [
        {"id": "staat", "type": "choice", "label": t["status_question"], "required": True,
         "options": [t["single"], t["married"], t["partnership"]]}]}]},
        title=t["questionnaire"], by=lawyer)
    return lawyer, version.questionnaire_id


def attach(page, t, answer, from_list=None, title=None):
    """From the builder: ask for a document when the answer is `answer`."""
    page.get_by_role("link", name=re.compile("^" + re.escape(t["ask"]))).first.click()
    page.get_by_role("checkbox", name=answer, exact=True).check()
    if from_list:
        page.get_by_label(t["from_list"]).select_option(label=from_list)
    if title:
        page.get_by_label(t["typed_title"]).fill(title)
    page.get_by_role("button", name=t["save"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["added"])


def test_documents_follow_from_an_answer(page, browser, live_server, app, session, make, t):
    lang = t["lang"]
    foreign = labels_of_other_language(lang)
    lawyer, qid = arrange(session, make, t)
    audit = Audit(page, lang)
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/vragenlijsten/{qid}")
    expect(page.locator("#stukken")).to_contain_text(t["documents_heading"])

    # A save with nothing chosen: a clear message, nothing stored.
    page.get_by_role("link", name=re.compile("^" + re.escape(t["ask"]))).first.click()
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    audit.check("builder: ask for a document")
    audit.refused("builder: ask for a document, nothing chosen")
    expect(page.get_by_role("alert")).to_contain_text(t["nothing_chosen"])
    page.get_by_role("link", name=t["back"]).click()

    attach(page, t, t["married"], from_list=t["agreement"])
    attach(page, t, t["partnership"], title=t["partnership_agreement"])
    expect(page.locator("li#vraag-staat")).to_contain_text(t["asks_for"])
    expect(page.locator("#stuk-1")).to_contain_text(t["agreement"])
    expect(page.locator("#stuk-2")).to_contain_text(t["partnership_agreement"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    audit.check("builder with requested documents")
    audit.visit(f"/kantoor/vragenlijsten/{qid}/stukken/1", "builder: a requested document")
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    session.expire_all()
    [version] = session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == qid)).all()
    assert [(i["title"], i["show_if"]["value"]) for i in version.definition["requests"]] == [
        (t["agreement"], t["married"]), (t["partnership_agreement"], t["partnership"])]

    # The preview's summary says what these answers ask for.
    page.goto(f"/kantoor/vragenlijsten/{qid}/voorbeeld")
    page.get_by_role("radio", name=t["married"], exact=True).check()
    page.get_by_role("button", name=t["next"]).click()
    summary = page.locator("#requested-documents")
    expect(summary).to_contain_text(t["preview_asks"])
    expect(summary).to_contain_text(t["agreement"])
    expect(summary).not_to_contain_text(t["partnership_agreement"])
    audit.check("preview summary with requested documents")

    # Send it to Klaas.
    page.goto(f"/kantoor/vragenlijsten/{qid}")
    page.get_by_role("link", name=t["send"]).click()
    page.get_by_label(t["dossier"]).select_option(
        label="2026-0142 · Testament en levenstestament")
    page.get_by_role("button", name=t["continue"]).click()
    page.get_by_label(t["client"], exact=True).select_option(
        label="Klaas Klant (klaas@example.nl)")
    page.get_by_role("button", name=t["send_button"]).click()
    expect(page.get_by_role("status")).to_be_visible()

    # Klaas answers Gehuwd and completes.
    context = browser.new_context(locale="nl-NL", base_url=live_server)
    try:
        client_page = context.new_page()
        log_in(client_page, "klaas@example.nl")
        client_page.get_by_role("navigation").get_by_role(
            "link", name=re.compile(t["actions"])).click()
        row = client_page.get_by_role("row", name=re.compile(t["questionnaire"]))
        row.get_by_role("link", name=re.compile(t["fill_in"])).click()
        client_page.get_by_role("radio", name=t["married"], exact=True).check()
        client_page.get_by_role("button", name=t["next"]).click()
        expect(heading(client_page)).to_have_text(t["questionnaire"])
        client_page.get_by_role("button", name=t["complete"]).click()
        asked = client_page.locator("#requested-documents")
        expect(asked).to_contain_text(t["asked_now"])
        expect(asked).to_contain_text(t["agreement"])
        expect(asked).not_to_contain_text(t["partnership_agreement"])
        speaks(client_page, lang, foreign, within="main", ignore=FIRM_NAMES)
        client_audit = Audit(client_page, lang)
        client_audit.check("questionnaire done, documents asked for")
        client_audit.assert_clean()

        session.expire_all()
        [request] = session.exec(select(DocumentRequest)).all()
        assert (request.sent_by_id, request.deadline) == (lawyer.id, None)
        assert session.exec(select(RequestItem.title).where(
            RequestItem.request_id == request.id)).all() == [t["agreement"]]

        # Acties lists the request (issue 17's client side); it holds that one document.
        asked.get_by_role("link", name=t["to_actions"]).click()
        row = client_page.get_by_role("row", name=re.compile(t["documents_heading"]))
        expect(row).to_contain_text("2026-0142")
        row.get_by_role("link").click()
        main = client_page.locator("main")
        expect(main).to_contain_text(t["agreement"])
        expect(main).not_to_contain_text(t["partnership_agreement"])
    finally:
        context.close()
    audit.assert_clean()


@pytest.fixture
def no_js_page(browser, live_server):
    """A browser context with JavaScript off."""
    context = browser.new_context(java_script_enabled=False, locale="nl-NL",
                                  base_url=live_server)
    context.set_default_timeout(10000)
    yield context.new_page()
    context.close()


def test_the_builder_without_javascript(no_js_page, live_server, session, make, t):
    """Attach, change and remove requested documents with plain forms and page loads."""
    page = no_js_page
    lawyer, qid = arrange(session, make, t)
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/vragenlijsten/{qid}")
    attach(page, t, t["married"], from_list=t["agreement"])
    expect(page).to_have_url(re.compile(rf"/kantoor/vragenlijsten/{qid}#stuk-1$"))
    expect(page.locator("li#vraag-staat")).to_contain_text(t["asks_for"])

    # Change it: a second answer asks for it too.
    page.locator("#stuk-1").get_by_role("link").click()
    expect(page.get_by_role("checkbox", name=t["married"], exact=True)).to_be_checked()
    page.get_by_role("checkbox", name=t["partnership"], exact=True).check()
    page.get_by_role("button", name=t["save"]).click()
    expect(page.locator("#stuk-1")).to_contain_text(t["partnership"])

    page.locator("#stuk-1").get_by_role("button", name=re.compile(t["remove"])).click()
    expect(page.get_by_role("status")).to_contain_text(t["removed"])
    expect(page.locator("#stuk-1")).to_have_count(0)
    session.expire_all()
    version = session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == qid)).one()
    assert "requests" not in version.definition
