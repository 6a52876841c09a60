"""Many clients at once against gunicorn with 4 workers, on SQLite and on PostgreSQL.

    make bench-load    # or: .venv/bin/python -m bench.load [--seconds 180] [--users 50]
                       #                                    [--only sqlite|postgresql]

Every client logs in as itself and loops until the time is up: send a message (a third of
them with an attachment), upload an attachment to a draft and then send that, save a step
of its questionnaire (step 2 now and then with a file), download a published document,
open a message it sent, open the Berichten tab; at the end it completes the questionnaire
(the PDF). Some requests go twice at the same moment, as a double click or a download
manager sends them. Every success answer is noted with what it promised (a subject with a
unique token, the sha256 of each file, the answer and revision of a step, the number of
downloads, a read mark, one PDF). Afterwards: no request may have had a 5xx, gunicorn's
log must hold no "database is locked" and no traceback, and every promise must be kept in
the database and on disk (each file's content hashed again), each message sent once.

SQLite runs on a file in a temporary folder, PostgreSQL in a scratch database that is
created and dropped (klp_bench_load on postgresql+psycopg://postgres@127.0.0.1:5432, or
--postgres-url). tests/ops/test_load.py runs `drive` for a few seconds in every test pass.
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from sqlalchemy import create_engine, text
from sqlmodel import Session, select
from werkzeug.security import generate_password_hash

from app import create_app, migrate, storage
from app.demo import default_statuses
from app.invitations import create_user
from app.models import (
    CAT_CORRESPONDENCE,
    KIND_STAFF,
    AuditEvent,
    Document,
    DocumentDownload,
    Dossier,
    DossierClient,
    Message,
    MessageAttachment,
    MessageRead,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    utcnow,
)
from app.questionnaires.definition import new_version
from bench.questionnaire import percentile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/klp_bench_load"
PASSWORD = "Drukte2026"
# Step 1: one question; step 2: a text and an optional file, filed as a document.
DEFINITION = {"steps": [
    {"title": "Gegevens", "questions": [
        {"id": "naam", "type": "text", "label": "Naam", "required": True}]},
    {"title": "Stukken", "questions": [
        {"id": "opmerking", "type": "text", "label": "Opmerking", "required": True},
        {"id": "bestand", "type": "upload", "label": "Bestand", "required": False}]}]}
TEXT_OF_STEP = {1: "naam", 2: "opmerking"}
# The kinds of request in the order of the summary ("×2": the same request twice at once).
KINDS = ["login form", "login", "page", "message", "message + file", "upload", "send draft",
         "send draft ×2", "read", "read ×2", "step", "step + file", "step ×2", "download",
         "download ×2", "summary", "complete", "complete ×2"]
# Lines of gunicorn's log that mean a request went wrong on the server.
BAD_LOG = re.compile(r"database is locked|Traceback|Exception on|WORKER TIMEOUT|\[ERROR\]|"
                     r"OperationalError|IntegrityError|deadlock", re.IGNORECASE)


def pdf_bytes(size, rng=random):
    """`size` random bytes that pass the upload check for .pdf (which reads the header)."""
    return b"%PDF-1.4\n" + rng.randbytes(max(size - 9, 1))


def sha256(data):
    """The sha256 of `data` in hex, as Document.sha256 holds it."""
    return hashlib.sha256(data).hexdigest()


# ---- the data: a lawyer, and per client a dossier, a document and a questionnaire

@dataclass
class Client:
    """One client of the run, with the ids its requests use."""

    email: str
    user_id: int
    dossier_id: int
    document_id: int
    document_sha: str
    assignment_id: int


def populate(app, users):
    """Add a lawyer and `users` clients, each with a dossier, a published document of
    200 kB and an assignment of a two-step questionnaire; returns the clients."""
    # A cheap scrypt: logging in is not what is measured (the app checks any scrypt hash
    # by the cost written in it).
    hashed = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
    clients = []
    with app.app_context(), Session(app.extensions["db_engine"],
                                     expire_on_commit=False) as s:
        lawyer = create_user(s, email="advocaat@load.test", name="mr. Load", kind=KIND_STAFF,
                             role="lawyer")
        questionnaire = Questionnaire(title="Intake", created_by_id=lawyer.id)
        s.add(questionnaire)
        s.flush()
        version = new_version(s, questionnaire, title="Intake", definition=DEFINITION)
        s.flush()
        for n in range(1, users + 1):
            user = create_user(s, email=f"klant{n}@load.test", name=f"Klant {n}")
            user.password_hash, user.first_login_at = hashed, utcnow()
            dossier = Dossier(number=f"L-{n:04d}", description=f"Dossier {n}",
                              status_code="in_progress", lawyer_id=lawyer.id)
            s.add(dossier)
            s.flush()
            s.add(DossierClient(dossier_id=dossier.id, user_id=user.id))
            key, digest, size = storage.store_bytes(pdf_bytes(200 * 1024))
            document = Document(dossier_id=dossier.id, category=CAT_CORRESPONDENCE,
                                title=f"Brief {n}", filename=f"brief-{n}.pdf",
                                content_type="application/pdf", size=size, sha256=digest,
                                storage_key=key)
            assignment = QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                                 client_id=user.id, sent_by_id=lawyer.id)
            s.add_all([document, assignment])
            s.flush()
            clients.append(Client(user.email, user.id, dossier.id, document.id, digest,
                                  assignment.id))
        s.commit()
    return clients


# ---- gunicorn

def free_port():
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`gunicorn -w N wsgi:app` with `settings` as KLP_* variables (as tests/ops/server.py),
    its output kept in `log_path` to be searched afterwards. `preload`: the app is imported
    once before the workers fork (quicker to start; the app opens no connection then)."""

    def __init__(self, settings, workers, log_path, preload=False):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for key, value in settings.items():
            env[f"KLP_{key}"] = value if isinstance(value, str) else json.dumps(value)
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                 "--timeout", "60", "--graceful-timeout", "10", "--backlog", "512",
                 "--log-level", "warning", *(["--preload"] if preload else []), "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n"
                                   + self.log())
            try:  # an answer, not just a listening socket: the workers have the app loaded
                Browser(self.base, timeout=5).get("/inloggen")
                return
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 30 s:\n" + self.log())

    def log(self):
        """What gunicorn and the app wrote so far."""
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        terminate(self.process, 20)


