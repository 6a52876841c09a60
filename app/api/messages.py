"""The API's messages: the messages of the dossiers the key's account may see, and sending one
to a dossier's clients (with attachments), as the staff side does (app/messages/drafts.py)."""
from datetime import datetime

from flask import abort, g, request, url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import select

from ..db import INTEGER_MAX, get_session
from ..forms import multi_line, single_line
from ..messages import drafts
from ..messages.forms import MAX_BODY, body_length
from ..models import ROLE_SECRETARY, Document, MessageAttachment
from ..models import Message as Row
from ..staff.access import (
    get_staff_dossier,
    get_staff_message,
    staff_documents,
    staff_dossier_ids,
)
from .files import MULTIPART, is_multipart, refused, sent_files
from .paging import ListQuery, page
from .problems import field_error
from .spec import json_body, operation, validate

TAG = "messages"
READ, WRITE = "messages:read", "messages:write"


class Message(BaseModel):
    id: int
    dossier_id: int
    subject: str
    body: str
    from_client: bool = Field(description="Sent by a client (else by the firm).")
    sender_id: int
    on_behalf_of_id: int | None = Field(description="The lawyer the firm's message was "
                                        "sent on behalf of (\"namens\").")
    reply_to_id: int | None
    sent_at: datetime
    attachment_ids: list[int] = Field(description="The attached documents "
                                      "(GET /documents/{id}).")


class MessageList(BaseModel):
    items: list[Message]
    next_cursor: str | None


class DossierMessageQuery(ListQuery):
    """updated_since filters on sent_at."""
    model_config = ConfigDict(extra="forbid")
    from_client: bool | None = Field(None, description="Only the clients' (true) or only "
                                     "the firm's (false).")


class MessageQuery(DossierMessageQuery):
    model_config = ConfigDict(extra="forbid")
    dossier_id: int | None = Field(None, ge=1, le=INTEGER_MAX)


class MessageCreate(BaseModel):
    """A message to the dossier's clients: a JSON body, or the text parts of a multipart
    call whose parts `file` are its attachments."""
    model_config = ConfigDict(extra="forbid")
    subject: str = Field(description=f"At most {drafts.MAX_SUBJECT} characters, one line.")
    body: str = Field(description=f"At most {MAX_BODY} characters.")
    reply_to_id: int | None = Field(None, ge=1, le=INTEGER_MAX,
                                    description="A message of the same dossier.")
    on_behalf_of_id: int | None = Field(None, ge=1, le=INTEGER_MAX, description=(
        "The lawyer to send on behalf of, as the staff's \"Namens\" choice allows: an admin "
        "the dossier's handling lawyer (null: as themself); a secretary that lawyer if they "
        "delegated to the secretary (null: that lawyer); a lawyer only null."))

    @field_validator("subject")
    @classmethod
    def _subject(cls, value):
        value = single_line(value)
        if not value:
            raise ValueError(str(_l("Enter a subject.")))
        if len(value) > drafts.MAX_SUBJECT:
            raise ValueError(str(_l("The subject may be at most %(max)d characters long.",
                                    max=drafts.MAX_SUBJECT)))
        return value

    @field_validator("body")
    @classmethod
    def _body(cls, value):
        value = multi_line(value)
        if not value.strip():
            raise ValueError(str(_l("Enter your message.")))
        if body_length(value) > MAX_BODY:
            raise ValueError(str(_l("A message may be at most 4000 characters long; yours "
                                    "has %(count)s. Shorten it and send it again.",
                                    count=body_length(value))))
        return value


def _schema(model):
    return {"type": "object", "properties": model.model_json_schema()["properties"]}


SEND_BODY = {"required": True, "description": "JSON, or multipart/form-data with the same "
             "fields as text parts and one part file per attachment.", "content": {
                 "application/json": {"schema": _schema(MessageCreate) | {
                     "required": ["subject", "body"], "additionalProperties": False}},
                 MULTIPART: {"schema": {"type": "object", "required": ["subject", "body"],
                                        "properties": _schema(MessageCreate)["properties"] | {
                                            "file": {"type": "array", "items": {
                                                "type": "string", "format": "binary"}}}}}}}


