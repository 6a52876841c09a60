"""Issue 14 point 4 under real parallel requests: the daily cap on additions of one main
account holds against a real gunicorn (4 workers of 4 threads), on SQLite and PostgreSQL
(TEST_DATABASE_URL)."""
from collections import Counter

from ops.server import Browser
from sqlmodel import select

from app.models import AccountInvitation, OutgoingMail


def test_twenty_additions_at_once_stop_at_the_daily_cap(app, session, make, threaded_server):
    """20 parallel additions (each a new address could get mail 1): exactly
    EXTRA_ACCOUNTS_MAX_PER_DAY are taken, the rest are told to wait (429)."""
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.nl", company=company, company_main=True)
    browser = Browser(threaded_server.port)
    browser.log_in(anna.email)
    assert browser.request("GET", "/mijn-gegevens/accounts")[0] == 200
    cap = app.config["EXTRA_ACCOUNTS_MAX_PER_DAY"]
    statuses = browser.statuses_at_once(2 * cap, "/mijn-gegevens/accounts",
                               {"name": "Iemand", "email": "doelwit@example.nl",
                                "language": "nl"})
    assert statuses == Counter({302: cap, 429: cap}), statuses
    assert len(session.exec(select(AccountInvitation)).all()) == 1
    assert len(session.exec(select(OutgoingMail)).all()) == 1
