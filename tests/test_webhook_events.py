"""The webhook events fire from the real actions, as a user takes them: the client sets the
first password through the invitation, downloads a document (twice: one event), sends a
message, completes a questionnaire, hands in a requested document, approves and refuses,
and is erased; each payload carries ids only, in the transaction of its cause."""
import io
import json
from datetime import timedelta

import pytest
from helpers import (
    PASSWORD,
    completed_questionnaire,
    csrf_token,
    links_in,
    post_form,
    send_form,
)
from sqlmodel import select
from twostep_helpers import login_staff

from app import approvals, webhooks
from app.messages import drafts
from app.models import (
    CAT_DOCUMENT,
    Document,
    Message,
    QuestionnaireAssignment,
    RequestItem,
    WebhookDelivery,
    utcnow,
)

PDF = b"%PDF-1.4 " + bytes(range(256)) * 8


@pytest.fixture
def endpoint(app, session, make):
    """An endpoint on loopback subscribed to every event."""
    admin = make.staff(role="admin", email="beheer@kantoor.test", name="Beheer")
    with app.app_context():
        endpoint = webhooks.create_endpoint(session, url="http://127.0.0.1:9/hook",
                                            events=list(webhooks.EVENTS), actor=admin,
                                            allow_private=True)
    session.commit()
    return endpoint


def fired(session, event_type=None):
    """The data of each event queued (of `event_type`), oldest first; checks the payload."""
    session.expire_all()
    found = []
    for row in session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)):
        body = json.loads(row.payload)
        assert set(body) == {"id", "type", "created_at", "data"}
        assert (body["id"], body["type"]) == (row.event_id, row.event_type)
        assert all(isinstance(v, (int, list)) for v in body["data"].values())  # ids only
        assert "@" not in row.payload
        if event_type is None or row.event_type == event_type:
            found.append(body["data"] if event_type else (row.event_type, body["data"]))
    return found


def test_client_activated_when_the_invitation_sets_the_first_password(
        app, client, session, make, mailbox, endpoint):
    user = make.user(email="nieuw@example.nl", password=None)
    make.invite(user)
    [link1] = links_in(mailbox.deliver(app)[0])
    post_form(client, link1.replace("http://portal.test", ""), {"email": "nieuw@example.nl"})
    [link2] = links_in(mailbox.deliver(app)[0])
    assert fired(session) == []
    response = post_form(client, link2.replace("http://portal.test", ""),
                         {"password": "Welkom2026", "confirm": "Welkom2026"})
    assert response.status_code == 302
    assert fired(session) == [("client.activated", {"client_id": user.id})]

    # A later password (forgotten, set again through a link) is no activation.
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    mailbox.deliver(app)
    post_form(client, "/wachtwoord-instellen", {"email": "nieuw@example.nl"})
    [link3] = links_in(mailbox.deliver(app)[0])
    response = post_form(client, link3.replace("http://portal.test", ""),
                         {"password": "Anders2027", "confirm": "Anders2027"})
    assert response.status_code == 302
    assert len(fired(session, "client.activated")) == 1


def test_document_downloaded_the_first_time_only(app, client, session, make, jan, dossier,
                                                  endpoint, httpserver):
    document = make.document(dossier, data=b"%PDF-1.4 " + b"x" * 1000)
    url = f"/documenten/{document.id}/download"
    assert client.get(url, headers={"Range": "bytes=10-"}).status_code == 206  # no download
    assert fired(session) == []
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert fired(session) == [("document.downloaded", {
        "document_id": document.id, "dossier_id": dossier.id, "client_id": jan.id})]

    # And it arrives, at a real receiver.
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    endpoint = session.get(type(endpoint), endpoint.id)
    endpoint.url = httpserver.url_for("/hook")
    session.commit()
    assert webhooks.deliver_due(app) == (1, 0)
    [(request, _response)] = httpserver.log
    body = json.loads(request.get_data())
    assert body["type"] == "document.downloaded" and body["data"]["client_id"] == jan.id
    assert webhooks.verify(endpoint.secret, request.headers, request.get_data())


def test_message_received_from_the_client_only(app, client, session, make, jan, dossier,
                                               lawyer, endpoint):
    assert send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw").status_code == 302
    message = session.exec(select(Message)).one()
    assert fired(session) == [("message.received", {
        "message_id": message.id, "dossier_id": dossier.id, "client_id": jan.id})]
    draft = make.message(dossier, lawyer, sent=False)
    with app.test_request_context():
        assert drafts.send(session, lawyer, draft)
    session.commit()
    assert len(fired(session)) == 1  # what the firm sends is no event


