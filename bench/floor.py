"""Each page against its floor (issue 22), in-process with Flask's test client.

    .venv/bin/python -m bench.floor [--small] [--pg URL] [--runs 300] [--no-fail]
                                    [--only REGEX] [--profile 5] [--clock cpu|wall]

Per page, in one run: the real p50 (the test client's request, body read; a download up to
its first chunk) and the floor p50: the page's own SQL statements (captured with a
before_cursor_execute listener) replayed through the raw driver connection, plus rendering a
precompiled Jinja template of the same number of bytes (for a download: reading its first
chunk from disk). Real, replay and render runs take turns. Times are CPU time by default
(this thread's, plus the PostgreSQL server processes'): on a shared machine wall-clock time
mostly measures waiting for a core, and a long request waits more often than a short replay;
--clock wall for a quiet machine (the table shows both). Writes are replayed in a
transaction that is rolled back; a write that fails there (a unique row the page made for
real) is skipped and counted. Exit 1 when a page is over its limit (client pages 2x, staff
pages 3x the floor) unless --no-fail. --profile N: the N pages furthest from their floor,
sampled in CPU time, with the time grouped by cause.

The data set (bench/data.py; --small: a tenth) is built once per shape and kept in
--cache; each run works on a copy (SQLite) or a database made from a template (--pg).
"""
import argparse
import contextlib
import fcntl
import glob
import hashlib
import inspect
import json
import logging
import os
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time

import jinja2
import pyotp
from sqlalchemy import create_engine, event, text, update
from sqlmodel import Session, select

from app import create_app, migrate
from app.models import Message, User
from bench.data import PASSWORD, add_actions, generate_scaled
from bench.questionnaire import answers_of, definition

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIG, SMALL, STAFF = "groot@bench.nl", "klein@bench.nl", "advocaat@bench.nl"
LIMIT = {"client": 2.0, "staff": 3.0}
MIN_RUNS = 50  # per page, also when it takes longer than --page-seconds
# Transaction control is the replay's own (one transaction, rolled back); savepoints stay.
TX_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|END|ROLLBACK\s*$)", re.IGNORECASE)
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# What shapes the data set: a change here builds it again.
SHAPE_FILES = ["bench/data.py", "bench/questionnaire.py", "app/models.py", "app/demo.py",
               *sorted(os.path.relpath(p, ROOT) for p in
                       glob.glob(os.path.join(ROOT, "app", "migrations", "versions", "*.py")))]


# ---- the data set, built once and reused

def shape_key(scale):
    """A short hash of the data set's shape: its scale, generator, models and migrations."""
    digest = hashlib.sha256(f"scale={scale}".encode())
    for path in SHAPE_FILES:
        with open(os.path.join(ROOT, path), "rb") as f:
            digest.update(path.encode() + b"\0" + f.read())
    return digest.hexdigest()[:12]


def fill(app, scale):
    """Migrate and fill the app's (empty) database; returns add_actions' ids."""
    with app.app_context():
        migrate.upgrade()
        engine = app.extensions["db_engine"]
        generate_scaled(engine, scale)
        ids = add_actions(engine, [SMALL, BIG])
        engine.dispose()
    return ids


def app_config(url, folder):
    """The settings of a bench app on `url` with its files in `folder`."""
    return {"DATABASE_URL": url, "SECRET_KEY": "bench-floor",
            "UPLOAD_FOLDER": os.path.join(folder, "files"),
            "OUTBOX_FOLDER": os.path.join(folder, "outbox")}


@contextlib.contextmanager
def locked(path):
    """An exclusive lock on `path` while it lasts (two runs never build the same set)."""
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def forget_older(cache, prefix, kept):
    """Remove the data sets in `cache` of an older shape (`prefix`, not `kept`)."""
    for path in glob.glob(os.path.join(cache, prefix + "*")):
        if path not in (kept, kept + ".lock"):
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.remove(path)


