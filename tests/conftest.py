"""Fixtures: a fresh database per test (SQLite or TEST_DATABASE_URL), a real SMTP server, the
`make` factory (tests/factory.py), the usual people and dossier, an app with failing routes,
a real gunicorn and a small disk. Plain helpers live in tests/helpers.py."""
import os
import tempfile

import pytest
from clamd_helpers import start_clamd
from factory import Factory
from flask import abort
from helpers import Mailbox, login, test_config
from ops.server import threaded
from seal_helpers import PASSWORD as SEAL_PASSWORD
from seal_helpers import make_ca
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, create_engine

from app import create_app, db
from app.demo import default_statuses
from app.models import Delegation


def pytest_report_header(config):
    return f"database: {_database_url().split('@')[-1]}"


# Tests of what the browser gets (HTML, CSS, JavaScript, layout, accessibility, phones) and
# of the nginx front: the same on SQLite and PostgreSQL. They are marked `front_end`; CI runs
# them in its SQLite pass only (`-m "not front_end and not both_databases"` on PostgreSQL).
# `make test` runs all.
FRONT_END = ("browser/", "ops/test_nginx.py")
# Tests that open a SQLite and a PostgreSQL database of their own, whatever the pass: they
# too run in the SQLite pass only (a PostgreSQL pass would repeat them as they are).
BOTH_DATABASES = ("test_migrations.py", "ops/test_dbcopy.py")


# The longest files start first: with a file per process at a time (--dist loadfile), a long
# file handed out last would keep one process busy while the others have finished.
LONGEST_FIRST = ("security/test_fuzz.py",)


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    paths = {}
    for item in items:
        path = paths[item] = os.path.relpath(str(item.path), here).replace(os.sep, "/")
        if path.startswith(FRONT_END):
            item.add_marker(pytest.mark.front_end)
        if path.startswith(BOTH_DATABASES):
            item.add_marker(pytest.mark.both_databases)
    items.sort(key=lambda item: paths[item] not in LONGEST_FIRST)


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


@pytest.fixture(scope="session")
def ca(tmp_path_factory):
    """A small CA made at test time and the firm's seal it issued: (the seal's PKCS#12
    file, the root for pyHanko's validator). Tests marked `sealed` seal with it."""
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="session")
def real_clamd():
    """A real clamd (tests/clamd_helpers.py) loaded with signatures for the EICAR test file,
    one per test process; skipped where clamd is not installed, failed in CI."""
    clamd = start_clamd()
    yield clamd
    clamd.close()


@pytest.fixture
def app_config(database_url, tmp_path, smtp_server, request):
    """Override entries of this dict in a test before asking for `app`."""
    config = test_config(database_url, tmp_path, smtp_server.controller.port)
    if request.node.get_closest_marker("sealed"):
        config["SEAL_PKCS12_FILE"] = request.getfixturevalue("ca")[0]
        config["SEAL_PASSWORD"] = SEAL_PASSWORD
    return config


@pytest.fixture
def app(app_config, tmp_path):
    """The app of `app_config`, its tables emptied. Made once per worker process and
    configuration (create_app costs 0.13 s) and put back as it was after each test."""
    app = _APPS.checkout(app_config, str(tmp_path))
    engine = app.extensions["db_engine"]
    _empty_all_tables(engine)
    with Session(engine) as s:
        default_statuses(s)
        s.commit()
    yield app
    _APPS.checkin(app)
    engine.dispose()


class _AppCache:
    """Apps by configuration, reused test after test like a fresh one.

    A configuration is keyed with the test's tmp_path taken out: only *_FOLDER settings may
    name it (read at request time; any other setting naming it gets an app of its own, not
    kept). Before each use the app's config and extensions are put back as create_app left
    them (so a swapped engine, Flask-Mail set up again or the cleanup's last run do not leak)
    and the folders point into the new tmp_path. A test that adds routes, hooks or handlers
    may (Flask's "first request" guard is reset), but then the app is dropped afterwards.
    """

    TMP = "<tmp_path>"

    def __init__(self):
        self.apps = {}  # key -> (app, config template, extensions, shape)
        self.in_use = {}  # id(app) -> key, or None for an app not kept

    def checkout(self, config, tmp):
        key = self._key(config, tmp)
        if key is None or key not in self.apps:
            app = create_app(config)
            if key is not None:
                template = {k: v.replace(tmp, self.TMP) if k.endswith("_FOLDER")
                            and isinstance(v, str) else v for k, v in app.config.items()}
                self.apps[key] = (app, template, dict(app.extensions), _shape(app))
            self.in_use[id(app)] = key
            return app
        app, template, extensions, _shape_ = self.apps[key]
        app.config.clear()
        app.config.update({k: v.replace(self.TMP, tmp) if k.endswith("_FOLDER")
                           and isinstance(v, str) else v for k, v in template.items()})
        for name in ("UPLOAD_FOLDER", "OUTBOX_FOLDER"):
            os.makedirs(app.config[name], exist_ok=True)
        app.extensions.clear()
        app.extensions.update(extensions)
        app._got_first_request = False
        self.in_use[id(app)] = key
        return app

    def checkin(self, app):
        key = self.in_use.pop(id(app))
        if key is None:
            return
        _app, _template, extensions, shape = self.apps[key]
        if app.extensions.get("db_engine") is not extensions["db_engine"]:
            app.extensions["db_engine"].dispose()  # a test's own engine
        if _shape(app) != shape:
            del self.apps[key]
            extensions["db_engine"].dispose()

    def _key(self, config, tmp):
        items = []
        for name, value in sorted(config.items()):
            text_ = repr(value)
            if tmp in text_:
                if not (name.endswith("_FOLDER") and isinstance(value, str)):
                    return None
                text_ = text_.replace(tmp, self.TMP)
            items.append((name, text_))
        return tuple(items)


