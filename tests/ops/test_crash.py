"""Crashes: workers of a real gunicorn are killed with SIGKILL, again and again, while
clients send messages with attachments, upload attachments to drafts and save
questionnaire steps, and a lawyer creates clients. Afterwards every row's file is there
and whole, the cleanup leaves no orphan, and nothing is half made."""
import hashlib
import http.client
import os
import random
import re
import signal
import threading
import time
from collections import defaultdict

import pyotp
import pytest
from sqlmodel import select

from app.messages import cleanup
from app.models import (
    CAT_ATTACHMENT,
    CAT_PROVIDED,
    TOKEN_INVITE,
    AuditEvent,
    Document,
    Message,
    MessageAttachment,
    OneTimeToken,
    OutgoingMail,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    User,
)
from app.ops import integrity
from app.questionnaires.definition import new_version

from .server import Browser, Gunicorn

# The killing goes on for at least MIN_SECONDS, and until enough requests were answered
# and broken off (a busy machine answers fewer), for at most MAX_SECONDS.
MIN_SECONDS, MAX_SECONDS = 5, 20
ENOUGH_ANSWERED, ENOUGH_KILLS = 40, 15
WORKERS = 3
# What a dying worker does to the request it was serving, as the client sees it.
BROKEN = (OSError, http.client.HTTPException)

INTAKE = {"steps": [
    {"title": "Gegevens", "questions": [
        {"id": "naam", "type": "text", "label": "Volledige naam", "required": True}]},
    {"title": "Stukken", "questions": [
        {"id": "stuk", "type": "upload", "label": "Kopie legitimatiebewijs"}]},
]}


def a_pdf(rng):
    """A PDF of 10 kB to 1.2 MB (past 500 kB the upload spools to disk), and its SHA-256."""
    data = b"%PDF-1.4\n" + rng.randbytes(rng.choice([10, 80, 300, 700, 1200]) * 1024)
    return data, hashlib.sha256(data).hexdigest()


class Chaos:
    """The client threads, what each sent, and the thread that kills workers."""

    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.expected = {}  # subject -> SHA-256s of the attachments meant to go with it
        self.sent_ok = set()  # subjects whose send was answered
        self.names = set()  # step 1 answers posted
        self.upload_hashes = set()  # questionnaire files posted
        self.emails, self.created_ok = set(), set()
        self.answered = self.broken = self.kills = 0
        self.lock = threading.Lock()
        self.errors = []

    def outcome(self, call, *args, **kw):
        """The response of a request, or None when the worker died under it."""
        try:
            response = call(*args, **kw)
        except BROKEN:
            with self.lock:
                self.broken += 1
            return None
        with self.lock:
            self.answered += 1
        return response

    def run(self, name, loop, *args):
        """A client thread: `loop` again and again until stopped."""
        def body():
            rng = random.Random(name)
            i = 0
            try:
                while not self.stop.is_set():
                    i += 1
                    loop(rng, f"{name}-{i}", *args)
            except Exception as error:  # reported by the test, not lost in a thread
                self.errors.append(f"{name}: {error!r}")
        return threading.Thread(target=body, name=name)

    def send_with_attachments(self, rng, subject, browser, dossier_id):
        """Nieuw bericht with 0 to 2 files, sent at once ("Versturen")."""
        files = [a_pdf(rng) for _ in range(rng.randint(0, 2))]
        self.expected[subject] = {digest for _data, digest in files}
        response = self.outcome(
            browser.request, "POST", f"/dossiers/{dossier_id}/berichten/nieuw",
            [("subject", subject), ("body", "Zie bijlagen"), ("action", "send")],
            [("files", f"stuk{n}.pdf", data) for n, (data, _d) in enumerate(files)])
        if response:
            assert response[0] == 302 and response[1].endswith("/berichten"), response
            self.sent_ok.add(subject)

    def upload_then_send(self, rng, subject, browser, dossier_id):
        """Upload one file to a new draft, a second to that draft, then send it."""
        first, second = a_pdf(rng), a_pdf(rng)
        self.expected[subject] = {first[1], second[1]}
        url = f"/dossiers/{dossier_id}/berichten/nieuw"
        fields = [("subject", subject), ("body", "Hierbij"), ("action", "upload")]
        for data, _digest in (first, second):
            response = self.outcome(browser.request, "POST", url, fields,
                                    [("files", "scan.pdf", data)])
            if not response:
                return  # a draft stays behind, perhaps with its file
            assert response[0] == 302 and "/concepten/" in response[1], response
            url = response[1]
        fields[2] = ("action", "send")
        response = self.outcome(browser.request, "POST", url, fields, [])
        if response:
            assert response[0] == 302 and response[1].endswith("/berichten"), response
            self.sent_ok.add(subject)

    def save_steps(self, rng, name, browser, assignment_id):
        """"Volgende" on step 1 with a new name, then on step 2 with a new file."""
        data, digest = a_pdf(rng)
        for number, fields, files in (
                (1, [("q_naam", name), ("_shown", "naam")], []),
                (2, [], [("q_stuk", "paspoort.pdf", data)])):
            url = f"/vragenlijsten/{assignment_id}/stap/{number}"
            page = self.outcome(browser.request, "GET", url)
            if not page:
                return
            revision = re.search(r'name="revision" value="(\d+)"', browser.page)
            assert revision, page
            self.names.add(name)
            self.upload_hashes.add(digest)
            response = self.outcome(browser.request, "POST", url,
                                    [*fields, ("revision", revision[1]), ("action", "next")],
                                    files)
            if not response:
                return
            assert response[0] == 303, response

    def create_client(self, rng, name, browser):
        """A lawyer creates a client: the account and mail 1 in one transaction."""
        email = f"{name}@nieuw.example.nl"
        self.emails.add(email)
        response = self.outcome(browser.request, "POST", "/kantoor/clienten/nieuw",
                                [("name", f"Klant {name}"), ("email", email),
                                 ("language", "nl")], [])
        if response:
            assert response[0] == 302, response
            self.created_ok.add(email)

    def killer(self, server):
        """SIGKILL a random worker every few tenths of a second (the master starts anew)."""
        def body():
            rng = random.Random(7)
            while not self.stop.wait(rng.uniform(0.15, 0.45)):
                workers = server.workers()
                if workers:
                    try:
                        os.kill(rng.choice(workers), signal.SIGKILL)
                        self.kills += 1
                    except ProcessLookupError:
                        pass
        return threading.Thread(target=body, name="killer")


