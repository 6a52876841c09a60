"""Two-step verification (Mijn gegevens, and the third manual's account security): the
authenticator app, SMS with a recovery code, backup codes, and the second step of login."""
import json
import logging
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from helpers import PASSWORD, html_of, login, post_form, text_of
from sqlmodel import select
from twostep_helpers import (
    code_in,
    last_sms_code,
    secret_on,
    sms_sent,
    start_app_setup,
    totp_code,
    with_app,
    with_sms,
)

from app import twostep
from app.models import LoginSession, OneTimeToken, RecoveryCode, ThrottleEvent, User, utcnow
from app.phone import PhoneError, normalise_phone

SETUP = "/mijn-gegevens/2-staps-verificatie"


def refreshed(session, user):
    session.expire_all()
    return session.get(User, user.id)


def logged_in(client):
    return client.get("/").status_code == 200


def logout(client):
    post_form(client, "/uitloggen", {})


def refused_again(client, path, code, message=""):
    """Log out, log in with the password again and send `code` to the second step at
    `path`: refused (401) with `message` shown, and not logged in."""
    logout(client)
    login(client, "jan@example.nl")
    response = post_form(client, path, {"code": code})
    assert response.status_code == 401
    assert message in text_of(response)
    assert not logged_in(client)


# ---- phone numbers

@pytest.mark.parametrize("typed, stored", [
    ("06 12345678", "+31612345678"),
    ("06-1234 5678", "+31612345678"),
    ("+31 6 12345678", "+31612345678"),
    ("0031612345678", "+31612345678"),
    ("+32 470 12 34 56", "+32470123456"),
    ("020 123 4567", None),  # a landline cannot receive a code by SMS
    ("12345", None),
    ("geen nummer", None),
])
def test_mobile_numbers_are_validated_and_normalised(typed, stored):
    if stored is None:
        with pytest.raises(PhoneError):
            normalise_phone(typed, mobile=True)
    else:
        assert normalise_phone(typed, mobile=True) == stored


# ---- the authenticator app

def test_authenticator_app_setup_with_qr_code_and_secret(app, client, session, make,
                                                        mailbox):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    # The password first; nothing is made before it.
    ask = client.get(SETUP + "/app")
    assert ask.status_code == 200 and 'name="password"' in ask.get_data(as_text=True)
    assert 'class="qr"' not in ask.get_data(as_text=True)
    wrong = post_form(client, SETUP + "/app", {"password": "Fout12345"})
    assert wrong.status_code == 400 and "Het wachtwoord is onjuist." in text_of(wrong)
    response = post_form(client, SETUP + "/app", {"password": PASSWORD})
    assert response.status_code == 302 and response.location == SETUP + "/app"
    page = client.get(SETUP + "/app")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    secret = secret_on(page)
    # Kept with this login until confirmed, not on the account.
    assert refreshed(session, user).totp_secret is None
    assert not refreshed(session, user).totp_enabled
    assert '<svg viewBox="' in html and 'class="qr"' in html  # inline SVG, no script
    assert "style=" not in html.split('class="qr"')[1].split("</svg>")[0]
    assert twostep.grouped_secret(secret) in html
    assert "Voeg in de app een account toe en scan deze QR-code." in text_of(page)
    # The secret stays the same until it is confirmed, however often the page is opened.
    assert secret_on(client.get(SETUP + "/app")) == secret

    wrong = post_form(client, SETUP + "/app", {"code": "000000"})
    assert wrong.status_code == 400
    assert "Deze code is onjuist." in text_of(wrong)
    assert not refreshed(session, user).totp_enabled

    # A first set-up ends on the backup codes (see below).
    page = post_form(client, SETUP + "/app", {"code": totp_code(secret)})
    assert page.status_code == 200
    assert "Uw authenticator-app is ingesteld." in text_of(page)
    assert refreshed(session, user).totp_enabled
    assert refreshed(session, user).totp_secret == secret
    [mail] = mailbox.deliver(app)
    assert mail["Subject"] == "De beveiligingsinstellingen van uw account zijn gewijzigd"
    assert "authenticator-app ingesteld" in mail.get_body(("plain",)).get_content()


def test_login_asks_the_app_code_after_the_password(client, session, make):
    user = make.user(email="jan@example.nl")
    user.first_login_at = utcnow()  # not the first login: Home is the landing page
    secret = with_app(session, user)
    response = login(client, "jan@example.nl")
    assert response.status_code == 302
    assert response.location == "/inloggen/verificatie/app"
    page = client.get(response.location)
    assert "Open de authenticator-app op uw telefoon" in text_of(page)
    # Password alone is no login.
    assert not logged_in(client)
    assert client.get("/mijn-gegevens").status_code == 302
    assert session.exec(select(LoginSession)).all() == []

    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.status_code == 302 and response.location == "/"
    assert logged_in(client)
    assert refreshed(session, user).last_login_at is not None


