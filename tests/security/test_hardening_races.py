"""Issue 14 point 5: single-use links and throttles hold under real parallel requests
against a real gunicorn (4 workers of 4 threads), on SQLite and on PostgreSQL
(TEST_DATABASE_URL): a link is used once, and no more wrong passwords or codes are checked
than the limit allows."""
from collections import Counter

from helpers import PASSWORD
from ops.server import Browser
from sqlmodel import select
from twostep_helpers import with_app

from app import twostep
from app.account.profile import request_email_change
from app.models import TOKEN_PASSWORD, OneTimeToken, OutgoingMail, User
from app.security import issue_token, set_password

NEW_PASSWORD = "Parallel2026x"


def test_a_password_link_posted_ten_times_at_once_works_once(app, session, make, threaded_server):
    """Ten parallel POSTs of one set-password link: one sets the password, nine are told the
    link has been used (before: up to eight set it and logged in)."""
    user = make.user(email="jan@example.nl")
    with app.app_context():
        raw = issue_token(session, user, TOKEN_PASSWORD, 1)
    session.commit()
    browser = Browser(threaded_server.port)
    assert browser.request("GET", f"/wachtwoord/{raw}")[0] == 200
    statuses = browser.statuses_at_once(10, f"/wachtwoord/{raw}",
                               {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert statuses == Counter({302: 1, 400: 9}), statuses
    session.expire_all()
    [token] = session.exec(select(OneTimeToken).where(OneTimeToken.user_id == user.id)).all()
    assert token.used_at is not None


def test_an_invitation_confirmed_ten_times_at_once_sends_one_link(app, session, make,
                                                                  threaded_server):
    """Ten parallel confirmations of one invitation: one password link, not ten."""
    user = make.user(email="piet@example.nl", password=None)
    raw = make.invite(user)
    browser = Browser(threaded_server.port)
    assert browser.request("GET", f"/welkom/{raw}")[0] == 200
    statuses = browser.statuses_at_once(10, f"/welkom/{raw}", {"email": user.email})
    assert statuses == Counter({302: 1, 400: 9}), statuses
    links = session.exec(select(OneTimeToken).where(OneTimeToken.user_id == user.id,
                                                    OneTimeToken.purpose == TOKEN_PASSWORD))
    assert len(links.all()) == 1


def test_an_email_change_link_posted_ten_times_at_once_works_once(app, session, make,
                                                                  threaded_server):
    """Ten parallel confirmations of one e-mail-change link: the address changes once, one
    notice goes to the old address."""
    user = make.user(email="els@example.nl")
    browser = Browser(threaded_server.port)
    browser.log_in(user.email)
    with app.test_request_context():
        raw = request_email_change(session, session.get(User, user.id), "els@nieuw.example")
    session.commit()
    path = f"/mijn-gegevens/e-mailadres/{raw}"
    assert browser.request("GET", path)[0] == 200
    statuses = browser.statuses_at_once(10, path, {})
    assert statuses[302] == 1 and sum(statuses.values()) == 10, statuses
    assert set(statuses) <= {302, 400, 409}, statuses
    notices = session.exec(select(OutgoingMail).where(OutgoingMail.recipient == user.email))
    assert len(notices.all()) == 1


def test_parallel_wrong_passwords_are_checked_no_more_than_the_limit(app, session, make,
                                                                     threaded_server):
    """24 wrong passwords at once: exactly LOGIN_MAX_FAILURES_ACCOUNT are checked (401), the
    rest wait (429) (before: 9 to 12 checked against a limit of 5)."""
    user = make.user(email="klaas@example.nl", password=None)
    set_password(user, PASSWORD)  # the real cost: checking takes as long as in production
    session.commit()
    browser = Browser(threaded_server.port)
    browser.request("GET", "/inloggen")
    statuses = browser.statuses_at_once(24, "/inloggen",
                                        {"email": user.email, "password": "Fout12345"})
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    assert statuses == Counter({401: limit, 429: 24 - limit}), statuses


def test_parallel_wrong_codes_are_checked_no_more_than_the_limit(app, session, make,
                                                                 threaded_server):
    """24 wrong backup codes at once after the right password: exactly TWO_STEP_MAX_FAILURES
    are checked (401), the rest wait (429)."""
    user = make.user(email="marie@example.nl")
    with_app(session, user)
    twostep.new_codes(session, session.get(User, user.id), twostep.KIND_BACKUP, 10)
    session.commit()
    browser = Browser(threaded_server.port)
    assert browser.log_in(user.email).endswith("/inloggen/verificatie/app")
    assert browser.request("GET", "/inloggen/verificatie/code")[0] == 200
    statuses = browser.statuses_at_once(24, "/inloggen/verificatie/code",
                                        {"code": "AAAA-BBBB-CCCC"})
    limit = app.config["TWO_STEP_MAX_FAILURES"]
    assert statuses == Counter({401: limit, 429: 24 - limit}), statuses
