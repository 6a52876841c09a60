"""Mail with nothing lost: queued in the database with its cause, delivered exactly once with
retries."""
import logging
import os
import re
import smtplib
import socket
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_mail import Connection, Message
from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from . import firm
from .db import engine
from .models import OutgoingMail, utcnow

log = logging.getLogger("klantenportaal.mail")
# SMTP steps of one delivery, each within MAIL_TIMEOUT_SECONDS, besides the end of DATA:
# connect, greeting, EHLO, STARTTLS, EHLO, AUTH (two answers), MAIL, RCPT, DATA, the data,
# QUIT.
_STEPS = 12
# 5xx answers about the server's terms or our login, not about this mail: authentication or
# TLS required (530), login refused (534, 535, 538). The operator fixes the configuration;
# the mail waits and is retried like after a temporary failure.
_ABOUT_THE_CONNECTION = {530, 534, 535, 538}
_LINK = re.compile(r"https?://[^\s<>\"']+")
LOGO_CID = "firm-logo@klantenportaal"  # the Content-ID of the logo that mails show
_LOGO_IMG = re.compile(rf'<img src="cid:{re.escape(LOGO_CID)}"[^>]*>')


def public_url(endpoint, **values):
    """An absolute link for mails, built on PUBLIC_BASE_URL, never on the request's host."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def queue_mail(db, user, template, subject, **context):
    """Render mail `template` (.txt and .html) in the user's language and queue it.

    The row is added to `db`, so it is committed with the change that caused it
    or not at all. Mails say *that* something happened, never what is in a dossier.
    """
    with force_locale(user.language or "nl"):
        settings = firm.current(db)  # the firm's name, colour and logo of Instellingen
        # Sent along as an inline part (_with_logo): mail clients block remote images, and
        # the portal may be on an intranet that the reader's mail client cannot reach.
        logo = f"cid:{LOGO_CID}" if settings.logo_key else None
        context.update(user=user, firm_name=settings.name, firm=settings, firm_logo=logo,
                       portal_url=public_url("portal.home"),
                       queued_at=utcnow())  # a security notice says when the change was made
        row = OutgoingMail(
            recipient=user.email,
            subject=str(subject),
            body_text=render_template(f"email/{template}.txt", **context),
            body_html=render_template(f"email/{template}.html", **context),
        )
    db.add(row)
    db.info["mail_queued"] = True  # its commit wakes the background loop (worker.py)
    return row


def send_time_limit(app):
    """Seconds one delivery may last in all; its connection is cut then (_Connection)."""
    config = app.config
    return _STEPS * config["MAIL_TIMEOUT_SECONDS"] + config["MAIL_DATA_END_TIMEOUT_SECONDS"]


def claim_time(app):
    """How long a claim keeps other senders off a mail: the longest delivery, plus one step
    for storing its outcome, so a mail is never taken over while its sender still waits."""
    return timedelta(seconds=send_time_limit(app) + app.config["MAIL_TIMEOUT_SECONDS"])


def _claim(app, db, mail_id):
    """Lock one pending mail for claim_time and load it; None when another worker has it.

    The transaction ends before the mail is sent, so no lock is held while SMTP talks
    (on SQLite every transaction holds the write lock, see app/db.py). The claim's time,
    read back into row.locked_until, is what _finish checks.
    """
    now = utcnow()
    result = db.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None),
               OutgoingMail.failed_at.is_(None),
               or_(OutgoingMail.locked_until.is_(None), OutgoingMail.locked_until < now))
        .values(locked_until=now + claim_time(app))
        .execution_options(synchronize_session=False))
    row = db.get(OutgoingMail, mail_id, populate_existing=True) \
        if result.rowcount == 1 else None
    db.commit()
    return row


def _finish(db, row, **values):
    """Write the outcome of one try and release the claim, unless the claim was lost."""
    result = db.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == row.id, OutgoingMail.locked_until == row.locked_until)
        .values(locked_until=None, attempts=OutgoingMail.attempts + 1, **values)
        .execution_options(synchronize_session=False))
    db.commit()
    if result.rowcount != 1:  # only after a stall longer than claim_time
        log.error("mail %s: the claim ran out while it was sent; outcome not stored", row.id)


def deliver_pending(app=None, limit=100):
    """Try to deliver every mail that is due; returns (sent, failed)."""
    app = app or current_app._get_current_object()
    sent = failed = 0
    with app.app_context(), Session(engine(), expire_on_commit=False) as db:
        now = utcnow()
        due = db.exec(
            select(OutgoingMail.id)
            .where(OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None),
                   OutgoingMail.next_attempt_at <= now)
            .order_by(OutgoingMail.id).limit(limit)).all()
        firm.current(db)  # read now, in this transaction; _message uses it (the From)
        db.commit()
        for mail_id in due:
            row = _claim(app, db, mail_id)
            if row is None:
                continue
            try:
                _send(app, row)
            except Exception as exc:  # the mail stays queued: tried again, or shown to staff
                _note_failure(app, db, row, exc)
                failed += 1
            else:
                _finish(db, row, sent_at=utcnow(), last_error=None)
                sent += 1
    return sent, failed


def _note_failure(app, db, row, exc):
    """Store a failed try: retried after a back-off, or given up on (failed_at)."""
    attempts = row.attempts + 1
    error = describe_error(exc)
    given_up = is_permanent(exc) or attempts >= app.config["MAIL_MAX_ATTEMPTS"]
    now = utcnow()
    _finish(db, row, last_error=error, next_attempt_at=now + backoff(attempts),
            failed_at=now if given_up else None)
    if given_up:
        log.error("mail %s to %s given up after %s attempt(s): %s",
                  row.id, row.recipient, attempts, error)
    else:
        log.warning("mail %s to %s failed (attempt %s): %s",
                    row.id, row.recipient, attempts, error)


def is_permanent(exc):
    """True when this very mail cannot be delivered: a 5xx answer to its sender, its
    recipient or its content, or characters SMTP cannot carry (an address stored before
    app/addresses.py refused them). Anything else (no connection, a time-out, 4xx, a login
    problem) may pass and is retried."""
    if isinstance(exc, UnicodeError):  # the same mail fails the same way every time
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
    elif isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        codes = [exc.smtp_code]
    else:
        return False
    return bool(codes) and all(500 <= code <= 599 and code not in _ABOUT_THE_CONNECTION
                               for code in codes)


def describe_error(exc):
    """The error as staff see it: its kind and the server's answer, readable, one line."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{code} {_text(text)}" for code, text in exc.recipients.values())
    elif isinstance(exc, smtplib.SMTPResponseException):
        detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    elif isinstance(exc, UnicodeEncodeError):
        detail = (f"{exc.object[exc.start:exc.end]!r} cannot be sent over SMTP without "
                  f"SMTPUTF8 ({exc.object[:200]!r})")
    else:
        detail = str(exc)
    return " ".join(f"{name}: {detail}".split())[:1000]