def terminate(process, seconds):
    """SIGTERM, as a service manager stops a server (its workers end their requests first),
    and SIGKILL when it still runs after `seconds`."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---- one client's browser

class Browser:
    """Cookies, the CSRF token, urlencoded and multipart posts; redirects are not followed
    (their Location is what tells success). One connection per request, as gunicorn's sync
    workers close each one anyway."""

    def __init__(self, base, timeout=120):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies = {}
        self.token = None

    def request(self, method, path, body=None, content_type=None):
        """(status, headers, body) of one request."""
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def get(self, path):
        """(status, headers, body) of a GET."""
        return self.request("GET", path)

    def post(self, path, fields, files=()):
        """A form with the CSRF token; multipart when `files` ([(name, filename, bytes)])."""
        fields = {**fields, "csrf_token": self.token}
        if not files:
            return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                                "application/x-www-form-urlencoded")
        boundary = "klpload" + secrets.token_hex(8)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                 f"{value}\r\n".encode() for name, value in fields.items()]
        for name, filename, data in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
                         .encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts),
                            f"multipart/form-data; boundary={boundary}")

    def take_token(self, body):
        """Keep the session's CSRF token from a rendered page."""
        match = re.search(rb'"X-CSRFToken": "([^"]+)"|name="csrf_token" type="hidden" '
                          rb'value="([^"]+)"', body)
        if match:
            self.token = (match[1] or match[2]).decode()


