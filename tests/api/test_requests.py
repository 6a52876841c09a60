"""The API's requests for documents: asking as "Stukken opvragen" does (one mail), adding
items, approving, rejecting and withdrawing with the revision guard; scopes, who may see
what, identity documents, pagination and a constant number of statements."""
from datetime import date, timedelta

import pytest
from helpers import age_notifications, count_rows, events

from app.api.keys import find
from app.models import (
    ITEM_APPROVED,
    ITEM_REJECTED,
    DocumentRequest,
    NotificationItem,
    RequestItem,
    StandardItem,
    utcnow,
)
from app.notifications import send_due


def tomorrow():
    return (date.today() + timedelta(days=2)).isoformat()


# ---- asking

def test_ask_for_documents_sends_one_mail(api, app, case, make, mailbox, session, staff):
    jan, dossier = case
    passport = StandardItem(title="Kopie paspoort", explanation="Voor- en achterkant",
                            is_identity=True)
    session.add(passport)
    session.commit()
    answer = api.post(f"/dossiers/{dossier.id}/requests", json={
        "client_id": jan.id, "deadline": tomorrow(),
        "items": [{"standard_item_id": passport.id},
                  {"title": "  Koopcontract ", "explanation": "Getekend"}]})
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert answer.headers["Location"].endswith(f"/api/v1/requests/{body['id']}")
    assert body["client_id"] == jan.id and body["sent_by_id"] == staff.admin.id
    assert body["deadline"] == tomorrow() and body["overdue"] is False
    assert [(i["title"], i["explanation"], i["is_identity"], i["state"])
            for i in body["items"]] == [
        ("Kopie paspoort", "Voor- en achterkant", True, "open"),
        ("Koopcontract", "Getekend", False, "open")]
    assert body["progress"] == {"handed_in": 0, "total": 2, "waiting": 0}
    [event] = events(session, "request.sent")
    assert event.api_key_id == find(session, api.raw).id
    assert count_rows(session, NotificationItem, NotificationItem.user_id == jan.id) == 1
    age_notifications(session)
    assert send_due(app) == 1
    assert [m["To"] for m in mailbox.deliver(app)] == ["jan@example.nl"]


