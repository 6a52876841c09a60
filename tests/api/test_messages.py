"""API messages: lists (all, per dossier), one message, and sending one to a dossier's clients
with attachments, on behalf of a lawyer as the staff's "Namens" choice allows."""
import io
from datetime import timedelta

import pytest
from helpers import files_on_disk
from sqlmodel import select

from app.models import (
    CAT_ATTACHMENT,
    AuditEvent,
    Document,
    Message,
    MessageAttachment,
    MessageRead,
    NotificationItem,
    utcnow,
)

PDF = b"%PDF-1.4 bijlage"


@pytest.fixture
def arranged(make, staff):
    """Jan, client of a dossier of mr. Jansen (Els is his secretary), with a message from
    Jan carrying an attachment; Kees in a dossier of mr. Bakker with a message."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    kees = make.user(email="kees@example.nl", name="Kees Klant")
    dossier = make.dossier(clients=[jan], lawyer=staff.lawyer, number="2026-0042")
    other = make.dossier(clients=[kees], lawyer=staff.other_lawyer, number="2026-0099")
    question = make.message(dossier, jan, from_client=True, subject="Vraag", body="Hoe?")
    make.document(dossier, category=CAT_ATTACHMENT, message=question, by=jan)
    elsewhere = make.message(other, kees, from_client=True)
    return jan, dossier, other, question, elsewhere


def sent_messages(session, dossier):
    session.expire_all()
    return session.exec(select(Message).where(Message.dossier_id == dossier.id)
                        .order_by(Message.id)).all()


def attachment_ids(session, message_id):
    return [a.document_id for a in session.exec(select(MessageAttachment).where(
        MessageAttachment.message_id == message_id))]


# ---- reading

def test_list_every_message_the_account_may_see(api, api_for, arranged, staff, session):
    jan, dossier, other, question, elsewhere = arranged
    answer = api.get("/messages")
    assert answer.status_code == 200
    assert [m["id"] for m in answer.json["items"]] == [question.id, elsewhere.id]
    first = answer.json["items"][0]
    assert set(first) == {"id", "dossier_id", "subject", "body", "from_client", "sender_id",
                          "on_behalf_of_id", "reply_to_id", "sent_at", "attachment_ids"}
    assert first["subject"] == "Vraag" and first["from_client"] is True
    assert first["attachment_ids"] == attachment_ids(session, question.id)
    mine = api_for(staff.lawyer).get("/messages").json
    assert [m["id"] for m in mine["items"]] == [question.id]
    assert [m["id"] for m in api.get(f"/messages?dossier_id={other.id}").json["items"]] == \
        [elsewhere.id]
    assert api.get("/messages?from_client=false").json["items"] == []


def test_drafts_are_not_listed(api, arranged, make):
    jan, dossier, _other, question, elsewhere = arranged
    make.message(dossier, jan, from_client=True, sent=False)
    assert [m["id"] for m in api.get(f"/dossiers/{dossier.id}/messages").json["items"]] == \
        [question.id]


def test_lists_page_and_filter_on_sent_at(api, arranged, make, staff):
    jan, dossier, _other, question, _elsewhere = arranged
    old = utcnow() - timedelta(days=3)
    more = [make.message(dossier, staff.lawyer, sent_at=old) for _ in range(3)]
    first = api.get(f"/dossiers/{dossier.id}/messages?limit=2").json
    assert [m["id"] for m in first["items"]] == [question.id, more[0].id]
    rest = api.get(f"/dossiers/{dossier.id}/messages?limit=2"
                   f"&cursor={first['next_cursor']}").json
    assert [m["id"] for m in rest["items"]] == [more[1].id, more[2].id]
    assert rest["next_cursor"] is None
    since = (utcnow() - timedelta(days=1)).isoformat()
    recent = api.get(f"/dossiers/{dossier.id}/messages", query_string={"updated_since": since})
    assert [m["id"] for m in recent.json["items"]] == [question.id]
    firms = api.get(f"/dossiers/{dossier.id}/messages?from_client=false").json
    assert [m["id"] for m in firms["items"]] == [m.id for m in more]


def test_a_list_runs_as_many_statements_for_3_as_for_30(api, make, staff, statements):
    counts = []
    for number in (3, 30):
        client = make.user()
        dossier = make.dossier(clients=[client], lawyer=staff.lawyer)
        for _ in range(number):
            message = make.message(dossier, client, from_client=True)
            make.document(dossier, category=CAT_ATTACHMENT, message=message)
        api.get("/me")
        counts.append(statements(lambda d=dossier: api.get(
            f"/dossiers/{d.id}/messages?limit=100")))
        counts.append(statements(lambda d=dossier: api.get(
            f"/messages?dossier_id={d.id}&limit=100")))
    assert counts[0] == counts[2] and counts[1] == counts[3]


@pytest.mark.parametrize("query, field", [
    ("from_client=perhaps", "from_client"), ("dossier_id=x", "dossier_id"),
    ("limit=101", "limit"), ("colour=red", "colour")])
def test_a_bad_list_query_is_422(api, arranged, query, field):
    answer = api.get(f"/messages?{query}")
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json["errors"]] == [field]


def test_get_one_message_does_not_mark_it_read(api, arranged, session, staff):
    _jan, _dossier, _other, question, _elsewhere = arranged
    answer = api.get(f"/messages/{question.id}")
    assert answer.status_code == 200
    assert answer.json["body"] == "Hoe?"
    assert answer.json["attachment_ids"] == attachment_ids(session, question.id)
    assert session.exec(select(MessageRead)).all() == []


def test_others_get_404(api_for, arranged, staff):
    _jan, dossier, _other, question, _elsewhere = arranged
    for user in (staff.other_lawyer, staff.idle_secretary):
        api = api_for(user)
        assert api.get(f"/messages/{question.id}").status_code == 404
        assert api.get(f"/dossiers/{dossier.id}/messages").status_code == 404
        assert api.post(f"/dossiers/{dossier.id}/messages",
                        json={"subject": "Hallo", "body": "Tekst"}).status_code == 404
        assert api.get(f"/messages?dossier_id={dossier.id}").json["items"] == []


def test_a_draft_is_404(api, arranged, make, staff):
    _jan, dossier, *_rest = arranged
    draft = make.message(dossier, staff.admin, sent=False)
    assert api.get(f"/messages/{draft.id}").status_code == 404


def test_without_the_scope_it_is_403(api_for, arranged, staff):
    _jan, dossier, _other, question, _elsewhere = arranged
    writer = api_for(staff.lawyer, scopes=["messages:write"])
    reader = api_for(staff.lawyer, scopes=["messages:read"])
    for path in ("/messages", f"/messages/{question.id}", f"/dossiers/{dossier.id}/messages"):
        assert writer.get(path).status_code == 403
    answer = reader.post(f"/dossiers/{dossier.id}/messages",
                         json={"subject": "Hallo", "body": "Tekst"})
    assert answer.status_code == 403 and answer.json["type"].endswith("#problem-scope")


# ---- sending

def test_send_json_tells_the_clients(api_for, arranged, session, staff):
    jan, dossier, _other, question, _elsewhere = arranged
    api = api_for(staff.lawyer)
    answer = api.post(f"/dossiers/{dossier.id}/messages", json={
        "subject": " Antwoord ", "body": "Zo.\r\nGroet", "reply_to_id": question.id})
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["subject"] == "Antwoord" and body["body"] == "Zo.\nGroet"
    assert body["from_client"] is False and body["sender_id"] == staff.lawyer.id
    assert body["reply_to_id"] == question.id and body["on_behalf_of_id"] is None
    assert body["attachment_ids"] == []
    assert answer.headers["Location"].endswith(f"/api/v1/messages/{body['id']}")
    items = session.exec(select(NotificationItem).where(
        NotificationItem.target_id == body["id"])).all()
    assert [i.user_id for i in items] == [jan.id]
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent")).all()
    assert event.target_id == body["id"] and event.api_key_id is not None
    assert session.exec(select(MessageRead)).all() == []  # a reply marks nothing read


def test_send_multipart_with_attachments(api, arranged, session):
    _jan, dossier, *_rest = arranged
    answer = api.post(f"/dossiers/{dossier.id}/messages", content_type="multipart/form-data",
                      data={"subject": "Stukken", "body": "Bijgaand.",
                            "file": [(io.BytesIO(PDF), "een.pdf"),
                                     (io.BytesIO(PDF + b"2"), "twee.pdf")]})
    assert answer.status_code == 201, answer.json
    ids = answer.json["attachment_ids"]
    assert len(ids) == 2
    documents = [session.get(Document, i) for i in ids]
    assert [d.filename for d in documents] == ["een.pdf", "twee.pdf"]
    assert {d.category for d in documents} == {CAT_ATTACHMENT}
    assert api.get(f"/documents/{ids[0]}/file").data == PDF


def test_send_is_idempotent(api, arranged, session):
    _jan, dossier, *_rest = arranged
    before = len(sent_messages(session, dossier))
    calls = [api.post(f"/dossiers/{dossier.id}/messages", headers={"Idempotency-Key": "m1"},
                      json={"subject": "Eens", "body": "Eén keer."}) for _ in range(2)]
    assert [c.status_code for c in calls] == [201, 201]
    assert calls[0].json == calls[1].json
    assert len(sent_messages(session, dossier)) == before + 1


def test_on_behalf_of_as_the_compose_form_allows(api_for, arranged, session, staff, make):
    _jan, dossier, other, *_rest = arranged
    text = {"subject": "Namens", "body": "Tekst"}
    secretary = api_for(staff.secretary)
    answer = secretary.post(f"/dossiers/{dossier.id}/messages", json=text)
    assert answer.status_code == 201 and answer.json["on_behalf_of_id"] == staff.lawyer.id
    admin = api_for(staff.admin)
    assert admin.post(f"/dossiers/{dossier.id}/messages", json=text).json[
        "on_behalf_of_id"] is None
    chosen = admin.post(f"/dossiers/{dossier.id}/messages",
                        json={**text, "on_behalf_of_id": staff.lawyer.id})
    assert chosen.json["on_behalf_of_id"] == staff.lawyer.id
    before = len(sent_messages(session, dossier))
    for api, value in ((admin, staff.other_lawyer.id), (secretary, staff.admin.id),
                       (api_for(staff.lawyer), staff.lawyer.id)):
        refused = api.post(f"/dossiers/{dossier.id}/messages",
                           json={**text, "on_behalf_of_id": value})
        assert refused.status_code == 422
        assert [e["field"] for e in refused.json["errors"]] == ["on_behalf_of_id"]
    assert len(sent_messages(session, dossier)) == before


@pytest.mark.parametrize("data, field", [
    ({"body": "Tekst"}, "subject"),
    ({"subject": "  ", "body": "Tekst"}, "subject"),
    ({"subject": "x" * 201, "body": "Tekst"}, "subject"),
    ({"subject": "Hallo", "body": " \n "}, "body"),
    ({"subject": "Hallo", "body": "x" * 4001}, "body"),
    ({"subject": "Hallo", "body": 5}, "body"),
    ({"subject": "Hallo", "body": "Tekst", "reply_to_id": 0}, "reply_to_id"),
    ({"subject": "Hallo", "body": "Tekst", "colour": "red"}, "colour"),
])
def test_bad_messages_are_422_and_send_nothing(api, arranged, session, data, field):
    _jan, dossier, *_rest = arranged
    before = len(sent_messages(session, dossier))
    answer = api.post(f"/dossiers/{dossier.id}/messages", json=data)
    assert answer.status_code == 422, answer.json
    assert [e["field"] for e in answer.json["errors"]] == [field]
    assert len(sent_messages(session, dossier)) == before


def test_the_staff_messages_in_dutch(api, arranged):
    _jan, dossier, *_rest = arranged
    answer = api.post(f"/dossiers/{dossier.id}/messages", headers={"Accept-Language": "nl"},
                      json={"subject": "Hallo", "body": "x" * 4001})
    assert "4001" in answer.json["errors"][0]["detail"]
    assert "maximaal 4000 tekens" in answer.json["errors"][0]["detail"]


def test_reply_to_a_message_of_another_dossier_is_422(api, arranged, session):
    _jan, dossier, _other, _question, elsewhere = arranged
    answer = api.post(f"/dossiers/{dossier.id}/messages",
                      json={"subject": "Re", "body": "Tekst", "reply_to_id": elsewhere.id})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["field"] == "reply_to_id"


def test_a_refused_attachment_sends_nothing(api, app, arranged, session):
    _jan, dossier, *_rest = arranged
    before, on_disk = len(sent_messages(session, dossier)), files_on_disk(app)
    answer = api.post(f"/dossiers/{dossier.id}/messages", content_type="multipart/form-data",
                      data={"subject": "Stukken", "body": "Bijgaand.",
                            "file": [(io.BytesIO(PDF), "goed.pdf"),
                                     (io.BytesIO(b"MZ\x90\x00"), "virus.exe")]})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["field"] == "file"
    assert len(sent_messages(session, dossier)) == before and files_on_disk(app) == on_disk


def test_a_too_large_attachment_is_413(api, app, arranged, session):
    _jan, dossier, *_rest = arranged
    app.config["MAX_FILE_MB"] = 0.001
    before = len(sent_messages(session, dossier))
    answer = api.post(f"/dossiers/{dossier.id}/messages", content_type="multipart/form-data",
                      data={"subject": "Groot", "body": "Bijgaand.",
                            "file": [(io.BytesIO(PDF + b"x" * 5000), "groot.pdf")]})
    assert answer.status_code == 413
    assert answer.json["type"].endswith("#problem-too-large")
    assert len(sent_messages(session, dossier)) == before


def test_another_media_type_is_415(api, arranged):
    _jan, dossier, *_rest = arranged
    answer = api.post(f"/dossiers/{dossier.id}/messages", data="subject=x",
                      content_type="text/plain")
    assert answer.status_code == 415
