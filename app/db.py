"""Database engine, the per-request session on g, and the SQLite pragmas."""
import os
import re

from flask import abort, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlmodel import Session, create_engine

# Requests that only read (as HTTP means them): their transactions begin deferred on SQLite.
READING_METHODS = ("GET", "HEAD", "OPTIONS")
# What makes a deferred SQLite transaction a writing one (a savepoint too: it is ended by the
# COMMIT that takes the write lock, so it must begin after it).
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT|CREATE|DROP|ALTER)\b",
                    re.IGNORECASE)
# Errors after which a connection stays unusable, though the driver reports no disconnect:
# SQLite opened the file read-only (it was not writable then) and never tries again, or the
# file is gone; PostgreSQL's 25006: connected to a read-only server (a standby after failover).
_STUCK_SQLITE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_NOTADB")
_STUCK_SQLSTATES = ("25006",)


def make_engine(url, busy_timeout_ms=15000):
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and write transactions
    that begin IMMEDIATE."""
    # hide_parameters: SQL logging and database errors never show the values (a TOTP secret,
    # a hash); see SECURITY.md.
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
        event.listen(engine, "handle_error", _drop_stuck_connections)
        return engine
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000},
                           hide_parameters=True)
    event.listen(engine, "handle_error", _drop_stuck_connections)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A deferred transaction that reads and then writes fails at once when another
        # writer got in first (PITFALLS.md 2); IMMEDIATE makes it wait for the lock instead.
        # But IMMEDIATE takes the write lock, so while one writer holds it every reader would
        # wait as well: a GET begins deferred (WAL readers never wait) and takes the lock at
        # its first write (below).
        deferred = _reading_request()
        conn.info["sqlite_deferred"] = deferred
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(conn, _cursor, statement, *_args):
        if conn.info.get("sqlite_deferred") and _WRITE.match(statement):
            _take_write_lock(conn)

    return engine


def _take_write_lock(conn):
    """End the deferred (reading) SQLite transaction of `conn` and go on in one that begins
    IMMEDIATE: it waits for the write lock like any writer, instead of failing at once
    when another writer got in since the first read (PITFALLS.md 2)."""
    # The few writes of a GET (audit, marked read, a download counted, a login's last
    # activity) do not depend on what was read before (an insert that may exist already,
    # an UPDATE ... SET n = n + 1); a check that must see the newest rows reads after
    # hold_write_lock().
    conn.info["sqlite_deferred"] = False
    driver = conn.connection.driver_connection
    driver.execute("COMMIT")
    driver.execute("BEGIN IMMEDIATE")


def hold_write_lock(db):
    """From here on the session's transaction holds SQLite's write lock, also in a GET
    (whose transactions begin without it), so a check and the write after it are one step;
    on PostgreSQL nothing."""
    connection = db.connection()
    if connection.info.get("sqlite_deferred"):
        _take_write_lock(connection)


def _reading_request():
    """True while handling a request whose method only reads (GET, HEAD, OPTIONS)."""
    return has_request_context() and request.method in READING_METHODS


def _drop_stuck_connections(context):
    """Treat an error that leaves the connection unusable as a disconnect, so the pool
    replaces the connection: after `chmod` makes the file writable again (or the primary
    is back), the next request works without restarting the server."""
    original = context.original_exception
    stuck = ((getattr(original, "sqlite_errorname", None) or "").startswith(_STUCK_SQLITE)
             or getattr(original, "sqlstate", None) in _STUCK_SQLSTATES)
    if stuck:
        context.is_disconnect = True


# INTEGER columns hold 32 bits in PostgreSQL; a larger number in a query is an error there
# (and past 64 bits an OverflowError in SQLite's driver): a 500, not a "not found".
INTEGER_MAX = 2**31 - 1


def record_id(text):
    """A number from a form or query string that fits an INTEGER column, else ValueError.

    For request.args.get(..., type=record_id), which then gives the default, and for a
    SelectField's coerce, which then refuses the choice.
    """
    number = int(text)
    if not -INTEGER_MAX - 1 <= number <= INTEGER_MAX:
        raise ValueError(f"{number} does not fit an INTEGER column")
    return number


def is_whole_number(text):
    """True for a plain decimal number as people type it: ASCII digits only (str.isdigit()
    also takes "²" or "٣", which int() refuses), and short enough to be sane."""
    text = str(text)
    return 0 < len(text) <= 18 and text.isascii() and text.isdigit()


def as_record_id(text):
    """record_id(text), or None when `text` is not such a number."""
    try:
        return record_id(text)
    except (TypeError, ValueError):
        return None


def like(text):
    """An ILIKE pattern that finds `text` anywhere, with the wildcards in it escaped (use it
    with escape="\\")."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def one_or_404(db, query):
    """The first row of `query` (a select), or a 404 when there is none."""
    row = db.exec(query).first()
    if row is None:
        abort(404)
    return row


def database_url(app):
    """The configured database URL, or the SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        # Plain postgresql:// would pick psycopg2, which is not installed; some hosts
        # still hand out the old postgres:// scheme, which SQLAlchemy rejects.
        for scheme in ("postgresql://", "postgres://"):
            if url.startswith(scheme):
                return "postgresql+psycopg://" + url[len(scheme):]
        return url
    return "sqlite:///" + os.path.join(app.instance_path, "portal.sqlite3")


def init_app(app):
    """Create the app's engine and close the request session on teardown."""
    url = database_url(app)
    app.config["SQLALCHEMY_URL"] = url
    app.extensions["db_engine"] = make_engine(url, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    app.teardown_appcontext(close_session)


def engine():
    """The current app's engine."""
    return current_app.extensions["db_engine"]


def get_session():
    """The session of this request (or app context), opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc=None):
    """Roll back whatever was not committed and close the session."""
    db = g.pop("db_session", None)
    if db is not None:
        db.close()
