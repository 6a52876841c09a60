"""Staff side of Ter goedkeuring (issue 18): publishing a document for a client's approval,
a new version that makes earlier ones void, the page with every version and the evidence of
each decision, the receipt and the sealed copy, the firm's choice to seal approved PDFs, a
secretary acting for the lawyer, and 404 for everyone who may not see the dossier."""
import io
import re
from datetime import timedelta

import pytest
from helpers import (
    csrf_token,
    differences,
    files_on_disk,
    hidden_value,
    html_of,
    login,
    post_form,
    snapshot,
    text_of,
)
from sqlmodel import delete, select
from twostep_helpers import login_staff

from app import approvals, firm, seal
from app.models import (
    APPROVAL_APPROVED,
    APPROVAL_OPEN,
    APPROVAL_VOID,
    CAT_DOCUMENT,
    Approval,
    ApprovalDecision,
    AuditEvent,
    Document,
    NotificationItem,
)
from app.staff.request_forms import today

pytestmark = pytest.mark.sealed  # the seal of the CA made at test time (conftest: ca)


@pytest.fixture
def case(make, staff):
    """Jan and Marie in a dossier of mr. Jansen (whose secretary is Els)."""
    class Case:
        jan = make.user(email="jan@example.nl", name="Jan de Vries")
        marie = make.user(email="marie@example.nl", name="Marie de Vries")
    Case.dossier = make.dossier(clients=[Case.jan, Case.marie], lawyer=staff.lawyer,
                                number="2026-0142", description="Levering woning")
    return Case


def a_pdf(app, text="Concept akte"):
    from app import pdf
    with app.test_request_context():
        return pdf.html_to_pdf(f"<h1>{text}</h1>")


def new_url(dossier):
    return f"/kantoor/dossiers/{dossier.id}/goedkeuring/nieuw"


def page_url(approval):
    return f"/kantoor/goedkeuring/{approval.id}"


def publish(browser, dossier, file=None, **fields):
    """Post "Ter goedkeuring publiceren" as a browser does."""
    data = {"csrf_token": csrf_token(browser), "client": "", "title": "", "deadline": "",
            "note": "", **fields}
    if file is not None:
        data["file"] = file
    return browser.post(new_url(dossier), data=data, content_type="multipart/form-data")


def new_version(client, approval, file):
    return client.post(f"{page_url(approval)}/nieuwe-versie", content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(client), "file": file})


def pdf_file(app, name="Concept akte.pdf", text="Concept akte"):
    return (io.BytesIO(a_pdf(app, text)), name)


def the_approval(session):
    session.expire_all()
    return session.exec(select(Approval)).one()


def decide(app, session, client_user, approval, version, approved=True, message=None):
    """The client's decision, as app.portal takes it, from 192.0.2.7."""
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.7"},
                                  headers={"User-Agent": "Chromium test"}):
        decision = approvals.decide(session, client_user, approval, version.id, approved,
                                    confirmed_with="app" if approved else "",
                                    message=message)
        session.commit()
    return decision


def sent(app, session, make, staff, case, data=None):
    """A request for approval to Jan, sent without the form."""
    document = make.document(case.dossier, CAT_DOCUMENT, title="Concept akte",
                             filename="concept-akte.pdf", data=data or a_pdf(app),
                             by=staff.lawyer)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=case.dossier, client=case.jan,
                                          sent_by=staff.lawyer, document=document,
                                          title="Concept akte", note="Graag uw akkoord.")
        session.commit()
    return approval


# ---- Ter goedkeuring publiceren

def test_the_dossier_has_a_part_for_approval(client, staff, as_staff, case):
    as_staff(staff.lawyer)
    page = html_of(client.get(f"/kantoor/dossiers/{case.dossier.id}"))
    assert f'href="/kantoor/dossiers/{case.dossier.id}/goedkeuring"' in page
    listing = text_of(client.get(f"/kantoor/dossiers/{case.dossier.id}/goedkeuring"))
    assert "Ter goedkeuring" in listing and "Ter goedkeuring publiceren" in listing
    assert "Er is in dit dossier nog geen document ter goedkeuring gepubliceerd." in listing