def _text(answer):
    """A server's answer as text."""
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def retry(db, row):
    """Let a mail that was given up on (or is waiting) be tried again now, from scratch."""
    row.failed_at = None
    row.attempts = 0
    row.next_attempt_at = utcnow()
    db.info["mail_queued"] = True  # wakes this process's sender on commit


def failed_count(db):
    """How many mails were given up on."""
    return db.exec(select(func.count()).select_from(OutgoingMail).where(
        OutgoingMail.failed_at.is_not(None), OutgoingMail.sent_at.is_(None))).one()


def backoff(attempts):
    """Wait 1, 2, 4 ... minutes between tries, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def _message(app, row):
    """The mail of `row`, with the Message-ID of its row (the same on every try)."""
    msg = _Mail(subject=row.subject, recipients=[row.recipient], body=row.body_text,
                html=row.body_html, sender=firm.current().sender)
    msg.msgId = message_id(app, row)
    _with_logo(msg)
    return msg


class _Mail(Message):
    """Flask-Mail's message; with the logo, multipart/related, so that mail clients show
    the logo in the text and not also as an attachment (RFC 2387)."""

    def _message(self):
        mime = super()._message()
        if self.attachments:  # the logo: mails carry no other attachments
            mime.set_type("multipart/related")
            mime.set_param("type", "multipart/alternative")
        return mime


def _with_logo(msg):
    """Attach the firm's logo as it is now for the HTML part's cid: image; without a logo
    (removed since the mail was queued) the image goes."""
    if f"cid:{LOGO_CID}" not in (msg.html or ""):
        return
    logo = firm.logo_file()
    if logo is None:
        msg.html = _LOGO_IMG.sub("", msg.html)
        return
    path, content_type = logo
    with open(path, "rb") as f:
        msg.attach(f"logo.{firm.LOGO_TYPES[content_type]}", content_type, f.read(),
                   "inline", headers={"Content-ID": f"<{LOGO_CID}>"})


def message_id(app, row):
    """<mail.42.20260105093012123456@portal.example.nl>: the row's id and creation time, so
    two installations, or a database started afresh, never give two mails one id."""
    domain = urlsplit(app.config.get("PUBLIC_BASE_URL") or "").hostname or "klantenportaal"
    return f"<mail.{row.id}.{row.created_at:%Y%m%d%H%M%S%f}@{domain}>"


class _Timeouts:
    """smtplib's SMTP client, waiting `end_of_data_timeout` seconds for the answer to the
    final "." of DATA (RFC 5321 4.5.3.2.6) and its own `timeout` for every other answer."""

    end_of_data_timeout = None

    def send(self, s):
        """Send as smtplib does; after a mail's content, wait the end-of-DATA time."""
        super().send(s)
        # Commands are sent as str; only DATA's content goes as bytes, ending in CRLF "." CRLF.
        if isinstance(s, bytes) and self.sock is not None:
            self.sock.settimeout(self.end_of_data_timeout)

    def getreply(self):
        """Read an answer as smtplib does, then go back to the time of every other step."""
        try:
            return super().getreply()
        finally:
            if self.sock is not None:
                self.sock.settimeout(self.timeout)