def sqlite_copy(cache, scale, work):
    """A working copy of the SQLite data set in `work` (built first when not cached);
    returns (database URL, ids)."""
    kept = os.path.join(cache, f"sqlite-{scale}-{shape_key(scale)}")
    with locked(kept + ".lock"):
        if not os.path.exists(os.path.join(kept, "ids.json")):
            started = time.perf_counter()
            forget_older(cache, f"sqlite-{scale}-", kept)
            building = kept + ".building"
            shutil.rmtree(building, ignore_errors=True)
            os.makedirs(building)
            path = os.path.join(building, "bench.sqlite3")
            ids = fill(create_app(app_config(f"sqlite:///{path}", building)), scale)
            with contextlib.closing(sqlite3.connect(path)) as conn:  # one file to copy
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with open(os.path.join(building, "ids.json"), "w") as f:
                json.dump(ids, f)
            shutil.rmtree(kept, ignore_errors=True)
            os.rename(building, kept)
            print(f"Built the SQLite data set in {time.perf_counter() - started:.0f} s "
                  f"({kept})", file=sys.stderr)
    os.makedirs(work)
    shutil.copyfile(os.path.join(kept, "bench.sqlite3"), os.path.join(work, "bench.sqlite3"))
    shutil.copytree(os.path.join(kept, "files"), os.path.join(work, "files"))
    with open(os.path.join(kept, "ids.json")) as f:
        return f"sqlite:///{work}/bench.sqlite3", json.load(f)


def sqlalchemy_url(url):
    """postgresql:// as the app reads it (psycopg 3)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def pg_copy(cache, scale, url, work):
    """The database `url` names, made afresh from a template database holding the data set
    (built first when not there); returns (database URL, ids). The files of the data set
    are copied to `work`."""
    url = sqlalchemy_url(url)
    server, name = url.rsplit("/", 1)
    key = shape_key(scale)
    template = f"{name}_tpl_{scale}_{key}"
    kept = os.path.join(cache, f"pg-{scale}-{key}")
    admin = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with locked(kept + ".lock"), admin.connect() as conn:
            def exists(db_name):
                return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": db_name}).first() is not None

            if not (exists(template) and os.path.exists(os.path.join(kept, "ids.json"))):
                started = time.perf_counter()
                for (old,) in conn.execute(text(  # templates of an older shape
                        "SELECT datname FROM pg_database WHERE datname LIKE :p"),
                        {"p": f"{name}\\_tpl\\_{scale}\\_%"}).all():
                    conn.execute(text(f'DROP DATABASE "{old}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{template}"'))
                forget_older(cache, f"pg-{scale}-", kept)
                shutil.rmtree(kept, ignore_errors=True)
                ids = fill(create_app(app_config(f"{server}/{template}", kept)), scale)
                filled = create_engine(f"{server}/{template}", isolation_level="AUTOCOMMIT")
                with filled.connect() as db:  # statistics, as autovacuum would have them
                    db.execute(text("VACUUM ANALYZE"))
                filled.dispose()
                with open(os.path.join(kept, "ids.json"), "w") as f:
                    json.dump(ids, f)
                print(f"Built the PostgreSQL data set in {time.perf_counter() - started:.0f}"
                      f" s (database {template})", file=sys.stderr)
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    finally:
        admin.dispose()
    shutil.copytree(os.path.join(kept, "files"), os.path.join(work, "files"))
    with open(os.path.join(kept, "ids.json")) as f:
        return url, json.load(f)


def drop_pg(url):
    """Drop the working database of a PostgreSQL run (the template stays)."""
    server, name = sqlalchemy_url(url).rsplit("/", 1)
    admin = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# ---- logging in, and the pages

def token_in(page):
    """The CSRF token of a page (the form field, else htmx's header on <body>)."""
    found = (re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
             or re.search(r'"X-CSRFToken": "([^"]+)"', page))
    return found[1]


def log_in(app, email, totp_secret=None):
    """A test client logged in as `email` (with the authenticator code for staff)."""
    client = app.test_client()
    token = token_in(client.get("/inloggen").get_data(as_text=True))
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD,
                                              "csrf_token": token})
    assert response.status_code == 302, (email, response.status_code)
    if totp_secret:
        page = client.get("/inloggen/verificatie/app").get_data(as_text=True)
        response = client.post("/inloggen/verificatie/app", data={
            "code": pyotp.TOTP(totp_secret).now(), "csrf_token": token_in(page)})
        assert response.status_code == 302 and "/kantoor" in response.location, \
            (response.status_code, response.location)
    return client


def with_authenticator(app, email):
    """Turn the authenticator app on for `email` (staff use two-step); returns the secret."""
    secret = pyotp.random_base32()
    with app.app_context(), Session(app.extensions["db_engine"]) as db:
        db.execute(update(User).where(User.email == email)
                   .values(totp_secret=secret, totp_enabled=True, totp_last_step=0))
        db.commit()
    return secret