# ---- what one client does, and what it was promised

@dataclass
class Outcome:
    """One request: its kind, status, time and whether it did what it should."""

    kind: str
    status: int
    ms: float
    ok: bool
    note: str = ""


@dataclass
class Promised:
    """What the success answers to one client promise to be stored."""

    # subject: (sent, [sha256 of each attachment])
    messages: dict = field(default_factory=dict)
    # step: [successful saves (= the revision), the last text, sha256 of the last file]
    steps: dict = field(default_factory=lambda: {1: [0, None, None], 2: [0, None, None]})
    downloads: int = 0
    read: set = field(default_factory=set)  # ids of messages opened
    completed: bool = False


class Visitor:
    """One client's thread: log in, then a random mix of the actions until `deadline`.
    Now and then it sends the same request twice at the same moment, as a double click or
    a download manager does."""

    def __init__(self, base, client, deadline, seed):
        self.client, self.deadline = client, deadline
        self.rng = random.Random(seed)
        self.browser = Browser(base)
        self.outcomes, self.promised, self.problems = [], Promised(), []
        self.sent = []  # ids of the messages sent, to open

    def call(self, kind, method, path, fields=None, files=(), expect=(200,), location=None,
             check=None):
        """Make a request and note its Outcome; returns (outcome, headers, body). A
        redirect must go to `location` (a pattern), a 200's body must pass `check`."""
        started = time.perf_counter()
        status, headers, body, note = 0, {}, b"", ""
        try:
            if method == "GET":
                status, headers, body = self.browser.get(path)
            else:
                status, headers, body = self.browser.post(path, fields, files)
        except (OSError, http.client.HTTPException) as error:  # refused, cut, timed out
            note = f"{type(error).__name__}: {error}"
        ms = (time.perf_counter() - started) * 1000
        ok = status in expect
        if ok and 300 <= status < 400 and location is not None and not re.search(
                location, headers.get("Location", "")):
            ok, note = False, f"{status} to {headers.get('Location')!r}"
        if ok and status == 200 and check is not None and not check(body):
            ok, note = False, "unexpected content"
        if status and not ok and not note:
            note = f"{status} {headers.get('Location', '')}".strip()
        outcome = Outcome(kind, status, ms, ok, note)
        self.outcomes.append(outcome)
        return outcome, headers, body

    def at_once(self, *calls):
        """Run the calls (functions without arguments) at the same moment; their results."""
        results = [None] * len(calls)
        barrier = threading.Barrier(len(calls))

        def run(n, call):
            barrier.wait()
            results[n] = call()

        threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def run(self):
        """Log in, then loop until the deadline."""
        _outcome, _headers, body = self.call("login form", "GET", "/inloggen")
        self.browser.take_token(body)
        outcome, _headers, _body = self.call(
            "login", "POST", "/inloggen", {"email": self.client.email, "password": PASSWORD},
            expect=(302,))
        if not outcome.ok:
            return
        self.page()  # the session's new CSRF token
        while time.monotonic() < self.deadline:
            if self.promised.steps[1][0] == 0:
                self.save_step(1)
                continue
            roll = self.rng.random()
            if roll < 0.25:
                self.send_message()
            elif roll < 0.45:
                self.upload_then_send(twice=self.rng.random() < 0.2)
            elif roll < 0.70:
                self.save_step(self.rng.choice((1, 2)))
            elif roll < 0.75:
                self.save_step_twice(self.rng.choice((1, 2)))
            elif roll < 0.90:
                self.download(twice=self.rng.random() < 0.25)
            elif roll < 0.95 and self.sent:
                self.read(twice=self.rng.random() < 0.25)
            else:
                self.page()
        self.complete(twice=self.rng.random() < 0.3)

    def token(self):
        """A token no other request uses, to find what it stored."""
        return f"{self.client.user_id}-{secrets.token_hex(6)}"

    def attachment(self):
        """A PDF of 1 kB to 512 kB, with its sha256."""
        data = pdf_bytes(self.rng.randint(1024, 512 * 1024), self.rng)
        return ("files", f"bijlage-{secrets.token_hex(3)}.pdf", data), sha256(data)

    def page(self):
        outcome, _headers, body = self.call("page", "GET",
                                            f"/dossiers/{self.client.dossier_id}/berichten")
        if outcome.ok:
            self.browser.take_token(body)

    def send_message(self):
        """Nieuw bericht, Versturen; a third with an attachment."""
        subject = "Vraag " + self.token()
        files, shas = [], []
        if self.rng.random() < 1 / 3:
            upload, digest = self.attachment()
            files, shas = [upload], [digest]
        outcome, _h, _b = self.call(
            "message + file" if files else "message", "POST",
            f"/dossiers/{self.client.dossier_id}/berichten/nieuw",
            {"subject": subject, "body": "Geachte heer,\nHierbij mijn vraag.", "action": "send"},
            files, expect=(302,), location=rf"/dossiers/{self.client.dossier_id}/berichten$")
        if outcome.ok:
            self.promised.messages[subject] = (True, shas)

    def upload_then_send(self, twice=False):
        """+ Bijlagen: upload a file to a new draft; then Versturen on that draft (`twice`:
        a double click; both answers say it was sent, and it is sent once)."""
        subject = "Stukken " + self.token()
        upload, digest = self.attachment()
        fields = {"subject": subject, "body": "Zie de bijlage."}
        outcome, headers, _b = self.call(
            "upload", "POST", f"/dossiers/{self.client.dossier_id}/berichten/nieuw",
            {**fields, "action": "upload"}, [upload], expect=(302,),
            location=r"/concepten/\d+$")
        if not outcome.ok:
            return
        self.promised.messages[subject] = (False, [digest])

        def send():
            return self.call("send draft ×2" if twice else "send draft", "POST",
                             headers["Location"], {**fields, "action": "send"},
                             expect=(302,),
                             location=rf"/dossiers/{self.client.dossier_id}/berichten$")

        outcomes = [o for o, _h, _b in (self.at_once(send, send) if twice else [send()])]
        if any(o.ok for o in outcomes):
            self.promised.messages[subject] = (True, [digest])
            self.sent.append(int(headers["Location"].rsplit("/", 1)[1]))

    def step_call(self, kind, number, answer, revision, files=(), expect=(303,)):
        """Volgende on step `number`."""
        base = f"/vragenlijsten/{self.client.assignment_id}"
        return self.call(
            kind, "POST", f"{base}/stap/{number}",
            {f"q_{TEXT_OF_STEP[number]}": answer, "revision": str(revision), "action": "next"},
            files, expect=expect,
            location=rf"{base}/stap/2$" if number == 1 else rf"{base}/overzicht$")

    def save_step(self, number):
        """Volgende on step `number` with a new answer (step 2 now and then with a file)."""
        saves, _text, digest = self.promised.steps[number]
        answer, files = "Antwoord " + self.token(), []
        if number == 2 and self.rng.random() < 0.3:
            upload, digest = self.attachment()
            files = [("q_bestand",) + upload[1:]]
        outcome, _h, _b = self.step_call("step + file" if files else "step", number, answer,
                                         saves, files)
        if outcome.ok:
            self.promised.steps[number] = [saves + 1, answer, digest]

    def save_step_twice(self, number):
        """Two saves of one step from the same revision at once (two windows, or a double
        click): exactly one is stored, the other is shown the newer answers (409)."""
        saves, _text, digest = self.promised.steps[number]
        answers = ["Eerste " + self.token(), "Tweede " + self.token()]
        results = self.at_once(*[
            lambda answer=answer: self.step_call("step ×2", number, answer, saves,
                                                 expect=(303, 409))
            for answer in answers])
        stored = [answer for answer, (o, _h, _b) in zip(answers, results, strict=True)
                  if o.ok and o.status == 303]
        if len(stored) == 1:
            self.promised.steps[number] = [saves + 1, stored[0], digest]
        elif all(o.ok for o, _h, _b in results):
            self.problems.append(f"{self.client.email}: {len(stored)} of two saves of step "
                                 f"{number} from the same revision were stored")
            self.promised.steps[number][0] += len(stored)  # what was answered, to check on

    def download(self, twice=False):
        """Download the published document; its content must be the stored one."""
        def get():
            return self.call("download ×2" if twice else "download", "GET",
                             f"/documenten/{self.client.document_id}/download",
                             check=lambda body: sha256(body) == self.client.document_sha)

        results = self.at_once(get, get) if twice else [get()]
        self.promised.downloads += sum(o.ok for o, _h, _b in results)

    def complete(self, twice=False):
        """At the end: Voltooien, which renders the PDF and files it (`twice`: a double
        click, answered the same way both times, with one PDF filed)."""
        if not self.promised.steps[2][0]:
            self.save_step(2)
        base = f"/vragenlijsten/{self.client.assignment_id}"
        outcome, _headers, body = self.call("summary", "GET", f"{base}/overzicht")
        fingerprint = re.search(rb'name="fingerprint" value="([^"]*)"', body)
        if not outcome.ok or fingerprint is None:
            return

        def post():
            return self.call("complete ×2" if twice else "complete", "POST",
                             f"{base}/voltooien", {"fingerprint": fingerprint[1].decode()},
                             expect=(303,), location=rf"{base}/voltooid$")

        results = self.at_once(post, post) if twice else [post()]
        self.promised.completed = any(o.ok for o, _h, _b in results)

    def read(self, twice=False):
        """Open a message sent earlier (marked read on opening, once)."""
        message_id = self.rng.choice(self.sent)

        def get():
            return self.call("read ×2" if twice else "read", "GET", f"/berichten/{message_id}")

        results = self.at_once(get, get) if twice else [get()]
        if any(o.ok for o, _h, _b in results):
            self.promised.read.add(message_id)


