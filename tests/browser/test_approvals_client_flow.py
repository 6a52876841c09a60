"""Ter goedkeuring walked in Chromium by the client, in Dutch and in English (issue 18): the
client, with the authenticator app on, finds the concept under Acties, approves version 1
after the code; the firm publishes version 2, which the client finds with version 1 void,
and refuses with comments that then show in Berichten; the firm publishes version 3, the
client approves it and downloads the receipt, whose seal validates against the firm's trust
root. Also approving with JavaScript off, and with the keyboard only; and Bekijken, which
opens the concept in the browser itself."""
import re

import pytest
from playwright.sync_api import expect
from twostep_helpers import fresh_code, totp_code, with_app

from app import approvals, pdf, seal
from app.models import CAT_DOCUMENT, utcnow
from browser.helpers import Keyboard, heading, labels, log_in
from browser.test_preview import pdf_viewer_shows

SHOW = {"nl": "Bekijken versie 1", "en": "Show version 1"}  # Bekijken, named by the version
TEXTS = {lang: {**texts, "show_version_1": SHOW[lang]}
         for lang, texts in labels("approvals_client").items()}


pytestmark = pytest.mark.sealed  # the seal of the CA made at test time (conftest: ca)


def concept(app, make, dossier, lawyer, n):
    """Version `n` of the concept deed, as a real PDF published in Documenten."""
    with app.test_request_context():
        data = pdf.html_to_pdf(f"<h1>Concept akte, versie {n}</h1>")
    return make.document(dossier, CAT_DOCUMENT, title="Concept akte",
                         filename=f"concept-akte-v{n}.pdf", data=data, by=lawyer)


def send(app, session, make, dossier, lawyer, client):
    """The firm sends version 1 for approval (its own walk does this by hand)."""
    document = concept(app, make, dossier, lawyer, 1)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=client,
                                          sent_by=lawyer, document=document,
                                          title="Concept akte", note="Graag uw akkoord.")
        session.commit()
    return approval


def publish(app, session, make, dossier, lawyer, approval, n):
    """The firm publishes version `n`."""
    document = concept(app, make, dossier, lawyer, n)
    with app.test_request_context():
        session.expire_all()
        approvals.new_version(session, lawyer, session.merge(approval), document)
        session.commit()






def people(make, t):
    """A lawyer and a client of one dossier."""
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="anna@example.nl", name="Anna de Vries", language=t["lang"])
    client.first_login_at = utcnow()
    dossier = make.dossier(clients=[client], lawyer=lawyer, number="2026-0142",
                           description="Aankoop woning")
    return lawyer, client, dossier


def approve(page, t, code):
    """On the page of the approval: Akkoord, then the code or the password, Akkoord geven."""
    page.get_by_role("link", name=t["approve"], exact=True).click()
    expect(heading(page)).to_contain_text("Concept akte")
    page.locator("main input[name=code], main input[name=password]").fill(code)
    page.get_by_role("button", name=t["confirm"]).click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(t["approved_on"])


