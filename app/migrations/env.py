"""Alembic environment: runs against the app's engine, compares with the SQLModel models."""
from alembic import context
from sqlmodel import SQLModel

from app import models  # noqa: F401  (registers every table on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


class ForeignKeyError(RuntimeError):
    """A migration left rows that name a missing row; nothing of it is committed."""


def check_foreign_keys(connection):
    """Fail when a row names a row that does not exist: SQLite migrates with foreign keys
    off (app/migrate.py), so this is the check they would have made."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        listed = "; ".join(f"{table} row {rowid} names a missing {parent}"
                           for table, rowid, parent, _fk in broken[:10])
        raise ForeignKeyError(f"The migration left {len(broken)} broken foreign keys, "
                              f"so nothing of it was saved: {listed}")


def run_migrations_online():
    """Migrate on the connection app/migrate.py hands over, inside its transaction."""
    connectable = config.attributes["connection"]
    context.configure(connection=connectable, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
        check_foreign_keys(connectable)


run_migrations_online()
