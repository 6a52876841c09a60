"""Per-account storage quota of clients: megabytes of files a day, and unsent drafts.

The admin sets both under Instellingen (app/firm.py); staff accounts have no quota.
"""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import func, select

from . import firm
from .models import Document, Message, utcnow
from .security import lock_key

MB = 1024 * 1024
DAY = timedelta(hours=24)


class Exceeded(Exception):
    """A client's upload or new draft is past the quota; `message` says so to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def applies_to(user):
    """Only clients have a quota: staff publish the firm's own documents."""
    return not user.is_staff


def stored_today(db, user):
    """The bytes of the files `user` uploaded in the last 24 hours that are still kept."""
    return db.exec(select(func.coalesce(func.sum(Document.size), 0)).where(
        Document.uploaded_by_id == user.id, Document.created_at >= utcnow() - DAY)).one()


def room(db, user):
    """The bytes `user` may still upload today; None when there is no limit."""
    if not applies_to(user):
        return None
    return max(0, firm.current(db).upload_mb_per_day * MB - stored_today(db, user))


def day_message():
    """What a client is told when the day's quota is used up."""
    return _l("You have uploaded the maximum of %(max)s MB of files for today. The file has "
              "not been stored; try again tomorrow or contact the firm.",
              max=firm.current().upload_mb_per_day)


def charge(db, user):
    """Raise Exceeded when the files `user` added in this transaction (flushed, not yet
    committed) take the last 24 hours past the quota. The account stays locked until the
    transaction ends, so parallel uploads are counted one after another."""
    if not applies_to(user):
        return
    lock_key(db, f"upload-quota:{user.id}")
    if stored_today(db, user) > firm.current(db).upload_mb_per_day * MB:
        raise Exceeded(day_message())


def lock_uploads(db, user):
    """Hold `user`'s quota lock until the transaction ends: what they store, start or draft
    meanwhile is counted one after the other."""
    lock_key(db, f"upload-quota:{user.id}")


def check_new_draft(db, user):
    """Raise Exceeded when `user` already has the most unsent drafts allowed; the account
    stays locked until the transaction ends (two new drafts at once count one by one)."""
    if not applies_to(user):
        return
    limit = firm.current(db).max_open_drafts
    lock_key(db, f"upload-quota:{user.id}")
    drafts = db.exec(select(func.count()).select_from(Message).where(
        Message.sender_id == user.id, Message.sent_at.is_(None))).one()
    if drafts >= limit:
        raise Exceeded(_l("You have %(num)s unsent drafts, the most allowed. Send or delete "
                          "one of them first; what you typed is still in the form below.",
                          num=limit))
