"""A mail server that is down for a while: invitations, password links and notifications
wait in the outbox, nothing is lost, and each arrives exactly once when the server is back,
however many senders run. A refusal for good gives up at once; a temporary failure gives up
after MAIL_MAX_ATTEMPTS tries; both are then shown to staff (tests/staff/test_mail_failures.py).
"""
import socket
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from helpers import at_once, free_port, links_in, make_due, outbox_rows, post_form
from sqlalchemy import update
from sqlmodel import Session

from app import notifications, outbox
from app.extensions import mail
from app.models import NotificationItem, OutgoingMail, utcnow
from app.outbox import deliver_pending


class MailServer:
    """A real SMTP server (aiosmtpd) on one loopback port, stopped and started again at will;
    it answers MAIL, RCPT or DATA with the refusal a test puts in `refuse`."""

    def __init__(self, port):
        self.port = port
        self.controller = None
        self.messages = []
        self.tries = 0  # every RCPT the server was asked, accepted or not
        self.refuse = {}  # command -> answer, e.g. {"RCPT": "550 5.1.1 No such user"}
        self.hang_up_on_quit = False

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_MAIL(self, server, session, envelope, address, options):
        if "MAIL" in self.refuse:
            return self.refuse["MAIL"]
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        self.tries += 1
        if "RCPT" in self.refuse:
            return self.refuse["RCPT"]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if "DATA" in self.refuse:
            return self.refuse["DATA"]
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        if self.hang_up_on_quit:
            server.transport.close()
        return "221 Bye"


@pytest.fixture
def server(app_config):
    """A mail server on its own port, not started yet; request it before `app`."""
    server = MailServer(free_port())
    app_config["MAIL_PORT"] = server.port
    yield server
    server.stop()


def queue_one(app, session, make, email="klant@example.nl"):
    """An invitation for a new client, committed."""
    make.invite(make.user(email=email))
    return outbox_rows(session)[-1]


# ---- the outage

def test_mails_of_an_outage_arrive_exactly_once_when_the_server_is_back(server, app, client,
                                                                       session, make):
    anna = make.user(email="anna@example.nl", password=None)
    bert = make.user(email="bert@example.nl")
    carla = make.user(email="carla@example.nl")
    dossier = make.dossier(clients=[carla])

    # Mail 1, mail 2 asked on the login page, and a notification: all while the server is down.
    make.invite(anna)
    assert post_form(client, "/wachtwoord-instellen", {"email": bert.email}).status_code == 302
    notifications.notify_dossier(session, dossier.id, "document")
    session.commit()
    session.exec(update(NotificationItem).values(created_at=utcnow() - timedelta(hours=1)))
    session.commit()
    assert notifications.send_due(app) == 1

    for attempt in (1, 2):
        make_due(session)
        assert deliver_pending(app) == (0, 3)
        queued = outbox_rows(session)
        assert [row.recipient for row in queued] == [
            "anna@example.nl", "bert@example.nl", "carla@example.nl"]
        for row in queued:  # nothing lost: each waits, with what went wrong
            assert row.sent_at is None and row.failed_at is None and row.locked_until is None
            assert row.attempts == attempt
            assert row.last_error.startswith("ConnectionRefusedError")
            assert row.next_attempt_at > utcnow()
    assert deliver_pending(app) == (0, 0)  # nobody hammers a server that is down

    # Back on the same port; two senders (two processes' sender threads) start at once.
    server.start()
    make_due(session)
    results = at_once(2, lambda: deliver_pending(app))
    assert sum(sent for sent, _failed in results) == 3
    assert sorted(m["To"] for m in server.messages) == [
        "anna@example.nl", "bert@example.nl", "carla@example.nl"]
    delivered = outbox_rows(session)
    assert all(row.sent_at is not None and row.attempts == 3 for row in delivered)
    assert {m["Message-ID"] for m in server.messages} == {
        outbox.message_id(app, row) for row in delivered}
    make_due(session)
    assert deliver_pending(app) == (0, 0)
    assert len(server.messages) == 3

    # The password link sent late still works.
    [reset] = [m for m in server.messages if m["To"] == "bert@example.nl"]
    [link] = [link for link in links_in(reset) if "/wachtwoord/" in link]
    assert client.get(link.replace("http://portal.test", "")).status_code == 200


def test_many_mails_and_three_senders_still_exactly_once(server, app, session, make):
    server.start()
    user = make.user()
    for n in range(30):
        with app.app_context():
            outbox.queue_mail(session, user, "invitation", f"Mail {n:02d}",
                              link="http://portal.test/x", days=7)
    session.commit()
    results = at_once(3, lambda: deliver_pending(app))
    assert sum(sent for sent, _failed in results) == 30
    assert sorted(m["Subject"] for m in server.messages) == [f"Mail {n:02d}" for n in range(30)]
    assert all(row.attempts == 1 for row in outbox_rows(session))


def test_a_notification_is_queued_once_by_two_senders_at_once(app, session, make,
                                                                monkeypatch):
    """The second sender waits until the first has committed, then finds nothing to mail."""
    carla = make.user(email="carla@example.nl")
    dossier = make.dossier(clients=[carla])
    notifications.notify_dossier(session, dossier.id, "message")
    session.commit()
    session.exec(update(NotificationItem).values(created_at=utcnow() - timedelta(hours=1)))
    session.commit()

    first_inside, go_on = threading.Event(), threading.Event()
    real_queue = notifications.queue_mail

    def slow_queue(*args, **kwargs):
        if threading.current_thread().name == "first":
            first_inside.set()
            go_on.wait(10)
        return real_queue(*args, **kwargs)

    monkeypatch.setattr(notifications, "queue_mail", slow_queue)
    counts = []
    first = threading.Thread(name="first", target=lambda: counts.append(
        notifications.send_due(app)))
    second = threading.Thread(name="second", target=lambda: counts.append(
        notifications.send_due(app)))
    first.start()
    assert first_inside.wait(10)
    second.start()
    time.sleep(0.3)  # the second sender reaches the pending items meanwhile
    go_on.set()
    first.join(10)
    second.join(10)
    assert sorted(counts) == [0, 1]
    assert [row.recipient for row in outbox_rows(session)] == ["carla@example.nl"]


