"""copy-database: an instance on SQLite copied into a new PostgreSQL database keeps every
row, its ids continue there, and a target with rows is refused. Needs a PostgreSQL server
(skipped without one, except in CI)."""
import os

import pytest
from alembic import command
from alembic.migration import MigrationContext
from helpers import postgres_server
from sqlalchemy import func, select, text
from sqlmodel import Session, SQLModel

from app import migrate
from app.models import AuditEvent, User

from .instance_data import empty_database, every_row, fill, new_app, plain_engine


@pytest.fixture
def postgres(request, database_url, tmp_path):
    """The URL of an empty PostgreSQL database."""
    server, reason = postgres_server(database_url)
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test copy-database to PostgreSQL: {reason}")
        pytest.skip(reason)
    return empty_database(request, "postgresql", str(tmp_path), server)


@pytest.fixture
def on_sqlite(tmp_path):
    """An instance on a SQLite file at the newest revision, with rows in every table."""
    url = "sqlite:///" + str(tmp_path / "portal.sqlite3")
    app = new_app(url, tmp_path)
    # The models' schema stamped as the newest revision: what the migrations make
    # (tests/test_migrations.py), in a tenth of the time.
    SQLModel.metadata.create_all(app.extensions["db_engine"])
    with app.extensions["db_engine"].begin() as conn:
        command.stamp(migrate.alembic_config(conn), "head")
    fill(app, url)
    yield app
    app.extensions["db_engine"].dispose()


def test_every_row_moves_to_postgresql_and_ids_continue_there(on_sqlite, postgres):
    runner = on_sqlite.test_cli_runner()
    plain_url = postgres.replace("postgresql+psycopg://", "postgresql://")  # as people type it
    result = runner.invoke(args=["copy-database", "--to", plain_url, "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "every table's count matches" in result.output and "@" in result.output
    source = every_row(on_sqlite.config["SQLALCHEMY_URL"])
    assert all(source.values()), [name for name, rows in source.items() if not rows]
    assert every_row(postgres) == source

    engine = plain_engine(postgres)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
        for table in SQLModel.metadata.sorted_tables:
            if "id" not in table.c or not table.c.id.autoincrement:
                continue
            highest = conn.execute(select(func.max(table.c.id))).scalar_one()
            following = conn.execute(text("SELECT nextval(pg_get_serial_sequence(:t, 'id'))"),
                                     {"t": f'"{table.name}"'}).scalar_one()
            assert following == highest + 1, table.name
    with Session(engine) as s:  # the app's kind of insert, after the copy
        user = User(email="nieuw@example.nl", name="Nieuw")
        s.add_all([user, AuditEvent(action="user.created")])
        s.commit()
        assert user.id > max(row["id"] for row in source["user"])
    engine.dispose()

    again = runner.invoke(args=["copy-database", "--to", plain_url])
    assert again.exit_code == 1 and "The target database is not empty" in again.output
    assert len(every_row(postgres)["user"]) == len(source["user"]) + 1