def kill_server(server):
    """SIGKILL the master and its workers: the end is a crash too, and takes no time (a
    graceful stop waits seconds for the workers to wind down)."""
    server.process.send_signal(signal.SIGSTOP)  # no new worker while these die
    workers = server.workers()
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    server.process.kill()
    server.process.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived SIGKILL"
        time.sleep(0.01)


def alive(pid):
    """True while a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def people(make, session):
    """Three clients each with a dossier, a questionnaire for one, and a lawyer."""
    lawyer = make.staff(email="jansen@kantoor.test")
    lawyer.totp_secret, lawyer.totp_enabled = pyotp.random_base32(), True
    session.commit()
    jan, piet, klaas = (make.user(email=f"{n}@example.nl") for n in ("jan", "piet", "klaas"))
    dossiers = [make.dossier(clients=[c], lawyer=lawyer) for c in (jan, piet, klaas)]
    questionnaire = Questionnaire(title="Intake")
    session.add(questionnaire)
    session.flush()
    version = new_version(session, questionnaire, title="Intake", definition=INTAKE)
    session.flush()
    assignment = QuestionnaireAssignment(version_id=version.id, dossier_id=dossiers[2].id,
                                         client_id=klaas.id)
    session.add(assignment)
    session.commit()
    return lawyer, (jan, piet, klaas), dossiers, assignment


def test_killed_workers_leave_nothing_half_made(app, session, database_url, people):
    lawyer, (jan, piet, klaas), dossiers, assignment = people
    settings = {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
                "OUTBOX_FOLDER": app.config["OUTBOX_FOLDER"]}
    # --preload: a killed worker is forked anew at once instead of importing the app for
    # two seconds, so the workers can be killed many times within seconds. The master's
    # log line for each killed worker is left out.
    with Gunicorn(settings, workers=WORKERS,
                  args=["--preload", "--log-level", "critical"]) as server:
        browsers = {}
        for user in (jan, piet, klaas, lawyer):
            browser = browsers[user.email] = Browser(server.port, timeout=20)
            # A page of the new session: its CSRF token.
            browser.request("GET", browser.log_in(user.email, totp_secret=user.totp_secret))
        chaos = Chaos(server.port)
        threads = [
            chaos.run("send", chaos.send_with_attachments, browsers[jan.email], dossiers[0].id),
            chaos.run("upload", chaos.upload_then_send, browsers[piet.email], dossiers[1].id),
            chaos.run("steps", chaos.save_steps, browsers[klaas.email], assignment.id),
            chaos.run("client", chaos.create_client, browsers[lawyer.email]),
            chaos.killer(server)]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        time.sleep(MIN_SECONDS)
        while ((chaos.answered < ENOUGH_ANSWERED or chaos.kills < ENOUGH_KILLS)
               and time.monotonic() < started + MAX_SECONDS):
            time.sleep(0.1)
        chaos.stop.set()
        seconds = time.monotonic() - started
        for thread in threads:
            thread.join(30)
        kill_server(server)
    print(f"\n{chaos.kills} workers killed in {seconds:.1f} s; "
          f"{chaos.answered} requests answered, "
          f"{chaos.broken} broken off; {len(chaos.expected)} messages, "
          f"{len(chaos.emails)} clients tried")
    assert chaos.errors == []
    assert chaos.kills >= ENOUGH_KILLS and chaos.broken >= 5 and chaos.answered >= 20

    # Every row's file is there and whole.
    with app.app_context():
        report = integrity.check()
    assert (report.missing, report.damaged, report.unexpected) == ([], [], [])
    left_over = len(report.orphans + report.stale_temporary + report.recent)
    # The cleanup (past its grace: the server is gone) leaves no orphan behind.
    app.config["ORPHAN_GRACE_MINUTES"] = 0
    with app.app_context():
        _drafts, removed = cleanup.cleanup_drafts(session)
        report = integrity.check()
    assert removed == left_over
    print(f"{left_over} files left without a row or half-written, removed by the cleanup")
    assert report.ok and report.recent == [], report
    session.expire_all()

    check_messages(session, chaos)
    check_clients(session, chaos)
    check_questionnaire(session, chaos, assignment)


def attachments_of(session, message):
    """The SHA-256s of a message's attachments."""
    return set(session.exec(select(Document.sha256).join(
        MessageAttachment, MessageAttachment.document_id == Document.id)
        .where(MessageAttachment.message_id == message.id)).all())


