"""Plain helpers the tests share: the test password and configuration, a free port, a real
SMTP mailbox, posting forms, logging in, reading pages and mails, and messages and
questionnaires as a browser sends them."""
import html as html_
import io
import os
import re
import socket
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from babel.messages.pofile import read_po
from flask.cli import FlaskGroup
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import create_engine, func, text, update
from sqlmodel import SQLModel, select

from app.models import (
    CAT_ATTACHMENT,
    AuditEvent,
    Document,
    FirmSettings,
    Message,
    MessageAttachment,
    NotificationItem,
    OutgoingMail,
    Questionnaire,
    QuestionnaireAssignment,
    utcnow,
)
from app.outbox import deliver_pending
from app.questionnaires.definition import new_version
from app.storage import path_for, store_bytes

PASSWORD = "Geheim123"
HTMX = {"HX-Request": "true"}  # the header of a request that htmx sends
ROOT = Path(__file__).resolve().parents[1]


# The server to make throwaway PostgreSQL databases on when the tests run on SQLite.
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_server(database_url=""):
    """(URL of a PostgreSQL server to make databases on, or None; the reason if None): that
    of `database_url` or TEST_DATABASE_URL when PostgreSQL, else one on 127.0.0.1:5432."""
    url = database_url or os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url.replace("postgresql://", "postgresql+psycopg://", 1), None
    engine = create_engine(LOCAL_POSTGRES, connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            return LOCAL_POSTGRES, None
    except Exception as exc:
        return None, f"no PostgreSQL server at 127.0.0.1:5432 ({type(exc).__name__})"
    finally:
        engine.dispose()


def free_port():
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """A real SMTP server on loopback that keeps what it receives."""

    def __init__(self):
        self.messages = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def deliver(self, app):
        """Run the outbox sender once and return the mails that arrived."""
        before = len(self.messages)
        deliver_pending(app)
        return self.messages[before:]


def run_cli(app, *args):
    """Run a command of `flask` through Flask's own command group, which pushes the app
    context."""
    group = FlaskGroup(create_app=lambda: app, load_dotenv=False, add_default_commands=False)
    return app.test_cli_runner().invoke(group, list(args), catch_exceptions=False)


def test_config(database_url, tmp_path, smtp_port, **extra):
    """The configuration every test app starts from."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "files"),
        "OUTBOX_FOLDER": str(tmp_path / "outbox"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_SUPPRESS_SEND": False,  # Flask-Mail suppresses mail when TESTING is on
        "PUBLIC_BASE_URL": "http://portal.test",
        "FIRM_NAME": "Kantoor Test",
    }
    config.update(extra)
    return config


test_config.__test__ = False  # a helper, not a test, wherever it is imported


def at_once(count, target):
    """Run `target` in `count` threads that start together; returns their results. Fails on
    an exception in any of them (raised in the test's own thread) or one still running
    after 30 s."""
    start = threading.Barrier(count, timeout=10)
    results, errors = [], []

    def run():
        start.wait()
        try:
            results.append(target())
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results


# ---- posting forms like a browser does

def hidden_value(html, name):
    """The value of the first hidden field `name` in a page, or None."""
    match = re.search(rf'<input(?=[^>]*\bname="{name}")[^>]*\bvalue="([^"]*)"', html)
    return match[1] if match else None


def token_in(html):
    """The CSRF token a page carries (in a form, or the htmx header on <body>), or None."""
    header = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    return hidden_value(html, "csrf_token") or (header[1] if header else None)


def csrf_token(client, page="/__no_such_page__"):
    """The CSRF token of the client's session, read from a rendered page."""
    token = token_in(client.get(page).get_data(as_text=True))
    assert token, f"no CSRF token on {page}"
    return token


def post_form(client, url, data, **kw):
    """POST `data` to `url` with the session's CSRF token, as a browser form would."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client)}, **kw)


def login(client, email, password=PASSWORD):
    return post_form(client, "/inloggen", {"email": email, "password": password})


# ---- reading pages and mails

_HIDDEN = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def html_of(response):
    """The HTML of a response, as it came."""
    return response.get_data(as_text=True)


def text_of(page, unescape=False):
    """The visible text of a response or an HTML string, on one line: tags dropped (script
    and style with what they hold), whitespace collapsed; `unescape` decodes entities too."""
    html = page.get_data(as_text=True) if hasattr(page, "get_data") else page
    html = _TAG.sub(" ", _HIDDEN.sub(" ", html))
    if unescape:
        html = html_.unescape(html)
    return " ".join(html.split())


def assert_nothing_internal(response):
    """An error page shows no exception, traceback or source file."""
    page = response.get_data(as_text=True)
    for internal in ("secret internal detail", "RuntimeError", "Traceback", ".py",
                     "site-packages", "File \""):
        assert internal not in page, internal


def documents(db):
    """Every document row, oldest first, as the database has it now."""
    db.expire_all()
    return db.exec(select(Document).order_by(Document.id)).all()


def files_on_disk(app):
    """Every file under UPLOAD_FOLDER, the temporary folder included."""
    return [os.path.join(folder, name)
            for folder, _dirs, names in os.walk(app.config["UPLOAD_FOLDER"]) for name in names]


def count_rows(session, model, *where):
    """How many rows of `model` match `where`, as the database has them now."""
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def events(session, action):
    """The audit events of one kind, oldest first, as the database has them now."""
    session.expire_all()
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)
                        .order_by(AuditEvent.id)).all()


def outbox_rows(db):
    """Every outbox row as the database has it now."""
    db.expire_all()
    return db.exec(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def make_due(db):
    """Let the clock jump past every back-off of the outbox instead of sleeping."""
    db.exec(update(OutgoingMail).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.commit()


# Tables whose rows a refused request may still add: the login itself, its session, and
# the audit trail of what was asked.
VOLATILE = {"auditevent", "loginsession", "throttleevent"}


def snapshot(db, skip=VOLATILE):
    """Every row of every table but those in `skip`: {table: {primary key: row}}."""
    db.expire_all()
    state = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in skip:
            continue
        keys = [c.name for c in table.primary_key.columns]
        rows = db.execute(text(f'SELECT * FROM "{table.name}"')).mappings().all()
        state[table.name] = {tuple(row[k] for k in keys): dict(row) for row in rows}
    db.rollback()
    return state


def differences(before, after):
    """{(table, key): (row before, row after)} for every row added, removed or changed."""
    changed = {}
    for table in before:
        for key in before[table].keys() | after[table].keys():
            old, new = before[table].get(key), after[table].get(key)
            if old != new:
                changed[(table, key)] = (old, new)
    return changed


def age_notifications(db, minutes=10):
    """Make every pending notification `minutes` old, as if the client was notified then."""
    for item in db.exec(select(NotificationItem)):
        item.created_at = utcnow() - timedelta(minutes=minutes)
    db.commit()


def find(db, model, *where):
    """The first row of `model` that matches `where`, fresh from the database, or None."""
    db.expire_all()
    return db.exec(select(model).where(*where)).first()


# ---- the firm's identity (issue 16, point 14)

FIRM_CONTACT = dict(contact_phone="+31201234567", contact_email="info@devries.example",
                    contact_website="https://www.devries.example/contact",
                    contact_address="Herengracht 1\n1015 BA Amsterdam",
                    welcome_text="Welkom bij ons <b>portaal</b>.\n\nHeeft u vragen?\n"
                                 "Bel ons gerust.")


def logo_png(size=(120, 40)):
    """A real PNG of `size` in a firm's colour."""
    out = io.BytesIO()
    Image.new("RGB", size, (122, 31, 43)).save(out, "PNG")
    return out.getvalue()


def firm_details(app, session, **values):
    """Save the firm's contact details, welcome text and logo (a 120×40 PNG) as an admin
    would under Instellingen; `values` change or add to them. Returns the FirmSettings row."""
    with app.app_context():
        key, _digest, _size = store_bytes(logo_png())
    row = session.get(FirmSettings, 1) or FirmSettings(id=1)
    for name, value in {"logo_key": key, "logo_type": "image/png", **FIRM_CONTACT,
                        **values}.items():
        setattr(row, name, value)
    session.add(row)
    session.commit()
    return row


def links_in(message):
    """The http(s) links in a mail's plain text part."""
    body = message.get_body(("plain",)).get_content()
    return re.findall(r"https?://\S+", body)


def link_in(message, path, base_url=None):
    """The one link in a mail's plain text that contains `path`; with `base_url`, it must
    lead there."""
    [link] = [url for url in links_in(message) if path in url]
    assert base_url is None or link.startswith(base_url + path), link
    return link


def labels_of_other_language(lang):
    """Phrases that only the other language uses: they must not show on a `lang` page."""
    path = ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as f:
        nl = {m.id: m.string for m in read_po(f, locale="nl") if m.id and isinstance(m.id, str)}
    phrases = []
    for msgid, dutch in nl.items():
        if msgid == dutch or "%(" in msgid:
            continue
        phrases.append(msgid if lang == "nl" else dutch)
    return phrases


# ---- messages

SUBJECT, BODY = "kopie stukken", "Beste,\n\nHierbij zend ik "


def add_message(session, dossier, sender, from_client=False, sent=True, **kw):
    """A message in `dossier`, sent now unless `sent` is False (a draft)."""
    message = Message(dossier_id=dossier.id, sender_id=sender.id, from_client=from_client,
                      subject=kw.pop("subject", "Concept akte"),
                      body=kw.pop("body", "Wilt u de concept akte doornemen?"),
                      sent_at=utcnow() if sent else None, **kw)
    session.add(message)
    session.commit()
    return message


def attach(app, session, message, data=b"%PDF-1.4 bijlage", filename="bijlage.pdf",
           category=CAT_ATTACHMENT, by=None):
    """A stored file attached to `message`."""
    with app.app_context():
        key, digest, size = store_bytes(data)
    document = Document(dossier_id=message.dossier_id, category=category,
                        title=filename.rsplit(".", 1)[0], filename=filename,
                        content_type="application/pdf", size=size, sha256=digest,
                        storage_key=key, uploaded_by_id=by.id if by else message.sender_id)
    session.add(document)
    session.flush()
    session.add(MessageAttachment(message_id=message.id, document_id=document.id))
    session.commit()
    return document


def send_form(client, url, subject=SUBJECT, body=BODY, action="send", files=(), token=None,
              **kw):
    """Post the message form as a browser does (multipart, with the pressed button)."""
    data = {"subject": subject, "body": body, "action": action,
            "csrf_token": token or csrf_token(client)}
    if files:
        data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(url, data=data, content_type="multipart/form-data", **kw)


# ---- questionnaires

# Five steps with every question type; "partner" shows only for the married.
DEFINITION = {"steps": [
    {"title": "Persoonsgegevens", "questions": [
        {"id": "naam", "type": "text", "label": "Volledige naam", "required": True},
        {"id": "geboortedatum", "type": "date", "label": "Geboortedatum", "required": True},
        {"id": "email", "type": "email", "label": "E-mailadres", "required": True},
        {"id": "telefoon", "type": "phone", "label": "Telefoonnummer",
         "help": "Bijvoorbeeld uw mobiele nummer"}]},
    {"title": "Burgerlijke staat", "questions": [
        {"id": "gehuwd", "type": "yesno", "label": "Bent u gehuwd?", "required": True},
        {"id": "partner", "type": "text", "label": "Naam partner", "required": True,
         "show_if": {"question": "gehuwd", "value": "yes"}}]},
    {"title": "Financiën", "questions": [
        {"id": "iban", "type": "iban", "label": "Rekeningnummer", "required": True},
        {"id": "inkomen", "type": "number", "label": "Bruto jaarinkomen", "min": 0},
        {"id": "woonvorm", "type": "choice", "label": "Woonvorm", "required": True,
         "options": [{"value": "koop", "label": "Koopwoning"},
                     {"value": "huur", "label": "Huurwoning"}]}]},
    {"title": "Wensen", "questions": [
        {"id": "wensen", "type": "multichoice", "label": "Wat wilt u regelen?",
         "options": ["Testament", "Levenstestament", "Samenlevingscontract"]},
        {"id": "toelichting", "type": "textarea", "label": "Toelichting"}]},
    {"title": "Stukken", "questions": [
        {"id": "legitimatie", "type": "upload", "label": "Kopie legitimatiebewijs",
         "required": True}]},
]}


def questionnaire_version(db, definition=DEFINITION, title="Intake", introduction="",
                          by=None):
    """Version 1 of a new questionnaire `definition` (made by staff member `by`), flushed."""
    questionnaire = Questionnaire(title=title, created_by_id=by.id if by else None)
    db.add(questionnaire)
    db.flush()
    version = new_version(db, questionnaire, title=title, definition=definition,
                          introduction=introduction)
    db.flush()
    return version


def assign(session, client_user, dossier, definition=DEFINITION, title="Intake koper",
           introduction="Wij vragen u enkele gegevens."):
    """Send a new questionnaire (version 1 of `definition`) to a client for a dossier."""
    version = questionnaire_version(session, definition, title, introduction)
    assignment = QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                         client_id=client_user.id)
    session.add(assignment)
    session.commit()
    return assignment


def form_state(client, url):
    """The revision and the `_shown` markers of the form on the page at `url`."""
    html = client.get(url).get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', html)
    assert revision, f"no step form at {url}"
    return revision[1], re.findall(r'name="_shown" value="([^"]+)"', html)


def fill(client, assignment, number, answers, action="next", revision=None, headers=None,
         files=None):
    """Send step `number` the way a browser with JavaScript sends its form: with the
    revision (of the page as shown, unless given) and every question answered marked as
    shown."""
    url = f"/vragenlijsten/{assignment.id}/stap/{number}"
    shown = list(answers)
    if revision is None:
        revision, _markers = form_state(client, url)
    data = {f"q_{key}": value for key, value in answers.items()}
    data.update(files or {})
    data.update(revision=str(revision), action=action, _shown=shown)
    return post_form(client, url, data, headers=headers or {})


def complete(client, assignment):
    html = client.get(f"/vragenlijsten/{assignment.id}/overzicht").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" value="([^"]*)"', html)[1]
    return post_form(client, f"/vragenlijsten/{assignment.id}/voltooien",
                     {"fingerprint": fingerprint})


def completed_questionnaire(client, session, make, language="nl"):
    """A client (klant@example.nl, logged in) who filled in and completed a one-question
    questionnaire: its assignment."""
    user = make.user(email="klant@example.nl", language=language)
    definition = {"steps": [{"title": "Vragen", "questions": [
        {"id": "naam", "type": "text", "label": "Naam", "required": True}]}]}
    assignment = assign(session, user, make.dossier(clients=[user]), definition)
    login(client, "klant@example.nl")
    assert fill(client, assignment, 1, {"naam": "Klaas"}).status_code == 303
    assert complete(client, assignment).status_code == 303
    return assignment


def pdf_text(app, document):
    with app.app_context(), open(path_for(document.storage_key), "rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def skip_unless_ci(reason, what):
    """Skip on a developer's machine that lacks a part (`reason`), but never let CI pass by
    skipping: there the test fails (`what`: which tests must not skip)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} ({what} must not skip in CI)", pytrace=False)
    pytest.skip(reason)
