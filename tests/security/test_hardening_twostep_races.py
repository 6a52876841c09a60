"""Issue 14 point 2 under real parallel requests (gunicorn, SQLite and PostgreSQL): the SMS
caps hold when many "send a new code" requests arrive at the same moment."""
from ops.server import Browser
from sqlmodel import func, select
from twostep_helpers import with_sms

from app.models import ThrottleEvent


def test_parallel_login_code_requests_send_no_more_than_the_cap(app, session, make,
                                                                 threaded_server):
    """Twelve "send a new code" at once after the password: no more login SMS than
    SMS_MAX_PER_USER_PER_HOUR go out."""
    user = make.user(email="jan@example.nl")
    with_sms(session, user)
    browser = Browser(threaded_server.port)
    assert browser.log_in(user.email).endswith("/inloggen/verificatie/sms")
    assert browser.request("GET", "/inloggen/verificatie/sms")[0] == 200
    statuses = browser.statuses_at_once(12, "/inloggen/verificatie/sms/versturen", {})
    assert set(statuses) == {302}, statuses
    session.expire_all()
    sent = session.exec(select(func.count()).select_from(ThrottleEvent).where(
        ThrottleEvent.key == f"sms-login:{user.id}")).one()
    assert sent == app.config["SMS_MAX_PER_USER_PER_HOUR"]
