"""Mail with nothing lost: queued with its cause, delivered with retries, exactly once."""
import logging
import pathlib
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from helpers import at_once, free_port, links_in, make_due, outbox_rows
from sqlmodel import Session, select

from app import db, outbox
from app.extensions import mail
from app.invitations import send_invitation
from app.models import Company, NotificationItem, OneTimeToken, utcnow
from app.outbox import backoff, deliver_pending, queue_mail
from app.worker import start_sender_thread


def queue(app, session, user, subject="Onderwerp"):
    """Queue a small mail for `user` in `session`, not committed."""
    with app.app_context():
        return queue_mail(session, user, "invitation", subject,
                          link="http://portal.test/uitnodiging/x", days=7)


def point_smtp_at(app, port):
    """Reconfigure Flask-Mail, which reads its settings once in init_app."""
    app.config["MAIL_PORT"] = port
    mail.init_app(app)


@pytest.fixture
def smtp_down(app_config):
    """Point the app at a port where nothing listens; request it before `app`."""
    app_config["MAIL_PORT"] = free_port()
    return app_config


@pytest.fixture
def no_smtp(app_config):
    """No SMTP server configured: mails become .eml files; request it before `app`."""
    app_config["MAIL_SERVER"] = None
    return app_config


@pytest.fixture
def sender(app):
    """Start the app's mail sender thread; it is stopped after the test."""
    threads = []

    def start():
        threads.append(start_sender_thread(app))
        return threads[-1]

    yield start
    for thread in threads:
        thread.stop()
        assert not thread.is_alive()


def wait_for(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# ---- queued with its cause

def test_rolled_back_mail_is_never_sent(app, session, make, mailbox):
    user = make.user()
    queue(app, session, user)
    session.flush()
    assert len(outbox_rows(session)) == 1  # written in the transaction...
    session.rollback()
    assert outbox_rows(session) == []  # ...and gone with it
    assert mailbox.deliver(app) == []


def test_committed_mail_is_delivered_once_over_smtp(app, session, make, mailbox):
    user = make.user(email="klant@example.nl")
    queue(app, session, user, subject="Hallo")
    session.commit()

    [message] = mailbox.deliver(app)
    assert message["To"] == "klant@example.nl"
    assert message["Subject"] == "Hallo"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    [row] = outbox_rows(session)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None
    assert row.locked_until is None
    assert mailbox.deliver(app) == []


def test_nothing_is_locked_while_a_mail_is_sent(app, session, make, mailbox, monkeypatch):
    """A slow SMTP server must not hold up the portal (on SQLite: the write lock)."""
    queue(app, session, make.user())
    session.commit()
    impatient = db.make_engine(app.config["SQLALCHEMY_URL"], busy_timeout_ms=100)
    real_send = outbox._send

    def send(app, row):
        with Session(impatient) as other:
            other.add(Company(name="Tussendoor B.V."))
            other.commit()
        real_send(app, row)

    monkeypatch.setattr(outbox, "_send", send)
    try:
        assert deliver_pending(app) == (1, 0)
    finally:
        impatient.dispose()
    assert session.exec(select(Company.name)).all() == ["Tussendoor B.V."]


# ---- retries

def test_smtp_down_then_back_delivers_exactly_once(smtp_down, app, session, make, mailbox):
    user = make.user(email="klant@example.nl")
    queue(app, session, user)
    session.commit()

    before = utcnow()
    assert deliver_pending(app) == (0, 1)
    [row] = outbox_rows(session)
    assert row.sent_at is None
    assert row.attempts == 1
    assert "refused" in row.last_error.lower()
    assert row.locked_until is None
    assert before + timedelta(seconds=55) < row.next_attempt_at <= utcnow() + backoff(1)
    assert deliver_pending(app) == (0, 0)  # not due yet
    assert outbox_rows(session)[0].attempts == 1

    point_smtp_at(app, mailbox.controller.port)
    assert mailbox.deliver(app) == []  # back, but still waiting for its time
    make_due(session)
    [message] = mailbox.deliver(app)
    assert message["To"] == "klant@example.nl"
    [row] = outbox_rows(session)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error is None
    make_due(session)
    assert mailbox.deliver(app) == []


def test_gives_up_after_max_attempts_with_growing_waits(smtp_down, app, session, make):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    queue(app, session, make.user())
    session.commit()

    waits = []
    for attempt in (1, 2, 3):
        make_due(session)
        started = utcnow()
        assert deliver_pending(app) == (0, 1)
        [row] = outbox_rows(session)
        assert row.attempts == attempt
        waits.append(row.next_attempt_at - started)
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 2, 4]

    make_due(session)
    assert deliver_pending(app) == (0, 0)
    [row] = outbox_rows(session)
    assert row.attempts == 3 and row.sent_at is None


def test_backoff_doubles_up_to_an_hour():
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


# ---- exactly once with several senders