class Page:
    """One page (or fragment, or action) of the benchmark, as the test client asks it."""

    def __init__(self, name, side, client, path, headers=None, form=None, expected=200,
                 first_chunk=False):
        self.name, self.side, self.client, self.path = name, side, client, path
        self.headers, self.form, self.expected = headers or {}, form, expected
        self.first_chunk = first_chunk

    def fetch(self):
        """One request; returns the body (a download: its first chunk)."""
        if self.form is None:
            response = self.client.get(self.path, headers=self.headers)
        else:
            response = self.client.post(self.path, data=self.form(), headers=self.headers)
        try:
            if self.first_chunk:
                body = next(response.iter_encoded())
            else:
                body = response.get_data()
        finally:
            response.close()
        if response.status_code != self.expected:
            raise RuntimeError(f"{self.name}: HTTP {response.status_code}, "
                               f"expected {self.expected}")
        return body


class StepSave:
    """The form of "Volgende" on step 1 with one answer changed, so that the step is
    written every time (a new revision each save)."""

    def __init__(self, client, url):
        page = client.get(url).get_data(as_text=True)
        self.token = token_in(page)
        self.revision = int(re.search(r'name="revision" value="(\d+)"', page)[1])

    def __call__(self):
        answers = answers_of(definition()["steps"][0])
        answers["v0"] = f"Jan de Vries {self.revision}"
        form = {f"q_{k}": v for k, v in answers.items()}
        form.update(q_v2="52.000,5", revision=str(self.revision), action="next",
                    csrf_token=self.token)
        self.revision += 1
        return form


def pages_of(app, ids):
    """The pages of issue 22's point 1, for the client with the most dossiers and the
    dossiers' lawyer."""
    mine = ids[BIG]
    dossier, document, assignment = mine["dossier"], mine["document"], mine["assignment"]
    with app.app_context(), Session(app.extensions["db_engine"]) as db:
        message = db.exec(select(Message.id).where(
            Message.dossier_id == dossier, Message.sent_at.is_not(None),
            Message.from_client.is_(False)).order_by(Message.id)).first()
    client = log_in(app, BIG)
    staff = log_in(app, STAFF, with_authenticator(app, STAFF))
    swap = {"HX-Request": "true"}
    step = f"/vragenlijsten/{assignment}/stap/1"
    pages = [Page("Home", "client", client, "/"),
             Page("Dossier list", "client", client, "/dossiers"),
             Page("Dossier search", "client", client, "/dossiers?q=omschrijving"),
             Page("Dossier search, htmx swap", "client", client, "/dossiers?q=omschrijving",
                  swap)]
    for tab, label in (("correspondentie", "Correspondentie"), ("documenten", "Documenten"),
                       ("aangeleverd", "Door mij aangeleverd"), ("berichten", "Berichten")):
        pages += [Page(f"Tab {label}, page", "client", client, f"/dossiers/{dossier}/{tab}"),
                  Page(f"Tab {label}, htmx swap", "client", client,
                       f"/dossiers/{dossier}/{tab}", swap)]
    pages += [
        Page("Message", "client", client, f"/berichten/{message}"),
        Page("Acties", "client", client, "/acties"),
        Page("Questionnaire step, GET", "client", client, step),
        Page("Questionnaire step, save (POST 303)", "client", client, step,
             form=StepSave(client, step), expected=303),
        Page("Download, first chunk (100 kB)", "client", client,
             f"/documenten/{document}/download", first_chunk=True),
        Page("Staff: start page", "staff", staff, "/kantoor/"),
        Page("Staff: dossier list", "staff", staff, "/kantoor/dossiers"),
        Page("Staff: dossier", "staff", staff, f"/kantoor/dossiers/{dossier}"),
        Page("Staff: dossier, Documenten", "staff", staff,
             f"/kantoor/dossiers/{dossier}/documenten"),
        Page("Staff: messages (inbox)", "staff", staff, "/kantoor/berichten"),
        Page("Staff: client list", "staff", staff, "/kantoor/clienten"),
    ]
    return pages, {"document": document}


# ---- the floor: replaying the SQL, rendering the same bytes

@contextlib.contextmanager
def capture(engine):
    """The statements executed on `engine` while it lasts: [(statement, parameters,
    executemany)]."""
    seen = []

    def note(_conn, _cursor, statement, parameters, _context, executemany):
        seen.append((statement, parameters, executemany))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


