"""The migrated schema equals the models, on SQLite and PostgreSQL; down and up again work."""
import os
import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import free_port
from conftest import test_config as app_settings  # aliased: pytest would collect test_*
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from app import create_app, db, migrate

# The server the PostgreSQL variant makes its throwaway databases on when
# TEST_DATABASE_URL is not a PostgreSQL URL.
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_server():
    """A URL of a PostgreSQL server to create databases on, or None (with the reason)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
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


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    """The URL of a new, empty database: a temp SQLite file or a throwaway PostgreSQL one."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrate.sqlite3")
        return
    server, reason = _postgres_server()
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
    with app.app_context(), db.engine().begin() as connection:
        command.downgrade(migrate.alembic_config(connection), revision)


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
