"""Mail with nothing lost: queued in the database with its cause, delivered with retries."""
import logging
import os
import re
import threading
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import event, or_, update
from sqlmodel import Session, select

from . import db, firm
from .extensions import mail
from .models import OutgoingMail, utcnow

log = logging.getLogger("klantenportaal.mail")
# How long a claimed mail stays locked against other senders while one sends it.
CLAIM_TIME = timedelta(minutes=5)
_wake_events = set()  # one per running sender thread, set when a mail is committed
_LINK = re.compile(r"https?://[^\s<>\"']+")


def public_url(endpoint, **values):
    """An absolute link for mails, built on PUBLIC_BASE_URL, never on the request's host."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def queue_mail(session, user, template, subject, **context):
    """Render mail `template` (.txt and .html) in the user's language and queue it.

    The row is added to `session`, so it is committed with the change that caused it
    or not at all. Mails say *that* something happened, never what is in a dossier.
    """
    with force_locale(user.language or "nl"):
        settings = firm.current(session)  # the firm's name, colour and logo of Instellingen
        logo = public_url("firm.logo", v=settings.version) if settings.logo_key else None
        context.update(user=user, firm_name=settings.name, firm=settings, firm_logo=logo,
                       portal_url=public_url("portal.home"))
        row = OutgoingMail(
            recipient=user.email,
            subject=str(subject),
            body_text=render_template(f"email/{template}.txt", **context),
            body_html=render_template(f"email/{template}.html", **context),
        )
    session.add(row)
    session.info["mail_queued"] = True
    return row


def _claim(session, mail_id):
    """Lock one pending mail for five minutes and load it; None when another worker has it.

    The transaction ends before the mail is sent, so no lock is held while SMTP talks
    (on SQLite every transaction holds the write lock, see app/db.py).
    """
    now = utcnow()
    result = session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None),
               or_(OutgoingMail.locked_until.is_(None), OutgoingMail.locked_until < now))
        .values(locked_until=now + CLAIM_TIME)
        .execution_options(synchronize_session=False))
    row = session.get(OutgoingMail, mail_id, populate_existing=True) \
        if result.rowcount == 1 else None
    session.commit()
    return row


def deliver_pending(app=None, limit=100):
    """Try to deliver every mail that is due; returns (sent, failed)."""
    app = app or current_app._get_current_object()
    sent = failed = 0
    with app.app_context(), Session(db.engine(), expire_on_commit=False) as session:
        now = utcnow()
        due = session.exec(
            select(OutgoingMail.id)
            .where(OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at <= now,
                   OutgoingMail.attempts < app.config["MAIL_MAX_ATTEMPTS"])
            .order_by(OutgoingMail.id).limit(limit)).all()
        firm.current(session)  # read now, in this transaction; _message uses it (the From)
        session.commit()
        for mail_id in due:
            row = _claim(session, mail_id)
            if row is None:
                continue
            try:
                _send(app, row)
            except Exception as exc:  # the mail stays queued and is tried again later
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                row.next_attempt_at = utcnow() + backoff(row.attempts)
                row.locked_until = None
                failed += 1
                log.warning("mail %s to %s failed (attempt %s): %s",
                            row.id, row.recipient, row.attempts, row.last_error)
            else:
                row.attempts += 1
                row.sent_at = utcnow()
                row.locked_until = None
                row.last_error = None
                sent += 1
            session.commit()
    return sent, failed


def backoff(attempts):
    """Wait 1, 2, 4 ... minutes between tries, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def _message(app, row):
    msg = Message(subject=row.subject, recipients=[row.recipient], body=row.body_text,
                  html=row.body_html, sender=firm.current().sender)
    msg.msgId = make_msgid(domain="klantenportaal")
    return msg


def _send(app, row):
    """Send through SMTP when configured, else write instance/outbox/<id>.eml."""
    msg = _message(app, row)
    if app.config.get("MAIL_SERVER"):
        mail.send(msg)
        return
    path = os.path.join(app.config["OUTBOX_FOLDER"], f"{row.id:06d}.eml")
    with open(path, "wb") as f:
        f.write(msg.as_bytes())
    # The links too, so that whoever tries the demo can follow them straight from the log.
    links = " ".join(dict.fromkeys(_LINK.findall(row.body_text or ""))) or "none"
    log.info("Mail to %s (%s) written to %s; link: %s", row.recipient, row.subject,
             Path(path).resolve().as_uri(), links)


class SenderThread(threading.Thread):
    """Queues the due notification mails and delivers the outbox until stop() is called."""

    def __init__(self, app):
        super().__init__(name="mail-sender", daemon=True)
        self.app = app
        self.wake = threading.Event()
        self.stopping = False

    def run(self):
        from . import notifications  # it imports this module
        from .messages.cleanup import cleanup_if_due  # stale drafts, at most once an hour

        try:
            while not self.stopping:
                self.wake.clear()  # a commit during this round starts the next one at once
                for task in (notifications.send_due, deliver_pending, cleanup_if_due):
                    try:
                        task(self.app)
                    except Exception:  # keep the thread alive; the mails stay queued
                        log.exception("mail sender")
                if not self.stopping:
                    self.wake.wait(self.app.config["MAIL_POLL_SECONDS"])
        finally:
            _wake_events.discard(self.wake)

    def stop(self, timeout=10):
        """Let the current round finish and end the thread."""
        self.stopping = True
        self.wake.set()
        self.join(timeout)


def start_sender_thread(app):
    """Deliver mail in the background of this process, woken when a mail is committed."""
    thread = SenderThread(app)
    _wake_events.add(thread.wake)  # before start, so no commit in between goes unnoticed
    thread.start()
    return thread


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.info.pop("mail_queued", False):
        for wake in list(_wake_events):
            wake.set()


def init_app(app):
    """Start the sender thread when the configuration asks for it (the dev server)."""
    if app.config.get("MAIL_SENDER_THREAD"):
        start_sender_thread(app)