def test_concurrent_senders_never_send_a_mail_twice(app, session, make, mailbox,
                                                    monkeypatch):
    user = make.user()
    subjects = [f"Mail {n:02d}" for n in range(20)]
    for subject in subjects:
        queue(app, session, user, subject=subject)
    session.commit()

    # Both senders have listed every due mail before either claims one, so each mail
    # is contended; sending takes a moment so that they overlap.
    both_listed = threading.Barrier(2, timeout=10)
    lost_claims = []
    real_claim, real_send = outbox._claim, outbox._send

    def claim(app, session, mail_id):
        if not getattr(threading.current_thread(), "listed", False):
            threading.current_thread().listed = True
            both_listed.wait()
        row = real_claim(app, session, mail_id)
        if row is None:
            lost_claims.append(mail_id)
        return row

    def send(app, row):
        time.sleep(0.005)
        real_send(app, row)

    monkeypatch.setattr(outbox, "_claim", claim)
    monkeypatch.setattr(outbox, "_send", send)
    results = at_once(2, lambda: deliver_pending(app))
    assert sum(sent for sent, _ in results) == 20
    assert sum(failed for _, failed in results) == 0
    assert sorted(m["Subject"] for m in mailbox.messages) == subjects
    assert lost_claims  # the race really happened
    assert all(row.sent_at is not None and row.attempts == 1 for row in outbox_rows(session))


# ---- without SMTP: .eml files

def test_without_smtp_server_mail_becomes_an_eml_file(no_smtp, app, session, make, caplog):
    user = make.user(email="klant@example.nl")
    make.invite(user)

    with caplog.at_level(logging.INFO, logger="klantenportaal.mail"):
        assert deliver_pending(app) == (1, 0)

    [path] = pathlib.Path(app.config["OUTBOX_FOLDER"]).glob("*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "klant@example.nl"
    assert message["Subject"] == "Uw account voor ons klantenportaal"
    assert links_in(message)[0].startswith("http://portal.test/")
    assert message.get_body(("html",)) is not None
    assert f"file://{path}" in caplog.text
    assert outbox_rows(session)[0].sent_at is not None


# ---- content: the recipient's language, public links, nothing of a dossier

@pytest.mark.parametrize("language, subject, greeting", [
    ("en", "Your account for our client portal", "Dear Anna Jansen,"),
    ("nl", "Uw account voor ons klantenportaal", "Beste Anna Jansen,"),
])
def test_invitation_is_in_the_users_language_with_public_links(app, make, mailbox, language,
                                                              subject, greeting):
    user = make.user(name="Anna Jansen", language=language)
    make.invite(user)

    [message] = mailbox.deliver(app)
    assert message["Subject"] == subject
    assert greeting in message.get_body(("plain",)).get_content()
    links = links_in(message)
    assert links and all(link.startswith("http://portal.test/") for link in links)


def test_invitation_says_nothing_about_the_dossiers(app, make, mailbox):
    user = make.user()
    make.dossier(clients=[user], number="2026-7731", description="Geschil met Buurman B.V.")
    raw = make.invite(user)

    [message] = mailbox.deliver(app)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert any(raw in link for link in links_in(message))
    for body in (text, html):
        assert "2026-7731" not in body and "Buurman" not in body


def test_invitation_and_its_mail_are_rolled_back_together(app, session, make, mailbox):
    user = make.user()
    with app.app_context():
        send_invitation(session, user)
    session.rollback()
    assert session.exec(select(OneTimeToken)).all() == []
    assert outbox_rows(session) == []
    assert mailbox.deliver(app) == []


# ---- the sender thread

def test_sender_thread_delivers_a_mail_soon_after_its_commit(app, session, make, mailbox,
                                                             sender, monkeypatch):
    app.config["MAIL_POLL_SECONDS"] = 60  # so only the wake-up on commit can be in time
    rounds = []

    def counted(app):
        rounds.append(1)
        return deliver_pending(app)

    monkeypatch.setattr(outbox, "deliver_pending", counted)
    user = make.user(email="klant@example.nl")
    sender()
    wait_for(lambda: rounds)  # the first round, at start, found nothing

    queue(app, session, user, subject="Meteen")
    session.commit()
    wait_for(lambda: len(mailbox.messages) >= 1, seconds=3)
    assert [m["Subject"] for m in mailbox.messages] == ["Meteen"]
    wait_for(lambda: outbox_rows(session)[0].sent_at is not None)


def test_sender_thread_mails_due_notifications(app, session, make, mailbox, sender):
    user = make.user(email="klant@example.nl")
    make.dossier(clients=[user])
    session.add(NotificationItem(user_id=user.id, kind="document",
                                 created_at=utcnow() - timedelta(hours=1)))
    session.commit()

    sender()
    wait_for(lambda: len(mailbox.messages) >= 1, seconds=3)
    [message] = mailbox.messages
    assert message["To"] == "klant@example.nl"
    assert session.exec(select(NotificationItem)).one().mailed_at is not None
