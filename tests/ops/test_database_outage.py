"""A database that is down, locked or read-only: error pages that need no database, a 503
with Retry-After in the user's language, flash messages left alone, reads that do not wait
for SQLite's write lock, and connections that recover once the file is writable again."""
import http.cookiejar
import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from factory import Factory
from flask import flash
from helpers import PASSWORD, csrf_token, free_port, login, post_form, postgres_server, token_in
from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, select

from app import create_app, db
from app.db import get_session
from app.demo import default_statuses
from app.models import Message, MessageRead, ThrottleEvent, utcnow

from .instance_data import empty_database
from .server import Gunicorn

# The busy timeout of the SQLite tests: long enough to tell "waited for the lock" from
# "answered at once", short enough to keep the tests quick.
BUSY_MS = 2000


def visible(response):
    """The text of a page, tags dropped, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


# ---- the database is down

@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_url(request, tmp_path):
    """A database that cannot be reached: a file in a folder that does not exist, or a
    PostgreSQL port nothing listens on."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'portal.sqlite3'}"
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/portaal"


def database_goes_down(app, url):
    """From now on the app's engine reaches nothing (the fixture disposes it)."""
    app.extensions["db_engine"].dispose()
    app.extensions["db_engine"] = db.make_engine(url, BUSY_MS)


@pytest.mark.parametrize("lang, title", [
    ("nl", "Het portaal is tijdelijk niet beschikbaar"),
    ("en", "The portal is temporarily unavailable"),
])
def test_database_down_answers_503_with_retry_after(app, make, unreachable_url, lang, title):
    """Signed in, then the database goes away: the page, its htmx fragment and an anonymous
    visit answer the portal's own 503 in the user's language (the handler used to fail
    itself: its page read the signed-in user from the database)."""
    make.user(email="jan@example.nl", language=lang)
    client = app.test_client()
    assert login(client, "jan@example.nl").status_code == 302
    database_goes_down(app, unreachable_url)

    page = client.get("/dossiers")
    assert page.status_code == 503
    assert int(page.headers["Retry-After"]) > 0
    assert title in visible(page)
    assert f'<html lang="{lang}">' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    fragment = client.get("/dossiers", headers={"HX-Request": "true"})
    assert fragment.status_code == 503 and "Retry-After" in fragment.headers
    assert "<html" not in fragment.get_data(as_text=True) and title in visible(fragment)

    # A visitor logs in, in the language picked on the login page (its cookie); the CSRF
    # token comes from an error page, which needs no database.
    visitor = app.test_client()
    visitor.set_cookie("lang", lang)
    sent = post_form(visitor, "/inloggen", {"email": "jan@example.nl", "password": PASSWORD})
    assert sent.status_code == 503 and title in visible(sent)


def test_the_api_answers_a_problem_503_when_the_database_is_down(app, make, unreachable_url,
                                                                 session):
    """The API's calls answer a problem (application/problem+json) with Retry-After."""
    from app.api.keys import SCOPES, create_key
    admin = make.staff(role="admin", email="beheer@kantoor.test")
    with app.test_request_context():
        _row, raw = create_key(session, name="Dossiersysteem", scopes=list(SCOPES),
                               acts_as=admin)
        session.commit()
    database_goes_down(app, unreachable_url)
    answer = app.test_client().get("/api/v1/dossiers",
                                   headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 503
    assert answer.mimetype == "application/problem+json"
    assert answer.json["type"].endswith("#problem-unavailable")
    assert int(answer.headers["Retry-After"]) > 0


def test_other_database_errors_stay_a_500(app_config, make):
    """A fault of the program (no such table, on SQLite an OperationalError as well) is a
    500, not an outage to wait for."""
    failing = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})

    @failing.get("/kapot")
    def broken():
        get_session().execute(text("SELECT * FROM no_such_table"))

    make.user(email="jan@example.nl")
    client = failing.test_client()
    login(client, "jan@example.nl")
    response = client.get("/kapot")
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert "Er ging iets mis" in visible(response)
    failing.extensions["db_engine"].dispose()


