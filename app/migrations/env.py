"""Alembic environment: runs against the app's engine, compares with the SQLModel models."""
from alembic import context
from sqlmodel import SQLModel

from app import models  # noqa: F401  (registers every table on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online():
    connectable = config.attributes["connection"]
    context.configure(connection=connectable, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
