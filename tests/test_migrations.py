"""The migrated schema equals the models, on SQLite and PostgreSQL; down and up again work."""
import os
import uuid
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from helpers import free_port, postgres_server
from helpers import test_config as app_settings  # aliased: pytest would collect test_*
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from app import create_app, db, migrate


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    """The URL of a new, empty database: a temp SQLite file or a throwaway PostgreSQL one."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrate.sqlite3")
        return
    server, reason = postgres_server()
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test migrations on PostgreSQL: {reason}")
        pytest.skip(reason)
    name = f"klp_migrate_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_app(fresh_url, tmp_path):
    """An app on the fresh database, nothing migrated yet."""
    app = create_app(app_settings(fresh_url, tmp_path, free_port()))
    yield app
    app.extensions["db_engine"].dispose()


def schema_diff(app):
    """What Alembic would still have to change to make the database match the models."""
    with app.extensions["db_engine"].connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, SQLModel.metadata)


def current_revision(app):
    with app.extensions["db_engine"].connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision():
    with create_engine("sqlite://").connect() as conn:
        return ScriptDirectory.from_config(migrate.alembic_config(conn)).get_current_head()


def table_names(app):
    return set(inspect(app.extensions["db_engine"]).get_table_names())


def downgrade(app, revision):
    with app.app_context():
        migrate.downgrade(revision)


def test_upgrade_head_matches_the_models(fresh_app):
    with fresh_app.app_context():
        migrate.upgrade()
    assert schema_diff(fresh_app) == []
    assert current_revision(fresh_app) == head_revision()
    assert table_names(fresh_app) == set(SQLModel.metadata.tables) | {"alembic_version"}


def test_downgrade_to_base_and_upgrade_again(fresh_app):
    with fresh_app.app_context():
        migrate.upgrade()
    downgrade(fresh_app, "base")
    assert table_names(fresh_app) <= {"alembic_version"}
    assert current_revision(fresh_app) is None

    with fresh_app.app_context():
        migrate.upgrade()
    assert schema_diff(fresh_app) == []
    assert current_revision(fresh_app) == head_revision()


def test_each_revision_goes_down_and_up(fresh_app):
    with fresh_app.app_context():
        migrate.upgrade()
    with create_engine("sqlite://").connect() as conn:
        revisions = list(ScriptDirectory.from_config(
            migrate.alembic_config(conn)).walk_revisions())  # head first
    for script in revisions:
        downgrade(fresh_app, script.down_revision or "base")
        assert current_revision(fresh_app) == script.down_revision
    with fresh_app.app_context():
        for script in reversed(revisions):
            migrate.upgrade(script.revision)
            assert current_revision(fresh_app) == script.revision
    assert schema_diff(fresh_app) == []


def test_db_upgrade_command(fresh_app):
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database is up to date." in result.output
    assert current_revision(fresh_app) == head_revision()
    assert schema_diff(fresh_app) == []

    again = runner.invoke(args=["db", "upgrade"])  # nothing left to do, no error
    assert again.exit_code == 0, again.output
    assert current_revision(fresh_app) == head_revision()


# ---- upgrading a database that holds data (PITFALLS.md 9)

def _earlier_revisions():
    """Every revision but the newest, oldest first: a database may have been left at any."""
    scripts = ScriptDirectory.from_config(migrate.alembic_config(None))
    heads = set(scripts.get_heads())
    return [s.revision for s in reversed(list(scripts.walk_revisions()))
            if s.revision not in heads]


# (table, column) pairs that a migration changes on purpose, with the revision that does:
# the comparison below skips them. Empty: no migration rewrites or drops data yet.
CHANGED_ON_PURPOSE = {}


def sample_value(column, index):
    """A value for `column` in the row number `index`; a foreign key names row `index` of
    its parent (made with the same numbers), so every reference is valid."""
    if column.foreign_keys:
        return sample_value(next(iter(column.foreign_keys)).column, index)
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return index % 2 == 0
    if isinstance(kind, sa.Integer):
        return index + 1
    if isinstance(kind, (sa.Float, sa.Numeric)):
        return index + 0.5
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 3, 1 + index, 9, 30, 15, 250000)
    if isinstance(kind, sa.Date):
        return date(2026, 3, 1 + index)
    if isinstance(kind, sa.JSON):
        return {"n": index, "tekst": "één", "lijst": [1, "twee"]}
    if isinstance(kind, sa.LargeBinary):
        return bytes([index]) * 8
    if isinstance(kind, sa.String):
        text_value = f"{index}-{column.table.name}.{column.name} é"  # the number first: unique
        return text_value[:kind.length] if kind.length else text_value
    raise TypeError(f"no sample value for {column.table.name}.{column.name} ({kind!r})")


def fill_every_table(conn, rows=3):
    """Rows in every table of the database as it is (parents first, valid foreign keys);
    the last row leaves every nullable column empty."""
    metadata = sa.MetaData()
    metadata.reflect(conn)
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        values = []
        for index in range(rows):
            empty = index == rows - 1
            values.append({c.name: None if empty and c.nullable and not c.primary_key
                           else sample_value(c, index) for c in table.columns})
        conn.execute(table.insert(), values)
    if conn.dialect.name == "postgresql":  # ids given above: let a migration's insert go on
        for table in metadata.sorted_tables:
            for column in table.primary_key.columns:
                sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                        {"t": f'"{table.name}"', "c": column.name}).scalar()
                if sequence:
                    conn.execute(text(f'SELECT setval(:s, (SELECT max("{column.name}") '
                                      f'FROM "{table.name}"))'), {"s": sequence})


def every_row(conn):
    """{table: {primary key: {column: value}}} of every table but alembic_version."""
    metadata = sa.MetaData()
    metadata.reflect(conn)
    rows = {}
    for table in metadata.sorted_tables:
        if table.name != "alembic_version":
            key = [c.name for c in table.primary_key.columns]
            rows[table.name] = {tuple(row[k] for k in key): dict(row) for row in
                                conn.execute(sa.select(table)).mappings()}
    return rows


@pytest.mark.parametrize("revision", _earlier_revisions())
def test_upgrade_keeps_every_row_made_at_an_earlier_revision(fresh_app, revision):
    """A database filled at `revision` upgrades to the newest schema with every row and
    value kept: on SQLite a batch rebuild (DROP TABLE) must neither fail on the foreign keys
    that point at the table nor let ON DELETE CASCADE empty the tables that name it."""
    with fresh_app.app_context():
        migrate.upgrade(revision)
    engine = fresh_app.extensions["db_engine"]
    with engine.begin() as conn:
        fill_every_table(conn)
    with engine.connect() as conn:
        before = every_row(conn)
    assert all(before.values()), "every table got rows"

    with fresh_app.app_context():
        migrate.upgrade()
    assert current_revision(fresh_app) == head_revision()
    with engine.connect() as conn:
        after = every_row(conn)
    for table, rows in before.items():
        assert table in after, f"table {table} is gone"
        assert after[table].keys() >= rows.keys(), f"rows of {table} are gone"
        for key, old in rows.items():
            new = after[table][key]
            kept = {name: value for name, value in old.items()
                    if (table, name) not in CHANGED_ON_PURPOSE}
            assert {name: new.get(name, "<column gone>") for name in kept} == kept, (
                f"{table} {key}")


def test_sqlite_migration_with_a_broken_foreign_key_commits_nothing(tmp_path):
    """Foreign keys are off while SQLite migrates; PRAGMA foreign_key_check before the
    commit stands in for them, and afterwards the pooled connection has them on again."""
    app = create_app(app_settings("sqlite:///" + str(tmp_path / "fk.sqlite3"), tmp_path,
                                  free_port()))
    revisions = _earlier_revisions()
    with app.app_context():
        migrate.upgrade(revisions[-1])
        with migrate.migration_connection() as conn:  # a row naming a missing dossier
            conn.execute(text("INSERT INTO dossierclient (dossier_id, user_id) VALUES (7, 7)"))
        with pytest.raises(RuntimeError, match="broken foreign keys, so nothing of it "
                                               "was saved: dossierclient row 1 names a"):
            migrate.upgrade()
        assert current_revision(app) == revisions[-1]
        with db.engine().connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    app.extensions["db_engine"].dispose()