# ---- flash messages

def test_error_page_neither_shows_nor_takes_a_pending_message(app, client):
    """A message stored by the request before stays for the next real page."""
    assert client.get("/dossiers").status_code == 302  # "Log in ..." is flashed
    not_found = client.get("/no-such-page")
    assert not_found.status_code == 404
    assert "Log in om deze pagina te bekijken" not in visible(not_found)
    assert "Log in om deze pagina te bekijken" in visible(client.get("/inloggen"))


def test_message_of_a_request_that_failed_is_dropped(app_config, make, unreachable_url):
    """"Uw bericht is verstuurd." flashed by a request whose database work then failed
    (it stored nothing) shows neither on its error page nor on the next page."""
    flaky = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})

    @flaky.post("/versturen")
    def send():
        flash("Uw bericht is verstuurd.", "success")
        session = get_session()
        session.execute(text("UPDATE company SET name = name"))
        session.commit()
        return "", 204

    make.user(email="jan@example.nl")
    client = flaky.test_client()
    login(client, "jan@example.nl")
    token = csrf_token(client)
    database_goes_down(flaky, unreachable_url)
    failed = client.post("/versturen", data={"csrf_token": token})
    assert failed.status_code == 503
    assert "Uw bericht is verstuurd." not in visible(failed)
    flaky.extensions["db_engine"].dispose()
    flaky.extensions["db_engine"] = db.make_engine(app_config["DATABASE_URL"], BUSY_MS)
    assert "Uw bericht is verstuurd." not in visible(client.get("/dossiers"))
    flaky.extensions["db_engine"].dispose()


# ---- a held SQLite write lock

@pytest.fixture
def sqlite_app(app_config, tmp_path):
    """An app on a SQLite file of its own (also when the suite runs on PostgreSQL), with a
    short busy timeout; (app, url, factory)."""
    url = f"sqlite:///{tmp_path / 'locked.sqlite3'}"
    app = create_app({**app_config, "DATABASE_URL": url, "SQLITE_BUSY_TIMEOUT_MS": BUSY_MS})
    SQLModel.metadata.create_all(app.extensions["db_engine"])
    plain = create_engine(url)
    with Session(plain, expire_on_commit=False) as session:
        default_statuses(session)
        session.commit()
        yield app, str(tmp_path / "locked.sqlite3"), Factory(app, session)
    plain.dispose()
    app.extensions["db_engine"].dispose()


def timed(request):
    """(response, seconds) of calling `request`."""
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def test_held_write_lock_lets_reads_through_and_writes_answer_503(sqlite_app):
    """Another process holds BEGIN IMMEDIATE: pages that only read answer at once (every
    request used to begin IMMEDIATE and wait the whole busy timeout); a request that
    writes waits that long and then answers the 503; once the lock is gone both work."""
    app, path, make = sqlite_app
    user = make.user(email="jan@example.nl")
    lawyer = make.staff()
    dossier = make.dossier(clients=[user], lawyer=lawyer)
    message = Message(dossier_id=dossier.id, sender_id=lawyer.id, subject="Stukken",
                      body="Zie bijlage", sent_at=utcnow())
    make.session.add(message)
    make.session.commit()
    client = app.test_client()
    assert login(client, "jan@example.nl").status_code == 302
    token = csrf_token(client)

    other = sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        for url in ("/dossiers", f"/dossiers/{dossier.id}", "/inloggen"):
            page, seconds = timed(lambda url=url: client.get(url))
            assert page.status_code in (200, 302), url
            assert seconds < BUSY_MS / 1000 / 2, (url, seconds)
        logout, seconds = timed(lambda: client.post("/uitloggen", data={"csrf_token": token}))
        assert logout.status_code == 503 and "Retry-After" in logout.headers
        assert BUSY_MS / 1000 * 0.9 <= seconds < BUSY_MS / 1000 + 3, seconds
        assert "Het portaal is tijdelijk niet beschikbaar" in visible(logout)
        # A GET that writes (opening a message marks it read) waits for the lock as well.
        opened, seconds = timed(lambda: client.get(f"/berichten/{message.id}"))
        assert opened.status_code == 503 and seconds >= BUSY_MS / 1000 * 0.9
    finally:
        other.execute("ROLLBACK")

    # The same GET while a writer holds the lock for a moment: it waits and then writes.
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, lambda: other.execute("ROLLBACK")).start()
    assert client.get(f"/berichten/{message.id}").status_code == 200
    other.close()
    reads = make.session.exec(select(func.count()).select_from(MessageRead)).one()
    assert reads == 1
    assert client.post("/uitloggen", data={"csrf_token": token}).status_code == 302


