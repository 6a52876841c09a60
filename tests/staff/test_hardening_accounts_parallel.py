"""Issue 14 point 4 under real parallel requests: the daily cap on additions of one main
account holds against a real gunicorn (4 workers of 4 threads), on SQLite and PostgreSQL
(TEST_DATABASE_URL)."""
from collections import Counter

import pytest
from helpers import PASSWORD
from ops.server import Browser, threaded
from sqlmodel import select

from app.models import AccountInvitation, OutgoingMail


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """A real gunicorn on the test database (each test's `app` empties the tables first)."""
    with threaded(database_url, tmp_path_factory.mktemp("accounts")) as gunicorn:
        yield gunicorn


def test_twenty_additions_at_once_stop_at_the_daily_cap(app, session, make, server):
    """20 parallel additions (each a new address could get mail 1): exactly
    EXTRA_ACCOUNTS_MAX_PER_DAY are taken, the rest are told to wait (429)."""
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.nl", company=company, company_main=True)
    browser = Browser(server.port)
    browser.request("GET", "/inloggen")
    assert browser.request("POST", "/inloggen", {"email": anna.email,
                                                 "password": PASSWORD})[0] == 302
    assert browser.request("GET", "/mijn-gegevens/accounts")[0] == 200
    cap = app.config["EXTRA_ACCOUNTS_MAX_PER_DAY"]
    statuses = browser.statuses_at_once(2 * cap, "/mijn-gegevens/accounts",
                               {"name": "Iemand", "email": "doelwit@example.nl",
                                "language": "nl"})
    assert statuses == Counter({302: cap, 429: cap}), statuses
    assert len(session.exec(select(AccountInvitation)).all()) == 1
    assert len(session.exec(select(OutgoingMail)).all()) == 1
