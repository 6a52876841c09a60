"""Alembic, driven from the app's configuration (no alembic.ini needed)."""
import os
from contextlib import contextmanager

from alembic import command
from alembic.config import Config

from . import db

HERE = os.path.dirname(__file__)


def alembic_config(connection):
    """An Alembic config that runs on `connection`."""
    cfg = Config()
    cfg.set_main_option("script_location", os.path.join(HERE, "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


@contextmanager
def migration_connection(engine=None):
    """A connection in a transaction to migrate on (the app's engine by default).

    On SQLite foreign keys are off while it lasts: a batch migration rebuilds a table
    (copy, DROP TABLE, rename), and with them on the DROP fails on the rows that name the
    table or, through ON DELETE CASCADE, empties those tables (PITFALLS.md 9). The pragma
    cannot change inside a transaction, so it is set before BEGIN; app/migrations/env.py
    runs PRAGMA foreign_key_check before the commit.
    """
    engine = engine or db.engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # On the driver's connection: SQLAlchemy's execute would BEGIN first.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
        finally:
            if sqlite:
                if connection.in_transaction():  # a failure inside: end it first
                    connection.rollback()
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def upgrade(revision="head"):
    """Bring the current app's database to `revision`."""
    with migration_connection() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(revision):
    """Take the current app's database back to `revision`."""
    with migration_connection() as connection:
        command.downgrade(alembic_config(connection), revision)


def revision(message):
    """Write a new migration from the difference between models and database."""
    with migration_connection() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