class Replay:
    """A page's statements run through the raw driver connection in one transaction that
    is rolled back, results fetched whole. Writes that fail on replay are skipped."""

    def __init__(self, engine, statements):
        self.sqlite = engine.dialect.name == "sqlite"
        self.statements = [s for s in statements if not TX_CONTROL.match(s[0])]
        self.writes = sum(1 for s in self.statements if WRITE.match(s[0]))
        self.raw = engine.raw_connection()
        self.driver = self.raw.driver_connection
        self.skipped = self._skip_failing()

    def _begin(self, cursor):
        if self.sqlite:  # the driver's isolation_level is None (app/db.py): we BEGIN
            cursor.execute("BEGIN IMMEDIATE" if self.writes else "BEGIN")

    def _rollback(self, cursor):
        if self.sqlite:
            cursor.execute("ROLLBACK")
        else:
            self.driver.rollback()

    def _skip_failing(self):
        """Try each write in a savepoint once; the ones that fail are left out."""
        cursor, failing = self.driver.cursor(), []
        self._begin(cursor)
        for n, (statement, parameters, many) in enumerate(self.statements):
            if WRITE.match(statement):
                cursor.execute("SAVEPOINT floor")
                try:
                    (cursor.executemany if many else cursor.execute)(statement, parameters)
                    cursor.execute("RELEASE SAVEPOINT floor")
                except Exception:
                    cursor.execute("ROLLBACK TO SAVEPOINT floor")
                    failing.append(n)
            else:
                (cursor.executemany if many else cursor.execute)(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
        self._rollback(cursor)
        cursor.close()
        self.statements = [s for n, s in enumerate(self.statements) if n not in failing]
        return len(failing)

    def __call__(self):
        cursor = self.driver.cursor()
        self._begin(cursor)
        for statement, parameters, many in self.statements:
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
        self._rollback(cursor)
        cursor.close()

    def close(self):
        self.raw.close()


RENDER_ENV = jinja2.Environment(autoescape=True)
ROW = RENDER_ENV.from_string(
    '{% for r in rows %}<tr><td class="title"><a href="/dossiers/{{ r.id }}/documenten">'
    '{{ r.title }}</a></td><td>{{ r.when }}</td></tr>\n{% endfor %}{{ tail }}')


class Render:
    """Rendering a precompiled template that makes exactly `size` bytes (rows of a table,
    each with three escaped values, then padding), encoded as a response body is."""

    def __init__(self, size):
        row = {"id": "000001", "title": "Document 000001 & bijlage", "when": "12-03-2026"}
        one = len(ROW.render(rows=[row], tail="").encode())
        count = size // one
        self.rows = [{**row, "id": f"{n:06d}", "title": f"Document {n:06d} & bijlage"}
                     for n in range(count)]
        self.tail = "x" * (size - count * one)
        assert len(self()) == size

    def __call__(self):
        return ROW.render(rows=self.rows, tail=self.tail).encode()


class FirstChunk:
    """A download's floor besides its SQL: opening the file and reading its first chunk."""

    def __init__(self, path, size):
        self.path, self.size = path, size

    def __call__(self):
        with open(self.path, "rb") as f:
            return f.read(self.size)


def ms(seconds):
    return seconds * 1000


class BackendClock:
    """CPU time of the PostgreSQL server processes serving this database (the page's work
    that is not in this process), from /proc/<pid>/schedstat (ns on a CPU); 0 on SQLite or
    when the server is not on this machine."""

    def __init__(self, engine, replay):
        self.paths = []
        if engine.dialect.name != "postgresql":
            return
        cursor = replay.driver.cursor()
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND backend_type = 'client backend'")
        pids = [pid for (pid,) in cursor.fetchall()]
        replay.driver.rollback()
        self.paths = [f"/proc/{pid}/schedstat" for pid in pids if is_postgres(pid)]

    def __call__(self):
        total = 0
        for path in self.paths:
            try:
                with open(path) as f:
                    total += int(f.read().split()[0])
            except OSError:  # a connection that closed meanwhile
                pass
        return total / 1e9


def is_postgres(pid):
    """True when process `pid` of this machine is a PostgreSQL server process (a server
    elsewhere has its own pids)."""
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().startswith("postgres") and os.access(f"/proc/{pid}/schedstat",
                                                                 os.R_OK)
    except OSError:
        return False


def timed(fn, backend=None):
    """(wall seconds, CPU seconds) of fn(): this thread's CPU time, plus the database
    server's when `backend` is given (PostgreSQL)."""
    server = backend() if backend else 0
    cpu, wall = time.thread_time(), time.perf_counter()
    fn()
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    if backend:
        cpu += backend() - server
    return wall, cpu


def measure(app, page, runs, warmup, download_path, seconds):
    """Real, replay and render times of `page`, in turns (wall and CPU p50), `runs` times
    or for `seconds` (at least MIN_RUNS); and what the replay did."""
    engine = app.extensions["db_engine"]
    for _ in range(warmup):
        page.fetch()
    with capture(engine) as statements:
        body = page.fetch()
    replay = Replay(engine, statements)
    try:
        backend = BackendClock(engine, replay)
        render = (FirstChunk(download_path, len(body)) if page.first_chunk
                  else Render(len(body)))
        for _ in range(3):
            replay()
            render()
        times = {"real": [], "replay": [], "render": []}
        deadline = time.perf_counter() + seconds
        for n in range(runs):
            times["real"].append(timed(page.fetch, backend))
            times["replay"].append(timed(replay, backend))
            times["render"].append(timed(render))
            if n + 1 >= MIN_RUNS and time.perf_counter() > deadline:
                break  # a slow page: its p50 is steady well before 300 runs
    finally:
        replay.close()
    result = {"page": page, "runs": len(times["real"]),
              "sql": len(replay.statements) + replay.skipped,
              "writes": replay.writes, "skipped": replay.skipped, "bytes": len(body)}
    for clock, index in (("wall", 0), ("cpu", 1)):
        real, replayed, rendered = (ms(statistics.median(t[index] for t in times[k]))
                                    for k in ("real", "replay", "render"))
        result[clock] = {"real": real, "replay": replayed, "render": rendered,
                         "floor": replayed + rendered, "ratio": real / (replayed + rendered)}
    return result


def hello_p50(runs):
    """The bare Flask "hello" of bench/wsgi.py through its own test client: {clock: ms}."""
    from bench.wsgi import hello
    client = hello.test_client()

    def fetch():
        client.get("/").get_data()

    for _ in range(20):
        fetch()
    times = [timed(fetch) for _ in range(runs)]
    return {clock: ms(statistics.median(t[index] for t in times))
            for clock, index in (("wall", 0), ("cpu", 1))}


# ---- the profile (point 3)

class Sampler:
    """A sampling profiler in CPU time (as pyinstrument does): every `interval` seconds
    of this process's CPU time (SIGPROF), the Python stack is noted. Time the process
    spends waiting for a CPU on a busy machine is not counted, unlike cProfile's clock."""

    def __init__(self, interval=0.0005):
        self.interval, self.stacks = interval, []

    def _note(self, _signum, frame):
        stack = []
        while frame is not None:
            stack.append(frame.f_code)
            frame = frame.f_back
        self.stacks.append(stack)

    def __enter__(self):
        import signal
        self._old = signal.signal(signal.SIGPROF, self._note)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)
        return self

    def __exit__(self, *_exc):
        import signal
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, self._old)


