"""A message's life: a draft that keeps what was typed and uploaded, sending, reading."""
from flask import request
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import and_, delete, func, select

from .. import audit, firm, notifications, quota, storage, uploads, webhooks
from ..access import message_documents, visible_messages
from ..models import (
    CAT_PROVIDED,
    ROLE_ADMIN,
    ROLE_SECRETARY,
    Document,
    Message,
    MessageAttachment,
    MessageRead,
    User,
    utcnow,
)

MAX_SUBJECT = 200


def reply_subject(subject):
    """The subject of a reply: "Re: " once in front of the original's."""
    if subject.lower().startswith("re:"):
        return subject
    return ("Re: " + subject)[:MAX_SUBJECT]


def new_message(user, dossier, reply_to=None, on_behalf_of=None):
    """An unsent message (a draft) by `user` in `dossier`, not added to a session yet."""
    return Message(dossier_id=dossier.id, sender_id=user.id, on_behalf_of_id=on_behalf_of or None,
                   from_client=not user.is_staff,
                   reply_to_id=reply_to.id if reply_to is not None else None,
                   subject="", body="")


def save_draft(db, user, dossier, draft, reply_to, subject, body):
    """Keep what was typed: update `draft`, or start one in `dossier`. Not committed.
    Raises quota.Exceeded when a client has the most unsent drafts already."""
    if draft is None:
        quota.check_new_draft(db, user)
        draft = new_message(user, dossier, reply_to)
        db.add(draft)
    draft.subject, draft.body = subject or "", body or ""
    # A draft's age counts from its last save: cleanup takes only drafts left for a day.
    draft.created_at = utcnow()
    db.flush()
    return draft


def attachments(db, user, message):
    """The documents attached to a message that `user` may see, in the order added."""
    return db.exec(message_documents(user, message.id)
                        .order_by(Document.created_at, Document.id)).all()


def files_of(db, message):
    """Every document attached to a message, in the order added (for its sender)."""
    return db.exec(
        select(Document).join(MessageAttachment, MessageAttachment.document_id == Document.id)
        .where(MessageAttachment.message_id == message.id)
        .order_by(Document.created_at, Document.id)).all()


def attached_size(db, message):
    """(number, total size) of the files attached to a message."""
    return tuple(db.exec(
        select(func.count(Document.id), func.coalesce(func.sum(Document.size), 0))
        .join(MessageAttachment, MessageAttachment.document_id == Document.id)
        .where(MessageAttachment.message_id == message.id)).one())


def send(db, user, message):
    """Send a draft with its attachments (both sides) and notify the other side; what a
    client sends is also "provided by me". Returns False, changing nothing, when it was sent
    meanwhile."""
    # Claimed by a conditional UPDATE, not read-then-write: of two sends at once (the two
    # requests of a double click, both past the draft check) exactly one sends.
    now = utcnow()
    if db.execute(update(Message)
                       .where(Message.id == message.id, Message.sent_at.is_(None))
                       .values(sent_at=now)
                       .execution_options(synchronize_session=False)).rowcount != 1:
        return False
    set_committed_value(message, "sent_at", now)
    files = files_of(db, message)
    for document in files:
        if message.from_client:
            document.category = CAT_PROVIDED
        document.created_at = message.sent_at
    staff = {} if message.from_client else {"on_behalf_of": message.on_behalf_of_id}
    audit.record(db, "message.sent", actor=user, target=message,
                 dossier_id=message.dossier_id, attachments=[d.id for d in files],
                 reply_to=message.reply_to_id, **staff)
    notifications.message_sent(db, message)
    if message.from_client:
        webhooks.emit(db, "message.received", {"message_id": message.id,
                      "dossier_id": message.dossier_id, "client_id": user.id})
    return True


def send_with_files(db, user, message, files, claim=None):
    """Add the new `message` (not in the session yet) with `files` (uploads) as its
    attachments and send it, in one transaction (the caller committed before: no database
    lock during the disk work). Returns the problems with the files (messages for the user;
    nothing is kept then), else []. `claim()` returning False means another request sent it
    already (a double click): nothing is kept then either. Raises as uploads.store_uploads,
    keeping nothing."""
    db.add(message)  # written with the files' rows, once they are on disk
    documents = []
    try:
        documents, problems = uploads.store_uploads(db, user, message, files, 0)
        if problems:
            db.rollback()
            remove_files([d.storage_key for d in documents])
            return problems
        if (claim is None or claim()) and send(db, user, message):
            db.commit()
        else:
            db.rollback()
            remove_files([d.storage_key for d in documents])
    except BaseException:
        db.rollback()
        remove_files([d.storage_key for d in documents])
        raise
    return []