def test_publish_for_approval(app, client, session, staff, as_staff, case):
    as_staff(staff.lawyer)
    form = text_of(client.get(new_url(case.dossier)))
    assert "Ter goedkeuring publiceren" in form and "Marie de Vries" in form
    with app.test_request_context():
        deadline = today() + timedelta(days=7)
    response = publish(client, case.dossier, pdf_file(app), client=str(case.jan.id),
                       deadline=deadline.isoformat(), note="Let op artikel 4.")
    approval = the_approval(session)
    assert response.status_code == 303 and response.location == page_url(approval)
    [document] = session.exec(select(Document)).all()
    # In Documenten, with the file's name without its extension as title.
    assert (document.category, document.title, document.filename) == (
        CAT_DOCUMENT, "Concept akte", "Concept akte.pdf")
    assert (approval.dossier_id, approval.client_id, approval.sent_by_id, approval.title,
            approval.note, approval.deadline, approval.state) == (
        case.dossier.id, case.jan.id, staff.lawyer.id, "Concept akte", "Let op artikel 4.",
        deadline, APPROVAL_OPEN)
    [version] = approval.versions
    assert (version.number, version.document_id, version.sha256, version.state) == (
        1, document.id, document.sha256, APPROVAL_OPEN)
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "approval.sent")).all()
    assert (event.actor_id, event.detail["client"], event.detail["sha256"]) == (
        staff.lawyer.id, case.jan.id, document.sha256)
    assert "on_behalf_of" not in event.detail
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "document.published")).one().detail["category"] == CAT_DOCUMENT
    # Jan is asked; Marie sees only the new document.
    kinds = {(n.user_id, n.kind) for n in session.exec(select(NotificationItem))}
    assert (case.jan.id, "approval") in kinds and (case.marie.id, "approval") not in kinds
    assert (case.marie.id, "document") in kinds
    page = text_of(client.get(response.location))
    assert "is gepubliceerd in Documenten en ter goedkeuring gestuurd aan Jan de Vries" in page
    assert "Wacht op goedkeuring" in page and "Let op artikel 4." in page
    assert version.sha256 in page and "Versie 1" in page
    listing = text_of(client.get(f"/kantoor/dossiers/{case.dossier.id}/goedkeuring"))
    assert "Concept akte" in listing and "Jan de Vries" in listing


def test_the_title_typed_is_kept(app, client, session, staff, as_staff, case):
    as_staff(staff.lawyer)
    response = publish(client, case.dossier, pdf_file(app), client=str(case.jan.id),
                       title="  Concept   leveringsakte ")
    assert response.status_code == 303
    assert the_approval(session).title == "Concept leveringsakte"
    assert session.exec(select(Document)).one().title == "Concept leveringsakte"


def test_a_double_click_publishes_once(app, client, session, staff, as_staff, case):
    as_staff(staff.lawyer)
    key = hidden_value(html_of(client.get(new_url(case.dossier))), "form_key")
    first, second = (publish(client, case.dossier, pdf_file(app), client=str(case.jan.id),
                             form_key=key) for _click in range(2))
    approval = the_approval(session)
    assert first.location == second.location == page_url(approval)
    assert len(session.exec(select(Document)).all()) == 1
    assert len(files_on_disk(app)) == 1


def test_the_only_client_is_chosen_already(client, make, staff, as_staff):
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    dossier = make.dossier(clients=[jan], lawyer=staff.lawyer)
    as_staff(staff.lawyer)
    page = html_of(client.get(new_url(dossier)))
    assert f'<option selected value="{jan.id}">' in page


@pytest.mark.parametrize("fields, with_file, message", [
    ({"client": "", "title": "Eigen titel"}, True, "Kies de cliënt voor wie het verzoek is."),
    ({"deadline": "2020-01-01"}, True, "De termijn kan niet in het verleden liggen."),
    ({"deadline": "morgen"}, True, "Vul de termijn in als datum"),
    ({"note": "x" * 4001}, True, "De notitie mag maximaal 4000 tekens lang zijn."),
    ({"title": "t" * 256}, True, "De titel mag maximaal 255 tekens lang zijn."),
    ({"note": "Mijn notitie"}, False, "Kies het bestand dat u ter goedkeuring publiceert."),
])
def test_bad_input_is_refused_kept_and_nothing_stored(app, client, session, staff, as_staff,
                                                       case, fields, with_file, message):
    as_staff(staff.lawyer)
    before = snapshot(session)
    fields = {"client": str(case.jan.id), "note": "Mijn notitie", **fields}
    response = publish(client, case.dossier, pdf_file(app) if with_file else None, **fields)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page and "Er is een probleem" in page
    html = html_of(response)
    if fields["note"] == "Mijn notitie":
        assert "Mijn notitie</textarea>" in html
    if fields["client"]:
        assert f'<option selected value="{case.jan.id}">' in html
    assert differences(before, snapshot(session)) == {}
    assert files_on_disk(app) == []