def where(path, *names):
    """A frame matcher: code in a file whose path contains `path` (and, if given, one of
    the functions `names`)."""
    return lambda code: path in code.co_filename and (not names or code.co_name in names)


SITE = os.sep + "site-packages" + os.sep
APP = os.path.join(ROOT, "app") + os.sep
# A statement being run: what SQLAlchemy does under these is execution (compile, run,
# results, objects), not building a select().
EXECUTING = (where("sqlalchemy/orm/session.py", "execute", "get", "scalar", "scalars",
                   "commit", "flush", "refresh"),
             where("sqlalchemy/engine/base.py", "execute", "exec_driver_sql"))


def executing(stack):
    return any(match(code) for code in stack for match in EXECUTING)


# Causes, inclusive: a sample counts for a cause when any frame of its stack matches, so
# causes overlap (url_for and Babel run inside template rendering). The view itself is
# added per page.
CAUSES = [
    ("Login-session check (security.load_user: 2 SELECTs, last-seen write when due)",
     where(APP + "security.py", "load_user")),
    ("Firm settings (app/firm.py: the row read once, firm_name / firm.*)",
     where(APP + "firm.py")),
    ("Client menu figures (portal.menu_figures: build + run)",
     where(APP + "portal/routes.py", "menu_figures")),
    ("Context processors, all (update_template_context)",
     where("flask/app.py", "update_template_context")),
    ("Template rendering (Jinja, with all it calls)", where("flask/templating.py", "_render")),
    ("url_for", where("flask/helpers.py", "url_for")),
    ("Babel (flask_babel, babel: strings, dates, numbers)",
     lambda c: "flask_babel" + os.sep in c.co_filename or SITE + "babel" + os.sep
     in c.co_filename),
    ("Access checks (app/access.py: visible_* selects built, get_*_for run)",
     where(APP + "access.py")),
    ("SQL run through the ORM session (Session.execute/get: compile, run, load)",
     where("sqlalchemy/orm/session.py", "execute", "get", "scalar", "scalars")),
    ("SQL compile and cache key (compiler.py, cache_key.py)",
     lambda c: "sqlalchemy/sql/compiler.py" in c.co_filename
     or "sqlalchemy/sql/cache_key.py" in c.co_filename),
    ("SQL driver (do_execute: sqlite3/psycopg)",
     where("sqlalchemy/engine/default.py", "do_execute", "do_executemany",
           "do_execute_no_params")),
    ("ORM: objects from rows (orm/loading.py)", where("sqlalchemy/orm/loading.py")),
    ("Commit (Session.commit)", where("sqlalchemy/orm/session.py", "commit")),
    ("Audit (app/audit.py)", where(APP + "audit.py")),
    ("CSRF token (flask_wtf generate_csrf)", where("flask_wtf/csrf.py", "generate_csrf")),
    ("Cookie session (flask/sessions.py, itsdangerous)",
     lambda c: "flask/sessions.py" in c.co_filename or "itsdangerous" in c.co_filename),
    ("Security headers (security.set_security_headers)",
     where(APP + "security.py", "set_security_headers")),
]
SQL_EXPRESSIONS = "SQLAlchemy sql/ expressions"
# Parts of the stack, exclusive: a sample goes to the innermost frame that matches one
# (checked in this order); the rest is "other".
PARTS = [
    ("SQL driver (sqlite3/psycopg, C)", lambda c: "psycopg" in c.co_filename
     or (c.co_filename.endswith("sqlalchemy/engine/default.py")
         and c.co_name.startswith("do_execute"))),
    ("SQLAlchemy: compile, cache key", lambda c: "sqlalchemy/sql/compiler.py" in c.co_filename
     or "sqlalchemy/sql/cache_key.py" in c.co_filename),
    ("SQLAlchemy ORM: objects from rows", where("sqlalchemy/orm/loading.py")),
    ("SQLAlchemy engine: execute, results, events, pool",
     lambda c: any(p in c.co_filename for p in ("sqlalchemy/engine/", "sqlalchemy/event/",
                                                "sqlalchemy/pool/"))),
    ("SQLAlchemy ORM: session, unit of work, attributes",
     lambda c: "sqlalchemy/orm/" in c.co_filename or "sqlmodel" in c.co_filename),
    (SQL_EXPRESSIONS, lambda c: "sqlalchemy/" in c.co_filename),
    ("Babel", lambda c: "flask_babel" in c.co_filename or SITE + "babel" in c.co_filename),
    ("Werkzeug routing (url_for build, URL match)", where("werkzeug/routing/")),
    ("Jinja: compiled templates", lambda c: c.co_filename.endswith((".html", ".txt"))),
    ("Jinja runtime, markupsafe", lambda c: "jinja2" in c.co_filename
     or "markupsafe" in c.co_filename),
    ("WTForms, CSRF", lambda c: "wtforms" in c.co_filename or "flask_wtf" in c.co_filename),
    ("Flask-Login", where("flask_login/")),
    ("Cookie session (itsdangerous, flask/sessions.py)",
     lambda c: "itsdangerous" in c.co_filename or "flask/sessions.py" in c.co_filename),
    ("Test client (werkzeug/test.py, flask/testing.py)",
     lambda c: "werkzeug/test.py" in c.co_filename or "flask/testing.py" in c.co_filename),
    ("Werkzeug LocalProxy (current_user, request, g lookups)", where("werkzeug/local.py")),
    ("Werkzeug, Flask: request, response, dispatch",
     lambda c: "werkzeug/" in c.co_filename or "flask/" in c.co_filename),
    ("app/ code itself", lambda c: c.co_filename.startswith(APP)),
]


