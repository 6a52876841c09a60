"""The API's requests for approval: publishing a file for approval (multipart or the raw
body), new versions, withdrawing, the decisions with their evidence and the receipt; scopes,
who may see what, bad input stores nothing, pagination and a constant number of statements."""
import io
from datetime import date, timedelta

import pytest
from helpers import count_rows, events
from sqlmodel import select

from app import approvals
from app.api.keys import find
from app.models import (
    CAT_DOCUMENT,
    Approval,
    ApprovalVersion,
    Document,
    NotificationItem,
    utcnow,
)

PDF = b"%PDF-1.4 concept akte"


def multipart(*files, **fields):
    return {"data": {**{k: str(v) for k, v in fields.items()},
                     "file": [(io.BytesIO(data), name) for name, data in files]},
            "content_type": "multipart/form-data"}


def sent(app, make, session, staff, jan, dossier, decided=None, title="Concept akte"):
    """A request for approval made by mr. Jansen (with the client's decision, if any)."""
    document = make.document(dossier, CAT_DOCUMENT, title=title, filename="akte.pdf",
                             data=PDF, by=staff.lawyer)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=jan,
                                          sent_by=staff.lawyer, document=document,
                                          title=title, note="Graag uw akkoord.")
        session.flush()
        if decided is not None:
            approvals.decide(session, jan, approval, approval.versions[0].id, decided,
                             confirmed_with="password" if decided else "")
        session.commit()
    return approval


# ---- publishing

def test_publish_for_approval(api, case, session, staff):
    jan, dossier = case
    deadline = (date.today() + timedelta(days=7)).isoformat()
    answer = api.post(f"/dossiers/{dossier.id}/approvals", **multipart(
        ("akte.pdf", PDF), client_id=jan.id, title="Leveringsakte", note="Graag akkoord",
        deadline=deadline))
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert answer.headers["Location"].endswith(f"/api/v1/approvals/{body['id']}")
    assert (body["title"], body["note"], body["deadline"], body["state"]) == (
        "Leveringsakte", "Graag akkoord", deadline, "open")
    assert body["client_id"] == jan.id and body["sent_by_id"] == staff.admin.id
    [version] = body["versions"]
    assert version["number"] == 1 and version["decision"] is None
    assert version["filename"] == "akte.pdf" and version["size"] == len(PDF)
    document = session.get(Document, version["document_id"])
    assert document.category == CAT_DOCUMENT and document.title == "Leveringsakte"
    assert count_rows(session, NotificationItem, NotificationItem.user_id == jan.id,
                 NotificationItem.kind == "approval") == 1
    key = find(session, api.raw).id
    assert [e.api_key_id for e in events(session, "approval.sent")] == [key]
    assert [e.api_key_id for e in events(session, "document.published")] == [key]


def test_publish_the_raw_body_with_fields_in_the_query(api, case, session):
    jan, dossier = case
    answer = api.post(f"/dossiers/{dossier.id}/approvals?client_id={jan.id}"
                      "&filename=Concept%20akte.pdf", data=PDF,
                      headers={"Content-Type": "application/pdf"})
    assert answer.status_code == 201, answer.json
    assert answer.json["title"] == "Concept akte"
    assert answer.json["versions"][0]["filename"] == "Concept akte.pdf"