def test_pending_cookie_gives_nothing(app, client, session, make):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    login(client, "jan@example.nl")
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 302
    assert thief.get("/mijn-gegevens").location.startswith("/inloggen")
    # Once the owner has logged in, the pending state in the copied cookie is stale:
    # not even a valid code completes it.
    post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert logged_in(client)
    response = post_form(thief, "/inloggen/verificatie/app", {"code": totp_code(secret, 1)})
    assert response.status_code == 302 and response.location == "/inloggen"
    assert not logged_in(thief)


def test_pending_state_expires(app, client, session, make):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    app.config["TWO_STEP_PENDING_MINUTES"] = -1
    login(client, "jan@example.nl")
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.location == "/inloggen"
    assert "Uw inlogpoging is verlopen." in text_of(client.get("/inloggen"))
    assert not logged_in(client)


def test_totp_code_cannot_be_replayed(client, session, make):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    code = totp_code(secret)
    login(client, "jan@example.nl")
    assert post_form(client, "/inloggen/verificatie/app", {"code": code}).status_code == 302
    # Issue 16, point 11: a replayed code is refused as used, not as wrong.
    refused_again(client, "/inloggen/verificatie/app", code, "Deze code is al gebruikt.")
    assert "onjuist" not in text_of(post_form(client, "/inloggen/verificatie/app",
                                              {"code": code}))
    # A code that was never right is still "onjuist".
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    assert "Deze code is onjuist." in text_of(post_form(client, "/inloggen/verificatie/app",
                                                        {"code": wrong}))
    # The code of the next period is still fine.
    assert post_form(client, "/inloggen/verificatie/app",
                     {"code": totp_code(secret, 1)}).status_code == 302


def test_totp_step_is_claimed_once_and_never_an_earlier_one(app, session, make):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    with app.test_request_context():
        from app.db import get_session
        db = get_session()
        me = db.get(User, user.id)
        assert twostep.accept_totp(db, me, totp_code(secret, 1))
        assert not twostep.accept_totp(db, me, totp_code(secret, 1))  # the same code
        assert not twostep.accept_totp(db, me, totp_code(secret))  # an earlier step
        db.commit()
    assert refreshed(session, user).totp_last_step == twostep.matching_step(
        secret, totp_code(secret, 1))


def test_wrong_codes_are_throttled(app, client, session, make):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    login(client, "jan@example.nl")
    for _ in range(app.config["TWO_STEP_MAX_FAILURES"]):
        response = post_form(client, "/inloggen/verificatie/app", {"code": "123456"})
        assert response.status_code == 401
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.status_code == 429  # even the right code
    assert "Te veel mislukte pogingen" in text_of(response)
    assert not logged_in(client)
    for event in session.exec(select(ThrottleEvent)):
        event.at = utcnow() - timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] + 1)
    session.commit()
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.status_code == 302 and logged_in(client)


def test_next_page_is_kept_through_the_second_step(client, session, make):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    post_form(client, "/inloggen", {"email": "jan@example.nl", "password": PASSWORD,
                                     "next": "/acties"})
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.location == "/acties"


def test_second_step_without_password_goes_to_login(client, make):
    make.user(email="jan@example.nl")
    for method in ("app", "sms", "code"):
        assert client.get(f"/inloggen/verificatie/{method}").location == "/inloggen"
    assert post_form(client, "/inloggen/verificatie/sms/versturen", {}).location == "/inloggen"


# ---- SMS and the recovery code

def setup_sms(client, app, phone="06 12345678"):
    """Walk the SMS set-up; returns the page with the recovery code."""
    response = post_form(client, SETUP + "/sms", {"phone": phone, "password": PASSWORD})
    assert response.status_code == 302, text_of(response)
    return post_form(client, SETUP + "/sms/code", {"code": last_sms_code(app)})


def recovery_code_on(page):
    return re.search(r'id="recovery-code">([^<]+)<', page.get_data(as_text=True))[1]