def test_a_refused_file_type_stores_nothing(app, client, session, staff, as_staff, case):
    as_staff(staff.lawyer)
    before = snapshot(session)
    response = publish(client, case.dossier, (io.BytesIO(b"MZ..."), "setup.exe"),
                       client=str(case.jan.id), title="Installatie")
    assert response.status_code == 400
    page = text_of(response)
    assert "Er is niets gepubliceerd" in page and "“setup.exe” kan niet worden gepubliceerd" in page
    assert 'value="Installatie"' in html_of(response)
    assert differences(before, snapshot(session)) == {}
    assert files_on_disk(app) == []


def test_a_client_of_another_dossier_cannot_be_chosen(app, client, session, make, staff,
                                                      as_staff, case):
    stranger = make.user(email="kees@example.nl", name="Kees Klant")
    make.dossier(clients=[stranger], lawyer=staff.other_lawyer)
    as_staff(staff.lawyer)
    response = publish(client, case.dossier, pdf_file(app), client=str(stranger.id))
    assert response.status_code == 400
    assert session.exec(select(Approval)).all() == []


def test_a_secretary_publishes_on_behalf_of_the_lawyer(app, client, session, staff, as_staff,
                                                       case):
    as_staff(staff.secretary)
    assert publish(client, case.dossier, pdf_file(app),
                   client=str(case.jan.id)).status_code == 303
    approval = the_approval(session)
    response = new_version(client, approval, pdf_file(app, text="Versie 2"))
    assert response.status_code == 303
    for action in ("approval.sent", "approval.new_version", "document.published"):
        for event in session.exec(select(AuditEvent).where(AuditEvent.action == action)):
            assert (event.actor_id, event.detail["on_behalf_of"]) == (
                staff.secretary.id, staff.lawyer.id), action


# ---- new versions, decisions, the page

def test_a_new_version_voids_the_old_and_asks_again(app, client, session, make, staff,
                                                    as_staff, case):
    approval = sent(app, session, make, staff, case)
    [first] = approval.versions
    decide(app, session, case.jan, approval, first)
    session.exec(delete(NotificationItem))
    session.commit()
    as_staff(staff.lawyer)
    form = text_of(client.get(f"{page_url(approval)}/nieuwe-versie"))
    assert "Nieuwe versie van “Concept akte” publiceren" in form and "goedgekeurd" in form
    response = new_version(client, approval, pdf_file(app, "akte-v2.pdf", "Versie 2"))
    assert response.status_code == 303 and response.location == page_url(approval)
    session.expire_all()
    approval = session.get(Approval, approval.id)
    first, second = approval.versions
    assert (first.state, second.state, second.number, approval.state) == (
        APPROVAL_VOID, APPROVAL_OPEN, 2, APPROVAL_OPEN)
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [(d.category, d.filename) for d in documents] == [
        (CAT_DOCUMENT, "concept-akte.pdf"), (CAT_DOCUMENT, "akte-v2.pdf")]
    assert second.document_id == documents[1].id
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "approval.new_version")).one().detail["version"] == 2
    assert (case.jan.id, "approval") in {
        (n.user_id, n.kind) for n in session.exec(select(NotificationItem))}
    page = text_of(client.get(page_url(approval)))
    assert "Versie 2 van “Concept akte” is gepubliceerd." in page
    assert "Versie 2 · Wacht op goedkeuring" in page
    assert "Versie 1 · Vervallen: nieuwere versie" in page
    # The approval of version 1 stays on record, with its evidence.
    assert "Goedgekeurd door" in page and "192.0.2.7" in page