def check_messages(session, chaos):
    """A sent message has all its attachments and one audit record; a draft has the files
    that were uploaded to it; no attachment belongs to no message."""
    messages = session.exec(select(Message)).all()
    assert {m.subject for m in messages} <= set(chaos.expected)
    sent = {m.subject: m for m in messages if m.sent_at is not None}
    assert chaos.sent_ok <= set(sent)
    audited = defaultdict(int)
    for event in session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent")):
        audited[event.target_id] += 1
    for message in messages:
        files = attachments_of(session, message)
        wanted = chaos.expected[message.subject]
        if message.sent_at is not None:
            assert files == wanted, message.subject
            assert audited[message.id] == 1
        elif message.subject.startswith("send-"):
            assert files in (set(), wanted), message.subject  # stored all at once, or none
        else:
            assert files <= wanted, message.subject
    assert sum(audited.values()) == len(sent)
    loose = session.exec(select(Document).where(
        Document.category == CAT_ATTACHMENT,
        Document.id.not_in(select(MessageAttachment.document_id)))).all()
    assert loose == []


def check_clients(session, chaos):
    """Each client the lawyer created has its invitation link and mail 1, and nothing
    exists of one that was not created."""
    users = {u.email: u for u in session.exec(select(User).where(
        User.email.like("%@nieuw.example.nl")))}
    assert chaos.created_ok <= set(users) <= chaos.emails
    mails = session.exec(select(OutgoingMail.recipient).where(
        OutgoingMail.recipient.like("%@nieuw.example.nl"))).all()
    assert sorted(mails) == sorted(users)
    for user in users.values():
        assert session.exec(select(OneTimeToken).where(
            OneTimeToken.user_id == user.id, OneTimeToken.purpose == TOKEN_INVITE)).one()


def check_questionnaire(session, chaos, assignment):
    """The saved steps are answers that were posted, and the file of step 2 is the one
    document of the questionnaire that is not withdrawn."""
    answers = {a.step: a.answers for a in session.exec(select(QuestionnaireAnswer).where(
        QuestionnaireAnswer.assignment_id == assignment.id))}
    assert answers, "step 1 was never saved"
    assert answers[1] == {"naam": answers[1]["naam"]} and answers[1]["naam"] in chaos.names
    documents = session.exec(select(Document).where(Document.category == CAT_PROVIDED,
                                                    Document.dossier_id ==
                                                    assignment.dossier_id)).all()
    assert {d.sha256 for d in documents} <= chaos.upload_hashes
    current = [d for d in documents if d.withdrawn_at is None]
    if 2 in answers:
        [document] = current
        assert answers[2] == {"stuk": {"document": document.id,
                                       "filename": document.filename}}
    else:
        assert current == []
