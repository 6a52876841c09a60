"""Ter goedkeuring on the staff side, in Chromium, in Dutch and in English: a lawyer publishes
a concept for approval (first with a deadline in the past: refused, what was typed kept), sees
it waiting, the client approves it (app.approvals.decide, as the portal does), the lawyer
sees the evidence and downloads the receipt, then publishes version 2, which makes the
approval void and asks the client again. Then the new pages on a phone and a desktop: no
sideways scrolling (a SHA-256 is one long word), big enough targets."""
from datetime import timedelta

from helpers import labels_of_other_language
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app import approvals
from app.models import APPROVAL_OPEN, APPROVAL_VOID, CAT_DOCUMENT, Approval, Document
from app.staff.request_forms import today
from browser.helpers import labels, speaks, staff_log_in

from .layout_helpers import arrange_demo, check_pages
from .layout_helpers import staff_log_in as staff_log_in_device

TEXTS = labels("approvals_staff")
FIRM_NAMES = ("Kantoor Test",)  # not a label of either language


def a_pdf(app, text):
    from app import pdf
    with app.test_request_context():
        return pdf.html_to_pdf(f"<h1>{text}</h1>")


def test_lawyer_publishes_for_approval_and_a_new_version(page, live_server, app, session, make,
                                                         t):
    lang = t["lang"]
    foreign = labels_of_other_language(lang)
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    with_app(session, lawyer)
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    dossier = make.dossier(clients=[jan], lawyer=lawyer, number="2026-0142",
                           description="Levering woning")
    with app.app_context():
        deadline = today() + timedelta(days=10)

    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}")
    page.get_by_role("navigation", name=t["dossier_parts"]).get_by_role(
        "link", name=t["for_approval"]).click()
    expect(page.locator("main")).to_contain_text(t["none_yet"])
    page.get_by_role("link", name=t["publish"]).click()
    expect(page.get_by_role("heading", level=2)).to_have_text(t["publish"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)

    # A deadline in the past is refused; the note and title typed stay.
    page.get_by_label(t["file"], exact=True).set_input_files(
        {"name": "concept-akte.pdf", "mimeType": "application/pdf",
         "buffer": a_pdf(app, "Concept akte")})
    page.get_by_label(t["title"]).fill(t["title_text"])
    page.get_by_label(t["deadline"]).fill("2020-01-01")
    page.get_by_label(t["note"]).fill(t["note_text"])
    page.get_by_role("button", name=t["publish"]).click()
    expect(page.get_by_role("alert")).to_contain_text(t["past_deadline"])
    expect(page.get_by_label(t["note"])).to_have_value(t["note_text"])
    expect(page.get_by_label(t["title"])).to_have_value(t["title_text"])
    assert session.exec(select(Approval)).all() == []

    page.get_by_label(t["file"], exact=True).set_input_files(
        {"name": "concept-akte.pdf", "mimeType": "application/pdf",
         "buffer": a_pdf(app, "Concept akte")})
    page.get_by_label(t["deadline"]).fill(deadline.isoformat())
    page.get_by_role("button", name=t["publish"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["published"])
    main = page.locator("main")
    expect(main).to_contain_text(t["waiting"])
    expect(main).to_contain_text(t["note_text"])
    expect(page.get_by_role("heading", name=t["version_1"])).to_be_visible()
    expect(page.get_by_role("link", name="concept-akte.pdf")).to_be_visible()
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    approval = session.exec(select(Approval)).one()
    assert (approval.title, approval.deadline) == (t["title_text"], deadline)

    # Jan approves (the portal's part); the page shows the evidence and the receipt.
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        decision = approvals.decide(session, jan, approval, approval.versions[0].id, True,
                                    confirmed_with="app")
        session.commit()
    page.reload()
    expect(main).to_contain_text(t["approved_by"])
    expect(main).to_contain_text("192.0.2.7")
    expect(main).to_contain_text(decision.sha256)
    with page.expect_download() as download:
        page.get_by_role("link", name=t["receipt"]).click()
    with open(download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)

    # Version 2: version 1 (and its approval) become void, Jan is asked again.
    page.get_by_role("link", name=t["new_version"]).click()
    expect(page.get_by_role("heading", level=2)).to_contain_text(t["version_heading"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    page.get_by_label(t["version_file"]).set_input_files(
        {"name": "concept-akte-v2.pdf", "mimeType": "application/pdf",
         "buffer": a_pdf(app, "Concept akte, versie 2")})
    page.get_by_role("button", name=t["publish_version"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["version_published"])
    expect(page.get_by_role("heading", name=t["version_2"])).to_contain_text(t["waiting"])
    expect(page.get_by_role("heading", name=t["version_1"])).to_contain_text(t["void"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    session.expire_all()
    approval = session.get(Approval, approval.id)
    assert [v.state for v in approval.versions] == [APPROVAL_VOID, APPROVAL_OPEN]
    assert [d.filename for d in session.exec(select(Document).order_by(Document.id))] == [
        "concept-akte.pdf", "concept-akte-v2.pdf"]

    # The dossier's list shows it waiting, at version 2.
    page.get_by_role("navigation", name=t["dossier_parts"]).get_by_role(
        "link", name=t["for_approval"]).click()
    row = page.get_by_role("row", name=t["title_text"])
    expect(row).to_contain_text(t["waiting"])
    expect(row.get_by_role("cell", name="2", exact=True)).to_be_visible()


def test_approval_pages_fit_a_phone(devices, app, session, make):
    phone, desktop = devices
    demo = arrange_demo(app, session)
    house = demo["house"]
    document = make.document(house, CAT_DOCUMENT, title="Concept leveringsakte",
                             filename="concept-leveringsakte-dorpsstraat-12-definitief.pdf",
                             data=a_pdf(app, "Concept leveringsakte"))
    with app.test_request_context(environ_base={"REMOTE_ADDR": "2001:db8::7"},
                                  headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS "
                                           "18_0 like Mac OS X) AppleWebKit/605.1.15"}):
        approval = approvals.new_approval(session, dossier=house, client=demo["jan"],
                                          sent_by=demo["admin"], document=document,
                                          title="Concept leveringsakte",
                                          note="Graag uw akkoord vóór de passeerdatum.")
        approvals.decide(session, demo["jan"], approval, approval.versions[0].id, True,
                         confirmed_with="app")
        session.commit()
    for steps_ahead, page in enumerate((phone, desktop)):
        staff_log_in_device(page, session, demo["admin"], steps_ahead)
    problems = check_pages(phone, desktop, [
        ("kantoor-goedkeuring", f"/kantoor/dossiers/{house.id}/goedkeuring"),
        ("kantoor-goedkeuring-nieuw", f"/kantoor/dossiers/{house.id}/goedkeuring/nieuw"),
        ("kantoor-goedkeuring-verzoek", f"/kantoor/goedkeuring/{approval.id}"),
        ("kantoor-goedkeuring-versie", f"/kantoor/goedkeuring/{approval.id}/nieuwe-versie"),
    ])
    assert not problems, "layout problems on a 375 px phone:\n" + "\n".join(problems)
