"""The data layer: SQLite settings, concurrent writers, foreign keys, the database URL.

The SQLite tests use their own file, so they also run when the suite runs on PostgreSQL.
"""
import sqlite3
import threading
import time

import pytest
from flask import Flask
from helpers import at_once
from sqlalchemy import Column, Integer, MetaData, Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app import db
from app.models import Company, DossierClient


def _counter_engine(path, busy_timeout_ms=3000):
    """A SQLite engine of the app's kind on `path`, with a table `counter` holding one row."""
    engine = db.make_engine(f"sqlite:///{path}", busy_timeout_ms=busy_timeout_ms)
    counter = Table("counter", MetaData(), Column("id", Integer, primary_key=True),
                    Column("value", Integer, nullable=False))
    counter.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(counter.insert().values(id=1, value=0))
    return engine, counter


def test_sqlite_connections_get_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}", busy_timeout_ms=4321)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 4321
    engine.dispose()


def test_sqlite_transactions_take_the_write_lock_at_begin(tmp_path):
    path = tmp_path / "lock.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")  # only reads, yet the transaction is IMMEDIATE
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        conn.rollback()
        other.execute("BEGIN IMMEDIATE")  # free again once the transaction ended
        other.execute("ROLLBACK")
        other.close()
    engine.dispose()


def test_two_sqlite_writers_that_read_first_neither_fail_nor_lose_updates(tmp_path):
    """PITFALLS.md 2: a deferred read-then-write transaction fails at once ("database is
    locked") when another writer got in first; with BEGIN IMMEDIATE the second one waits."""
    engine, counter = _counter_engine(tmp_path / "counter.sqlite3", busy_timeout_ms=5000)
    rounds = 30

    def increment_many():
        for _ in range(rounds):
            with Session(engine) as session, session.begin():
                value = session.execute(select(counter.c.value)).scalar_one()
                time.sleep(0.002)  # the other writer tries to get in here
                session.execute(update(counter).values(value=value + 1))

    at_once(2, increment_many)
    with engine.connect() as conn:
        assert conn.execute(select(counter.c.value)).scalar_one() == 2 * rounds
    engine.dispose()


@pytest.mark.parametrize("method, reads_take_the_lock", [("GET", False), ("HEAD", False),
                                                         ("POST", True)])
def test_only_requests_that_may_write_begin_immediate(tmp_path, method, reads_take_the_lock):
    """While one writer holds the write lock, a GET must not wait for it to read."""
    path = tmp_path / "reads.sqlite3"
    engine, counter = _counter_engine(path)
    with Flask(__name__).test_request_context("/", method=method), Session(engine) as session:
        assert session.execute(select(counter.c.value)).scalar_one() == 0
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        if reads_take_the_lock:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        else:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        other.close()
    engine.dispose()


def test_a_get_that_writes_waits_for_the_lock_instead_of_failing(tmp_path):
    """PITFALLS.md 2 in a GET: it read, another writer committed since, and then it writes.
    A deferred transaction would fail at once ("database is locked"); its first write
    goes on in a transaction that begins IMMEDIATE and waits."""
    path = tmp_path / "get-writes.sqlite3"
    engine, counter = _counter_engine(path)
    with Flask(__name__).test_request_context("/", method="GET"), Session(engine) as session:
        assert session.execute(select(counter.c.value)).scalar_one() == 0
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE counter SET value = value + 1")
        threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
        session.execute(update(counter).values(value=counter.c.value + 1))  # waits 0.3 s
        session.commit()
        other.close()
    with engine.connect() as conn:
        assert conn.execute(select(counter.c.value)).scalar_one() == 2
    engine.dispose()


def test_hold_write_lock_in_a_get(tmp_path):
    """A check that must not interleave with other writers takes the lock before it reads."""
    path = tmp_path / "hold.sqlite3"
    engine, counter = _counter_engine(path)
    with Flask(__name__).test_request_context("/", method="GET"), Session(engine) as session:
        session.execute(select(counter.c.value)).scalar_one()
        db.hold_write_lock(session)
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    engine.dispose()


def test_foreign_keys_are_enforced(app):
    """On the suite's database (SQLite or PostgreSQL), through the app's own engine."""
    with Session(app.extensions["db_engine"]) as session:
        session.add(DossierClient(dossier_id=987654, user_id=987654))
        with pytest.raises(IntegrityError):
            session.commit()


def test_request_session_is_shared_within_a_context_and_rolled_back_at_its_end(app):
    with app.app_context():
        session = db.get_session()
        assert db.get_session() is session
        session.add(Company(name="Nooit bewaard B.V."))
        session.flush()
    with app.app_context():
        assert db.get_session() is not session
        assert db.get_session().exec(select(Company)).all() == []


@pytest.fixture
def bare_app(tmp_path, monkeypatch):
    """Just enough of an app for database_url(): a config and an instance folder."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return Flask(__name__, instance_path=str(tmp_path))


@pytest.mark.parametrize("given, expected", [
    ("postgresql://klp:geheim@db.example:5432/portaal",
     "postgresql+psycopg://klp:geheim@db.example:5432/portaal"),
    ("postgres://klp@db.example/portaal", "postgresql+psycopg://klp@db.example/portaal"),
    ("postgresql+psycopg://klp@db.example/portaal", "postgresql+psycopg://klp@db.example/portaal"),
    ("sqlite:////srv/portaal/portal.sqlite3", "sqlite:////srv/portaal/portal.sqlite3"),
])
@pytest.mark.parametrize("source", ["config", "environment"])
def test_database_url_uses_psycopg_for_postgresql(bare_app, monkeypatch, source, given,
                                                  expected):
    if source == "config":
        bare_app.config["DATABASE_URL"] = given
    else:
        monkeypatch.setenv("DATABASE_URL", given)
    assert db.database_url(bare_app) == expected


def test_database_url_config_wins_over_environment(bare_app, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://env@db.example/portaal")
    bare_app.config["DATABASE_URL"] = "sqlite:////srv/config.sqlite3"
    assert db.database_url(bare_app) == "sqlite:////srv/config.sqlite3"


def test_database_url_defaults_to_sqlite_in_the_instance_folder(bare_app, tmp_path):
    bare_app.config["DATABASE_URL"] = None
    assert db.database_url(bare_app) == f"sqlite:///{tmp_path / 'portal.sqlite3'}"


def test_whole_numbers_are_plain_ascii_digits():
    """"²" and Arabic-Indic digits pass str.isdigit() but not int(): they are no number."""
    from app.db import is_whole_number
    assert is_whole_number("12") and is_whole_number(7)
    for text in ("²", "٣", "", "-1", "1.5", " 1", "9" * 19):
        assert not is_whole_number(text), text