def part_of(stack):
    """The part of the stack a sample belongs to (PARTS; SQLAlchemy's expression code split
    by whether a statement is being run or a select() built)."""
    for code in stack:
        for label, match in PARTS:
            if match(code):
                if label == SQL_EXPRESSIONS:
                    return ("SQLAlchemy: expression code while running a statement"
                            if executing(stack) else
                            "SQLAlchemy: building select()s and where()s (outside execute)")
                return label
    return "other (stdlib, C builtins outside a part)"


def view_code(app, page):
    """The code object of the view function that answers `page`."""
    path, _, query = page.path.partition("?")
    adapter = app.url_map.bind("localhost", query_args=query)
    endpoint, _args = adapter.match(path, method="POST" if page.form else "GET")
    return inspect.unwrap(app.view_functions[endpoint]).__code__, endpoint


def profile(app, page, runs):
    """Sample `runs` requests of `page`; returns (CPU ms per request, samples, causes,
    parts, top app/ functions), rows of (label, ms per request, share)."""
    for _ in range(5):
        page.fetch()
    cpu = time.thread_time()
    with Sampler() as sampler:
        for _ in range(runs):
            page.fetch()
    cpu = ms(time.thread_time() - cpu) / runs
    stacks = [s for s in sampler.stacks if s]
    n = max(len(stacks), 1)
    code, endpoint = view_code(app, page)
    causes = [(f"The view {endpoint} (its queries, rendering, ...)", lambda c: c is code),
              *CAUSES,
              ("SQLAlchemy outside execute/commit (building select()s, attribute access)",
               None)]
    rows = []
    for label, match in causes:
        if match is None:
            hits = sum(1 for s in stacks if not executing(s)
                       and any("sqlalchemy/" in c.co_filename for c in s))
        else:
            hits = sum(1 for s in stacks if any(match(c) for c in s))
        rows.append((label, cpu * hits / n, hits / n))
    rows.insert(1, ("Outside the view (request set-up, login check, session, headers, "
                    "test client)", cpu * (1 - rows[0][2]), 1 - rows[0][2]))
    parts = {}
    for stack in stacks:
        label = part_of(stack)
        parts[label] = parts.get(label, 0) + 1
    functions = {}
    for stack in stacks:
        for key in {(c.co_filename, c.co_name) for c in stack
                    if c.co_filename.startswith(APP)}:
            functions[key] = functions.get(key, 0) + 1
    top = sorted(functions.items(), key=lambda kv: -kv[1])[:12]
    return (cpu, len(stacks), [r for r in sorted(rows, key=lambda r: -r[1]) if r[2] >= 0.01],
            sorted(((k, cpu * v / n, v / n) for k, v in parts.items()), key=lambda r: -r[1]),
            [(f"{os.path.relpath(path, ROOT)}:{name}", cpu * v / n, v / n)
             for (path, name), v in top])


