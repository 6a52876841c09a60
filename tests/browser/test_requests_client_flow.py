"""Aan te leveren stukken walked in Chromium by the client, in Dutch and in English (issue
17): Acties shows the request with its progress and deadline; two items are uploaded with
JavaScript (one dropped on its zone, one through Bladeren), each saved at once and swapped
in without a page load; the third on a second device with JavaScript off, through the plain
file input; the firm rejects one with a reason, which the client reads and answers with a
new file; once everything is approved the request leaves Acties, and its page still opens,
to read, from Door mij aangeleverd."""
import re
from datetime import timedelta

import pytest
from helpers import labels_of_other_language
from playwright.sync_api import expect

from app import doc_requests
from app.dates import local
from app.models import RequestItem, utcnow
from browser.helpers import drop_files, labels, log_in, speaks

TEXTS = labels("requests_client_flow")
REASON = "Dit is de achterkant; wij hebben ook de voorkant nodig."


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4 " + name.encode()}


def decide(app, session, lawyer, item, approve, reason=None):
    """The firm approves or rejects `item` (the staff side's own walk does it by hand)."""
    with app.app_context():
        session.expire_all()
        found = session.get(RequestItem, item.id)
        doc_requests.decide(session, lawyer, found, found.revision, approve, reason)
        session.commit()


@pytest.fixture
def no_javascript(browser, live_server, t):
    """A second device: a browser context with JavaScript off."""
    context = browser.new_context(java_script_enabled=False, base_url=live_server,
                                  locale="nl-NL" if t["lang"] == "nl" else "en-GB")
    context.set_default_timeout(10000)
    yield context.new_page()
    context.close()


def test_documents_to_provide_on_two_devices(page, no_javascript, live_server, app, session,
                                             make, t):
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="anna@example.nl", name="Anna de Vries", language=t["lang"])
    client.first_login_at = utcnow()
    dossier = make.dossier(clients=[client], lawyer=lawyer, number="2026-0142",
                           description="Aankoop woning")
    with app.app_context():
        deadline = local(utcnow()).date() + timedelta(days=10)
    request = make.document_request(dossier, client, by=lawyer, deadline=deadline, items=[
        {"title": "Kopie paspoort", "explanation": "Voor- en achterkant", "is_identity": True},
        {"title": "Koopakte", "explanation": "Getekend door beide partijen"},
        {"title": "Loonstrook"}])
    passport, deed, payslip = (f"#item-{item.id}" for item in request.items)

    # Acties: the request, its progress and its deadline; the count on every page.
    log_in(page, client, wait=True)
    actions = page.get_by_role("navigation").get_by_role(
        "link", name=re.compile(rf"^{t['actions']}"))
    expect(actions).to_contain_text("1")
    actions.click()
    row = page.locator("main tr", has_text=t["to_provide_title"])
    expect(row).to_contain_text(t["progress"].format(0))
    expect(row).to_contain_text(t["due_by"])
    row.get_by_role("link", name=re.compile(rf"^{t['provide']}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["to_provide_title"])
    expect(page.locator(passport)).to_contain_text(t["identity"])
    expect(page.locator(payslip)).to_contain_text(t["to_provide"])
    speaks(page, t["lang"], labels_of_other_language(t["lang"]),
           ignore=("Kopie paspoort", "Koopakte", "Loonstrook", "Voor- en achterkant",
                   "Getekend door beide partijen", "Aankoop woning"))
    page.evaluate("window.stillThisPage = true")  # gone if a whole page loads

    # Dropped on its zone: uploaded at once, the item swapped in.
    drop_files(page, ["paspoort-achterkant.pdf"], zone=f"{passport} [data-drop-zone]")
    expect(page.locator(passport)).to_contain_text(t["one_provided"].format("Kopie paspoort"))
    expect(page.locator(passport)).to_contain_text(t["handed_in"])
    expect(page.locator(passport)).to_contain_text("paspoort-achterkant.pdf")
    expect(page.locator("#request-status")).to_contain_text(t["progress"].format(1))
    # Bladeren: the file chooser, then the same.
    with page.expect_file_chooser() as chooser:
        page.locator(deed).get_by_role("button", name=t["browse"]).click()
    chooser.value.set_files([pdf("koopakte.pdf")])
    expect(page.locator(deed)).to_contain_text(t["one_provided"].format("Koopakte"))
    expect(page.locator("#request-status")).to_contain_text(t["progress"].format(2))
    assert page.evaluate("window.stillThisPage") is True

    # The other device, without JavaScript: what the first handed in is there; the plain
    # file input and its button hand in the third.
    other = no_javascript
    log_in(other, client)
    other.goto("/acties")
    other.locator("main tr", has_text=t["to_provide_title"]).get_by_role(
        "link", name=re.compile(rf"^{t['provide']}")).click()
    expect(other.locator(passport)).to_contain_text(t["handed_in"])
    expect(other.locator(f"{passport} [data-browse]")).to_have_count(1)
    expect(other.locator(f"{passport} [data-browse]")).to_be_hidden()
    other.get_by_label(t["choose"].format("Loonstrook")).set_input_files([pdf("loonstrook.pdf")])
    other.locator(payslip).get_by_role("button", name=t["upload"]).click()
    expect(other.locator(".flashes")).to_contain_text(t["one_provided"].format("Loonstrook"))
    expect(other.locator("#request-status")).to_contain_text(t["progress"].format(3))
    expect(other.locator(payslip)).to_contain_text("loonstrook.pdf")

    # The firm rejects the passport, saying why; the client reads it and hands in anew.
    decide(app, session, lawyer, request.items[0], False, REASON)
    page.goto("/acties")
    expect(page.locator("main tr", has_text=t["to_provide_title"])).to_contain_text(
        t["rejected_count"])
    page.goto(f"/acties/stukken/{request.id}")
    expect(page.locator(passport)).to_contain_text(t["item_rejected"])
    expect(page.locator(passport)).to_contain_text(t["firm_reason"])
    drop_files(page, ["paspoort-voorkant.pdf"], zone=f"{passport} [data-drop-zone]")
    expect(page.locator(passport)).to_contain_text(t["handed_in"])
    expect(page.locator(passport)).to_contain_text("paspoort-voorkant.pdf")

    # Everything approved: the request leaves Acties; its page opens from the dossier.
    for item in request.items:
        decide(app, session, lawyer, item, True)
    page.goto("/acties")
    expect(page.locator(".empty-state")).to_contain_text(t["nothing_to_do"])
    expect(actions).to_contain_text("0")
    page.goto(f"/dossiers/{dossier.id}/aangeleverd")
    row = page.locator("main tr", has_text="koopakte.pdf")
    expect(row).to_contain_text(t["provided_for"])
    row.get_by_role("link", name="Koopakte", exact=True).click()
    expect(page.get_by_text(t["all_approved"])).to_be_visible()
    expect(page.locator("main input[type=file]")).to_have_count(0)
    expect(page.locator(deed)).to_contain_text(t["item_approved"])