# ---- the check afterwards

def file_problem(document, expected_sha):
    """Why a document's file does not hold what was uploaded, or None."""
    if document.sha256 != expected_sha:
        return f"document {document.id} has sha256 {document.sha256}, not {expected_sha}"
    path = storage.path_for(document.storage_key)
    if not os.path.exists(path):
        return f"the file of document {document.id} is missing"
    with open(path, "rb") as f:
        if hashlib.file_digest(f, "sha256").hexdigest() != expected_sha:
            return f"the file of document {document.id} does not match its sha256"
    return None


def verify(app, clients, promises):
    """({what: how many were checked}, [problems]): every promise kept in the database
    and on disk."""
    checked = {"messages": 0, "files": 0, "steps": 0, "download counts": 0, "reads": 0,
               "completions": 0}
    problems = []
    with app.app_context(), Session(app.extensions["db_engine"]) as s:
        for client, promised in zip(clients, promises, strict=True):
            def problem(text, client=client):
                problems.append(f"{client.email}: {text}")
            messages = {m.subject: m for m in s.exec(
                select(Message).where(Message.sender_id == client.user_id))}
            for subject, (sent, shas) in promised.messages.items():
                checked["messages"] += 1
                message = messages.get(subject)
                if message is None:
                    problem(f"message {subject!r} is missing")
                    continue
                if sent and message.sent_at is None:
                    problem(f"message {subject!r} was answered as sent but is a draft")
                if sent and (n := len(s.exec(select(AuditEvent.id).where(
                        AuditEvent.action == "message.sent",
                        AuditEvent.target_id == message.id)).all())) != 1:
                    problem(f"message {subject!r} was sent {n} times")
                documents = s.exec(select(Document).join(
                    MessageAttachment, MessageAttachment.document_id == Document.id)
                    .where(MessageAttachment.message_id == message.id)).all()
                if sorted(d.sha256 for d in documents) != sorted(shas):
                    problem(f"message {subject!r} has other attachments than uploaded")
                for document in documents:
                    checked["files"] += 1
                    if (trouble := file_problem(document, document.sha256)) is not None:
                        problem(trouble)
            rows = {row.step: row for row in s.exec(select(QuestionnaireAnswer).where(
                QuestionnaireAnswer.assignment_id == client.assignment_id))}
            for number, (saves, answer, digest) in promised.steps.items():
                if not saves:
                    continue
                checked["steps"] += 1
                row = rows.get(number)
                if row is None or row.revision != saves:
                    problem(f"step {number}: {saves} saves answered, revision "
                            f"{row.revision if row else None}")
                    continue
                if row.answers.get(TEXT_OF_STEP[number]) != answer:
                    problem(f"step {number} does not hold the last answer saved")
                if digest is not None:
                    checked["files"] += 1
                    document = s.get(Document, (row.answers.get("bestand") or {})
                                     .get("document", 0))
                    trouble = ("the step's file is not filed" if document is None
                               else file_problem(document, digest))
                    if trouble is not None:
                        problem(f"step {number}: {trouble}")
            for message_id in promised.read:
                checked["reads"] += 1
                if s.get(MessageRead, (message_id, client.user_id)) is None:
                    problem(f"message {message_id} was opened but is not marked read")
            if promised.completed:
                checked["completions"] += 1
                assignment = s.get(QuestionnaireAssignment, client.assignment_id)
                document = s.get(Document, assignment.document_id or 0)
                filed = s.exec(select(AuditEvent.id).where(
                    AuditEvent.action == "questionnaire.completed",
                    AuditEvent.target_id == assignment.id)).all()
                if assignment.completed_at is None or document is None:
                    problem("the questionnaire was answered as completed but is not")
                elif len(filed) != 1:
                    problem(f"the questionnaire was completed {len(filed)} times")
                elif (trouble := file_problem(document, document.sha256)) is not None:
                    problem(f"the questionnaire's PDF: {trouble}")
            if promised.downloads:
                checked["download counts"] += 1
                mark = s.get(DocumentDownload, (client.document_id, client.user_id))
                if mark is None or mark.count != promised.downloads:
                    problem(f"{promised.downloads} downloads answered, "
                            f"{mark.count if mark else 0} counted")
    return checked, problems