def on_behalf_choices(db, user, dossier):
    """The lawyers a staff member may write on behalf of in `dossier` ("Namens"): the
    dossier's handling lawyer, for a secretary that lawyer delegated to and for an admin
    (who may also write as themself); a lawyer writes only as themself."""
    from ..staff.access import lawyers_for  # app.staff imports its views, which import this

    if user.role not in (ROLE_ADMIN, ROLE_SECRETARY):
        return []
    return [lawyer for lawyer in lawyers_for(db, user) if lawyer.id == dossier.lawyer_id]


def remove_attachment(db, user, message, document):
    """Take a file off a draft and delete it; returns the storage key to remove after the
    commit (a rolled-back removal must not have lost the file)."""
    db.exec(delete(MessageAttachment).where(MessageAttachment.message_id == message.id,
                                                 MessageAttachment.document_id == document.id))
    db.delete(document)
    audit.record(db, "attachment.removed", actor=user, target=document,
                 dossier_id=message.dossier_id, message_id=message.id,
                 filename=document.filename)
    return document.storage_key


def discard(db, message, actor=None, action="draft.deleted"):
    """Delete a draft with its attachments; returns the storage keys to remove after the
    commit."""
    documents = files_of(db, message)
    db.exec(delete(MessageAttachment).where(MessageAttachment.message_id == message.id))
    for document in documents:
        db.delete(document)
    audit.record(db, action, actor=actor, target=message, dossier_id=message.dossier_id,
                 attachments=len(documents))
    db.delete(message)
    return [d.storage_key for d in documents]


def remove_files(keys):
    """Delete stored files whose rows are gone (call after the commit)."""
    for key in keys:
        storage.remove(key)


def opened_here():
    """True unless the browser says this request came from another site (Sec-Fetch-Site):
    a link or form elsewhere must not mark a message read. Browsers that do not send the
    header (old ones, scripts) count as here."""
    return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")


def mark_read(db, user, message):
    """Note that `user` read `message` (once; the first time is audited). Commits."""
    if db.get(MessageRead, (message.id, user.id)) is not None:
        return
    db.add(MessageRead(message_id=message.id, user_id=user.id))
    audit.record(db, "message.read", actor=user, target=message,
                 dossier_id=message.dossier_id)
    try:
        db.commit()
    except IntegrityError:  # the same user opened it twice at once; once is enough
        db.rollback()


def dossier_messages(db, user, dossier, page):
    """The Berichten list on `page`, newest first, each with when `user` read it (None:
    unread). Sent messages only: drafts are listed apart (own_drafts)."""
    return db.execute(
        visible_messages(user)
        .where(Message.dossier_id == dossier.id, Message.sent_at.is_not(None))
        .outerjoin(MessageRead, and_(MessageRead.message_id == Message.id,
                                     MessageRead.user_id == user.id))
        .add_columns(MessageRead.read_at)
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .offset(page.offset).limit(page.size)).all()


def own_drafts(db, user, dossier):
    """The user's unsent messages in a dossier, last saved first ("Niet verzonden"; few, as
    quota.check_new_draft caps them)."""
    return db.exec(visible_messages(user).where(
        Message.dossier_id == dossier.id, Message.sender_id == user.id,
        Message.sent_at.is_(None)).order_by(Message.created_at.desc(), Message.id.desc())).all()


def names(db, messages):
    """{user id: name} of everyone who sent a message or had one sent on their behalf."""
    ids = {m.sender_id for m in messages} | {m.on_behalf_of_id for m in messages
                                             if m.on_behalf_of_id}
    if not ids:
        return {}
    return dict(db.exec(select(User.id, User.name).where(User.id.in_(ids))).all())


def recipient(db, dossier):
    """Whom a dossier's clients write to: its handling lawyer, else the firm."""
    if dossier.lawyer_id:
        lawyer = db.get(User, dossier.lawyer_id)
        if lawyer is not None:
            return lawyer.name
    return firm.current(db).name


def shown(db, message, dossier, may_see, attached):
    """What a message shows on either side: its people, its files and the message it answers,
    as far as the reader may see them (`may_see`: a select of those messages;
    `attached(message)`: a message's files)."""
    original = None
    if message.reply_to_id:
        answered = db.exec(may_see.where(Message.id == message.reply_to_id)).first()
        if answered is not None:
            original = dict(message=answered, names=names(db, [answered]),
                            attachments=attached(answered))
    return dict(message=message, names=names(db, [message]),
                recipient=recipient(db, dossier), attachments=attached(message),
                original=original)