def test_a_new_version_without_a_file_is_refused(app, client, session, make, staff, as_staff,
                                                 case):
    approval = sent(app, session, make, staff, case)
    as_staff(staff.lawyer)
    before = snapshot(session)
    response = client.post(f"{page_url(approval)}/nieuwe-versie",
                           data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400
    assert "Kies het bestand van de nieuwe versie." in text_of(response)
    assert differences(before, snapshot(session)) == {}


def test_the_page_shows_every_decision(app, client, session, make, staff, as_staff, case):
    approval = sent(app, session, make, staff, case)
    [first] = approval.versions
    comments = make.message(case.dossier, case.jan, from_client=True,
                            subject="Niet akkoord: Concept akte (versie 1)",
                            body="Artikel 4 klopt niet.")
    decide(app, session, case.jan, approval, first, approved=False, message=comments)
    document = make.document(case.dossier, CAT_DOCUMENT, title="Concept akte",
                             filename="akte-v2.pdf", data=a_pdf(app, "Versie 2"),
                             by=staff.lawyer)
    with app.test_request_context():
        second = approvals.new_version(session, staff.lawyer, approval, document)
        session.commit()
    decision = decide(app, session, case.jan, approval, second)
    as_staff(staff.lawyer)
    response = client.get(page_url(approval))
    page = text_of(response)
    assert "Status Goedgekeurd" in page
    assert "Niet akkoord door Jan de Vries" in page
    assert f'href="/kantoor/berichten/{comments.id}"' in html_of(response)
    assert "Goedgekeurd door Jan de Vries (jan@example.nl)" in page
    assert "192.0.2.7" in page and "Chromium test" in page
    assert "code uit de authenticator-app" in page and decision.sha256 in page
    receipt = f"{page_url(approval)}/ontvangstbevestiging/{decision.id}"
    assert f'href="{receipt}"' in html_of(response)
    assert "Ontvangstbevestiging downloaden" in page
    assert client.get(f"/kantoor/berichten/{comments.id}").status_code == 200


def test_the_receipt_is_made_when_missing_and_audited(app, client, session, make, staff,
                                                      as_staff, case, ca):
    approval = sent(app, session, make, staff, case)
    decision = decide(app, session, case.jan, approval, approval.versions[0])
    assert decision.receipt_key is None  # the portal makes it after its commit
    as_staff(staff.secretary)
    response = client.get(f"{page_url(approval)}/ontvangstbevestiging/{decision.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    with app.test_request_context():
        name = approvals.receipt_name(approval, decision)
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    with app.app_context():
        assert seal.check(response.get_data(), [ca[1]]) == [(True, True)]
    session.expire_all()
    assert session.get(ApprovalDecision, decision.id).receipt_key is not None
    [event] = session.exec(select(AuditEvent).where(
        AuditEvent.action == "approval.receipt_downloaded")).all()
    assert (event.actor_id, event.detail["version"], event.detail["on_behalf_of"]) == (
        staff.secretary.id, 1, staff.lawyer.id)
    assert client.get(f"{page_url(approval)}/verzegeld/{decision.id}").status_code == 404


def test_a_refused_version_has_no_receipt(app, client, session, make, staff, as_staff, case):
    approval = sent(app, session, make, staff, case)
    decision = decide(app, session, case.jan, approval, approval.versions[0], approved=False)
    as_staff(staff.lawyer)
    assert client.get(f"{page_url(approval)}/ontvangstbevestiging/{decision.id}"
                      ).status_code == 404


def test_the_firm_chooses_to_seal_approved_pdfs(app, client, session, make, staff, as_staff,
                                                case, ca):
    as_staff(staff.admin)
    settings = client.get("/kantoor/instellingen")
    assert "Goedgekeurde pdf's ook verzegelen" in text_of(settings, unescape=True)
    response = post_form(client, "/kantoor/instellingen", {
        "name": "Kantoor Test", "mail_sender": "portaal@kantoor.example",
        "max_file_mb": "100", "max_message_mb": "250", "seal_approved_documents": "y"})
    assert response.status_code == 302
    with app.test_request_context():
        firm.forget()
        assert firm.current().seal_approved_documents is True
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "settings.changed"))
    assert event.detail["changes"]["seal_approved_documents"] == [False, True]
    assert re.search(r'<input[^>]* checked[^>]* name="seal_approved_documents"',
                     html_of(client.get("/kantoor/instellingen")))

    original = a_pdf(app)
    approval = sent(app, session, make, staff, case, data=original)
    decision = decide(app, session, case.jan, approval, approval.versions[0])
    with app.test_request_context():
        approvals.make_receipt(session, decision)
    as_staff(staff.lawyer)
    assert "Verzegelde kopie downloaden" in text_of(client.get(page_url(approval)))
    response = client.get(f"{page_url(approval)}/verzegeld/{decision.id}")
    assert response.status_code == 200
    sealed = response.get_data()
    assert sealed.startswith(original)
    with app.app_context():
        assert seal.check(sealed, [ca[1]]) == [(True, True)]
    assert "concept-akte-verzegeld.pdf" in response.headers["Content-Disposition"]
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "document.downloaded")).one()
    assert event.detail["sealed"] is True


# ---- withdrawing a request for approval