# ---- one run

@dataclass
class Report:
    """What one run did and found."""

    database: str
    users: int
    workers: int
    seconds: float
    outcomes: list
    checked: dict
    problems: list  # promises not kept, and client threads that crashed
    log_lines: list  # lines of gunicorn's log that mean trouble

    @property
    def server_errors(self):
        """The requests answered with a 5xx."""
        return [o for o in self.outcomes if o.status >= 500]

    @property
    def failures(self):
        """The requests that did not do what they should (5xx and connection errors too)."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def locked(self):
        """The lines of gunicorn's log with "database is locked"."""
        return [line for line in self.log_lines if "database is locked" in line]

    @property
    def passed(self):
        """No failed request, no promise broken, nothing wrong in the log."""
        return not (self.failures or self.problems or self.log_lines)

    def table(self):
        """The summary: requests per kind, errors, 5xx, p50/p95 and throughput."""
        lines = [f"{self.database}: {self.users} users, {self.workers} gunicorn workers, "
                 f"{self.seconds:.0f} s",
                 f"  {'kind':16}{'requests':>9}{'errors':>8}{'5xx':>6}{'p50 ms':>9}"
                 f"{'p95 ms':>9}{'per s':>8}"]
        kinds = sorted({o.kind for o in self.outcomes},
                       key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS))
        for kind in [*kinds, "all"]:
            rows = [o for o in self.outcomes if kind in ("all", o.kind)]
            times = [o.ms for o in rows]
            lines.append(f"  {kind:16}{len(rows):9}{sum(not o.ok for o in rows):8}"
                         f"{sum(o.status >= 500 for o in rows):6}"
                         f"{statistics.median(times):9.0f}{percentile(times, 95):9.0f}"
                         f"{len(rows) / self.seconds:8.1f}")
        checked = ", ".join(f"{n} {what}" for what, n in self.checked.items())
        lines.append(f"  checked afterwards: {checked}; promises not kept: "
                     f"{len(self.problems)}")
        lines.append(f"  gunicorn's log: {len(self.locked)} 'database is locked', "
                     f"{len(self.log_lines)} lines of trouble")
        notes = [f"{o.kind}: {o.note}" for o in self.failures]
        for line in [*notes[:10], *self.problems[:10], *self.log_lines[:10]]:
            lines.append("  ! " + line)
        return "\n".join(lines)


