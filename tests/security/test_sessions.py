"""Point 1 of the security issue: login sessions can be revoked.

A login is a row in LoginSession whose random token sits in the signed cookie (Flask-Login's
"alternative tokens", app/security.py). The attack tried here is the replay: a thief copies
the whole session cookie of a logged-in browser, and replays it in another browser after
the owner logged out, set a new password, changed two-step verification, logged out
everywhere else, or after the account was deactivated. Then: a cookie planted before login
(fixation), the idle and absolute timeouts under a controlled clock, and the list of open
sessions seen from the attacker's side.
"""
import re
from datetime import timedelta

import pytest
from helpers import PASSWORD, links_in, login, post_form
from sqlmodel import select
from twostep_helpers import (
    last_sms_code,
    login_staff,
    start_app_setup,
    totp_code,
    with_app,
    with_sms,
)

from app.models import LoginSession
from app.security import sha256

from .clock import Clock

SETUP = "/mijn-gegevens/2-staps-verificatie"
ELSEWHERE = "/mijn-gegevens/inlogactiviteit/elders-uitloggen"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def cookie_of(client):
    """The value of the browser's session cookie, as a thief would copy it."""
    return client.get_cookie("session").value


def replayed(app, value):
    """A new browser that sends a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", value)
    return thief


def logged_in(client):
    return client.get("/").status_code == 200


def assert_anonymous(client):
    """Every kind of request is treated as coming from nobody."""
    page = client.get("/")
    assert page.status_code == 302 and page.location.startswith("/inloggen")
    assert client.get("/mijn-gegevens").location.startswith("/inloggen")
    fragment = client.get("/acties", headers=HTMX)
    assert fragment.status_code == 401 and fragment.headers["HX-Redirect"].startswith("/inloggen")


def sessions_of(session, user):
    session.expire_all()
    return session.exec(select(LoginSession).where(LoginSession.user_id == user.id)).all()


# ---- the replay after each event that must end sessions

def log_out(t):
    post_form(t.browser, "/uitloggen", {})


def set_new_password(t):
    # The mailed link, opened in the logged-in browser itself.
    post_form(t.app.test_client(), "/wachtwoord-instellen", {"email": t.user.email})
    [mail] = t.mailbox.deliver(t.app)
    link = links_in(mail)[0].replace("http://portal.test", "")
    response = post_form(t.browser, link, {"password": "Nieuw12345", "confirm": "Nieuw12345"})
    assert response.status_code == 302


def app_on(t):
    secret = start_app_setup(t.browser)
    assert post_form(t.browser, SETUP + "/app", {"code": totp_code(secret)}).status_code == 200


def app_off(t):
    with_app(t.session, t.user)
    response = post_form(t.browser, SETUP + "/uitzetten/app", {"password": PASSWORD})
    assert response.status_code == 302


def sms_on(t):
    assert post_form(t.browser, SETUP + "/sms", {"phone": "06 12345678",
                                                 "password": PASSWORD}).status_code == 302
    page = post_form(t.browser, SETUP + "/sms/code", {"code": last_sms_code(t.app)})
    assert page.status_code == 200 and 'id="recovery-code"' in page.get_data(as_text=True)


def sms_new_phone(t):
    with_sms(t.session, t.user)
    response = post_form(t.browser, SETUP + "/sms", {"phone": "06 87654321",
                                                      "password": PASSWORD})
    assert response.status_code == 302
    page = post_form(t.browser, SETUP + "/sms/code", {"code": last_sms_code(t.app)})
    assert page.status_code == 200 and 'id="recovery-code"' in page.get_data(as_text=True)


def sms_off(t):
    with_sms(t.session, t.user)
    response = post_form(t.browser, SETUP + "/uitzetten/sms", {"password": PASSWORD})
    assert response.status_code == 302


def new_backup_codes(t):
    with_app(t.session, t.user)
    html = t.browser.get(SETUP + "/back-upcodes").get_data(as_text=True)
    replaces = re.search(r'name="replaces" value="([0-9a-f]+)"', html)[1]
    assert post_form(t.browser, SETUP + "/back-upcodes",
                     {"replaces": replaces, "password": PASSWORD}).status_code == 200


def log_out_everywhere_else(t):
    assert post_form(t.browser, ELSEWHERE, {}).status_code == 302


def deactivate_and_reactivate(t):
    admin = t.make.staff(role="admin", email="admin@kantoor.test")
    office = t.app.test_client()
    login_staff(office, t.session, admin)
    for action in ("deactiveren", "activeren"):  # switched on again: old sessions stay dead
        response = post_form(office, f"/kantoor/clienten/{t.user.id}/{action}", {})
        assert response.status_code == 302


# (event, what happens to the browser that did it, whether the user's other browsers end)
EVENTS = [
    (log_out, "out", False),
    (set_new_password, "new session", True),
    (app_on, "new session", True),
    (app_off, "new session", True),
    (sms_on, "new session", True),
    (sms_new_phone, "new session", True),
    (sms_off, "new session", True),
    (new_backup_codes, "new session", True),
    (log_out_everywhere_else, "new session", True),
    (deactivate_and_reactivate, "out", True),
]


@pytest.mark.parametrize("event, browser_after, others_end", EVENTS,
                         ids=[e[0].__name__ for e in EVENTS])
def test_a_copied_cookie_is_dead_after(app, session, make, mailbox, event, browser_after,
                                       others_end):
    user = make.user(email="jan@example.nl")
    browser, other = app.test_client(), app.test_client()
    login(other, user.email)
    login(browser, user.email)
    assert logged_in(browser) and logged_in(other)
    copies = [cookie_of(browser), cookie_of(other)]
    assert all(logged_in(replayed(app, copy)) for copy in copies)  # the copies work before

    class T:  # what an event needs
        pass
    T.app, T.session, T.make, T.mailbox, T.user, T.browser = (app, session, make, mailbox,
                                                              user, browser)
    event(T)

    assert_anonymous(replayed(app, copies[0]))
    if browser_after == "out":
        assert_anonymous(browser)
    else:
        # The browser that made the change goes on, under a new token.
        assert logged_in(browser) and cookie_of(browser) != copies[0]
        [row] = sessions_of(session, user)
        with browser.session_transaction() as cookie:
            assert row.token_hash == sha256(cookie["_user_id"])
    if others_end:
        assert_anonymous(other)
        assert_anonymous(replayed(app, copies[1]))
        assert len(sessions_of(session, user)) == (0 if browser_after == "out" else 1)
    else:
        assert logged_in(other) and logged_in(replayed(app, copies[1]))


def test_logging_out_everywhere_else_leaves_other_users_alone(app, session, make):
    make.user(email="jan@example.nl")
    make.user(email="piet@example.nl")
    jan, piet = app.test_client(), app.test_client()
    login(jan, "jan@example.nl")
    login(piet, "piet@example.nl")
    assert post_form(jan, ELSEWHERE, {}).status_code == 302
    assert logged_in(jan) and logged_in(piet)


def test_a_forged_session_id_is_anonymous(app, client, session, make):
    """The cookie names a login session, not a user: a user id or a guessed token is nobody."""
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    for forged in (str(user.id), "x" * 43, sha256("anything")):
        thief = app.test_client()
        with thief.session_transaction() as cookie:  # signed with the real key: worst case
            cookie["_user_id"] = forged
            cookie["_fresh"] = True
        assert_anonymous(thief)
    # Even the stored hash of a live session is no way in: only its token is.
    [row] = sessions_of(session, user)
    thief = app.test_client()
    with thief.session_transaction() as cookie:
        cookie["_user_id"] = row.token_hash
    assert_anonymous(thief)


# ---- session.clear() before login_user: a cookie planted before login stays anonymous

def test_a_cookie_planted_before_login_stays_anonymous(app, client, make):
    make.user(email="jan@example.nl")
    client.get("/inloggen")
    planted = cookie_of(client)  # the attacker knows this cookie (session fixation)
    with client.session_transaction() as cookie:
        cookie["lang"] = "en"
        cookie["sms_setup_phone"] = "+31600000000"  # state of the attacker's own session
    login(client, "jan@example.nl")
    assert logged_in(client)
    assert_anonymous(replayed(app, planted))
    with client.session_transaction() as cookie:
        assert "sms_setup_phone" not in cookie and cookie["lang"] == "nl"  # the user's own


def test_the_second_step_starts_a_fresh_session_too(app, client, session, make):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    login(client, "jan@example.nl")
    pending = cookie_of(client)  # password right, second step still to come
    with client.session_transaction() as cookie:
        assert "_user_id" not in cookie and "two_step_pending" in cookie
        cookie["planted"] = "by an attacker"
    assert post_form(client, "/inloggen/verificatie/app",
                     {"code": totp_code(secret)}).status_code == 302
    with client.session_transaction() as cookie:
        assert "two_step_pending" not in cookie and "planted" not in cookie
    assert logged_in(client)
    assert_anonymous(replayed(app, pending))


# ---- idle and absolute timeouts, with a controlled clock

def test_idle_timeout_30_minutes(app, client, session, make, clock):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    copy = cookie_of(client)
    clock.advance(minutes=29)
    assert logged_in(client)  # each request counts as activity...
    clock.advance(minutes=29)
    assert logged_in(client)  # ...so 58 minutes after login it still lives
    clock.advance(minutes=30, seconds=30)
    assert_anonymous(client)
    assert sessions_of(session, user) == []  # ended for good, not just refused
    clock.advance(seconds=-60)
    assert_anonymous(replayed(app, copy))  # turning the clock back brings nothing back


def test_absolute_timeout_12_hours_however_active(app, client, session, make, clock):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    for _ in range(12 * 3 - 1):  # a request every 20 minutes for 11 h 40
        clock.advance(minutes=20)
        assert logged_in(client)
    clock.advance(minutes=19)
    assert logged_in(client)  # 11 h 59
    clock.advance(minutes=2)
    assert_anonymous(client)
    assert sessions_of(session, user) == []


def test_a_new_token_keeps_the_absolute_timeout(app, client, session, make, clock):
    """Logging out everywhere else renews this browser's token, not its lifetime."""
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    for _ in range(11 * 3):
        clock.advance(minutes=20)
        assert logged_in(client)
    assert post_form(client, ELSEWHERE, {}).status_code == 302  # at 11 h
    for minutes in (20, 20, 19):
        clock.advance(minutes=minutes)
        assert logged_in(client)  # 11 h 59
    clock.advance(minutes=2)
    assert_anonymous(client)


