"""Alembic, driven from the app's configuration (no alembic.ini needed)."""
import os

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


def upgrade(revision="head"):
    """Bring the current app's database to `revision`."""
    with db.engine().begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def revision(message):
    """Write a new migration from the difference between models and database."""
    with db.engine().begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
