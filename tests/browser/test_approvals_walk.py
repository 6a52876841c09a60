"""Ter goedkeuring from start to end, both sides by hand in Chromium, in Dutch and in
English (issue 18): the lawyer publishes a concept for approval; the client, with two-step
verification on, approves it after the second step; the lawyer publishes version 2; the
client is asked again and refuses with a comment that appears in Berichten (the lawyer's
too); the lawyer publishes version 3; the client approves it; both download the receipt and
its seal validates against the firm's trust root; the lawyer sees every version and the
evidence, and the audit log names what happened."""
import re

import pytest
from helpers import labels_of_other_language
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import fresh_code, with_app

from app import pdf, seal
from app.models import Approval, ApprovalDecision, utcnow
from browser.helpers import heading, labels, log_in, speaks, staff_log_in

CLIENT, STAFF = labels("approvals_client"), labels("approvals_staff")
TEXTS = {lang: {**CLIENT[lang], **{f"staff_{key}": value for key, value in STAFF[lang].items()}}
         for lang in CLIENT}
AUDIT = {"nl": ("Document ter goedkeuring verstuurd", "Nieuwe versie ter goedkeuring verstuurd",
                "Document goedgekeurd door de cliënt", "Document niet goedgekeurd door de cliënt"),
         "en": ("Document sent for approval", "New version sent for approval",
                "Document approved by the client", "Document not approved by the client")}
NAMES = ("Kantoor Test", "Anna de Vries", "mr. Jansen", "Levering woning", "Concept akte")


pytestmark = pytest.mark.sealed  # the seal of the CA made at test time (conftest: ca)


def concept(app, n):
    """Version `n` of the concept deed, as the file the lawyer uploads."""
    with app.test_request_context():
        data = pdf.html_to_pdf(f"<h1>Concept akte, versie {n}</h1>")
    return {"name": f"concept-akte-v{n}.pdf", "mimeType": "application/pdf", "buffer": data}






def approve(page, session, client, t):
    """On the approval's page: Akkoord, the app's code, Akkoord geven."""
    page.get_by_role("link", name=t["approve"], exact=True).click()
    expect(page.locator("main .approval-facts")).to_be_visible()
    page.locator("main input[name=code]").fill(fresh_code(session, client))
    page.get_by_role("button", name=t["confirm"]).click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(t["approved_on"])


def new_version(page, app, t, n):
    """The lawyer, on the approval's page, publishes version `n`."""
    page.get_by_role("link", name=t["staff_new_version"]).click()
    page.get_by_label(t["staff_version_file"]).set_input_files(concept(app, n))
    page.get_by_role("button", name=t["staff_publish_version"]).click()
    expect(page.get_by_role("status")).to_contain_text(f"{t['version']} {n}")


def download(page, link, tmp_path, name):
    with page.expect_download() as started:
        link.click()
    path = tmp_path / name
    started.value.save_as(path)
    return path.read_bytes()


def test_publish_approve_refuse_and_approve_again(page, browser, live_server, app, session,
                                                  make, t, ca, tmp_path):
    lang = t["lang"]
    foreign = labels_of_other_language(lang)
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    with_app(session, lawyer)
    anna = make.user(email="anna@example.nl", name="Anna de Vries", language=lang)
    anna.first_login_at = utcnow()
    with_app(session, anna)
    dossier = make.dossier(clients=[anna], lawyer=lawyer, number="2026-0142",
                           description="Levering woning")

    # The lawyer publishes the concept for approval.
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}")
    page.get_by_role("navigation", name=t["staff_dossier_parts"]).get_by_role(
        "link", name=t["staff_for_approval"]).click()
    page.get_by_role("link", name=t["staff_publish"]).click()
    page.get_by_label(t["staff_file"], exact=True).set_input_files(concept(app, 1))
    page.get_by_label(t["staff_title"]).fill("Concept akte")
    page.get_by_role("button", name=t["staff_publish"]).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("main")).to_contain_text(t["staff_waiting"])
    approval_id = session.exec(select(Approval)).one().id

    # Anna logs in with her second step, finds it under Acties and approves it.
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10000)
    client = context.new_page()
    log_in(client, anna)
    expect(client).to_have_url(re.compile(r"/inloggen/verificatie/app$"))
    client.locator("input[name=code]").fill(fresh_code(session, anna))
    client.locator("main form button[type=submit]").first.click()
    client.get_by_role("navigation").get_by_role(
        "link", name=re.compile(rf"^{t['actions']}")).click()
    row = client.locator("main tr", has_text="Concept akte")
    expect(row).to_contain_text(t["to_approve"])
    expect(row).to_contain_text("2026-0142")
    row.get_by_role("link", name=re.compile(rf"^{t['open']}")).click()
    expect(heading(client)).to_have_text(t["for_approval"])
    speaks(client, lang, foreign, ignore=NAMES + ("concept-akte-v1.pdf",))
    approve(client, session, anna, t)

    # The lawyer sees the approval and publishes version 2: Anna is asked again.
    page.reload()
    expect(page.locator("main")).to_contain_text(t["staff_approved_by"])
    new_version(page, app, t, 2)
    client.goto(f"/acties/goedkeuren/{approval_id}")
    expect(client.locator("main .approval-history")).to_contain_text(t["void"])
    client.get_by_role("link", name=t["refuse"]).click()
    client.get_by_label(t["comments"]).fill("Artikel 3 over de oplevering moet anders.")
    client.get_by_role("button", name=t["send"]).click()
    expect(client.locator(".flash-success")).to_contain_text(t["sent"])
    client.goto(f"/dossiers/{dossier.id}/berichten")
    expect(client.locator("main")).to_contain_text(t["refused_subject"])
    page.goto(f"/kantoor/dossiers/{dossier.id}/berichten")
    expect(page.locator("main")).to_contain_text(t["refused_subject"])

    # Version 3, approved; both download the receipt, sealed by the firm.
    page.goto(f"/kantoor/goedkeuring/{approval_id}")
    new_version(page, app, t, 3)
    client.goto(f"/acties/goedkeuren/{approval_id}")
    approve(client, session, anna, t)
    receipt = download(client, client.locator("main p").get_by_role("link", name=t["receipt"]),
                       tmp_path, "client.pdf")
    assert seal.check(receipt, [ca[1]]) == [(True, True)]
    page.reload()
    speaks(page, lang, foreign, within="main", ignore=NAMES)
    staff_copy = download(page, page.get_by_role("link", name=t["staff_receipt"]).first,
                          tmp_path, "staff.pdf")
    assert staff_copy == receipt
    decisions = session.exec(select(ApprovalDecision).order_by(ApprovalDecision.id)).all()
    assert [(d.version, d.approved, d.confirmed_with) for d in decisions] == [
        (1, True, "app"), (2, False, ""), (3, True, "app")]
    page.goto("/kantoor/auditlog")
    for action in AUDIT[lang]:
        expect(page.locator("main")).to_contain_text(action)
    context.close()