# ---- output

def markdown(header, rows):
    """A Markdown table (it reads as a plain table in a terminal too)."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(title, results, hello, clock):
    """Print the table of one database; returns the pages over their limit."""
    rows, over = [], []
    for r in results:
        t, limit = r[clock], LIMIT[r["page"].side]
        bad = t["ratio"] > limit
        if bad:
            over.append(r["page"].name)
        writes = ""
        if r["writes"]:
            writes = f" ({r['writes']} w" + (f", {r['skipped']} skipped" if r["skipped"]
                                              else "") + ")"
        rows.append([r["page"].name, f"{t['real']:.2f}", f"{t['floor']:.2f}",
                     f"{t['ratio']:.1f}", f"{limit:g}×" + (" **over**" if bad else ""),
                     f"{r['sql']}{writes}", f"{t['replay']:.2f}", f"{t['render']:.3f}",
                     f"{r['bytes']:,}", f"{r['wall']['real']:.2f}",
                     f"{r['wall']['ratio']:.1f}", r["runs"]])
    kind = "CPU" if clock == "cpu" else "wall-clock"
    print(f"\n### {title}: real p50 against the floor p50 ({kind} time)\n")
    print(markdown(["page", "real ms", "floor ms", "ratio", "limit", "SQL", "replay ms",
                    "render ms", "bytes", "real wall ms", "wall ratio", "runs"], rows))
    print(f"\nBare Flask hello (bench/wsgi.py, test client): {hello['cpu']:.3f} ms CPU, "
          f"{hello['wall']:.3f} ms wall (p50).\nSQL: statements the page ran (BEGIN and "
          "COMMIT not counted); w: writes, replayed in a transaction that is rolled\nback. "
          "Floor = replay p50 + render p50 (a download: reading its first chunk from disk)."
          + (" CPU time: this process's, plus the PostgreSQL\nserver processes' "
             "(/proc/<pid>/schedstat)." if clock == "cpu" else ""))
    return over


def print_profile(name, cpu, samples, causes, parts, top):
    """One page's profile, as Markdown."""
    print(f"\n#### {name}: {cpu:.2f} ms CPU per request while sampled ({samples} samples)\n")
    print(markdown(["cause (inclusive; causes overlap)", "ms/request", "share"],
                   [[label, f"{t:.2f}", f"{share:.0%}"] for label, t, share in causes]))
    print()
    print(markdown(["part of the stack (exclusive: innermost)", "ms/request", "share"],
                   [[label, f"{t:.2f}", f"{share:.0%}"] for label, t, share in parts]))
    print()
    print(markdown(["app/ function (inclusive)", "ms/request", "share"],
                   [[label, f"{t:.2f}", f"{share:.0%}"] for label, t, share in top]))