class _SMTP(_Timeouts, smtplib.SMTP):
    """Plain SMTP (or STARTTLS) with the waits of _Timeouts."""


class _SMTP_SSL(_Timeouts, smtplib.SMTP_SSL):
    """SMTP over TLS from the start with the waits of _Timeouts."""


def _cut(host):
    """End a delivery that ran past send_time_limit, before its claim runs out."""
    sock = host.sock
    if sock is not None:
        log.warning("SMTP delivery took too long; connection cut")
        try:
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # wakes the waiting read
        except OSError:
            pass


class _Connection(Connection):
    """Flask-Mail's SMTP connection, with time limits on every step and on the whole
    delivery, and a QUIT that cannot turn a delivered mail into a failed one (the server
    said "250": it has the mail)."""

    def __init__(self, mail):
        """Flask-Mail's connection, with no deadline running yet."""
        super().__init__(mail)
        self.deadline = None  # the timer that cuts a delivery running too long

    def configure_host(self):
        """Connect, STARTTLS and log in as Flask-Mail does, but never wait forever."""
        config = current_app.config
        smtp = _SMTP_SSL if self.mail.use_ssl else _SMTP
        host = smtp(timeout=config["MAIL_TIMEOUT_SECONDS"])  # connected below, watched
        host.end_of_data_timeout = config["MAIL_DATA_END_TIMEOUT_SECONDS"]
        # Each step has its limit, but a server can trickle an answer a byte at a time: the
        # whole delivery ends within send_time_limit, so within the mail's claim.
        self.deadline = threading.Timer(send_time_limit(current_app), _cut, (host,))
        self.deadline.daemon = True
        self.deadline.start()
        try:
            host.connect(self.mail.server, self.mail.port)
            host.set_debuglevel(int(self.mail.debug))
            if self.mail.use_tls:
                host.starttls()
            if self.mail.username and self.mail.password:
                host.login(self.mail.username, self.mail.password)
        except BaseException:
            self.deadline.cancel()
            host.close()
            raise
        return host

    def __exit__(self, exc_type, exc_value, tb):
        """QUIT as Flask-Mail does (a failure there changes nothing) and stop the deadline."""
        try:
            super().__exit__(exc_type, exc_value, tb)
        except (smtplib.SMTPException, OSError) as exc:
            if self.host is not None:
                self.host.close()
            log.info("SMTP QUIT failed (%s); what was sent stays sent", exc)
        finally:
            if self.deadline is not None:
                self.deadline.cancel()


def _send(app, row):
    """Send through SMTP when configured, else write instance/outbox/<id>.eml."""
    msg = _message(app, row)
    if app.config.get("MAIL_SERVER"):
        with _Connection(app.extensions["mail"]) as connection:
            connection.send(msg)
        return
    path = os.path.join(app.config["OUTBOX_FOLDER"], f"{row.id:06d}.eml")
    with open(path, "wb") as f:
        f.write(msg.as_bytes())
    # The links too, so that whoever tries the demo can follow them straight from the log.
    links = " ".join(dict.fromkeys(_LINK.findall(row.body_text or ""))) or "none"
    log.info("Mail to %s (%s) written to %s; link: %s", row.recipient, row.subject,
             Path(path).resolve().as_uri(), links)