def drive(app, *, users, seconds, workers=4, preload=False):
    """Populate the app's (empty, statuses only) database, serve it with gunicorn and let
    `users` clients loose on it for `seconds`; then check. Returns a Report."""
    clients = populate(app, users)
    settings = {key: app.config[key] for key in ("DATABASE_URL", "UPLOAD_FOLDER",
                                                 "OUTBOX_FOLDER", "SECRET_KEY")}
    fd, log_path = tempfile.mkstemp(prefix="klp-load-", suffix=".log")
    os.close(fd)
    visitors, crashed = [], []
    try:
        server = Server(settings, workers, log_path, preload)
        try:
            deadline = time.monotonic() + seconds
            visitors = [Visitor(server.base, client, deadline, seed=n)
                        for n, client in enumerate(clients)]

            def visit(visitor):
                try:
                    visitor.run()
                except Exception:  # noqa: BLE001 - a crash is a finding, reported below
                    crashed.append(f"{visitor.client.email}: {traceback.format_exc()}")

            threads = [threading.Thread(target=visit, args=(v,)) for v in visitors]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            server.stop()
        log_lines = [line for line in server.log().splitlines() if BAD_LOG.search(line)]
    finally:
        os.remove(log_path)
    checked, problems = verify(app, clients, [v.promised for v in visitors])
    database = app.extensions["db_engine"].dialect.name
    return Report({"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(database, database),
                  users, workers, elapsed, [o for v in visitors for o in v.outcomes],
                  checked, crashed + [p for v in visitors for p in v.problems] + problems,
                  log_lines)


# ---- the benchmark: both databases, from scratch

def scratch_database(url, create):
    """Create (or drop) the database that `url` names, through the server's `postgres`."""
    name = url.rsplit("/", 1)[1]
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def bench(database, args):
    """One run on a fresh, migrated database; returns its Report."""
    tmp = tempfile.mkdtemp(prefix="klp-load-")
    url = f"sqlite:///{tmp}/load.sqlite3" if database == "sqlite" else args.postgres_url
    try:
        if database == "postgresql":
            scratch_database(url, create=True)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16),
                          "UPLOAD_FOLDER": f"{tmp}/files", "OUTBOX_FOLDER": f"{tmp}/outbox",
                          "FIRM_NAME": "Kantoor Load"})
        engine = app.extensions["db_engine"]
        try:
            with app.app_context():
                migrate.upgrade()
            with Session(engine) as s:
                default_statuses(s)
                s.commit()
            return drive(app, users=args.users, seconds=args.seconds, workers=args.workers)
        finally:
            engine.dispose()
    finally:
        if database == "postgresql":
            scratch_database(url, create=False)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--postgres-url", default=POSTGRES_URL,
                        help="a scratch database: created, and dropped afterwards")
    args = parser.parse_args(argv)
    passed = True
    for database in [args.only] if args.only else ["sqlite", "postgresql"]:
        report = bench(database, args)
        print(report.table(), flush=True)
        passed = passed and report.passed
    print("PASSED" if passed else "FAILED")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