def test_asking_is_idempotent(api, case, session):
    jan, dossier = case
    payload = {"client_id": jan.id, "items": [{"title": "Loonstrook"}]}
    headers = {"Idempotency-Key": "vraag-1"}
    first = api.post(f"/dossiers/{dossier.id}/requests", json=payload, headers=headers)
    again = api.post(f"/dossiers/{dossier.id}/requests", json=payload, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert count_rows(session, DocumentRequest) == 1 and count_rows(session, RequestItem) == 1


@pytest.mark.parametrize("change, fields", [
    ({"client_id": "kees"}, ["client_id"]),
    ({"client_id": "staff"}, ["client_id"]),
    ({"deadline": "2000-01-01"}, ["deadline"]),
    ({"deadline": "31-12-2099"}, ["deadline"]),
    ({"items": []}, ["items"]),
    ({"items": [{"title": " "}]}, ["items.0.title"]),
    ({"items": [{"title": "x" * 201}]}, ["items.0.title"]),
    ({"items": [{"title": "A"}, {"explanation": "geen titel"}]}, ["items.1.title"]),
    ({"items": [{"standard_item_id": 999}]}, ["items.0.standard_item_id"]),
    ({"items": [{"standard_item_id": "list", "title": "Ook"}]}, ["items.0"]),
    ({"items": [{"title": "A", "colour": "red"}]}, ["items.0.colour"]),
    ({"items": [{"title": f"T{n}"} for n in range(51)]}, ["items"]),
])
def test_bad_fields_are_422_and_nothing_is_stored(api, case, make, session, staff, change,
                                                  fields):
    jan, dossier = case
    kees = make.user(email="kees@example.nl")
    listed = StandardItem(title="Uittreksel KvK")
    session.add(listed)
    session.commit()
    ids = {"kees": kees.id, "staff": staff.lawyer.id, "list": listed.id}
    body = {"client_id": jan.id, "items": [{"title": "Loonstrook"}]}
    for key, value in change.items():
        if key == "items":
            value = [{k: ids.get(v, v) for k, v in item.items()} for item in value]
        body[key] = ids.get(value, value) if isinstance(value, str) else value
    answer = api.post(f"/dossiers/{dossier.id}/requests", json=body)
    assert answer.status_code == 422, answer.json
    assert [e["field"] for e in answer.json["errors"]] == fields
    assert count_rows(session, DocumentRequest) == 0 and count_rows(session, RequestItem) == 0
    assert count_rows(session, NotificationItem) == 0


@pytest.mark.parametrize("who", ["other_lawyer", "idle_secretary"])
def test_records_out_of_sight_are_404(api_for, case, make, session, staff, who):
    jan, dossier = case
    request = make.document_request(dossier, jan, items=["Loonstrook"], by=staff.lawyer)
    item = request.items[0]
    make.hand_in(item, jan)
    api = api_for(getattr(staff, who))
    assert api.post(f"/dossiers/{dossier.id}/requests", json={
        "client_id": jan.id, "items": [{"title": "X"}]}).status_code == 404
    assert api.get(f"/requests/{request.id}").status_code == 404
    assert api.get("/requests").json["items"] == []
    assert api.post(f"/requests/{request.id}/items",
                    json={"items": [{"title": "X"}]}).status_code == 404
    for action, body in (("approve", {}), ("reject", {"reason": "Onleesbaar"}),
                         ("withdraw", None)):
        path = f"/requests/{request.id}/items/{item.id}/{action}"
        answer = api.post(path, json=body) if body is not None else api.post(path)
        assert answer.status_code == 404, action
    assert count_rows(session, DocumentRequest) == 1 and count_rows(session, RequestItem) == 1
    assert session.get(RequestItem, item.id).state == "submitted"


def test_scopes(api_for, case, make, staff):
    jan, dossier = case
    request = make.document_request(dossier, jan, by=staff.lawyer)
    reader = api_for(staff.admin, scopes=["requests:read"])
    writer = api_for(staff.admin, scopes=["requests:write"])
    assert writer.get("/requests").status_code == 403
    assert writer.get(f"/requests/{request.id}").status_code == 403
    assert reader.post(f"/dossiers/{dossier.id}/requests", json={
        "client_id": jan.id, "items": [{"title": "X"}]}).status_code == 403
    item = request.items[0]
    assert reader.post(f"/requests/{request.id}/items/{item.id}/withdraw").status_code == 403
    assert reader.get(f"/requests/{request.id}").status_code == 200


# ---- reading

def test_a_request_with_files_and_progress(api, case, make, staff):
    jan, dossier = case
    request = make.document_request(dossier, jan, items=["Loonstrook", "Jaaropgave"],
                                     by=staff.lawyer, deadline=date.today() - timedelta(days=1))
    first = make.hand_in(request.items[0], jan)
    second = make.hand_in(request.items[0], jan, filename="tweede.pdf")
    body = api.get(f"/requests/{request.id}").json
    assert body["overdue"] is True
    assert body["progress"] == {"handed_in": 1, "total": 2, "waiting": 1}
    loonstrook = body["items"][0]
    assert loonstrook["state"] == "submitted" and loonstrook["revision"] == 2
    assert loonstrook["document_ids"] == [second.id, first.id]
    assert body["items"][1]["document_ids"] == []


def test_list_filters_pages_and_updated_since(api, case, make, session, staff):
    jan, dossier = case
    other = make.dossier(clients=[jan], lawyer=staff.other_lawyer)
    one = make.document_request(dossier, jan, by=staff.lawyer)
    two = make.document_request(dossier, jan, by=staff.lawyer)
    three = make.document_request(other, jan, by=staff.other_lawyer)
    two.completed_at = utcnow()
    session.add(two)
    session.commit()

    def ids(**query):
        answer = api.get("/requests", query_string=query)
        assert answer.status_code == 200, answer.json
        return [r["id"] for r in answer.json["items"]]
    assert ids() == [one.id, two.id, three.id]
    assert ids(dossier_id=dossier.id) == [one.id, two.id]
    assert ids(open="true") == [one.id, three.id]
    assert ids(open="false") == [two.id]
    page = api.get("/requests?limit=2").json
    assert ids(limit=2, cursor=page["next_cursor"]) == [three.id]
    old = utcnow() - timedelta(hours=2)
    session.execute(DocumentRequest.__table__.update().values(updated_at=old))
    session.execute(RequestItem.__table__.update().values(created_at=old))
    session.commit()
    since = (utcnow() - timedelta(hours=1)).isoformat()
    assert ids(updated_since=since) == []
    make.hand_in(one.items[0], jan)
    assert ids(updated_since=since) == [one.id]


def test_list_runs_constant_statements(api, case, make, statements, staff):
    jan, dossier = case
    for _ in range(3):
        request = make.document_request(dossier, jan, items=["A", "B"], by=staff.lawyer)
        make.hand_in(request.items[0], jan)
    few = statements(lambda: api.get("/requests?limit=100"))
    for _ in range(27):
        request = make.document_request(dossier, jan, items=["A", "B"], by=staff.lawyer)
        make.hand_in(request.items[0], jan)
    assert len(api.get("/requests?limit=100").json["items"]) == 30
    assert statements(lambda: api.get("/requests?limit=100")) == few


# ---- adding and deciding

def test_add_items_opens_a_done_request_again(api, case, make, session, staff):
    jan, dossier = case
    request = make.document_request(dossier, jan, items=["Loonstrook"], by=staff.lawyer)
    request.completed_at = utcnow()
    session.add(request)
    session.commit()
    answer = api.post(f"/requests/{request.id}/items",
                      json={"items": [{"title": "Jaaropgave", "is_identity": False}]})
    assert answer.status_code == 200, answer.json
    assert [i["title"] for i in answer.json["items"]] == ["Loonstrook", "Jaaropgave"]
    assert answer.json["completed_at"] is None
    [event] = events(session, "request.items_added")
    assert event.api_key_id == find(session, api.raw).id
    bad = api.post(f"/requests/{request.id}/items", json={"items": [{"title": ""}]})
    assert bad.status_code == 422 and count_rows(session, RequestItem) == 2


def test_approve_with_the_current_revision_completes_the_request(api, case, make, session,
                                                                  staff):
    jan, dossier = case
    request = make.document_request(dossier, jan, items=["Loonstrook"], by=staff.lawyer)
    item = request.items[0]
    make.hand_in(item, jan)
    answer = api.post(f"/requests/{request.id}/items/{item.id}/approve", json={})
    assert answer.status_code == 200, answer.json
    assert answer.json["items"][0]["state"] == "approved"
    assert answer.json["completed_at"] is not None
    [event] = events(session, "request.item_approved")
    assert event.api_key_id == find(session, api.raw).id
    again = api.post(f"/requests/{request.id}/items/{item.id}/reject",
                     json={"reason": "Toch niet"})
    assert again.status_code == 409 and again.json["type"].endswith("#problem-conflict")


def test_a_stale_revision_is_a_conflict(api, case, make, session, staff):
    jan, dossier = case
    request = make.document_request(dossier, jan, items=["Loonstrook"], by=staff.lawyer)
    item = request.items[0]
    make.hand_in(item, jan)
    seen = api.get(f"/requests/{request.id}").json["items"][0]["revision"]
    make.hand_in(item, jan, filename="nieuw.pdf")  # a new file meanwhile
    answer = api.post(f"/requests/{request.id}/items/{item.id}/approve",
                      json={"revision": seen})
    assert answer.status_code == 409
    assert session.get(RequestItem, item.id).state == "submitted"
    ok = api.post(f"/requests/{request.id}/items/{item.id}/approve",
                  json={"revision": seen + 1})
    assert ok.status_code == 200
    session.expire_all()
    assert session.get(RequestItem, item.id).state == ITEM_APPROVED


def test_reject_needs_a_reason_and_tells_the_client(api, case, make, session, staff):
    jan, dossier = case
    request = make.document_request(dossier, jan, items=["Loonstrook"], by=staff.lawyer)
    item = request.items[0]
    make.hand_in(item, jan)
    before = count_rows(session, NotificationItem, NotificationItem.user_id == jan.id)
    path = f"/requests/{request.id}/items/{item.id}/reject"
    for body, detail in (({"reason": "  "}, "Enter the reason"), ({}, "required")):
        answer = api.post(path, json=body)
        assert answer.status_code == 422
        assert answer.json["errors"][0]["field"] == "reason"
        assert detail in answer.json["errors"][0]["detail"]
    session.expire_all()
    assert session.get(RequestItem, item.id).state == "submitted"
    answer = api.post(path, json={"reason": "Onleesbaar"})
    assert answer.status_code == 200
    assert answer.json["items"][0]["state"] == ITEM_REJECTED
    assert answer.json["items"][0]["reason"] == "Onleesbaar"
    assert count_rows(session, NotificationItem, NotificationItem.user_id == jan.id) == before + 1


def test_withdraw_an_item(api, case, make, session, staff):
    jan, dossier = case
    request = make.document_request(dossier, jan, items=["Loonstrook", "Jaaropgave"],
                                    by=staff.lawyer)
    item = request.items[1]
    path = f"/requests/{request.id}/items/{item.id}/withdraw"
    answer = api.post(path)
    assert answer.status_code == 200
    assert answer.json["items"][1]["withdrawn_at"] is not None
    assert answer.json["progress"]["total"] == 1
    [event] = events(session, "request.item_withdrawn")
    assert event.api_key_id == find(session, api.raw).id
    assert api.post(path).status_code == 409
    other = make.document_request(dossier, jan, by=staff.lawyer)
    assert api.post(f"/requests/{other.id}/items/{item.id}/withdraw").status_code == 404
