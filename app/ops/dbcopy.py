"""copy-database: every row of every table from the configured database into a new, empty
one, for the move from SQLite to PostgreSQL (README: Moving from SQLite to PostgreSQL).
The stored files stay where they are: both databases name the same UPLOAD_FOLDER."""
import click
from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlmodel import SQLModel

from .. import db, migrate
from .backup import filled_tables, schema_revision

BATCH_SIZE = 1000


class CopyError(click.ClickException):
    """A copy that cannot be done, with the reason."""


def copy_database(source_url, target_url, batch_size=BATCH_SIZE, echo=lambda line: None):
    """Copy every row from `source_url` into the empty database at `target_url`, whose schema
    the migrations make first; returns {table: rows}, checked against the source."""
    source, target = _reader(source_url), db.make_engine(target_url)
    try:
        with source.connect() as src, src.begin():  # one read snapshot for the whole copy
            revision = _schema_revision(src)
            filled = filled_tables(target)
            if filled:
                raise CopyError(f"The target database is not empty (rows in "
                                f"{', '.join(filled[:5])}); copy only into a new database.")
            with target.begin() as conn:
                command.upgrade(migrate.alembic_config(conn), revision)
            tables = SQLModel.metadata.sorted_tables  # parents before the rows that name them
            expected = {t.name: src.execute(select(func.count()).select_from(t)).scalar_one()
                        for t in tables}
            with target.begin() as dst:  # all rows or none
                for table in tables:
                    rows = _copy_table(src, dst, table, batch_size)
                    echo(f"{table.name}: {rows} rows")
                if dst.dialect.name == "postgresql":
                    _continue_sequences(dst)
        with target.connect() as conn:
            copied = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                      for t in tables}
    finally:
        source.dispose()
        target.dispose()
    wrong = [f"{name}: {copied[name]} of {count}" for name, count in expected.items()
             if copied[name] != count]
    if wrong:
        raise CopyError("The row counts differ after the copy: " + "; ".join(wrong))
    return copied


def _reader(url):
    """An engine whose transactions read one state of the database and block no writer."""
    engine = create_engine(url, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, begins

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("BEGIN")  # deferred: a read snapshot from the first SELECT
    else:
        engine.update_execution_options(isolation_level="REPEATABLE READ")
    return engine


def _schema_revision(conn):
    """The source's Alembic revision, which must be the newest (the models are)."""
    revision = schema_revision(conn)
    head = ScriptDirectory.from_config(migrate.alembic_config(None)).get_current_head()
    if revision != head:
        raise CopyError(f"The database's schema is at revision {revision}, not {head}: "
                        f"run `flask --app wsgi db upgrade` first.")
    return revision


def _copy_table(src, dst, table, batch_size):
    """Copy one table's rows in primary-key order, `batch_size` at a time; returns how many."""
    result = src.execute(select(table).order_by(*table.primary_key.columns)
                         .execution_options(yield_per=batch_size))
    count = 0
    try:
        for batch in result.partitions():
            dst.execute(table.insert(), [dict(row._mapping) for row in batch])
            count += len(batch)
    except DBAPIError as exc:  # e.g. a text longer than PostgreSQL's column allows
        raise CopyError(f"Copying table {table.name} stopped after {count} rows: "
                        f"{exc.orig}; nothing was copied.") from exc
    return count


def _continue_sequences(conn):
    """Let every PostgreSQL id sequence go on after the highest id copied."""
    quote = conn.dialect.identifier_preparer.quote
    for table in SQLModel.metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                    {"table": quote(table.name), "column": column.name}
                                    ).scalar_one()
            if sequence:
                conn.execute(text(
                    f"SELECT setval(:sequence, COALESCE((SELECT MAX({quote(column.name)}) "
                    f"FROM {quote(table.name)}), 0) + 1, false)"), {"sequence": sequence})


def normalise_url(url):
    """The URL as the app would use it (app/db.py database_url): psycopg for PostgreSQL."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


@click.command("copy-database")
@with_appcontext
@click.option("--to", "target", required=True, metavar="URL",
              help="The new, empty database, e.g. postgresql://portal:secret@127.0.0.1/portal")
@click.option("--batch-size", default=BATCH_SIZE, show_default=True, type=click.IntRange(1),
              help="Rows per INSERT batch.")
def copy_database_command(target, batch_size):
    """Copy every row of the configured database into a new, empty database (the move
    from SQLite to PostgreSQL); stop the portal first."""
    source = current_app.config["SQLALCHEMY_URL"]
    target = normalise_url(target)
    try:
        shown = make_url(target).render_as_string(hide_password=True)
    except ArgumentError as exc:
        raise click.UsageError(f"--to is not a database URL: {exc}") from None
    if make_url(target) == make_url(source):
        raise click.UsageError("--to names the configured database itself.")
    copied = copy_database(source, target, batch_size, echo=click.echo)
    click.echo(f"Copied {sum(copied.values())} rows in {len(copied)} tables to {shown}; "
               f"every table's count matches.")
    click.echo("Set DATABASE_URL to the new database and start the portal again; the files "
               "stay in UPLOAD_FOLDER.")


commands = [copy_database_command]
