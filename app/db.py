"""Database engine, the per-request session on g, and the SQLite pragmas."""
import os

from flask import current_app, g
from sqlalchemy import event
from sqlmodel import Session, create_engine


def make_engine(url, busy_timeout_ms=15000):
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE."""
    # hide_parameters: SQL logging and database errors never show the values (a TOTP secret,
    # a hash); see SECURITY.md.
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000},
                           hide_parameters=True)

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
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


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
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