def test_sms_setup_then_recovery_code_shown_once(app, client, session, make, mailbox):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    page = client.get(SETUP + "/sms")
    assert "Vul uw mobiele nummer in." in text_of(page)

    wrong = post_form(client, SETUP + "/sms", {"phone": "020 123 4567", "password": PASSWORD})
    assert wrong.status_code == 400
    assert "Vul een geldig mobiel nummer in" in text_of(wrong)
    assert 'value="020 123 4567"' in wrong.get_data(as_text=True)  # typed input kept
    assert sms_sent(app) == []

    response = post_form(client, SETUP + "/sms", {"phone": "06 12345678", "password": PASSWORD})
    assert response.location == SETUP + "/sms/code"
    [(to, message)] = sms_sent(app)
    assert to == "+31612345678"
    assert "is uw code voor het klantenportaal van Kantoor Test" in message
    page = client.get(SETUP + "/sms/code")
    assert "+31 6 12345678" in text_of(page)

    bad = post_form(client, SETUP + "/sms/code", {"code": "000000"
                                                   if code_in(message) != "000000"
                                                   else "111111"})
    assert bad.status_code == 400
    assert "Deze code is onjuist." in text_of(bad)
    assert not refreshed(session, user).sms_enabled

    page = post_form(client, SETUP + "/sms/code", {"code": code_in(message)})
    assert page.status_code == 200
    assert "Uw herstelcode" in text_of(page)
    recovery = recovery_code_on(page)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", recovery)
    user = refreshed(session, user)
    assert user.sms_enabled and user.sms_phone == "+31612345678"
    [stored] = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                       RecoveryCode.kind == "recovery")).all()
    assert recovery not in stored.code_hash and recovery.replace("-", "") not in stored.code_hash
    # Shown once: sending the same code again shows nothing.
    again = post_form(client, SETUP + "/sms/code", {"code": code_in(message)})
    assert again.status_code == 302 and again.location == SETUP + "/sms"
    assert recovery not in again.get_data(as_text=True)
    [mail] = mailbox.deliver(app)
    assert "2-staps verificatie per sms is aangezet" in mail.get_body(("plain",)).get_content()