def test_withdraw_after_a_confirmation(app, client, session, make, staff, case, as_staff):
    approval = sent(app, session, make, staff, case)
    as_staff(staff.secretary)  # on behalf of the lawyer
    page = text_of(client.get(f"{page_url(approval)}/intrekken"))
    assert "Het verzoek om goedkeuring van “Concept akte” intrekken?" in page
    assert session.exec(select(Approval)).one().state == APPROVAL_OPEN  # a GET changes nothing
    assert client.post(f"{page_url(approval)}/intrekken").status_code == 400  # no button
    response = client.post(f"{page_url(approval)}/intrekken",
                           data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    approval = the_approval(session)
    assert approval.state == APPROVAL_VOID
    assert [v.state for v in approval.versions] == [APPROVAL_VOID]
    page = text_of(client.get(page_url(approval)))
    assert "Vervallen: ingetrokken door het kantoor" in page
    assert "Verzoek intrekken" not in page
    [event] = session.exec(select(AuditEvent).where(
        AuditEvent.action == "approval.withdrawn")).all()
    assert (event.actor_id, event.detail["on_behalf_of"]) == (staff.secretary.id,
                                                             staff.lawyer.id)
    # The client is no longer asked: the version shown is void.
    with pytest.raises(approvals.Refused):
        decide(app, session, case.jan, approval, approval.versions[0])
    # A second withdrawal changes nothing; a new version asks the client again.
    client.post(f"{page_url(approval)}/intrekken", data={"csrf_token": csrf_token(client)})
    assert len(session.exec(select(AuditEvent).where(
        AuditEvent.action == "approval.withdrawn")).all()) == 1
    assert new_version(client, approval, pdf_file(app, "v2.pdf")).status_code == 303
    assert the_approval(session).state == APPROVAL_OPEN


def test_a_decision_taken_stays_when_the_request_is_withdrawn(app, client, session, make,
                                                              staff, case, as_staff):
    approval = sent(app, session, make, staff, case)
    decision = decide(app, session, case.jan, approval, approval.versions[0])
    as_staff(staff.lawyer)
    client.post(f"{page_url(approval)}/intrekken", data={"csrf_token": csrf_token(client)})
    approval = the_approval(session)
    assert (approval.state, approval.versions[0].state) == (APPROVAL_VOID, APPROVAL_APPROVED)
    assert client.get(f"{page_url(approval)}/ontvangstbevestiging/{decision.id}"
                      ).status_code == 200


# ---- who may see what

@pytest.fixture
def routes(app, session, make, staff, case):
    """Every staff URL of Ter goedkeuring for Jansen's dossier, with an approval decided."""
    approval = sent(app, session, make, staff, case)
    decision = decide(app, session, case.jan, approval, approval.versions[0])
    base = page_url(approval)
    return [("GET", f"/kantoor/dossiers/{case.dossier.id}/goedkeuring"),
            ("GET", new_url(case.dossier)), ("POST", new_url(case.dossier)),
            ("GET", base), ("GET", f"{base}/nieuwe-versie"), ("POST", f"{base}/nieuwe-versie"),
            ("GET", f"{base}/intrekken"), ("POST", f"{base}/intrekken"),
            ("GET", f"{base}/ontvangstbevestiging/{decision.id}"),
            ("GET", f"{base}/verzegeld/{decision.id}")]


@pytest.mark.parametrize("who", ["other_lawyer", "idle_secretary", "client"])
def test_everyone_else_gets_a_404(app, session, staff, case, routes, who):
    browser = app.test_client()
    if who == "client":
        assert login(browser, case.jan.email).status_code == 302
    else:
        login_staff(browser, session, getattr(staff, who))
    before = snapshot(session)
    token = csrf_token(browser)
    for method, url in routes:
        if method == "GET":
            response = browser.get(url)
        else:
            response = browser.post(url, content_type="multipart/form-data", data={
                "csrf_token": token, "client": str(case.jan.id),
                "file": (io.BytesIO(b"%PDF-1.4 x"), "x.pdf")})
        assert response.status_code == 404, (who, method, url)
    assert differences(before, snapshot(session)) == {}


def test_the_lawyer_and_the_admin_open_them(app, session, staff, routes):
    for who in ("lawyer", "admin"):
        browser = app.test_client()
        login_staff(browser, session, getattr(staff, who))
        for method, url in routes:
            if method == "GET" and "verzegeld" not in url:
                assert browser.get(url).status_code == 200, (who, url)
    assert session.exec(select(Approval)).one().state == APPROVAL_APPROVED