def _shape(app):
    """What a test could add to an app besides config and extensions: routes, hooks,
    handlers, blueprints, template globals; compared to see whether it is still as made."""
    def count(spec):  # lookups add empty entries to these defaultdicts: left out
        return sorted((str(k), len(v)) for k, v in spec.items() if v)
    return (sorted(app.view_functions), len(list(app.url_map.iter_rules())),
            count(app.before_request_funcs), count(app.after_request_funcs),
            count(app.teardown_request_funcs), len(app.teardown_appcontext_funcs),
            count(app.template_context_processors), count(app.url_value_preprocessors),
            count(app.url_default_functions),
            sorted((str(scope), str(code), repr(kind), repr(handler))
                   for scope, codes in app.error_handler_spec.items()
                   for code, kinds in codes.items() for kind, handler in kinds.items()),
            sorted(app.blueprints), sorted(app.jinja_env.globals),
            sorted(app.jinja_env.filters), id(vars(app).get("wsgi_app")), app.session_interface,
            app.request_class, app.response_class, app.test_client_class)


_APPS = _AppCache()


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


@pytest.fixture
def make(app, session):
    return Factory(app, session)


@pytest.fixture
def staff(make, session):
    """The firm's staff: an admin, two lawyers, a secretary working for the first lawyer
    and one working for nobody yet."""
    class Staff:
        admin = make.staff(role="admin", email="admin@kantoor.test", name="Admin")
        lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen")
        other_lawyer = make.staff(role="lawyer", email="bakker@kantoor.test",
                                  name="mr. Bakker")
        secretary = make.staff(role="secretary", email="secr@kantoor.test", name="Els Secr")
        idle_secretary = make.staff(role="secretary", email="idle@kantoor.test",
                                    name="Ilse Idle")
    session.add(Delegation(lawyer_id=Staff.lawyer.id, secretary_id=Staff.secretary.id))
    session.commit()
    return Staff


@pytest.fixture
def two_dossiers(make, staff):
    """Jan in a dossier of mr. Jansen (whose secretary is Els), Kees in one of mr. Bakker:
    (jan, kees, dossier, other)."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    kees = make.user(email="kees@example.nl", name="Kees Klant")
    dossier = make.dossier(clients=[jan], lawyer=staff.lawyer, number="2026-0042",
                           description="Geheime zaak")
    other = make.dossier(clients=[kees], lawyer=staff.other_lawyer, number="2026-0099")
    return jan, kees, dossier, other


@pytest.fixture
def jan(client, make):
    """Jan de Vries, a client, logged in on `client`."""
    user = make.user(email="jan@example.nl", name="Jan de Vries")
    login(client, user.email)
    return user


@pytest.fixture
def lawyer(make):
    """The lawyer handling `dossier`."""
    return make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen")


@pytest.fixture
def dossier(make, jan, lawyer):
    """Jan's dossier, handled by `lawyer`."""
    return make.dossier(clients=[jan], lawyer=lawyer)


@pytest.fixture
def company(make):
    return make.company("Bakkerij De Wit B.V.")


@pytest.fixture
def anna(make, company):
    """The company's main account."""
    return make.user(email="anna@dewit.nl", name="Anna de Wit", company=company,
                     company_main=True)


@pytest.fixture
def failing_app(app, app_config):
    """The app with two routes that fail: /verboden (403) and /boom (an exception whose
    message names a source file)."""
    failing = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})

    @failing.get("/verboden")
    def forbidden():
        abort(403)

    @failing.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail in /srv/app/views.py")

    yield failing
    failing.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def threaded_server(database_url, tmp_path_factory):
    """A real gunicorn of 4 workers of 4 threads (tests/ops/server.py) on the test database,
    for every test of a module (each test's `app` empties the tables first)."""
    with threaded(database_url, tmp_path_factory.mktemp("gunicorn")) as gunicorn:
        yield gunicorn


@pytest.fixture
def small_disk(app, tmp_path):
    """UPLOAD_FOLDER on a real 2 MB tmpfs (skips the test without the root it takes to mount
    one); small_disk(room) fills it up to about `room` bytes free."""
    folder = tmp_path / "klein"
    folder.mkdir()
    if os.system(f"mount -t tmpfs -o size=2m tmpfs {folder} 2>/dev/null") != 0:
        pytest.skip("needs root to mount a small tmpfs")
    app.config["UPLOAD_FOLDER"] = str(folder)
    (folder / "tmp").mkdir()

    def fill(room):
        stat = os.statvfs(folder)
        free = stat.f_bavail * stat.f_frsize
        with open(folder / "vulling", "wb") as f:
            f.write(bytes(max(0, free - room)))
    fill.folder = folder
    yield fill
    os.system(f"umount -l {folder}")