def test_sms_code_is_stored_hashed_with_expiry(app, client, session, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    post_form(client, SETUP + "/sms", {"phone": "0612345678", "password": PASSWORD})
    token = session.exec(select(OneTimeToken).where(OneTimeToken.purpose == "sms-setup")).one()
    assert last_sms_code(app) not in token.token_hash and len(token.token_hash) == 64
    assert token.expires_at - token.created_at == timedelta(
        minutes=app.config["SMS_CODE_MINUTES"])


def test_login_with_sms_code(app, client, session, make):
    user = make.user(email="jan@example.nl")
    with_sms(session, user)
    response = login(client, "jan@example.nl")
    assert response.location == "/inloggen/verificatie/sms"
    page = client.get(response.location)
    assert "eindigend op 78" in text_of(page)
    [(to, _message)] = sms_sent(app)
    assert to == "+31612345678"
    assert not logged_in(client)
    response = post_form(client, "/inloggen/verificatie/sms", {"code": last_sms_code(app)})
    assert response.status_code == 302 and logged_in(client)
    token = session.exec(select(OneTimeToken).where(OneTimeToken.purpose == "sms-login")).one()
    assert token.used_at is not None


def test_used_sms_code_is_refused(app, client, session, make):
    user = make.user(email="jan@example.nl")
    with_sms(session, user)
    login(client, "jan@example.nl")
    code = last_sms_code(app)
    assert post_form(client, "/inloggen/verificatie/sms", {"code": code}).status_code == 302
    with app.test_request_context():
        from app.db import get_session
        db = get_session()
        assert twostep.check_sms_code(db, db.get(User, user.id), twostep.SMS_LOGIN,
                                      "+31612345678", code) == "invalid"


def test_expired_sms_code_is_refused(app, client, session, make):
    user = make.user(email="jan@example.nl")
    with_sms(session, user)
    login(client, "jan@example.nl")
    token = session.exec(select(OneTimeToken).where(OneTimeToken.purpose == "sms-login")).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = post_form(client, "/inloggen/verificatie/sms", {"code": last_sms_code(app)})
    assert response.status_code == 401
    assert "Deze code is verlopen." in text_of(response)
    assert not logged_in(client)


def test_a_new_sms_code_replaces_the_old_one(app, client, session, make):
    user = make.user(email="jan@example.nl")
    with_sms(session, user)
    login(client, "jan@example.nl")
    old = last_sms_code(app)
    response = post_form(client, "/inloggen/verificatie/sms/versturen", {})
    assert response.location == "/inloggen/verificatie/sms"
    new = last_sms_code(app)
    assert len(sms_sent(app)) == 2
    if old != new:
        assert post_form(client, "/inloggen/verificatie/sms",
                         {"code": old}).status_code == 401
    assert post_form(client, "/inloggen/verificatie/sms", {"code": new}).status_code == 302


def test_sms_sending_is_throttled_per_user(app, client, session, make):
    user = make.user(email="jan@example.nl")
    with_sms(session, user)
    login(client, "jan@example.nl")  # the first SMS
    for _ in range(app.config["SMS_MAX_PER_USER_PER_HOUR"] - 1):
        post_form(client, "/inloggen/verificatie/sms/versturen", {})
    assert len(sms_sent(app)) == app.config["SMS_MAX_PER_USER_PER_HOUR"]
    response = post_form(client, "/inloggen/verificatie/sms/versturen", {})
    assert len(sms_sent(app)) == app.config["SMS_MAX_PER_USER_PER_HOUR"]
    assert "Er zijn te veel sms-berichten gestuurd." in text_of(client.get(response.location))
    # A recovery or backup code still gets the user in.
    assert "/inloggen/verificatie/code" in client.get(response.location).get_data(
        as_text=True)


def test_sms_sending_is_throttled_per_number(app, make, session):
    app.config["SMS_MAX_PER_NUMBER_PER_HOUR"] = 2
    for n in range(3):
        make.user(email=f"klant{n}@example.nl")
    clients = [app.test_client() for _ in range(3)]
    for n, client in enumerate(clients):
        login(client, f"klant{n}@example.nl")
    number = {"phone": "0612345678", "password": PASSWORD}
    assert post_form(clients[0], SETUP + "/sms", number).status_code == 302
    assert post_form(clients[1], SETUP + "/sms", number).status_code == 302
    refused = post_form(clients[2], SETUP + "/sms", number)
    assert refused.status_code == 429
    assert "Er zijn te veel sms-berichten naar u of naar dit nummer gestuurd." in text_of(refused)
    assert len(sms_sent(app)) == 2
    # Another number is fine.
    assert post_form(clients[2], SETUP + "/sms",
                     {"phone": "0687654321", "password": PASSWORD}).status_code == 302


@pytest.fixture
def gateway():
    """An SMS gateway on loopback that keeps what it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        status = 200
        delay = 0

        def do_POST(self):
            time.sleep(Handler.delay)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "auth": self.headers.get("Authorization"),
                             "type": self.headers.get("Content-Type"),
                             "json": json.loads(body)})
            self.send_response(Handler.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}/v1/sms",
                          received=received, handler=Handler)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_sms_gateway_receives_the_message(app, client, session, make, gateway):
    app.config.update(SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TOKEN="geheim-token")
    user = make.user(email="jan@example.nl")
    with_sms(session, user)
    login(client, "jan@example.nl")
    [request] = gateway.received
    assert request["path"] == "/v1/sms"
    assert request["auth"] == "Bearer geheim-token"
    assert request["type"] == "application/json"
    assert request["json"]["to"] == "+31612345678"
    assert "is uw code voor het klantenportaal" in request["json"]["text"]
    assert sms_sent(app) == []  # not written to the outbox folder
    code = code_in(request["json"]["text"])
    assert post_form(client, "/inloggen/verificatie/sms", {"code": code}).status_code == 302
    assert logged_in(client)


def test_sms_gateway_failure_is_told(app, client, session, make, gateway):
    app.config.update(SMS_GATEWAY_URL=gateway.url)
    gateway.handler.status = 500
    user = make.user(email="jan@example.nl")
    with_sms(session, user)
    response = login(client, "jan@example.nl")
    page = client.get(response.location)
    assert "Het sms-bericht kon niet worden verstuurd." in text_of(page)
    assert len(gateway.received) == 1
    make.user(email="piet@example.nl")
    other = app.test_client()
    login(other, "piet@example.nl")
    refused = post_form(other, SETUP + "/sms", {"phone": "0687654321", "password": PASSWORD})
    assert refused.status_code == 503
    assert "Het sms-bericht kon niet worden verstuurd." in text_of(refused)


def test_sms_gateway_that_does_not_answer_in_time_is_a_failure(app, gateway):
    from app import sms
    gateway.handler.delay = 2
    app.config.update(SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TIMEOUT=0.3)
    with app.app_context(), pytest.raises(sms.SmsError):
        sms.send("+31612345678", "test")


def test_file_provider_logs_the_text_with_the_number_masked(app, client, session, make,
                                                           caplog):
    user = make.user(email="jan@example.nl")
    with_sms(session, user, phone="+31612345678")
    with caplog.at_level(logging.INFO, logger="klantenportaal.sms"):
        login(client, "jan@example.nl")
    [record] = [r for r in caplog.records if r.name == "klantenportaal.sms"]
    assert record.levelno == logging.INFO
    line = record.getMessage()
    code = last_sms_code(app)
    assert code in line and "is uw code voor het klantenportaal" in line  # the demo reads it
    assert "+31612345678" not in line and "612345678" not in line
    assert "+31*******78" in line
    assert sms_sent(app)[-1][0] == "+31612345678"  # the file itself has the whole number


def test_gateway_logs_mask_the_number(app, gateway, caplog):
    from app import sms
    app.config.update(SMS_GATEWAY_URL=gateway.url)
    with app.app_context(), caplog.at_level(logging.INFO, logger="klantenportaal.sms"):
        sms.send("+32470123456", "123456 is uw code")
        gateway.handler.status = 500
        with pytest.raises(sms.SmsError):
            sms.send("+32470123456", "654321 is uw code")
    lines = [r.getMessage() for r in caplog.records if r.name == "klantenportaal.sms"]
    assert len(lines) == 2
    assert not any("470123456" in line for line in lines)
    assert all("+32*******56" in line for line in lines)


@pytest.mark.parametrize("number, shown", [
    ("+31612345678", "+31*******78"), ("+3247012345", "+32******45"), ("+1234", "*****"),
    ("", ""), (None, "")])
def test_masked_numbers(number, shown):
    from app.sms import masked
    assert masked(number) == shown


def test_setup_code_can_be_sent_again(app, client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    post_form(client, SETUP + "/sms", {"phone": "0612345678", "password": PASSWORD})
    first = last_sms_code(app)
    response = post_form(client, SETUP + "/sms/opnieuw", {})
    assert response.location == SETUP + "/sms/code"
    assert [to for to, _text in sms_sent(app)] == ["+31612345678"] * 2
    second = last_sms_code(app)
    if first != second:
        assert post_form(client, SETUP + "/sms/code", {"code": first}).status_code == 400
    assert "Uw herstelcode" in text_of(post_form(client, SETUP + "/sms/code", {"code": second}))
    assert refreshed(session, user).sms_enabled


def test_switching_method_during_login(app, client, session, make):
    user = make.user(email="jan@example.nl")
    with_app(session, user)
    with_sms(session, user)
    assert login(client, "jan@example.nl").location == "/inloggen/verificatie/app"
    assert sms_sent(app) == []  # the app comes first; no SMS unless asked for
    page = text_of(client.get("/inloggen/verificatie/app"))
    assert "Stuur mij een code per sms" in page
    assert "Een herstelcode of back-upcode gebruiken" in page
    response = post_form(client, "/inloggen/verificatie/sms/versturen", {})
    assert response.location == "/inloggen/verificatie/sms"
    assert len(sms_sent(app)) == 1
    assert "De code uit mijn authenticator-app gebruiken" in text_of(client.get(response.location))
    assert post_form(client, "/inloggen/verificatie/sms",
                     {"code": last_sms_code(app)}).status_code == 302
    assert logged_in(client)


def test_method_that_is_off_is_not_offered(app, client, session, make):
    user = make.user(email="jan@example.nl")
    with_app(session, user)
    login(client, "jan@example.nl")
    assert client.get("/inloggen/verificatie/sms").location == "/inloggen/verificatie/app"
    assert post_form(client, "/inloggen/verificatie/sms/versturen", {}).status_code == 404
    assert sms_sent(app) == []


def test_recovery_code_works_once_and_asks_to_set_up_again(app, client, session, make,
                                                          mailbox):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    recovery = recovery_code_on(setup_sms(client, app))
    mailbox.deliver(app)
    logout(client)

    login(client, "jan@example.nl")
    typed = " " + recovery.lower().replace("-", " ") + " "  # as someone may type it
    response = post_form(client, "/inloggen/verificatie/code", {"code": typed})
    assert response.status_code == 302 and response.location == SETUP
    page = text_of(client.get(SETUP))
    assert "U bent ingelogd met uw herstelcode" in page
    assert "Stel nu opnieuw 2-staps verificatie in." in page
    assert "U heeft geen herstelcode." in page
    [mail] = mailbox.deliver(app)
    assert "Uw herstelcode is gebruikt" in mail.get_body(("plain",)).get_content()
    refused_again(client, "/inloggen/verificatie/code", recovery, "of is al eerder gebruikt")
    assert refreshed(session, user).sms_enabled  # setting up again is up to the user


def backup_codes_of(page):
    return re.findall(r"<li><code>([A-Z2-9-]+)</code></li>", page.get_data(as_text=True))


def replaces_of(client):
    """The hidden field of "Make new backup codes": which set of codes it replaces."""
    html = client.get(SETUP + "/back-upcodes").get_data(as_text=True)
    return re.search(r'name="replaces" value="([0-9a-f]+)"', html)[1]


def make_backup_codes(client):
    """Ask for new backup codes as on the page, with the password; returns the response."""
    return post_form(client, SETUP + "/back-upcodes",
                     {"replaces": replaces_of(client), "password": PASSWORD})


def test_backup_codes_download_and_single_use(app, client, session, make):
    user = make.user(email="jan@example.nl")
    user.first_login_at = utcnow()
    secret = with_app(session, user)
    login(client, "jan@example.nl")
    post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    page = make_backup_codes(client)
    assert page.status_code == 200
    codes = backup_codes_of(page)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = session.exec(select(RecoveryCode).where(RecoveryCode.kind == "backup")).all()
    assert len(stored) == 10 and not any(c.replace("-", "") in s.code_hash
                                         for c in codes for s in stored)

    download = codes_copy(client, "download", codes)
    assert download.status_code == 200
    assert download.mimetype == "text/plain"
    assert download.headers["Content-Disposition"] == 'attachment; filename="back-upcodes.txt"'
    body = download.get_data(as_text=True)
    assert all(code in body for code in codes) and "jan@example.nl" in body
    # Only this user's unused codes come back: the download repeats no made-up text.
    forged = codes_copy(client, "download", ["ABCD-EFGH-JKMN"])
    assert forged.status_code == 404
    logout(client)

    login(client, "jan@example.nl")
    response = post_form(client, "/inloggen/verificatie/code", {"code": codes[0]})
    assert response.status_code == 302 and response.location == "/"
    assert "U heeft nog 9 back-upcodes over." in text_of(client.get("/"))
    assert "9 ongebruikte back-upcodes" in text_of(client.get(SETUP))
    download = codes_copy(client, "download", codes)
    assert codes[0] not in download.get_data(as_text=True)
    refused_again(client, "/inloggen/verificatie/code", codes[0])

    # New codes replace the old ones.
    post_form(client, "/inloggen/verificatie/code", {"code": codes[1]})
    fresh = backup_codes_of(make_backup_codes(client))
    assert set(fresh).isdisjoint(codes)
    refused_again(client, "/inloggen/verificatie/code", codes[2])


def test_reloading_the_new_backup_codes_does_not_replace_them(app, client, session, make,
                                                              mailbox):
    user = make.user(email="jan@example.nl")
    log_in_with_app(client, session, user, "jan@example.nl")
    replaces = replaces_of(client)
    codes = backup_codes_of(post_form(client, SETUP + "/back-upcodes",
                                      {"replaces": replaces, "password": PASSWORD}))
    assert len(codes) == 10
    stored = {c.code_hash for c in session.exec(select(RecoveryCode))}
    mailbox.deliver(app)

    # A reload sends the very same form again: nothing is replaced, and the page says so.
    again = post_form(client, SETUP + "/back-upcodes",
                      {"replaces": replaces, "password": PASSWORD})
    assert again.status_code == 302 and again.location == SETUP
    assert "Uw back-upcodes zijn niet vervangen" in text_of(client.get(SETUP))
    session.expire_all()
    assert {c.code_hash for c in session.exec(select(RecoveryCode))} == stored
    assert mailbox.deliver(app) == []  # no "new backup codes" mail either
    # A form without the field (or from an old tab) replaces nothing either.
    post_form(client, SETUP + "/back-upcodes", {"password": PASSWORD})
    assert {c.code_hash for c in session.exec(select(RecoveryCode))} == stored
    download = codes_copy(client, "download", codes)
    assert all(code in download.get_data(as_text=True) for code in codes)

    # Asking again on purpose, from the page as it is now, does make new ones.
    fresh = backup_codes_of(make_backup_codes(client))
    assert len(fresh) == 10 and set(fresh).isdisjoint(codes)


# ---- issue 16, point 3: every first set-up ends on the backup codes

def codes_copy(client, how, codes=(), recovery=None):
    """Download ("download") or print ("printen") the codes a page of new codes posts back."""
    data = {"code": list(codes)} | ({"recovery": recovery} if recovery else {})
    return post_form(client, f"{SETUP}/codes/{how}", data)


def test_the_first_app_set_up_ends_on_backup_codes_to_download_and_print(app, client,
                                                                        session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    secret = start_app_setup(client)
    code = totp_code(secret)
    page = post_form(client, SETUP + "/app", {"code": code})
    assert page.status_code == 200
    assert "Uw authenticator-app is ingesteld." in text_of(page)
    assert "Uw back-upcodes" in text_of(page) and "Ik heb mijn back-upcodes bewaard" in text_of(
        page)
    codes = backup_codes_of(page)
    assert len(codes) == 10
    assert twostep.count_codes(session, refreshed(session, user), "backup") == 10

    # Download and print post the codes shown: nothing makes or keeps them again.
    download = codes_copy(client, "download", codes)
    assert download.headers["Content-Disposition"] == 'attachment; filename="back-upcodes.txt"'
    assert all(c in download.get_data(as_text=True) for c in codes)
    printed = codes_copy(client, "printen", codes)
    assert printed.status_code == 200 and backup_codes_of(printed) == codes
    assert "Gebruik de afdrukfunctie van uw browser" in text_of(printed)
    assert 'action="/mijn-gegevens/2-staps-verificatie/codes' not in html_of(printed)
    assert twostep.count_codes(session, refreshed(session, user), "backup") == 10

    # A reload sends the same code again: the codes are not shown again, nor made anew.
    again = post_form(client, SETUP + "/app", {"code": code})
    assert again.status_code == 302 and again.location == SETUP
    assert not set(codes) & set(re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}",
                                           html_of(client.get(SETUP))))
    assert backup_codes_of(client.get(SETUP)) == []
    assert codes_copy(client, "download", ["ABCD-EFGH-JKMN"]).status_code == 404


def test_the_first_sms_set_up_shows_the_recovery_code_and_backup_codes(app, client, session,
                                                                       make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    page = setup_sms(client, app)
    text = text_of(page)
    assert "Uw herstelcode en back-upcodes" in text and "Ik heb mijn codes bewaard" in text
    recovery, codes = recovery_code_on(page), backup_codes_of(page)
    assert len(codes) == 10
    both = codes_copy(client, "download", codes, recovery)
    assert both.headers["Content-Disposition"] == (
        'attachment; filename="herstelcode-en-back-upcodes.txt"')
    body = both.get_data(as_text=True)
    assert "Herstelcode: " + recovery in body and all(c in body for c in codes)
    printed = codes_copy(client, "printen", codes, recovery)
    assert recovery_code_on(printed) == recovery and backup_codes_of(printed) == codes

    # The recovery code alone, as after a change of number: downloaded or printed too.
    alone = codes_copy(client, "download", recovery=recovery)
    assert alone.headers["Content-Disposition"] == 'attachment; filename="herstelcode.txt"'
    assert recovery in alone.get_data(as_text=True)
    assert recovery_code_on(codes_copy(client, "printen", recovery=recovery)) == recovery
    # Only this user's unused codes: a backup code is no recovery code, and another user
    # gets nothing for them.
    assert codes_copy(client, "download", recovery=codes[0]).status_code == 404
    make.user(email="piet@example.nl")
    other = app.test_client()
    login(other, "piet@example.nl")
    for how in ("download", "printen"):
        assert codes_copy(other, how, codes, recovery).status_code == 404


def test_a_method_added_later_keeps_the_backup_codes(app, client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    codes = backup_codes_of(setup_sms(client, app))
    secret = start_app_setup(client)
    response = post_form(client, SETUP + "/app", {"code": totp_code(secret)})
    assert response.status_code == 302 and response.location == SETUP
    assert "Uw authenticator-app is ingesteld." in text_of(client.get(SETUP))
    # A new number: a new recovery code only.
    page = setup_sms(client, app, "06 87654321")
    assert "Uw herstelcode" in text_of(page) and backup_codes_of(page) == []
    assert "Ik heb mijn herstelcode bewaard" in text_of(page)
    assert len(twostep.unused_among(session, refreshed(session, user), "backup", codes)) == 10


def test_a_set_up_without_unused_backup_codes_hands_out_new_ones(app, client, session, make):
    """An account that had two-step on before backup codes came with every set-up."""
    with_sms(session, make.user(email="jan@example.nl"))
    log_in_with_sms(client, app)
    secret = start_app_setup(client)
    page = post_form(client, SETUP + "/app", {"code": totp_code(secret)})
    assert len(backup_codes_of(page)) == 10


def log_in_with_sms(client, app):
    login(client, "jan@example.nl")
    post_form(client, "/inloggen/verificatie/sms", {"code": last_sms_code(app)})
    assert logged_in(client)


def test_backup_codes_need_two_step_on(client, session, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    response = post_form(client, SETUP + "/back-upcodes", {})
    assert response.status_code == 302
    assert session.exec(select(RecoveryCode)).all() == []


# ---- turning off and changing ask for the password

def log_in_with_app(client, session, user, email):
    secret = with_app(session, user)
    login(client, email)
    post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert logged_in(client)
    return secret


def test_turning_off_asks_for_the_password(app, client, session, make, mailbox):
    user = make.user(email="jan@example.nl")
    log_in_with_app(client, session, user, "jan@example.nl")
    make_backup_codes(client)
    page = client.get(SETUP + "/uitzetten/app")
    assert "Vul voor uw veiligheid uw wachtwoord opnieuw in." in text_of(page)
    assert "Dit is uw enige methode" in text_of(page)

    missing = post_form(client, SETUP + "/uitzetten/app", {"password": ""})
    assert missing.status_code == 400 and "Vul uw wachtwoord in." in text_of(missing)
    wrong = post_form(client, SETUP + "/uitzetten/app", {"password": "Fout12345"})
    assert wrong.status_code == 400 and "Het wachtwoord is onjuist." in text_of(wrong)
    assert refreshed(session, user).totp_enabled

    response = post_form(client, SETUP + "/uitzetten/app", {"password": PASSWORD})
    assert response.status_code == 302
    user = refreshed(session, user)
    assert not user.totp_enabled and user.totp_secret is None
    assert session.exec(select(RecoveryCode)).all() == []  # no method left: no codes
    assert "2-staps verificatie met de authenticator-app is uitgezet." in text_of(
        client.get(response.location))
    logout(client)
    assert login(client, "jan@example.nl").location == "/"  # the password alone again


def test_wrong_passwords_when_turning_off_are_throttled(app, client, session, make):
    user = make.user(email="jan@example.nl")
    log_in_with_app(client, session, user, "jan@example.nl")
    for _ in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        post_form(client, SETUP + "/uitzetten/app", {"password": "Fout12345"})
    refused = post_form(client, SETUP + "/uitzetten/app", {"password": PASSWORD})
    assert refused.status_code == 400
    assert "Te veel mislukte pogingen" in text_of(refused)
    assert refreshed(session, user).totp_enabled


def test_changing_the_phone_number_asks_for_the_password(app, client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    setup_sms(client, app)
    page = client.get(SETUP + "/sms")
    assert 'name="password"' in page.get_data(as_text=True)

    missing = post_form(client, SETUP + "/sms", {"phone": "0687654321"})
    assert missing.status_code == 400 and "Vul uw wachtwoord in." in text_of(missing)
    wrong = post_form(client, SETUP + "/sms", {"phone": "0687654321", "password": "Fout1234"})
    assert wrong.status_code == 400 and "Het wachtwoord is onjuist." in text_of(wrong)
    assert len(sms_sent(app)) == 1

    response = post_form(client, SETUP + "/sms", {"phone": "0687654321",
                                                   "password": PASSWORD})
    assert response.status_code == 302
    assert sms_sent(app)[-1][0] == "+31687654321"
    assert refreshed(session, user).sms_phone == "+31612345678"  # not before the code
    page = post_form(client, SETUP + "/sms/code", {"code": last_sms_code(app)})
    assert "Uw herstelcode" in text_of(page)
    assert refreshed(session, user).sms_phone == "+31687654321"
    assert len(session.exec(select(RecoveryCode).where(
        RecoveryCode.kind == "recovery")).all()) == 1  # the new one replaced it


def test_turning_sms_off(app, client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    setup_sms(client, app)
    response = post_form(client, SETUP + "/uitzetten/sms", {"password": PASSWORD})
    assert response.status_code == 302
    user = refreshed(session, user)
    assert not user.sms_enabled and user.sms_phone is None
    assert session.exec(select(RecoveryCode)).all() == []


def test_a_two_step_change_ends_the_other_sessions(app, client, session, make):
    make.user(email="jan@example.nl")
    other = app.test_client()
    login(other, "jan@example.nl")
    login(client, "jan@example.nl")
    assert logged_in(other)
    secret = start_app_setup(client)
    post_form(client, SETUP + "/app", {"code": totp_code(secret)})
    assert logged_in(client)
    assert not logged_in(other)
    assert len(session.exec(select(LoginSession)).all()) == 1


# ---- staff

def test_staff_without_two_step_must_set_it_up_first(app, client, session, make):
    staff = make.staff(email="mr@kantoor.nl")
    response = login(client, "mr@kantoor.nl")
    assert response.location == "/kantoor/"
    response = client.get("/kantoor/")
    assert response.status_code == 302 and response.location == SETUP
    page = text_of(client.get(SETUP))
    assert "Stel 2-staps verificatie in voordat u de kantoorkant gebruikt." in page
    htmx = client.get("/kantoor/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == SETUP
    assert "Kantoorkant" not in text_of(client.get("/kantoor/", follow_redirects=True))

    secret = start_app_setup(client)
    post_form(client, SETUP + "/app", {"code": totp_code(secret)})
    assert client.get("/kantoor/").status_code == 200
    # The only method cannot be turned off by staff.
    response = post_form(client, SETUP + "/uitzetten/app", {"password": PASSWORD})
    assert response.location == SETUP
    assert refreshed(session, staff).totp_enabled
    assert "Medewerkers gebruiken altijd 2-staps verificatie." in text_of(client.get(SETUP))


def test_staff_with_two_step_log_in_to_the_staff_side(client, session, make):
    staff = make.staff(email="mr@kantoor.nl")
    secret = with_app(session, staff)
    login(client, "mr@kantoor.nl")
    assert client.get("/kantoor/").status_code == 302
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.location == "/kantoor/"
    assert client.get("/kantoor/").status_code == 200


# ---- English

def test_two_step_in_english(app, client, session, make):
    user = make.user(email="sophie@example.nl", language="en")
    with_sms(session, user)
    login(client, "sophie@example.nl")
    page = text_of(client.get("/inloggen/verificatie/sms"))
    assert "Two-step verification" in page
    assert "Enter the 6-digit code from the SMS" in page
    assert "is your code for the client portal of Kantoor Test" in sms_sent(app)[-1][1]
    wrong = post_form(client, "/inloggen/verificatie/sms", {"code": "12"})
    assert "This code is not correct." in text_of(wrong)
    post_form(client, "/inloggen/verificatie/sms", {"code": last_sms_code(app)})
    page = text_of(client.get(SETUP))
    assert "Code by SMS" in page and "Authenticator app" in page and "Backup codes" in page
    bad_phone = post_form(client, SETUP + "/sms", {"phone": "123", "password": PASSWORD})
    assert "Enter a valid mobile number" in text_of(bad_phone)


def test_another_user_cannot_download_or_print_someone_elses_codes(app, client, session,
                                                                   make):
    jan = make.user(email="jan@example.nl")
    jan.first_login_at = utcnow()
    secret = with_app(session, jan)
    make.user(email="piet@example.nl")
    login(client, "jan@example.nl")
    post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    codes = backup_codes_of(make_backup_codes(client))
    assert codes_copy(client, "download", codes).status_code == 200
    other = app.test_client()
    login(other, "piet@example.nl")
    for how in ("download", "printen"):
        assert codes_copy(other, how, codes).status_code == 404