def test_publishing_is_idempotent(api, case, session):
    jan, dossier = case
    path = f"/dossiers/{dossier.id}/approvals?client_id={jan.id}&filename=akte.pdf"
    headers = {"Content-Type": "application/pdf", "Idempotency-Key": "akte-1"}
    first = api.post(path, data=PDF, headers=headers)
    again = api.post(path, data=PDF, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert count_rows(session, Approval) == 1 and count_rows(session, Document) == 1


@pytest.mark.parametrize("fields, files, field", [
    ({}, [("akte.pdf", PDF)], "client_id"),
    ({"client_id": "kees"}, [("akte.pdf", PDF)], "client_id"),
    ({"client_id": "jan", "deadline": "2000-01-01"}, [("akte.pdf", PDF)], "deadline"),
    ({"client_id": "jan", "deadline": "morgen"}, [("akte.pdf", PDF)], "deadline"),
    ({"client_id": "jan", "title": "x" * 256}, [("akte.pdf", PDF)], "title"),
    ({"client_id": "jan", "note": "x" * 4001}, [("akte.pdf", PDF)], "note"),
    ({"client_id": "jan", "colour": "red"}, [("akte.pdf", PDF)], "colour"),
    ({"client_id": "jan"}, [], "file"),
    ({"client_id": "jan"}, [("a.pdf", PDF), ("b.pdf", PDF)], "file"),
    ({"client_id": "jan"}, [("nep.pdf", b"<html>nep</html>")], "file"),
    ({"client_id": "jan"}, [("leeg.pdf", b"")], "file"),
])
def test_bad_input_is_422_and_nothing_is_stored(api, app, case, make, session, fields,
                                                files, field):
    jan, dossier = case
    kees = make.user(email="kees@example.nl")
    ids = {"jan": jan.id, "kees": kees.id}
    answer = api.post(f"/dossiers/{dossier.id}/approvals", **multipart(
        *files, **{k: ids.get(v, v) for k, v in fields.items()}))
    assert answer.status_code == 422, answer.json
    assert [e["field"] for e in answer.json["errors"]][:1] == [field]
    assert count_rows(session, Approval) == 0 and count_rows(session, Document) == 0
    assert count_rows(session, NotificationItem) == 0


@pytest.mark.parametrize("who", ["other_lawyer", "idle_secretary"])
def test_records_out_of_sight_are_404(api_for, app, case, make, session, staff, who):
    jan, dossier = case
    approval = sent(app, make, session, staff, jan, dossier, decided=True)
    decision = session.exec(select(approvals.ApprovalDecision)).one()
    api = api_for(getattr(staff, who))
    assert api.post(f"/dossiers/{dossier.id}/approvals",
                    **multipart(("akte.pdf", PDF), client_id=jan.id)).status_code == 404
    assert api.get("/approvals").json["items"] == []
    assert api.get(f"/approvals/{approval.id}").status_code == 404
    assert api.post(f"/approvals/{approval.id}/versions",
                    **multipart(("v2.pdf", PDF))).status_code == 404
    assert api.post(f"/approvals/{approval.id}/withdraw").status_code == 404
    assert api.get(f"/approvals/{approval.id}/decisions/{decision.id}/receipt"
                   ).status_code == 404
    assert count_rows(session, Approval) == 1 and count_rows(session, ApprovalVersion) == 1
    session.expire_all()
    assert session.get(Approval, approval.id).state == "approved"


def test_scopes(api_for, app, case, make, session, staff):
    jan, dossier = case
    approval = sent(app, make, session, staff, jan, dossier)
    reader = api_for(staff.admin, scopes=["approvals:read"])
    writer = api_for(staff.admin, scopes=["approvals:write"])
    assert writer.get("/approvals").status_code == 403
    assert writer.get(f"/approvals/{approval.id}").status_code == 403
    assert reader.post(f"/approvals/{approval.id}/withdraw").status_code == 403
    assert reader.post(f"/dossiers/{dossier.id}/approvals",
                       **multipart(("akte.pdf", PDF), client_id=jan.id)).status_code == 403
    assert count_rows(session, Approval) == 1
    assert reader.get(f"/approvals/{approval.id}").status_code == 200


# ---- versions, withdrawing, decisions and the receipt

def test_a_new_version_makes_the_approval_void_and_asks_again(api, app, case, make, session,
                                                               staff):
    jan, dossier = case
    approval = sent(app, make, session, staff, jan, dossier, decided=True)
    answer = api.post(f"/approvals/{approval.id}/versions",
                      **multipart(("akte-v2.pdf", b"%PDF-1.4 versie 2")))
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["state"] == "open"
    assert [(v["number"], v["state"]) for v in body["versions"]] == [(1, "void"), (2, "open")]
    first, second = body["versions"]
    assert first["decision"]["approved"] is True  # kept as written
    assert second["filename"] == "akte-v2.pdf" and second["decision"] is None
    assert session.get(Document, second["document_id"]).title == "Concept akte"
    [event] = events(session, "approval.new_version")
    assert event.api_key_id == find(session, api.raw).id


def test_withdraw(api, app, case, make, session, staff):
    jan, dossier = case
    approval = sent(app, make, session, staff, jan, dossier)
    answer = api.post(f"/approvals/{approval.id}/withdraw")
    assert answer.status_code == 200
    assert answer.json["state"] == "void" and answer.json["versions"][0]["state"] == "void"
    again = api.post(f"/approvals/{approval.id}/withdraw")
    assert again.status_code == 200 and again.json["state"] == "void"
    [event] = events(session, "approval.withdrawn")  # once
    assert event.api_key_id == find(session, api.raw).id


def test_decisions_and_the_receipt(api, app, case, make, session, staff):
    jan, dossier = case
    approval = sent(app, make, session, staff, jan, dossier, decided=True)
    body = api.get(f"/approvals/{approval.id}").json
    assert body["state"] == "approved"
    decision = body["versions"][0]["decision"]
    assert decision["approved"] is True and decision["confirmed_with"] == "password"
    assert decision["client_id"] == jan.id and decision["receipt_available"] is True
    assert decision["sha256"] == body["versions"][0]["sha256"]
    answer = api.get(f"/approvals/{approval.id}/decisions/{decision['id']}/receipt")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF")
    [event] = events(session, "approval.receipt_downloaded")
    assert event.api_key_id == find(session, api.raw).id
    other = sent(app, make, session, staff, jan, dossier)
    assert api.get(f"/approvals/{other.id}/decisions/{decision['id']}/receipt"
                   ).status_code == 404


def test_a_refusal_has_no_receipt(api, app, case, make, session, staff):
    jan, dossier = case
    approval = sent(app, make, session, staff, jan, dossier, decided=False)
    decision = api.get(f"/approvals/{approval.id}").json["versions"][0]["decision"]
    assert decision["approved"] is False and decision["receipt_available"] is False
    assert api.get(f"/approvals/{approval.id}/decisions/{decision['id']}/receipt"
                   ).status_code == 404


def test_list_filters_and_pages(api, app, case, make, session, staff):
    jan, dossier = case
    other = make.dossier(clients=[jan], lawyer=staff.other_lawyer)
    one = sent(app, make, session, staff, jan, dossier)
    two = sent(app, make, session, staff, jan, dossier, decided=True)
    three = sent(app, make, session, staff, jan, other)

    def ids(**query):
        answer = api.get("/approvals", query_string=query)
        assert answer.status_code == 200, answer.json
        return [a["id"] for a in answer.json["items"]]
    assert ids() == [one.id, two.id, three.id]
    assert ids(dossier_id=dossier.id) == [one.id, two.id]
    assert ids(state="approved") == [two.id]
    assert ids(state="open", dossier_id=other.id) == [three.id]
    page = api.get("/approvals?limit=2").json
    assert ids(limit=2, cursor=page["next_cursor"]) == [three.id]
    assert api.get("/approvals?state=maybe").status_code == 422
    session.execute(Approval.__table__.update().values(
        updated_at=utcnow() - timedelta(hours=2)))
    session.commit()
    since = (utcnow() - timedelta(hours=1)).isoformat()
    assert ids(updated_since=since) == []
    api.post(f"/approvals/{one.id}/withdraw")
    assert ids(updated_since=since) == [one.id]


def test_list_runs_constant_statements(api, app, case, make, session, staff, statements):
    jan, dossier = case
    for n in range(3):
        sent(app, make, session, staff, jan, dossier, decided=bool(n % 2))
    few = statements(lambda: api.get("/approvals?limit=100"))
    for n in range(27):
        sent(app, make, session, staff, jan, dossier, decided=bool(n % 2))
    assert len(api.get("/approvals?limit=100").json["items"]) == 30
    assert statements(lambda: api.get("/approvals?limit=100")) == few
