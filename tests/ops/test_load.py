"""Concurrency: 20 clients at once against a real gunicorn with 4 workers, on the test
database of this pass (SQLite, or PostgreSQL with TEST_DATABASE_URL), for a few seconds;
and the fixes that load brought about, each on its own.

The driver is bench/load.py; `make bench-load` runs it for minutes on both databases.
"""
from helpers import login, post_form
from sqlalchemy import text
from sqlmodel import select

from app import create_app
from app.db import get_session
from app.messages import drafts
from app.models import AuditEvent, Message
from bench.load import drive


def test_twenty_clients_at_once_lose_nothing(app):
    """Messages (with and without a file), uploads to drafts, questionnaire steps (also two
    saves of one step at once), downloads and opening messages (also two at once): no 5xx,
    no "database is locked" in gunicorn's log, and every success answer kept in the
    database and on disk."""
    # --preload: the app is imported once, not by 4 workers at once (seconds on 2 cores).
    report = drive(app, users=20, seconds=6, workers=4, preload=True)
    print(report.table())
    assert not report.server_errors, report.table()
    assert not report.locked, report.table()
    assert report.passed, report.table()
    # Every client logged in and saved its first step (the first thing each one does),
    # and the random mix did run.
    assert report.checked["steps"] >= 20 and report.checked["messages"] > 0, report.table()


def test_versturen_twice_sends_once(make, session, client):
    """A double click on Versturen: both answers say it was sent (not a 404), and it is
    sent once, also when the second request read the draft before the first sent it."""
    user = make.user()
    dossier = make.dossier(clients=[user])
    draft = Message(dossier_id=dossier.id, sender_id=user.id, subject="Vraag", body="Tekst")
    session.add(draft)
    session.commit()
    login(client, user.email)
    for _click in range(2):
        response = post_form(client, f"/concepten/{draft.id}",
                             {"subject": "Vraag", "body": "Tekst", "action": "send"})
        assert response.status_code == 302
        assert response.location == f"/dossiers/{dossier.id}/berichten"
    assert draft.sent_at is None  # as read before the sending: a request that came too late
    assert drafts.send(session, user, draft) is False
    session.rollback()
    sent = session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent",
                                                 AuditEvent.target_id == draft.id)).all()
    assert len(sent) == 1
    # Any other request for the sent message as a draft is still a 404.
    assert post_form(client, f"/concepten/{draft.id}", {"subject": "Vraag", "body": "Tekst",
                                                        "action": "save"}).status_code == 404


def test_error_page_after_a_database_error(app_config, make):
    """A statement that fails aborts the transaction on PostgreSQL; the 500 page (made
    without the database, app/errors.py) is still shown, not gunicorn's bare error."""
    failing = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})

    @failing.get("/kapot")
    def broken():
        get_session().execute(text("SELECT * FROM no_such_table"))

    user = make.user()
    client = failing.test_client()
    login(client, user.email)
    response = client.get("/kapot")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True)
    failing.extensions["db_engine"].dispose()