def test_a_mail_resent_after_a_crash_has_the_same_message_id(server, app, session, make):
    """A sender that crashed between the server's "250" and its commit: the mail goes out
    again once the claim ran out, recognisable as the same mail."""
    server.start()
    row = queue_one(app, session, make)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as crashed:
        claimed = outbox._claim(app, crashed, row.id)
        with app.app_context():
            outbox._send(app, claimed)
    assert deliver_pending(app) == (0, 0)  # claimed: nobody else sends it meanwhile
    session.exec(update(OutgoingMail).values(locked_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert deliver_pending(app) == (1, 0)
    first, again = server.messages
    assert first["Message-ID"] == again["Message-ID"] == outbox.message_id(app, row)
    assert first["Message-ID"].endswith("@portal.test>")
    [row] = outbox_rows(session)
    assert row.sent_at is not None and row.attempts == 1


def test_a_server_that_hangs_up_after_taking_the_mail_gets_it_once(server, app, session,
                                                                   make):
    """The server said "250" to the mail, then dropped the line at QUIT: the mail was
    delivered, so it is not sent again."""
    server.start()
    server.hang_up_on_quit = True
    queue_one(app, session, make)
    assert deliver_pending(app) == (1, 0)
    make_due(session)
    assert deliver_pending(app) == (0, 0)
    assert len(server.messages) == 1
    assert outbox_rows(session)[0].sent_at is not None


# ---- giving up

REFUSALS_FOR_GOOD = [
    ("RCPT", "550 5.1.1 Mailbox does not exist", "SMTPRecipientsRefused: 550 5.1.1 Mailbox"),
    ("MAIL", "553 5.7.1 Sender address rejected", "SMTPSenderRefused: 553 5.7.1 Sender"),
    ("DATA", "554 5.6.0 Message refused", "SMTPDataError: 554 5.6.0 Message refused"),
]


def test_a_refusal_for_good_gives_up_at_once_until_tried_again(server, app, session, make):
    server.start()
    for n, (command, answer, error) in enumerate(REFUSALS_FOR_GOOD):
        server.refuse = {command: answer}
        queue_one(app, session, make, email=f"klant{n}@example.nl")
        assert deliver_pending(app) == (0, 1), command
        row = outbox_rows(session)[-1]
        assert row.failed_at is not None and row.sent_at is None and row.attempts == 1
        assert row.last_error.startswith(error)
        tries = server.tries
        make_due(session)
        assert deliver_pending(app) == (0, 0)  # given up: not tried again
        assert server.tries == tries and server.messages == []

    # The addresses and settings were put right: tried again, each arrives once.
    server.refuse = {}
    with app.app_context():
        for row in outbox_rows(session):
            outbox.retry(session, row)
        session.commit()
        assert outbox.failed_count(session) == 0
    assert deliver_pending(app) == (3, 0)
    assert sorted(m["To"] for m in server.messages) == [
        "klant0@example.nl", "klant1@example.nl", "klant2@example.nl"]
    assert all(row.sent_at is not None and row.failed_at is None and row.attempts == 1
               for row in outbox_rows(session))


def silent_port():
    """A port that takes connections but never says a word (a hung server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    return listener


TEMPORARY = [
    ("down", "ConnectionRefusedError: "),
    ("silent", "SMTPServerDisconnected: Connection unexpectedly closed: timed out"),
    ("RCPT 450 4.2.1 Mailbox busy", "SMTPRecipientsRefused: 450 4.2.1"),
    ("DATA 451 4.3.0 Try again later", "SMTPDataError: 451 4.3.0"),
    # A 5xx about our login, not this mail: the operator fixes the settings, the mail waits.
    ("MAIL 530 5.7.0 Authentication required", "SMTPSenderRefused: 530 5.7.0"),
]


def point_smtp_at(app, port):
    app.config["MAIL_PORT"] = port
    mail.init_app(app)  # Flask-Mail reads its settings once


def test_a_temporary_failure_gives_up_after_the_last_attempt(server, app, session, make):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    # 0.5 s, not less: on a loaded machine a server's answer took longer than 0.1 s.
    app.config["MAIL_TIMEOUT_SECONDS"] = 0.5
    listener = silent_port()
    try:
        for n, (trouble, error) in enumerate(TEMPORARY):
            if trouble == "silent":
                point_smtp_at(app, listener.getsockname()[1])
            elif trouble != "down":
                point_smtp_at(app, server.port)
                if server.controller is None:
                    server.start()
                command, answer = trouble.split(" ", 1)
                server.refuse = {command: answer}
            queue_one(app, session, make, email=f"klant{n}@example.nl")
            for attempt in (1, 2, 3):
                make_due(session)
                assert deliver_pending(app) == (0, 1), trouble
                row = outbox_rows(session)[-1]
                assert row.attempts == attempt and row.sent_at is None
                assert (row.failed_at is not None) == (attempt == 3), trouble
                assert row.last_error.startswith(error), trouble
            make_due(session)
            assert deliver_pending(app) == (0, 0)
            assert outbox_rows(session)[-1].attempts == 3
    finally:
        listener.close()
    assert server.messages == []
