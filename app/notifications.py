"""Notification mails: they say *that* something is new, never what; batched per client."""
from collections import Counter
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .access import visible_dossier_ids
from .db import engine
from .models import DossierClient, DossierCompany, NotificationItem, User, utcnow
from .outbox import queue_mail

KINDS = {"document": "notify_documents", "message": "notify_messages",
         "questionnaire": "notify_questionnaires"}


def dossier_clients(db, dossier_id):
    """Every active client account with access to the dossier (company accounts too)."""
    direct = select(DossierClient.user_id).where(DossierClient.dossier_id == dossier_id)
    companies = select(DossierCompany.company_id).where(DossierCompany.dossier_id == dossier_id)
    return db.exec(select(User).where(
        User.active, (User.id.in_(direct)) | (User.company_id.in_(companies)))).all()


def wants(user, kind):
    """True when `user` has the switch for mails about `kind` on."""
    return bool(getattr(user, KINDS[kind]))


def notify(db, users, kind):
    """Note that something of `kind` is new for each user who wants to hear about it."""
    for user in users:
        if wants(user, kind) and user.active:
            db.add(NotificationItem(user_id=user.id, kind=kind))


def notify_dossier(db, dossier_id, kind, exclude=None):
    """Notify every client of a dossier, except `exclude` (who caused it)."""
    notify(db, [u for u in dossier_clients(db, dossier_id)
                     if exclude is None or u.id != exclude.id], kind)


def send_due(app=None):
    """Mail every client whose oldest pending item waited NOTIFY_DELAY_MINUTES; one mail
    each, counting everything pending that the client still wants to hear about (a switch
    turned off since drops what waits). Returns the number of mails queued."""
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
            counts = Counter(item.kind for item in items if wants(user, item.kind))
            if (counts and user.active
                    and db.exec(visible_dossier_ids(user)).first() is not None):
                queue_mail(db, user, "notification",
                           _l("There is something new for you in the client portal"),
                           documents=counts["document"], messages=counts["message"],
                           questionnaires=counts["questionnaire"])
                queued += 1
            now = utcnow()
            for item in items:  # also those switched off: they are never told
                item.mailed_at = now
            db.commit()  # per user: the mail row and the marks commit together
        return queued