@pytest.mark.parametrize("idle, absolute", [(5, 1), (60, 2)])
def test_timeouts_are_configurable(app, client, make, clock, idle, absolute):
    app.config.update(SESSION_IDLE_MINUTES=idle, SESSION_ABSOLUTE_HOURS=absolute)
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    clock.advance(minutes=idle - 1)
    assert logged_in(client)
    clock.advance(minutes=idle + 1)
    assert_anonymous(client)

    login(client, "jan@example.nl")
    step, lived = timedelta(minutes=idle - 1), timedelta(0)
    while lived + step < timedelta(hours=absolute):  # active all the time
        clock.now += step
        lived += step
        assert logged_in(client)
    clock.now += timedelta(hours=absolute) - lived + timedelta(seconds=1)
    assert_anonymous(client)


def test_the_timeouts_are_12_hours_and_30_minutes_by_default(app):
    assert app.config["SESSION_IDLE_MINUTES"] == 30
    assert app.config["SESSION_ABSOLUTE_HOURS"] == 12


# ---- the open sessions in Mijn gegevens, from the attacker's side

def test_the_user_sees_a_stolen_session_and_ends_it(app, session, make, clock):
    make.user(email="jan@example.nl")
    owner = app.test_client()
    owner.environ_base.update(REMOTE_ADDR="192.0.2.10")
    thief = app.test_client()
    thief.environ_base.update(REMOTE_ADDR="203.0.113.66",
                              HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    login(owner, "jan@example.nl")
    login(thief, "jan@example.nl")  # the thief got the password somewhere
    page = owner.get("/mijn-gegevens/inlogactiviteit").get_data(as_text=True)
    assert "203.0.113.66" in page and "Firefox op Linux" in page

    assert post_form(owner, ELSEWHERE, {}).status_code == 302
    assert_anonymous(thief)
    page = owner.get("/mijn-gegevens/inlogactiviteit").get_data(as_text=True)
    sessions = page[page.index('id="open-sessions"'):page.index('id="recent-logins"')]
    assert "203.0.113.66" not in sessions and "192.0.2.10" in sessions

    # A session that timed out is not shown as open, and cannot be revived.
    login(thief, "jan@example.nl")
    clock.advance(minutes=20)
    assert logged_in(owner)
    clock.advance(minutes=15)  # the thief's session: 35 minutes idle
    page = owner.get("/mijn-gegevens/inlogactiviteit").get_data(as_text=True)
    sessions = page[page.index('id="open-sessions"'):page.index('id="recent-logins"')]
    assert "203.0.113.66" not in sessions
    assert_anonymous(thief)