def run(title, url, ids, work, args):
    """Measure every page on one database; returns the pages over their limit."""
    app = create_app(app_config(url, work))
    pages, extra = pages_of(app, ids)
    if args.only:
        pages = [p for p in pages if re.search(args.only, p.name, re.IGNORECASE)]
    with app.app_context():
        from app.models import Document
        from app.storage import path_for
        with Session(app.extensions["db_engine"]) as db:
            download_path = path_for(db.get(Document, extra["document"]).storage_key)
    results = []
    for page in pages:
        started = time.perf_counter()
        results.append(measure(app, page, args.runs, args.warmup, download_path,
                               args.page_seconds))
        t = results[-1][args.clock]
        print(f"  {title}, {page.name}: {t['real']:.2f} ms, floor {t['floor']:.2f} ms "
              f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    over = report(title, results, hello_p50(args.runs), args.clock)
    if args.profile:
        worst = sorted(results, key=lambda r: -r[args.clock]["ratio"])[:args.profile]
        print(f"\n### Profiles of the {len(worst)} pages furthest from their floor "
              f"({title}, {args.profile_runs} requests each, sampled in CPU time)")
        for r in worst:
            print_profile(r["page"].name, *profile(app, r["page"], args.profile_runs))
    app.extensions["db_engine"].dispose()
    return over


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="a tenth of the data set")
    parser.add_argument("--pg", metavar="URL",
                        help="also on PostgreSQL, in this database (made afresh), e.g. "
                             "postgresql://postgres@127.0.0.1:5432/klpfloor")
    parser.add_argument("--runs", type=int,
                        help="per page (default 300; --small: 100)")
    parser.add_argument("--page-seconds", type=float, default=10, metavar="S",
                        help="stop a page's runs after S seconds (but not before "
                             f"{MIN_RUNS} runs; default 10)")
    parser.add_argument("--warmup", type=int, default=20, help="requests before measuring")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="what the ratios and limits use (default cpu: robust on a "
                             "shared machine; wall: on a quiet one)")
    parser.add_argument("--no-fail", action="store_true",
                        help="report only: exit 0 even when a page is over its limit")
    parser.add_argument("--only", metavar="REGEX", help="only the pages whose name matches")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the N pages furthest from their floor")
    parser.add_argument("--profile-runs", type=int, default=200)
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(),
                                                        "klp-bench-floor"),
                        help="where the built data sets are kept")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # not a line per migration
    began, load_before = time.perf_counter(), os.getloadavg()[0]
    scale = 10 if args.small else 1
    args.runs = args.runs or (100 if args.small else 300)
    os.makedirs(args.cache, exist_ok=True)
    size = ("1,000 clients, 5,000 dossiers, 100,000 documents, 50,000 messages"
            if scale == 1 else "a tenth of it (100 clients, 500 dossiers, 10,000 documents,"
            " 5,000 messages)")
    print(f"Data set: {size}. Client {BIG} ({500 // scale} dossiers), staff {STAFF}; "
          f"{args.runs} runs per page; {os.cpu_count()} cores, load average "
          f"{load_before:.1f}.")
    over = []
    work = tempfile.mkdtemp(prefix="klp-floor-")
    try:
        url, ids = sqlite_copy(args.cache, scale, os.path.join(work, "sqlite"))
        over += [f"SQLite: {name}" for name in run("SQLite", url, ids,
                                                   os.path.join(work, "sqlite"), args)]
        if args.pg:
            url, ids = pg_copy(args.cache, scale, args.pg, os.path.join(work, "pg"))
            try:
                over += [f"PostgreSQL: {name}" for name in run(
                    "PostgreSQL", url, ids, os.path.join(work, "pg"), args)]
            finally:
                drop_pg(args.pg)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nWhole run: {time.perf_counter() - began:.0f} s; load average (1 min) "
          f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.")
    if over:
        print(f"\nOver the limit ({len(over)}): " + "; ".join(over))
        return 0 if args.no_fail else 1
    print("\nEvery page within its limit.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
