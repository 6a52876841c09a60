"""Notification mails: they say *that* something is new, never what; batched per user.
Clients hear of what the firm published, wrote and sent them; staff of the messages and
questionnaires that clients sent in the dossiers they handle or act for."""
from collections import Counter
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .access import (
    open_approvals,
    open_assignments,
    open_requests,
    visible_documents,
    visible_dossier_ids,
    visible_messages,
)
from .db import engine
from .models import (
    ROLE_ADMIN,
    ROLE_SECRETARY,
    Approval,
    Delegation,
    Document,
    DocumentDownload,
    DocumentRequest,
    Dossier,
    DossierClient,
    DossierCompany,
    Message,
    MessageRead,
    NotificationItem,
    QuestionnaireAssignment,
    User,
    utcnow,
)
from .outbox import public_url, queue_mail

# A request for documents is an action like a questionnaire: the same switch covers both.
KINDS = {"document": "notify_documents", "message": "notify_messages",
         "questionnaire": "notify_questionnaires", "request": "notify_questionnaires",
         "approval": "notify_questionnaires"}
# What an item of each kind is about (NotificationItem.target_type).
TARGETS = {"document": "document", "message": "message", "questionnaire": "assignment",
           "request": "request", "approval": "approval"}


def dossier_clients(db, dossier_id):
    """Every active client account with access to the dossier (company accounts too)."""
    direct = select(DossierClient.user_id).where(DossierClient.dossier_id == dossier_id)
    companies = select(DossierCompany.company_id).where(DossierCompany.dossier_id == dossier_id)
    return db.exec(select(User).where(
        User.active, (User.id.in_(direct)) | (User.company_id.in_(companies)))).all()


def dossier_staff(db, dossier_id):
    """The staff to tell what a client did in a dossier: its handling lawyer and the
    secretaries acting for them; the admins while no active lawyer handles it."""
    dossier = db.get(Dossier, dossier_id)
    lawyer = db.get(User, dossier.lawyer_id) if dossier and dossier.lawyer_id else None
    if lawyer is None or not lawyer.active:
        return db.exec(select(User).where(User.role == ROLE_ADMIN, User.active)).all()
    secretaries = select(Delegation.secretary_id).where(Delegation.lawyer_id == lawyer.id)
    return [lawyer, *db.exec(select(User).where(
        User.id.in_(secretaries), User.role == ROLE_SECRETARY, User.active))]


def wants(user, kind):
    """True when `user` has the switch for mails about `kind` on."""
    return bool(getattr(user, KINDS[kind]))


def notify(db, users, kind, target=None):
    """Note that `target` (a Document, Message or QuestionnaireAssignment, as `kind` says)
    is new for each user who wants to hear about it."""
    for user in users:
        if wants(user, kind) and user.active:
            db.add(NotificationItem(user_id=user.id, kind=kind,
                                    target_type=TARGETS[kind] if target is not None else None,
                                    target_id=target.id if target is not None else None))


def notify_dossier(db, dossier_id, kind, target=None, exclude=None):
    """Notify every client of a dossier of `target`, except `exclude` (who caused it)."""
    notify(db, [u for u in dossier_clients(db, dossier_id)
                if exclude is None or u.id != exclude.id], kind, target)


def message_sent(db, message):
    """Tell the other side of a message just sent: the dossier's staff of a client's, the
    dossier's clients of the firm's."""
    if message.from_client:
        notify(db, dossier_staff(db, message.dossier_id), "message", message)
    else:
        notify_dossier(db, message.dossier_id, "message", message)


