"""Ter goedkeuring with JavaScript off in Chromium, both sides, in Dutch and in English
(issue 18): the lawyer publishes a concept for approval through the plain form; the client
refuses it with comments (first none: refused by the server, nothing sent), which show in
Berichten on both sides; the lawyer publishes version 2; the client approves it with the
password and downloads the receipt, whose seal validates; the lawyer downloads the same
receipt. Each form posts a whole page. Approving alone without JavaScript:
test_approvals_client_flow.py::test_approve_without_javascript."""
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app import pdf, seal
from app.models import Approval, ApprovalDecision, Message, utcnow
from browser.helpers import heading, labels, log_in, staff_log_in

CLIENT, STAFF = labels("approvals_client"), labels("approvals_staff")
TEXTS = {lang: {**CLIENT[lang], **{f"staff_{key}": value for key, value in STAFF[lang].items()}}
         for lang in CLIENT}
NO_COMMENTS = {"nl": "Vul uw opmerkingen in", "en": "Enter your comments"}
SENT_V1 = {"nl": "Uw opmerkingen over versie 1", "en": "Your comments on version 1"}
REFUSED_V1 = {"nl": "Niet akkoord: Concept akte (versie 1)",
              "en": "Not approved: Concept akte (version 1)"}

pytestmark = pytest.mark.sealed  # the seal of the CA made at test time (conftest: ca)


def concept(app, n):
    """Version `n` of the concept deed, as the file the lawyer chooses."""
    with app.test_request_context():
        data = pdf.html_to_pdf(f"<h1>Concept akte, versie {n}</h1>")
    return {"name": f"concept-akte-v{n}.pdf", "mimeType": "application/pdf", "buffer": data}


def without_javascript(browser, live_server):
    """A new browser context with JavaScript off (downloads kept); its page."""
    context = browser.new_context(java_script_enabled=False, base_url=live_server,
                                  locale="nl-NL", accept_downloads=True)
    context.set_default_timeout(10000)
    return context, context.new_page()


def whole_page(page):
    """Expect the next action to load a whole page (a document request)."""
    return page.expect_request(lambda request: request.resource_type == "document")


def download(page, link, tmp_path, name):
    with page.expect_download() as started:
        link.click()
    path = tmp_path / name
    started.value.save_as(path)
    return path.read_bytes()


def test_publish_refuse_and_approve_without_javascript(browser, live_server, app, session, make,
                                                       t, ca, tmp_path):
    expect.set_options(timeout=5000)
    lang = t["lang"]
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    with_app(session, lawyer)
    anna = make.user(email="anna@example.nl", name="Anna de Vries", language=lang)
    anna.first_login_at = utcnow()
    dossier = make.dossier(clients=[anna], lawyer=lawyer, number="2026-0142",
                           description="Levering woning")
    office_context, office = without_javascript(browser, live_server)
    client_context, client = without_javascript(browser, live_server)
    try:
        # The lawyer publishes the concept for approval: a plain multipart form.
        staff_log_in(office, lawyer)
        office.goto(f"/kantoor/dossiers/{dossier.id}")
        with whole_page(office):
            office.get_by_role("navigation", name=t["staff_dossier_parts"]).get_by_role(
                "link", name=t["staff_for_approval"]).click()
        office.get_by_role("link", name=t["staff_publish"]).click()
        office.get_by_label(t["staff_file"], exact=True).set_input_files(concept(app, 1))
        office.get_by_label(t["staff_title"]).fill("Concept akte")
        with whole_page(office):
            office.get_by_role("button", name=t["staff_publish"]).click()
        expect(office.get_by_role("status")).to_be_visible()
        expect(office.locator("main")).to_contain_text(t["staff_waiting"])
        approval_id = session.exec(select(Approval)).one().id

        # Anna finds it under Acties and refuses it: no comments first (the server says
        # so, nothing is sent), then with comments.
        log_in(client, anna, wait=True)
        client.get_by_role("navigation").get_by_role(
            "link", name=re.compile(rf"^{t['actions']}")).click()
        client.locator("main tr", has_text="Concept akte").get_by_role(
            "link", name=re.compile(rf"^{t['open']}")).click()
        expect(heading(client)).to_have_text(t["for_approval"])
        client.get_by_role("link", name=t["refuse"]).click()
        with whole_page(client):
            client.get_by_role("button", name=t["send"]).click()
        expect(client.locator(".error-summary")).to_contain_text(NO_COMMENTS[lang])
        assert session.exec(select(Message)).all() == []
        client.get_by_label(t["comments"]).fill("Artikel 3 over de oplevering moet anders.")
        with whole_page(client):
            client.get_by_role("button", name=t["send"]).click()
        expect(client).to_have_url(re.compile(rf"/acties/goedkeuren/{approval_id}$"))
        expect(client.get_by_role("status")).to_contain_text(SENT_V1[lang])
        client.goto(f"/dossiers/{dossier.id}/berichten")
        expect(client.locator("main")).to_contain_text(REFUSED_V1[lang])
        office.goto(f"/kantoor/dossiers/{dossier.id}/berichten")
        expect(office.locator("main")).to_contain_text(REFUSED_V1[lang])

        # The lawyer publishes version 2; Anna approves it with her password.
        office.goto(f"/kantoor/goedkeuring/{approval_id}")
        office.get_by_role("link", name=t["staff_new_version"]).click()
        office.get_by_label(t["staff_version_file"]).set_input_files(concept(app, 2))
        with whole_page(office):
            office.get_by_role("button", name=t["staff_publish_version"]).click()
        expect(office.get_by_role("status")).to_contain_text(t["staff_version_published"])
        client.goto(f"/acties/goedkeuren/{approval_id}")
        expect(client.locator("main .approval-history")).to_contain_text(t["void"])
        client.get_by_role("link", name=t["approve"], exact=True).click()
        expect(client.locator("main .approval-facts")).to_contain_text("concept-akte-v2.pdf")
        client.get_by_label(t["password"]).fill("Geheim123")
        with whole_page(client):
            client.get_by_role("button", name=t["confirm"]).click()
        expect(client.locator("main")).to_contain_text(t["approved_on"])

        # The receipt: a download for both, one and the same sealed file.
        receipt = download(client, client.locator("main p").get_by_role(
            "link", name=t["receipt"]), tmp_path, "client.pdf")
        assert seal.check(receipt, [ca[1]]) == [(True, True)]
        office.reload()
        staff_copy = download(office, office.get_by_role("link", name=t["staff_receipt"]).first,
                              tmp_path, "staff.pdf")
        assert staff_copy == receipt
        decisions = session.exec(select(ApprovalDecision).order_by(ApprovalDecision.id)).all()
        assert [(d.version, d.approved, d.confirmed_with) for d in decisions] == [
            (1, False, ""), (2, True, "password")]
    finally:
        office_context.close()
        client_context.close()