# ---- a database that was read-only

class Visitor:
    """A browser of a real server: cookies, and the CSRF token of the login page."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, fields=None):
        """(status, text) of a GET, or of a POST of `fields` with the CSRF token."""
        data = None
        if fields is not None:
            page = self.request("/inloggen")[1]
            data = urllib.parse.urlencode({**fields, "csrf_token": token_in(page)}).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()


def chmod(path, mode):
    """chmod, and as root (who may write any file) the immutable flag as well."""
    writable = bool(mode & 0o200)
    if os.geteuid() == 0 and writable:
        subprocess.run(["chattr", "-i", path], check=True)
    os.chmod(path, mode)
    if os.geteuid() == 0 and not writable:
        subprocess.run(["chattr", "+i", path], check=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def read_only_setup(request, database_url, tmp_path):
    """(url, make_read_only, make_writable, settings) for a database with the schema: a
    SQLite file that can only be read after chmod 444, or a PostgreSQL database whose new
    connections are read-only (default_transaction_read_only), as on a standby."""
    if request.param == "sqlite":
        if os.geteuid() == 0 and shutil.which("chattr") is None:
            pytest.skip("root may write a file of mode 444, and chattr is missing")
        path = str(tmp_path / "portal.sqlite3")
        url = f"sqlite:///{path}"
        switch_off = lambda: chmod(path, 0o444)  # noqa: E731
        switch_on = lambda: chmod(path, 0o644)  # noqa: E731
    else:
        server, reason = postgres_server(database_url)
        if server is None:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI must test this on PostgreSQL: {reason}")
            pytest.skip(reason)
        url = empty_database(request, "postgresql", str(tmp_path), server)
        name = make_url(url).database

        def on_server(statement):
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(statement))
            admin.dispose()
        switch_off = lambda: on_server(  # noqa: E731
            f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        switch_on = lambda: on_server(  # noqa: E731
            f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
    engine = db.make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        default_statuses(session)
        session.commit()
    engine.dispose()
    settings = {"DATABASE_URL": url, "SECRET_KEY": "test-secret",
                "UPLOAD_FOLDER": str(tmp_path / "files"),
                "OUTBOX_FOLDER": str(tmp_path / "outbox"),
                "PUBLIC_BASE_URL": "http://portal.test", "FIRM_NAME": "Kantoor Test"}
    try:
        yield url, switch_off, switch_on, settings
    finally:
        switch_on()  # never leave an immutable file behind


def throttle_rows(url):
    engine = create_engine(url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(ThrottleEvent)).one()
    engine.dispose()
    return count


def test_read_only_database_recovers_without_a_restart(read_only_setup):
    """gunicorn starts while the database cannot be written: pages that read work, a login
    attempt (which writes its throttle note) answers 503. Made writable again, the next
    attempt works in the same worker: the connection opened read-only is not kept."""
    url, make_read_only, make_writable, settings = read_only_setup
    make_read_only()
    with Gunicorn(settings, workers=1) as server:
        visitor = Visitor(server.base)
        assert visitor.request("/inloggen")[0] == 200
        attempt = {"email": "jan@example.nl", "password": "Fout12345"}
        status, page = visitor.request("/inloggen", attempt)
        assert status == 503, page[:500]
        assert throttle_rows(url) == 0
        make_writable()
        status, page = visitor.request("/inloggen", attempt)
        assert status == 401, page[:500]  # the wrong password, said as usual
        assert throttle_rows(url) > 0