def unseen(user, target_type):
    """A select of the ids of the targets of `target_type` that `user` may (still) see and
    has not seen yet: a message not read, a questionnaire not filled in (a client) or not
    opened since it was handed in (staff), a document not downloaded; None: not known."""
    if user.is_staff:
        # Imported here: app.staff's package imports its views, and they import this module.
        from .staff.unseen import unopened_answers, unread_messages
        targets = {"message": unread_messages(user).with_only_columns(Message.id),
                   "assignment": unopened_answers(user)
                   .with_only_columns(QuestionnaireAssignment.id)}
    else:
        read = select(MessageRead.message_id).where(MessageRead.user_id == user.id)
        downloaded = select(DocumentDownload.document_id).where(
            DocumentDownload.user_id == user.id)
        targets = {"message": visible_messages(user).where(Message.id.not_in(read))
                   .with_only_columns(Message.id),
                   "assignment": open_assignments(user)
                   .with_only_columns(QuestionnaireAssignment.id),
                   "request": open_requests(user).with_only_columns(DocumentRequest.id),
                   "approval": open_approvals(user).with_only_columns(Approval.id),
                   "document": visible_documents(user).where(Document.id.not_in(downloaded))
                   .with_only_columns(Document.id)}
    return targets.get(target_type)


def still_new(db, user, items):
    """The items whose target `user` has not seen yet (unseen); an item without a target
    (made before targets were recorded) or of a kind not known here stays."""
    wanted = {}
    for item in items:
        if item.target_type is not None:
            wanted.setdefault(item.target_type, set()).add(item.target_id)
    new = set()
    for target_type, ids in wanted.items():
        query = unseen(user, target_type)
        if query is None:
            new.update((target_type, i) for i in ids)
        else:
            column = query.selected_columns[0]
            new.update((target_type, i) for i in db.exec(query.where(column.in_(ids))))
    return [item for item in items
            if item.target_type is None or (item.target_type, item.target_id) in new]


def reaches_a_dossier(db, user):
    """True when `user` may see at least one dossier (a client removed from every dossier,
    or staff without any, hear of nothing)."""
    if user.is_staff:
        from .staff.access import staff_dossier_ids  # here: see unseen()
        return db.exec(staff_dossier_ids(user).limit(1)).first() is not None
    return db.exec(visible_dossier_ids(user)).first() is not None


def queue_notification(db, user, counts):
    """Queue the one mail that counts what is new for `user`."""
    if user.is_staff:
        return queue_mail(db, user, "staff_notification",
                          _l("There is something new from clients in the client portal"),
                          staff_url=public_url("staff.index"),
                          messages=counts["message"], questionnaires=counts["questionnaire"],
                          requests=counts["request"], approvals=counts["approval"])
    return queue_mail(db, user, "notification",
                      _l("There is something new for you in the client portal"),
                      documents=counts["document"], messages=counts["message"],
                      questionnaires=counts["questionnaire"], requests=counts["request"],
                      approvals=counts["approval"])


def send_due(app=None):
    """Mail every user whose oldest pending item waited NOTIFY_DELAY_MINUTES; one mail
    each, counting everything pending that the user still wants to hear about and has not
    seen meanwhile (a switch turned off, or the thing seen, drops what waits; nothing left,
    no mail). Returns the number of mails queued."""
    app = app or current_app._get_current_object()
    with app.app_context(), Session(engine(), expire_on_commit=False) as db:
        due_before = utcnow() - timedelta(minutes=app.config["NOTIFY_DELAY_MINUTES"])
        user_ids = db.exec(
            select(NotificationItem.user_id).where(NotificationItem.mailed_at.is_(None),
                                                   NotificationItem.created_at <= due_before)
            .distinct()).all()
        queued = 0
        for user_id in user_ids:
            # FOR UPDATE: a second sender (another process) waits here until this one has
            # committed, then finds the items mailed; one mail, never two (PostgreSQL).
            items = db.exec(select(NotificationItem).where(
                NotificationItem.user_id == user_id,
                NotificationItem.mailed_at.is_(None)).with_for_update()).all()
            user = db.get(User, user_id)
            wanted = [item for item in items if wants(user, item.kind)] if user.active else []
            counts = Counter(item.kind for item in still_new(db, user, wanted))
            if counts and reaches_a_dossier(db, user):
                queue_notification(db, user, counts)
                queued += 1
            now = utcnow()
            for item in items:  # also those switched off or seen: they are never told
                item.mailed_at = now
            db.commit()  # per user: the mail row and the marks commit together
        return queued
