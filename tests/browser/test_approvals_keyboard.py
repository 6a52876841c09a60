"""Ter goedkeuring with the keyboard only (issue 18), in Chromium, in Dutch and in English:
no mouse, no clicks, no filling of fields the keyboard did not reach (Tab, Shift+Tab, Enter
and Space), and at every stop the focus shows. The client refuses with comments, and
approves after the code of the authenticator app and then downloads the receipt; the lawyer
publishes a concept for approval (file, title, deadline, note) and then a new version.
Logging in is not part of it (test_keyboard.py walks that). Approving with the password:
test_approvals_client_flow.py::test_approve_with_the_keyboard_only."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import fresh_code, with_app

from app import approvals, pdf, seal
from app.models import CAT_DOCUMENT, Approval, ApprovalDecision, Message, utcnow
from app.staff.request_forms import today
from browser.helpers import Keyboard, labels, log_in, staff_log_in

CLIENT, STAFF = labels("approvals_client"), labels("approvals_staff")
TEXTS = {lang: {**CLIENT[lang], **{f"staff_{key}": value for key, value in STAFF[lang].items()}}
         for lang in CLIENT}
PUBLISHED = {"nl": "is gepubliceerd in Documenten en ter goedkeuring gestuurd aan Anna de Vries",
             "en": "has been published in Documents and sent to Anna de Vries for approval"}
SENT_V1 = {"nl": "Uw opmerkingen over versie 1", "en": "Your comments on version 1"}

pytestmark = pytest.mark.sealed  # the seal of the CA made at test time (conftest: ca)


def concept(app, n):
    """Version `n` of the concept deed: a real PDF, as the file chooser gives it."""
    with app.test_request_context():
        data = pdf.html_to_pdf(f"<h1>Concept akte, versie {n}</h1>")
    return {"name": f"concept-akte-v{n}.pdf", "mimeType": "application/pdf", "buffer": data}


def people(make, lang):
    """A lawyer and a client (language `lang`) of one dossier."""
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    anna = make.user(email="anna@example.nl", name="Anna de Vries", language=lang)
    anna.first_login_at = utcnow()
    dossier = make.dossier(clients=[anna], lawyer=lawyer, number="2026-0142",
                           description="Levering woning")
    return lawyer, anna, dossier


def send(app, session, make, dossier, lawyer, client):
    """The firm sends version 1 for approval."""
    with app.test_request_context():
        data = pdf.html_to_pdf("<h1>Concept akte, versie 1</h1>")
    document = make.document(dossier, CAT_DOCUMENT, title="Concept akte",
                             filename="concept-akte-v1.pdf", data=data, by=lawyer)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=client,
                                          sent_by=lawyer, document=document,
                                          title="Concept akte", note="Graag uw akkoord.")
        session.commit()
    return approval


def choose_file(page, keys, field, file):
    """Tab to a file field and open its chooser with Space, as a keyboard user does."""
    keys.tab_to(field)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(file)
    expect(field).to_be_focused()  # the focus stays where it was


def day_equal_to_month(after):
    """The first date after `after` whose day and month are the same number: typed into a
    date field it means the same in either order of its parts (the browser's locale)."""
    day = after + timedelta(days=1)
    while day.day != day.month:
        day += timedelta(days=1)
    return day


def test_refuse_with_the_keyboard_only(page, live_server, app, session, make, t):
    lawyer, anna, dossier = people(make, t["lang"])
    approval = send(app, session, make, dossier, lawyer, anna)
    log_in(page, anna, wait=True)
    page.goto(f"/acties/goedkeuren/{approval.id}")
    keys = Keyboard(page)
    keys.activate(page.get_by_role("link", name=t["refuse"]))
    expect(page).to_have_url(re.compile(r"/niet-akkoord$"))
    keys.type_into(page.get_by_label(t["comments"]), "Artikel 3 moet anders.")
    keys.activate(page.get_by_role("button", name=t["send"]))
    expect(page).to_have_url(re.compile(rf"/acties/goedkeuren/{approval.id}$"))
    expect(page.get_by_role("status")).to_contain_text(SENT_V1[t["lang"]])
    [message] = session.exec(select(Message)).all()
    assert message.body == "Artikel 3 moet anders."


def test_approve_with_an_app_code_with_the_keyboard_only(page, live_server, app, session, make,
                                                         t, ca, tmp_path):
    lawyer, anna, dossier = people(make, t["lang"])
    with_app(session, anna)
    approval = send(app, session, make, dossier, lawyer, anna)
    log_in(page, anna)
    expect(page).to_have_url(re.compile(r"/inloggen/verificatie/app$"))
    page.locator("input[name=code]").fill(fresh_code(session, anna))
    page.locator("main form button[type=submit]").first.click()
    page.goto(f"/acties/goedkeuren/{approval.id}")
    keys = Keyboard(page)
    keys.activate(page.get_by_role("link", name=t["approve"], exact=True))
    expect(page).to_have_url(re.compile(r"/akkoord$"))
    keys.type_into(page.get_by_label("Code", exact=True), fresh_code(session, anna))
    keys.activate(page.get_by_role("button", name=t["confirm"]))
    expect(page.locator("main")).to_contain_text(t["approved_on"])
    [decision] = session.exec(select(ApprovalDecision)).all()
    assert (decision.approved, decision.confirmed_with) == (True, "app")

    # The receipt, by Enter on its link.
    keys.tab_to(page.locator("main p").get_by_role("link", name=t["receipt"]))
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    path = tmp_path / "receipt.pdf"
    started.value.save_as(path)
    assert seal.check(path.read_bytes(), [ca[1]]) == [(True, True)]


def test_publish_for_approval_and_a_new_version_with_the_keyboard_only(
        page, live_server, app, session, make, t):
    lawyer, anna, dossier = people(make, t["lang"])
    with_app(session, lawyer)
    with app.app_context():
        deadline = day_equal_to_month(today() + timedelta(days=7))
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}/goedkeuring")
    keys = Keyboard(page)

    # Ter goedkeuring publiceren: the one client is chosen already.
    keys.activate(page.get_by_role("link", name=t["staff_publish"]))
    expect(page).to_have_url(re.compile(r"/goedkeuring/nieuw$"))
    choose_file(page, keys, page.get_by_label(t["staff_file"], exact=True), concept(app, 1))
    keys.type_into(page.get_by_label(t["staff_title"]), "Concept akte")
    # A date field takes its parts in the locale's order: day and month are equal here.
    keys.type_into(page.get_by_label(t["staff_deadline"]),
                   f"{deadline.day:02d}{deadline.month:02d}{deadline.year}")
    keys.type_into(page.get_by_label(t["staff_note"]), t["staff_note_text"])
    keys.activate(page.get_by_role("button", name=t["staff_publish"]))
    expect(page.get_by_role("status")).to_contain_text(PUBLISHED[t["lang"]])
    approval = session.exec(select(Approval)).one()
    assert (approval.title, approval.deadline, approval.note, approval.client_id) == (
        "Concept akte", deadline, t["staff_note_text"], anna.id)

    # A new version, from the approval's page.
    keys.activate(page.get_by_role("link", name=t["staff_new_version"]))
    expect(page).to_have_url(re.compile(r"/nieuwe-versie$"))
    choose_file(page, keys, page.get_by_label(t["staff_version_file"]), concept(app, 2))
    keys.activate(page.get_by_role("button", name=t["staff_publish_version"]))
    expect(page.get_by_role("status")).to_contain_text(t["staff_version_published"])
    session.expire_all()
    history = approvals.history(session, session.get(Approval, approval.id))
    assert [(version.number, version.filename) for version, _decision in history] == [
        (2, "concept-akte-v2.pdf"), (1, "concept-akte-v1.pdf")]