def test_approve_refuse_and_approve_again(page, live_server, app, session, make, t, ca,
                                          tmp_path):
    lawyer, client, dossier = people(make, t)
    with_app(session, client)
    approval = send(app, session, make, dossier, lawyer, client)

    log_in(page, client)
    expect(page).to_have_url(re.compile(r"/inloggen/verificatie/app$"))
    page.locator("input[name=code]").fill(totp_code(client.totp_secret))
    page.locator("main form button[type=submit]").first.click()
    actions = page.get_by_role("navigation").get_by_role(
        "link", name=re.compile(rf"^{t['actions']}"))
    expect(actions).to_contain_text("1")
    actions.click()
    row = page.locator("main tr", has_text="Concept akte")
    expect(row).to_contain_text(t["to_approve"])
    row.get_by_role("link", name=re.compile(rf"^{t['open']}")).click()
    expect(heading(page)).to_have_text(t["for_approval"])
    expect(page.locator("main")).to_contain_text("concept-akte-v1.pdf")

    # Version 1: approved after the code of the app; the confirm page shows what.
    page.get_by_role("link", name=t["approve"], exact=True).click()
    sha = approval.versions[0].sha256
    expect(page.locator("main .approval-facts")).to_contain_text(f"{sha[:4]} {sha[4:8]}")
    page.locator("main input[name=code]").fill(fresh_code(session, client))
    page.get_by_role("button", name=t["confirm"]).click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(t["approved_on"])

    # Version 2: version 1 is void; refused with comments, which show in Berichten.
    publish(app, session, make, dossier, lawyer, approval, 2)
    page.reload()
    expect(page.locator("main .approval-history")).to_contain_text(t["void"])
    page.get_by_role("link", name=t["refuse"]).click()
    page.get_by_label(t["comments"]).fill("Artikel 3 moet anders.")
    page.get_by_role("button", name=t["send"]).click()
    expect(page.locator(".flash-success")).to_contain_text(t["sent"])
    page.goto(f"/dossiers/{dossier.id}/berichten")
    expect(page.locator("main")).to_contain_text(t["refused_subject"])

    # Version 3: approved; its receipt is a PDF with a valid seal of the firm.
    publish(app, session, make, dossier, lawyer, approval, 3)
    page.goto(f"/acties/goedkeuren/{approval.id}")
    approve(page, t, fresh_code(session, client))
    with page.expect_download() as download:
        page.locator("main p").get_by_role("link", name=t["receipt"]).click()
    path = tmp_path / "receipt.pdf"
    download.value.save_as(path)
    assert seal.check(path.read_bytes(), [ca[1]]) == [(True, True)]


def test_the_concept_opens_in_the_browser(page, live_server, app, session, make, t):
    """Bekijken next to Download on the approval's page: Chromium shows the PDF itself, no
    download; Back returns to the page, still waiting for the decision."""
    lawyer, client, dossier = people(make, t)
    approval = send(app, session, make, dossier, lawyer, client)
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    log_in(page, client, wait=True)
    page.goto(f"/acties/goedkeuren/{approval.id}")
    document_id = approval.versions[0].document_id
    page.get_by_role("link", name=t["show_version_1"], exact=True).click()
    expect(page).to_have_url(re.compile(rf"/documenten/{document_id}/bekijken$"))
    pdf_viewer_shows(page)
    assert downloads == [], "downloaded, not shown"
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/acties/goedkeuren/{approval.id}$"))
    expect(page.get_by_role("link", name=t["approve"], exact=True)).to_be_visible()


def test_approve_without_javascript(browser, live_server, app, session, make, t):
    lawyer, client, dossier = people(make, t)
    approval = send(app, session, make, dossier, lawyer, client)
    context = browser.new_context(java_script_enabled=False, base_url=live_server,
                                  locale="nl-NL" if t["lang"] == "nl" else "en-GB")
    context.set_default_timeout(10000)
    page = context.new_page()
    try:
        log_in(page, client, wait=True)
        page.goto(f"/dossiers/{dossier.id}/documenten")
        page.get_by_role("link", name=t["waiting"]).click()
        expect(page).to_have_url(re.compile(rf"/acties/goedkeuren/{approval.id}$"))
        page.get_by_role("link", name=t["approve"], exact=True).click()
        page.get_by_label(t["password"]).fill("wrong password")
        page.get_by_role("button", name=t["confirm"]).click()
        expect(page.locator(".error-summary")).to_be_visible()
        page.get_by_label(t["password"]).fill("Geheim123")
        page.get_by_role("button", name=t["confirm"]).click()
        expect(page.locator("main")).to_contain_text(t["approved_on"])
    finally:
        context.close()


def test_approve_with_the_keyboard_only(page, live_server, app, session, make, t):
    lawyer, client, dossier = people(make, t)
    approval = send(app, session, make, dossier, lawyer, client)
    log_in(page, client, wait=True)
    page.goto(f"/acties/goedkeuren/{approval.id}")
    keys = Keyboard(page)
    keys.activate(page.get_by_role("link", name=t["approve"], exact=True))
    expect(page).to_have_url(re.compile(r"/akkoord$"))
    keys.type_into(page.get_by_label(t["password"]), "Geheim123")
    keys.activate(page.get_by_role("button", name=t["confirm"]))
    expect(page.locator("main")).to_contain_text(t["approved_on"])
    keys.tab_to(page.locator("main p").get_by_role("link", name=t["receipt"]))
