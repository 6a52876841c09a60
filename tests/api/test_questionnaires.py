"""The API's questionnaires: the definitions, sending one as the staff side does (same checks,
same notification, audited with the key), the assignments with their progress, answers and
PDF; scopes, who may see what, pagination and a constant number of statements."""
from datetime import timedelta

import pytest
from helpers import DEFINITION, count_rows
from sqlmodel import select

from app.api.keys import find
from app.models import (
    AuditEvent,
    NotificationItem,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    utcnow,
)
from app.questionnaires.builder import create_questionnaire

STEP_1 = {"naam": "Jan de Vries", "geboortedatum": "1980-01-31", "email": "jan@example.nl",
          "telefoon": ""}


@pytest.fixture
def case(make, staff):
    """Jan in a dossier of mr. Jansen, and a questionnaire ready to send: (jan, dossier,
    version)."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    dossier = make.dossier(clients=[jan], lawyer=staff.lawyer)
    return jan, dossier, make.version(DEFINITION, title="Intake", by=staff.lawyer)


def key_id(session, api):
    return find(session, api.raw).id


# ---- the definitions

def test_list_questionnaires_with_latest_version_and_pages(api, make, session, staff):
    versions = [make.version(DEFINITION, title=f"Vragenlijst {n}") for n in range(3)]
    with make.app.test_request_context():
        empty = create_questionnaire(session, staff.admin, "Leeg")
        session.commit()
    first = api.get("/questionnaires?limit=2")
    assert first.status_code == 200
    assert [q["title"] for q in first.json["items"]] == ["Vragenlijst 0", "Vragenlijst 1"]
    assert first.json["items"][0] == {
        "id": versions[0].questionnaire_id, "title": "Vragenlijst 0", "latest_version": 1,
        "ready_to_send": True, "created_at": first.json["items"][0]["created_at"]}
    second = api.get(f"/questionnaires?limit=2&cursor={first.json['next_cursor']}").json
    assert [q["id"] for q in second["items"]] == [versions[2].questionnaire_id, empty.id]
    assert second["items"][1]["ready_to_send"] is False
    assert second["next_cursor"] is None
    later = (utcnow() + timedelta(minutes=1)).isoformat()
    assert api.get("/questionnaires", query_string={"updated_since": later}).json["items"] \
        == []


def test_questionnaires_need_the_read_scope(api_for, staff):
    answer = api_for(staff.admin, scopes=["questionnaires:write"]).get("/questionnaires")
    assert answer.status_code == 403
    assert answer.json["type"].endswith("#problem-scope")


def test_questionnaire_list_runs_constant_statements(api, make, statements):
    for n in range(3):
        make.version(DEFINITION, title=f"V{n}")
    few = statements(lambda: api.get("/questionnaires?limit=100"))
    for n in range(27):
        make.version(DEFINITION, title=f"W{n}")
    assert len(api.get("/questionnaires?limit=100").json["items"]) == 30
    assert statements(lambda: api.get("/questionnaires?limit=100")) == few


# ---- sending

def test_send_a_questionnaire(api, case, session, staff):
    jan, dossier, version = case
    answer = api.post(f"/dossiers/{dossier.id}/questionnaires",
                      json={"questionnaire_id": version.questionnaire_id, "client_id": jan.id})
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert answer.headers["Location"].endswith(f"/api/v1/assignments/{body['id']}")
    assert body["dossier_id"] == dossier.id and body["client_id"] == jan.id
    assert body["version"] == 1 and body["title"] == "Intake"
    assert body["sent_by_id"] == staff.admin.id and body["completed_at"] is None
    assert body["progress"] == {"state": "not_started", "steps_done": 0, "steps_total": 5}
    assignment = session.get(QuestionnaireAssignment, body["id"])
    assert assignment.version_id == version.id
    # The client hears of it as when staff send it in the browser.
    assert count_rows(session, NotificationItem, NotificationItem.user_id == jan.id,
                 NotificationItem.kind == "questionnaire") == 1
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "questionnaire.sent")).one()
    assert event.api_key_id == key_id(session, api) and event.actor_id == staff.admin.id


def test_send_is_idempotent(api, case, session):
    jan, dossier, version = case
    payload = {"questionnaire_id": version.questionnaire_id, "client_id": jan.id}
    headers = {"Idempotency-Key": "send-1"}
    first = api.post(f"/dossiers/{dossier.id}/questionnaires", json=payload, headers=headers)
    again = api.post(f"/dossiers/{dossier.id}/questionnaires", json=payload, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert count_rows(session, QuestionnaireAssignment) == 1


def test_send_twice_without_a_key_is_a_conflict(api, case, session):
    jan, dossier, version = case
    payload = {"questionnaire_id": version.questionnaire_id, "client_id": jan.id}
    assert api.post(f"/dossiers/{dossier.id}/questionnaires", json=payload).status_code == 201
    answer = api.post(f"/dossiers/{dossier.id}/questionnaires", json=payload)
    assert answer.status_code == 409
    assert "already has this questionnaire" in answer.json["detail"]
    assert count_rows(session, QuestionnaireAssignment) == 1


def test_an_unfinished_questionnaire_is_a_conflict(api, case, make, session, staff):
    jan, dossier, _version = case
    with make.app.test_request_context():
        empty = create_questionnaire(session, staff.admin, "Leeg")
        session.commit()
    answer = api.post(f"/dossiers/{dossier.id}/questionnaires",
                      json={"questionnaire_id": empty.id, "client_id": jan.id})
    assert answer.status_code == 409 and "cannot be sent yet" in answer.json["detail"]
    assert count_rows(session, QuestionnaireAssignment) == 0


@pytest.mark.parametrize("payload, field", [
    ({"client_id": "me"}, "client_id"),
    ({"questionnaire_id": 999}, "questionnaire_id"),
    ({"client_id": 999}, "client_id"),
    ({"client_id": "staff"}, "client_id"),
    ({"client_id": "kees"}, "client_id"),  # a client, but not of this dossier
    ({"extra": 1}, "extra"),
])
def test_send_with_bad_fields_is_422(api, case, make, session, staff, payload, field):
    jan, dossier, version = case
    kees = make.user(email="kees@example.nl")
    ids = {"me": "me", "staff": staff.lawyer.id, "kees": kees.id}
    body = {"questionnaire_id": version.questionnaire_id, "client_id": jan.id}
    body.update({k: ids.get(v, v) for k, v in payload.items()})
    answer = api.post(f"/dossiers/{dossier.id}/questionnaires", json=body)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json["errors"]] == [field]
    assert count_rows(session, QuestionnaireAssignment) == 0
    assert count_rows(session, NotificationItem) == 0


@pytest.mark.parametrize("who", ["other_lawyer", "idle_secretary"])
def test_send_in_a_dossier_out_of_sight_is_404(api_for, case, session, staff, who):
    jan, dossier, version = case
    answer = api_for(getattr(staff, who)).post(
        f"/dossiers/{dossier.id}/questionnaires",
        json={"questionnaire_id": version.questionnaire_id, "client_id": jan.id})
    assert answer.status_code == 404
    assert count_rows(session, QuestionnaireAssignment) == 0


def test_a_delegated_secretary_sends_on_behalf_of_the_lawyer(api_for, case, session, staff):
    jan, dossier, version = case
    answer = api_for(staff.secretary).post(
        f"/dossiers/{dossier.id}/questionnaires",
        json={"questionnaire_id": version.questionnaire_id, "client_id": jan.id})
    assert answer.status_code == 201
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "questionnaire.sent")).one()
    assert event.detail["on_behalf_of"] == staff.lawyer.id


def test_sending_needs_the_write_scope(api_for, case, session, staff):
    jan, dossier, version = case
    answer = api_for(staff.admin, scopes=["questionnaires:read"]).post(
        f"/dossiers/{dossier.id}/questionnaires",
        json={"questionnaire_id": version.questionnaire_id, "client_id": jan.id})
    assert answer.status_code == 403
    assert count_rows(session, QuestionnaireAssignment) == 0


# ---- following assignments

def test_progress_of_an_assignment(api, case, make):
    jan, dossier, version = case
    assignment = make.assignment(jan, dossier, version=version, answers={1: STEP_1})
    body = api.get(f"/assignments/{assignment.id}").json
    assert body["progress"] == {"state": "in_progress", "steps_done": 1, "steps_total": 5}
    assert body["questionnaire_id"] == version.questionnaire_id
    pdf = make.document(dossier, "provided", title="Intake")
    done = make.assignment(jan, dossier, version=version, answers={1: STEP_1}, pdf=pdf)
    body = api.get(f"/assignments/{done.id}").json
    assert body["progress"] == {"state": "completed", "steps_done": 5, "steps_total": 5}
    assert body["pdf_document_id"] == pdf.id and body["completed_at"] is not None


@pytest.mark.parametrize("who", ["other_lawyer", "idle_secretary"])
def test_assignments_out_of_sight_are_404_and_not_listed(api_for, case, make, staff, who):
    jan, dossier, version = case
    assignment = make.assignment(jan, dossier, version=version)
    api = api_for(getattr(staff, who))
    for path in ("", "/answers", "/pdf"):
        assert api.get(f"/assignments/{assignment.id}{path}").status_code == 404
    assert api.get("/assignments").json["items"] == []


def test_list_assignments_filters_and_pages(api, api_for, case, make, staff):
    jan, dossier, version = case
    other = make.dossier(clients=[jan], lawyer=staff.other_lawyer)
    pdf = make.document(dossier, "provided", title="Intake")
    open_one = make.assignment(jan, dossier, version=version)
    done = make.assignment(jan, dossier, version=version, pdf=pdf)
    elsewhere = make.assignment(jan, other, version=version)

    def ids(query):
        answer = api.get("/assignments", query_string=query)
        assert answer.status_code == 200, answer.json
        return [a["id"] for a in answer.json["items"]]
    assert ids({}) == [open_one.id, done.id, elsewhere.id]
    assert ids({"dossier_id": dossier.id}) == [open_one.id, done.id]
    assert ids({"completed": "true"}) == [done.id]
    assert ids({"completed": "false", "dossier_id": dossier.id}) == [open_one.id]
    first = api.get("/assignments?limit=2").json
    assert len(first["items"]) == 2
    assert ids({"limit": 2, "cursor": first["next_cursor"]}) == [elsewhere.id]
    assert api.get("/assignments?completed=maybe").status_code == 422
    # mr. Jansen's key sees his own dossier's only.
    assert [a["id"] for a in api_for(staff.lawyer).get("/assignments").json["items"]] \
        == [open_one.id, done.id]


def test_updated_since_includes_a_saved_step(api, case, make, session):
    jan, dossier, version = case
    make.assignment(jan, dossier, version=version)  # not changed since
    busy = make.assignment(jan, dossier, version=version)
    old = utcnow() - timedelta(hours=2)
    session.execute(QuestionnaireAssignment.__table__.update().values(updated_at=old))
    session.commit()
    since = (utcnow() - timedelta(hours=1)).isoformat()
    assert api.get("/assignments", query_string={"updated_since": since}).json["items"] == []
    session.add(QuestionnaireAnswer(assignment_id=busy.id, step=1, answers=STEP_1))
    session.commit()
    found = api.get("/assignments", query_string={"updated_since": since}).json["items"]
    assert [a["id"] for a in found] == [busy.id]


def test_assignment_list_runs_constant_statements(api, case, make, statements):
    jan, dossier, version = case
    for _ in range(3):
        make.assignment(jan, dossier, version=version, answers={1: STEP_1})
    few = statements(lambda: api.get("/assignments?limit=100"))
    for _ in range(27):
        make.assignment(jan, dossier, version=version, answers={1: STEP_1})
    assert len(api.get("/assignments?limit=100").json["items"]) == 30
    assert statements(lambda: api.get("/assignments?limit=100")) == few


def test_the_answers_as_json_and_reading_them_is_audited(api, case, make, session):
    jan, dossier, version = case
    upload = make.document(dossier, "provided", title="Paspoort", filename="paspoort.pdf")
    assignment = make.assignment(jan, dossier, version=version, answers={
        1: STEP_1, 2: {"gehuwd": "no"},
        3: {"iban": "NL91 ABNA 0417 1643 00", "inkomen": 52000.5, "woonvorm": "koop"},
        4: {"wensen": ["Testament"], "toelichting": ""},
        5: {"legitimatie": {"document": upload.id, "filename": "paspoort.pdf"}}})
    answer = api.get(f"/assignments/{assignment.id}/answers",
                     headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    steps = answer.json["steps"]
    assert [s["title"] for s in steps][:2] == ["Persoonsgegevens", "Burgerlijke staat"]
    by_id = {a["question_id"]: a for s in steps for a in s["answers"]}
    assert "partner" not in by_id  # not shown: Jan is not married
    assert by_id["naam"] == {"question_id": "naam", "label": "Volledige naam", "type": "text",
                             "value": "Jan de Vries", "text": "Jan de Vries",
                             "document_id": None}
    assert by_id["gehuwd"]["value"] == "no" and by_id["gehuwd"]["text"] == "No"
    assert by_id["inkomen"]["value"] == 52000.5
    assert by_id["woonvorm"]["text"] == "Koopwoning"
    assert by_id["wensen"]["value"] == ["Testament"]
    assert by_id["legitimatie"]["value"] == "paspoort.pdf"
    assert by_id["legitimatie"]["document_id"] == upload.id
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "questionnaire.answers_viewed")).one()
    assert event.api_key_id == key_id(session, api)
    assert event.target_id == assignment.id


def test_the_pdf_once_completed(api, case, make, session):
    jan, dossier, version = case
    assignment = make.assignment(jan, dossier, version=version)
    answer = api.get(f"/assignments/{assignment.id}/pdf")
    assert answer.status_code == 409 and answer.mimetype == "application/problem+json"
    pdf = make.document(dossier, "provided", title="Intake", data=b"%PDF-1.4 antwoorden")
    done = make.assignment(jan, dossier, version=version, pdf=pdf)
    answer = api.get(f"/assignments/{done.id}/pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data == b"%PDF-1.4 antwoorden"
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "document.downloaded")).one()
    assert event.target_id == pdf.id and event.api_key_id == key_id(session, api)


def test_reading_assignments_needs_the_read_scope(api_for, case, make, staff):
    jan, dossier, version = case
    assignment = make.assignment(jan, dossier, version=version)
    api = api_for(staff.admin, scopes=["questionnaires:write"])
    for path in ("/assignments", f"/assignments/{assignment.id}",
                 f"/assignments/{assignment.id}/answers"):
        assert api.get(path).status_code == 403


def test_an_unknown_query_field_is_422(api):
    answer = api.get("/assignments?colour=red")
    assert answer.status_code == 422
    assert answer.json["errors"][0]["field"] == "colour"