def test_questionnaire_completed(app, client, session, make, endpoint):
    assignment = completed_questionnaire(client, session, make)
    session.expire_all()
    assignment = session.get(QuestionnaireAssignment, assignment.id)
    assert assignment.document_id is not None
    assert fired(session, "questionnaire.completed") == [{
        "assignment_id": assignment.id, "dossier_id": assignment.dossier_id,
        "client_id": assignment.client_id, "document_id": assignment.document_id}]


def test_request_item_handed_in(app, client, session, make, jan, dossier, lawyer, endpoint):
    request = make.document_request(dossier, jan, by=lawyer, items=["Koopakte", "Loonstrook"])
    item = session.exec(select(RequestItem).where(RequestItem.request_id == request.id)
                        .order_by(RequestItem.id)).first()
    response = client.post(f"/acties/stukken/{request.id}/{item.id}", data={
        "csrf_token": csrf_token(client),
        "files": [(io.BytesIO(PDF), "koopakte.pdf"), (io.BytesIO(PDF), "bijlage.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    documents = session.exec(select(Document.id).where(Document.request_item_id == item.id)
                             .order_by(Document.id)).all()
    assert len(documents) == 2
    assert fired(session) == [("request_item.handed_in", {
        "request_id": request.id, "item_id": item.id, "dossier_id": dossier.id,
        "client_id": jan.id, "document_ids": list(documents)})]


@pytest.mark.sealed  # the approval's receipt is sealed
def test_approval_approved_and_refused(app, client, session, make, jan, dossier, lawyer,
                                       endpoint):
    sent = []
    for name in ("akte.pdf", "volmacht.pdf"):
        document = make.document(dossier, CAT_DOCUMENT, title=name, filename=name, by=lawyer,
                                 data=b"%PDF-1.4 " + name.encode())
        with app.test_request_context():
            sent.append(approvals.new_approval(session, dossier=dossier, client=jan,
                                               sent_by=lawyer, document=document, title=name,
                                               note="Graag uw akkoord."))
            session.commit()
    (first, second) = sent
    first_version, second_version = first.versions[0].id, second.versions[0].id
    response = post_form(client, f"/acties/goedkeuren/{first.id}/akkoord",
                         {"version_id": first_version, "password": PASSWORD})
    assert response.status_code == 303
    response = post_form(client, f"/acties/goedkeuren/{second.id}/niet-akkoord",
                         {"version_id": second_version, "comments": "Artikel 3 klopt niet."})
    assert response.status_code == 303
    assert fired(session, "approval.approved") == [{
        "approval_id": first.id, "version_id": first_version, "dossier_id": dossier.id,
        "client_id": jan.id}]
    assert fired(session, "approval.refused") == [{
        "approval_id": second.id, "version_id": second_version, "dossier_id": dossier.id,
        "client_id": jan.id}]


def test_client_erased(app, client, session, make, staff, endpoint):
    piet = make.user(email="piet@example.nl", name="Piet Bakker")
    dossier = make.dossier(clients=[piet], status="closed", lawyer=staff.lawyer)
    dossier.status_changed_at = utcnow() - timedelta(days=8 * 365)
    session.commit()
    login_staff(client, session, staff.admin)
    response = post_form(client, f"/kantoor/clienten/{piet.id}/avg/wissen",
                         {"email": "piet@example.nl"})
    assert response.status_code == 302
    assert fired(session) == [("client.erased", {"client_id": piet.id})]


def test_a_failed_action_queues_no_event(app, client, session, make, jan, dossier,
                                         endpoint):
    """The event is part of its cause's transaction: a client's message that is not sent
    (an empty one, refused) leaves no delivery, as a rolled-back one leaves none."""
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", body="   ")
    assert response.status_code == 400
    assert fired(session) == []
    with app.app_context():
        webhooks.emit(session, "message.received", {"message_id": 1})
    session.rollback()
    assert fired(session) == []


def test_without_an_endpoint_nothing_is_written(app, client, session, make, jan, dossier):
    document = make.document(dossier)
    assert client.get(f"/documenten/{document.id}/download").status_code == 200
    assert send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw").status_code == 302
    assert session.exec(select(WebhookDelivery)).all() == []