def _messages(db, rows):
    """The Message of each row, with its attachments the account may see (one query)."""
    ids = [row.id for row in rows]
    attached = {}
    if ids:
        found = db.execute(
            staff_documents(g.api_user)
            .join(MessageAttachment, MessageAttachment.document_id == Document.id)
            .where(MessageAttachment.message_id.in_(ids))
            .order_by(Document.created_at, Document.id)
            .with_only_columns(MessageAttachment.message_id, Document.id)).all()
        for message_id, document_id in found:
            attached.setdefault(message_id, []).append(document_id)
    return [Message(id=row.id, dossier_id=row.dossier_id, subject=row.subject, body=row.body,
                    from_client=row.from_client, sender_id=row.sender_id,
                    on_behalf_of_id=row.on_behalf_of_id, reply_to_id=row.reply_to_id,
                    sent_at=row.sent_at, attachment_ids=attached.get(row.id, []))
            for row in rows]


def _list(db, found, query):
    if query.from_client is not None:
        found = found.where(Row.from_client.is_(query.from_client))
    rows, cursor = page(db, found.where(Row.sent_at.is_not(None)), Row, query,
                        updated=Row.sent_at)
    return MessageList(items=_messages(db, rows), next_cursor=cursor)


@operation("GET", "/messages", scope=READ, tag=TAG, query=MessageQuery, response=MessageList,
           summary="Messages",
           description="The sent messages of every dossier the key's account may see; "
                       "updated_since filters on sent_at.")
def list_messages(query):
    db = get_session()
    found = select(Row).where(Row.dossier_id.in_(staff_dossier_ids(g.api_user)))
    if query.dossier_id is not None:
        found = found.where(Row.dossier_id == query.dossier_id)
    return _list(db, found, query)


@operation("GET", "/dossiers/<int:dossier_id>/messages", scope=READ, tag=TAG,
           query=DossierMessageQuery, response=MessageList, summary="A dossier's messages",
           description="updated_since filters on sent_at.")
def dossier_messages(dossier_id, query):
    db = get_session()
    dossier = get_staff_dossier(db, g.api_user, dossier_id)
    return _list(db, select(Row).where(Row.dossier_id == dossier.id), query)


@operation("GET", "/messages/<int:message_id>", scope=READ, tag=TAG, response=Message,
           summary="A message",
           description="Reading a message through the API does not mark it read: the "
                       "key's account still sees it as new on the staff side.")
def get_message(message_id):
    db = get_session()
    return _messages(db, [_sent(db, message_id)])[0]


def _sent(db, message_id):
    """A sent message the account may see, else 404."""
    found = get_staff_message(db, g.api_user, message_id)
    if found.sent_at is None:  # a draft of the account's own, from the staff side
        abort(404)
    return found


@operation("POST", "/dossiers/<int:dossier_id>/messages", scope=WRITE, tag=TAG,
           request_body=SEND_BODY, response=Message, status=201, errors=(413, 415, 507),
           summary="Send a message to the dossier's clients",
           description="Sent at once, with its attachments (multipart parts file, checked "
                       "as the staff's uploads are); the clients are told as when staff "
                       "send one. A reply does not mark the message it answers read.")
def send_message(dossier_id):
    db = get_session()
    dossier = get_staff_dossier(db, g.api_user, dossier_id)
    if is_multipart():
        asked = validate(MessageCreate, request.form.to_dict(), "body")
        files = sent_files()
    else:
        asked = validate(MessageCreate, json_body(), "body")
        files = []
    reply_to = None
    if asked.reply_to_id is not None:
        reply_to = db.exec(select(Row).where(Row.id == asked.reply_to_id,
                                             Row.dossier_id == dossier.id,
                                             Row.sent_at.is_not(None))).first()
        if reply_to is None:
            raise field_error("reply_to_id", _l("Not a message of this dossier."))
    on_behalf_of = _on_behalf_of(db, dossier, asked.on_behalf_of_id)
    db.commit()  # end the read transaction: no database lock is held during the disk work
    message = drafts.new_message(g.api_user, dossier, reply_to, on_behalf_of=on_behalf_of)
    message.subject, message.body = asked.subject, asked.body
    problems = drafts.send_with_files(db, g.api_user, message, files)
    if problems:
        raise refused("file", problems)
    return _messages(db, [message])[0], {"Location": url_for("api.get_message",
                                                             message_id=message.id)}


def _on_behalf_of(db, dossier, asked):
    """The lawyer the message goes on behalf of (None: the account itself), as the staff's
    compose form allows; 422 on on_behalf_of_id otherwise."""
    choices = [lawyer.id for lawyer in drafts.on_behalf_choices(db, g.api_user, dossier)]
    if asked is None and g.api_user.role == ROLE_SECRETARY:  # a secretary always writes namens
        asked = choices[0] if choices else -1
    if asked is not None and asked not in choices:
        raise field_error("on_behalf_of_id", _l(
            "You may not write on behalf of this person in this dossier. Choose a sender "
            "from the list."))
    return asked
