"""Fixtures: a fresh database per test (SQLite or TEST_DATABASE_URL), a real SMTP server,
factories for users and dossiers, and helpers to post forms with their CSRF token."""
import os
import re
import socket
import tempfile
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, create_engine
from werkzeug.security import generate_password_hash

from app import create_app, db
from app.demo import default_statuses
from app.invitations import create_company, create_user, send_invitation
from app.models import KIND_STAFF, Dossier, DossierClient, DossierCompany
from app.outbox import deliver_pending
from app.security import set_password

PASSWORD = "Geheim123"


def pytest_report_header(config):
    return f"database: {_database_url().split('@')[-1]}"


def _database_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        # Tests run in parallel processes (pytest-xdist): each empties its database before
        # every test, so each gets a database of its own on the same server.
        return _worker_database(url, worker) if worker else url
    return "sqlite:///" + os.path.join(_session_dir(), "test.sqlite3")


def _worker_database(url, worker):
    """The URL of database <name>_<worker> next to `url`'s, created when missing."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                        {"name": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


_SESSION_DIR = None


def _session_dir():
    global _SESSION_DIR
    if _SESSION_DIR is None:
        _SESSION_DIR = tempfile.mkdtemp(prefix="klp-test-")
    return _SESSION_DIR


@pytest.fixture(scope="session")
def database_url():
    """The test database, its schema created once from the models."""
    url = _database_url()
    engine = db.make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return url


def _empty_all_tables(engine):
    # DELETE, not TRUNCATE: on tables this small it is three times faster on PostgreSQL,
    # which adds up over a thousand tests. Ids start at 1 again, as after a fresh create.
    tables = SQLModel.metadata.sorted_tables
    with engine.begin() as conn:
        for table in reversed(tables):
            conn.execute(table.delete())
        if engine.dialect.name == "postgresql":
            for (sequence,) in conn.execute(text(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")):
                conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


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


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    mailbox.controller.start()
    yield mailbox
    mailbox.controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.messages.clear()
    return smtp_server


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


@pytest.fixture
def app_config(database_url, tmp_path, smtp_server):
    """Override entries of this dict in a test before asking for `app`."""
    return test_config(database_url, tmp_path, smtp_server.controller.port)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    engine = app.extensions["db_engine"]
    _empty_all_tables(engine)
    with Session(engine) as s:
        default_statuses(s)
        s.commit()
    yield app
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app, database_url):
    """A database session for arranging and checking data, outside any app context.

    Requests made by the test client get their own app context and session; a fixture
    that kept an app context pushed would make every request share it. On SQLite this
    session uses the driver's default mode: reads take no lock and always see the newest
    data, a write opens a transaction that lasts until commit.
    """
    engine = create_engine(database_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect",
                     lambda conn, _record: conn.execute("PRAGMA foreign_keys=ON"))
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


# ---- factories

_QUICK_HASH = []


def _quick_hash():
    """PASSWORD hashed with scrypt at a low cost, made once: the app checks any scrypt hash
    by the cost written in it, so logins in tests stay real but take milliseconds instead
    of the 0.1 s per hash (and per check) of the production cost."""
    if not _QUICK_HASH:
        _QUICK_HASH.append(generate_password_hash(PASSWORD, method="scrypt:1024:8:1"))
    return _QUICK_HASH[0]


class Factory:
    def __init__(self, app, session):
        self.app = app
        self.session = session
        self.n = 0

    def _next(self):
        self.n += 1
        return self.n

    def user(self, email=None, name="Klant Test", password=PASSWORD, language="nl", **kw):
        """A user (client by default) with a password set, committed."""
        n = self._next()
        user = create_user(self.session, email=email or f"user{n}@example.nl", name=name,
                           language=language, **kw)
        if password == PASSWORD:
            user.password_hash = _quick_hash()
        elif password:
            set_password(user, password)
        self.session.commit()
        return user

    def staff(self, role="lawyer", name="mr. Staff", **kw):
        return self.user(kind=KIND_STAFF, role=role, name=name, **kw)

    def company(self, name="Bedrijf B.V."):
        company = create_company(self.session, name=name)
        self.session.commit()
        return company

    def dossier(self, clients=(), companies=(), status="in_progress", number=None,
                description="Dossier omschrijving", lawyer=None):
        n = self._next()
        dossier = Dossier(number=number or f"2026-{n:04d}", description=description,
                          status_code=status, lawyer_id=lawyer.id if lawyer else None)
        self.session.add(dossier)
        self.session.flush()
        for user in clients:
            self.session.add(DossierClient(dossier_id=dossier.id, user_id=user.id))
        for company in companies:
            self.session.add(DossierCompany(dossier_id=dossier.id, company_id=company.id))
        self.session.commit()
        return dossier


    def invite(self, user):
        """Send mail 1 to `user`; returns the raw invitation token."""
        with self.app.app_context():
            raw = send_invitation(self.session, user)
        self.session.commit()
        return raw


@pytest.fixture
def make(app, session):
    return Factory(app, session)


# ---- posting forms like a browser does

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                    r'"X-CSRFToken": "([^"]+)"')


def csrf_token(client, page="/__no_such_page__"):
    """The CSRF token of the client's session, read from a rendered page."""
    html = client.get(page).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post_form(client, url, data, **kw):
    """POST `data` to `url` with the session's CSRF token, as a browser form would."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client)}, **kw)


def login(client, email, password=PASSWORD):
    return post_form(client, "/inloggen", {"email": email, "password": password})


def links_in(message):
    """The http(s) links in a mail's plain text part."""
    body = message.get_body(("plain",)).get_content()
    return re.findall(r"https?://\S+", body)
