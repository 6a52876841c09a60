"""Passkeys (issue 20), part 2: logging in with one, as the second step after the password
(/inloggen/verificatie/passkey) and on its own without a password (/inloggen/passkey): what
passes, what is refused and how (nothing half done, a clear message), and the throttles.
The answers come from tests/passkey_helpers.SoftAuthenticator."""
import json
import re
from datetime import timedelta

import pytest
from helpers import PASSWORD, count_rows, events, html_of, login, post_form, text_of
from passkey_helpers import (
    BASE,
    LOGIN,
    LOGIN_OPTIONS,
    STEP,
    STEP_OPTIONS,
    SoftAuthenticator,
    fetch_options,
    give_passkey,
    logged_in,
    options_from,
    passkeys_of,
    refreshed,
    send_credential,
)
from sqlalchemy import update
from sqlmodel import select
from twostep_helpers import totp_code, with_app

from app import dates, twostep
from app.models import LoginSession, Passkey, PasskeyChallenge, ThrottleEvent, utcnow

UNKNOWN = {"nl": "Deze passkey is niet bekend bij een account van dit portaal. Log in met uw "
                 "e-mailadres en wachtwoord.",
           "en": "This passkey is not known for an account of this portal. Log in with your "
                 "e-mail address and password."}
INVALID = {"nl": "Uw passkey kon niet worden gecontroleerd. Probeer het opnieuw, of log op een "
                 "andere manier in.",
           "en": "Your passkey could not be verified. Try again, or log in another way."}
NOT_YOURS = "Deze passkey hoort niet bij uw account. Gebruik een van uw eigen passkeys, of een " \
    "andere manier."
EXPIRED = {"nl": "Dit verzoek om een passkey is verlopen. Probeer het opnieuw.",
           "en": "This passkey request has expired. Try again."}


@pytest.fixture
def authenticator(app):
    """A software authenticator for the test client's address (the portal's, here)."""
    app.config["PUBLIC_BASE_URL"] = BASE
    return SoftAuthenticator(origin=BASE)


@pytest.fixture
def jan(app, session, make, authenticator):
    """Jan, a client who logged in before, with a passkey "Telefoon" on `authenticator`."""
    user = make.user(email="jan@example.nl", name="Jan de Vries")
    user.first_login_at = utcnow()
    session.commit()
    give_passkey(app, user, authenticator)
    return user


def stored(session, user):
    """The user's (first) passkey as the database has it now."""
    return (passkeys_of(session, user) or [None])[0]


def logout(client):
    post_form(client, "/uitloggen", {})


def without_password(client, authenticator, **fields):
    """Log in from the login page with a passkey only; returns (response, answer)."""
    answer = authenticator.get(options_from(client, LOGIN_OPTIONS))
    return send_credential(client, LOGIN, answer, **fields), answer


# ---- the second step after the password

def test_login_with_password_and_passkey(app, client, session, jan, authenticator):
    with_app(session, refreshed(session, jan))
    response = login(client, "jan@example.nl")
    assert response.status_code == 302 and response.location == STEP  # the passkey first
    page = client.get(STEP)
    assert page.status_code == 200
    assert "Mijn passkey gebruiken" in text_of(page)
    assert f'data-options-url="{STEP_OPTIONS}"' in html_of(page)
    # The other ways are still offered.
    assert "De code uit mijn authenticator-app gebruiken" in text_of(page)
    assert "Een herstelcode of back-upcode gebruiken" in text_of(page)
    assert not logged_in(client)
    assert session.exec(select(LoginSession)).all() == []

    response = send_credential(client, STEP, authenticator.get(options_from(client,
                                                                            STEP_OPTIONS)))
    assert response.status_code == 302 and response.location == "/"
    assert logged_in(client)
    passkey = stored(session, jan)
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    event = events(session, "login")[-1]
    assert event.detail["method"] == "passkey" and event.actor_id == jan.id
    with app.test_request_context():
        added, used = (dates.format_datetime(passkey.created_at),
                       dates.format_datetime(passkey.last_used_at))
    listed = text_of(client.get("/mijn-gegevens/2-staps-verificatie/passkeys"))
    assert f"Telefoon {added} {used} Verwijderen" in listed
    assert "Nog niet gebruikt" not in listed


def test_the_other_methods_still_work(app, client, session, jan, authenticator):
    secret = with_app(session, refreshed(session, jan))
    login(client, "jan@example.nl")
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.status_code == 302 and logged_in(client)
    assert events(session, "login")[-1].detail["method"] == "app"
    logout(client)
    [code] = twostep.new_codes(session, refreshed(session, jan), twostep.KIND_BACKUP, 1)
    session.commit()
    assert login(client, "jan@example.nl").location == STEP
    response = post_form(client, "/inloggen/verificatie/code", {"code": code})
    assert response.status_code == 302 and logged_in(client)
    assert events(session, "login")[-1].detail["method"] == "backup"


def test_user_verification_is_not_needed_after_the_password(client, session, jan,
                                                            authenticator):
    authenticator.verified = False  # a security key without a PIN: present, not verified
    login(client, "jan@example.nl")
    response = send_credential(client, STEP, authenticator.get(options_from(client,
                                                                            STEP_OPTIONS)))
    assert response.status_code == 302 and logged_in(client)


def test_the_second_step_options_need_a_pending_login(client, jan, authenticator):
    response = fetch_options(client, STEP_OPTIONS)
    assert response.status_code == 409 and response.get_json() == {"redirect": "/inloggen"}
    assert client.get(STEP).location == "/inloggen"


def test_another_users_passkey_is_refused_in_the_second_step(app, client, session, make, jan,
                                                             authenticator):
    piet = make.user(email="piet@example.nl")
    pieter = SoftAuthenticator(origin=BASE)
    piets = give_passkey(app, piet, pieter)
    login(client, "jan@example.nl")
    options = options_from(client, STEP_OPTIONS)
    assert piets not in {c["id"] for c in options["allowCredentials"]}
    response = send_credential(client, STEP, pieter.get(options, credential_id=next(iter(
        pieter.credentials))))
    assert response.status_code == 401
    assert NOT_YOURS in text_of(response)
    assert not logged_in(client)
    assert stored(session, piet).sign_count == 0 and stored(session, piet).last_used_at is None
    [event] = events(session, "login.two_step_failed")
    assert event.detail == {"method": "passkey", "problem": "unknown"}
    assert event.target_id == jan.id


def test_failed_passkeys_count_as_wrong_codes(app, client, session, jan, authenticator):
    app.config["TWO_STEP_MAX_FAILURES"] = 2
    login(client, "jan@example.nl")
    stranger = SoftAuthenticator(origin=BASE)
    stranger.create({"rp": {"id": "localhost"}, "user": {"id": "eA"}, "challenge": "eA"})
    [never_registered] = stranger.credentials
    for _ in range(2):
        refused = send_credential(client, STEP, stranger.get(
            options_from(client, STEP_OPTIONS), credential_id=never_registered))
        assert refused.status_code == 401
    response = send_credential(client, STEP, authenticator.get(options_from(client,
                                                                            STEP_OPTIONS)))
    assert response.status_code == 429  # even the right passkey
    assert "Te veel mislukte pogingen" in text_of(response)
    assert not logged_in(client)


def test_a_replayed_second_step_is_refused(client, session, jan, authenticator):
    login(client, "jan@example.nl")
    answer = authenticator.get(options_from(client, STEP_OPTIONS))
    assert send_credential(client, STEP, answer).status_code == 302
    logout(client)
    login(client, "jan@example.nl")
    response = send_credential(client, STEP, answer)
    assert response.status_code == 401 and EXPIRED["nl"] in text_of(response)
    assert not logged_in(client)
    assert stored(session, jan).sign_count == 1


def test_a_challenge_of_another_purpose_is_refused(client, session, jan, authenticator):
    login(client, "jan@example.nl")
    # Options of a login without a password, answered to the second step.
    answer = authenticator.get(options_from(client, LOGIN_OPTIONS))
    response = send_credential(client, STEP, answer)
    assert response.status_code == 401 and EXPIRED["nl"] in text_of(response)
    assert not logged_in(client) and stored(session, jan).sign_count == 0


# ---- logging in without a password

def test_login_without_a_password(app, client, session, jan, authenticator):
    page = client.get("/inloggen")
    assert "Inloggen met passkey" in text_of(page)
    assert f'data-options-url="{LOGIN_OPTIONS}"' in html_of(page)
    assert 'autocomplete="username webauthn"' in html_of(page)
    options = options_from(client, LOGIN_OPTIONS)
    assert options.get("allowCredentials", []) == [] and options["rpId"] == "localhost"
    response = send_credential(client, LOGIN, authenticator.get(options))
    assert response.status_code == 302 and response.location == "/"
    assert logged_in(client)
    event = events(session, "login")[-1]
    assert event.detail["method"] == "passkey" and event.detail["passkey"] == "Telefoon"
    assert event.actor_id == jan.id
    assert stored(session, jan).sign_count == 1
    # Logged in already: the options say where to go instead.
    again = fetch_options(client, LOGIN_OPTIONS)
    assert again.status_code == 409 and again.get_json() == {"redirect": "/"}


def test_a_first_login_without_a_password_lands_on_mijn_gegevens(app, client, session, make,
                                                                authenticator):
    user = make.user(email="nieuw@example.nl")
    give_passkey(app, user, authenticator)
    response, _answer = without_password(client, authenticator)
    assert response.location == "/mijn-gegevens"
    assert refreshed(session, user).first_login_at is not None


def test_staff_with_only_a_passkey_reach_the_staff_side(app, client, session, make,
                                                        authenticator):
    staff = make.staff(email="mr@kantoor.nl")
    give_passkey(app, staff, authenticator)
    staff = refreshed(session, staff)
    assert staff.two_step_enabled and not (staff.totp_enabled or staff.sms_enabled)
    response, _answer = without_password(client, authenticator)
    assert response.location == "/kantoor/"
    assert client.get("/kantoor/").status_code == 200
    logout(client)
    # With the password, the passkey is the second step.
    assert login(client, "mr@kantoor.nl").location == STEP
    response = send_credential(client, STEP, authenticator.get(options_from(client,
                                                                            STEP_OPTIONS)))
    assert response.location == "/kantoor/"
    assert client.get("/kantoor/").status_code == 200


@pytest.mark.parametrize("target, landing", [
    ("/acties", "/acties"),
    ("/mijn-gegevens/2-staps-verificatie", "/mijn-gegevens/2-staps-verificatie"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/kantoor/", "/"),  # not a page of a client
])
def test_the_next_page_is_kept_when_safe(client, jan, authenticator, target, landing):
    page = client.get("/inloggen", query_string={"next": target})
    kept = re.findall(r'<input[^>]*name="next"[^>]*value="([^"]*)"', html_of(page))
    assert kept == [target, target]  # in the password form and in the passkey form
    response, _answer = without_password(client, authenticator, next=target)
    assert response.status_code == 302 and response.location == landing


def test_a_deactivated_account_cannot_log_in_with_its_passkey(client, session, jan,
                                                              authenticator):
    user = refreshed(session, jan)
    user.active = False
    session.commit()
    response, _answer = without_password(client, authenticator)
    assert response.status_code == 401 and UNKNOWN["nl"] in text_of(response)
    assert not logged_in(client)
    assert session.exec(select(LoginSession)).all() == []
    # Not even the passkey's use is noted: the account is not asked at all.
    passkey = stored(session, jan)
    assert passkey.sign_count == 0 and passkey.last_used_at is None
    assert events(session, "login.passkey_failed")[0].detail == {"problem": "unknown"}


def expire_challenges(session):
    session.execute(update(PasskeyChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("tamper, message", [
    ("origin", INVALID), ("rp_id", INVALID), ("expired", EXPIRED), ("stranger", UNKNOWN),
    ("no_uv", INVALID), ("same_count", INVALID), ("eligibility", INVALID),
])
def test_refused_logins_without_a_password(app, client, session, jan, authenticator, tamper,
                                           message, lang):
    if lang == "en":
        post_form(client, "/taal", {"lang": "en"})
    if tamper == "same_count":  # used once already (count 1); the device says 1 again
        session.execute(update(Passkey).values(sign_count=1))
        session.commit()
    options = options_from(client, LOGIN_OPTIONS)
    [credential_id] = authenticator.credentials
    if tamper == "origin":
        authenticator.origin = "http://localhost:8080"
    elif tamper == "rp_id":
        options["rpId"] = "evil.example"
    elif tamper == "expired":
        expire_challenges(session)
    elif tamper == "no_uv":
        authenticator.verified = False
    elif tamper == "eligibility":  # another authenticator answers for the same credential
        authenticator.backup_eligible = authenticator.backed_up = False
    if tamper == "stranger":
        stranger = SoftAuthenticator(origin=BASE)
        handle = refreshed(session, jan).passkey_handle  # even with Jan's user handle
        stranger.create({"rp": {"id": "localhost"}, "user": {"id": handle}, "challenge": "eA"})
        answer = stranger.get(options)
    else:
        answer = authenticator.get(options, credential_id=credential_id,
                                   count=1 if tamper == "same_count" else None)
    response = send_credential(client, LOGIN, answer)
    assert response.status_code == 401
    assert message[lang] in text_of(response)
    assert 'name="email"' in html_of(response)  # the login page, to try another way
    assert not logged_in(client)
    assert session.exec(select(LoginSession)).all() == []
    passkey = stored(session, jan)
    assert passkey.last_used_at is None and passkey.backup_eligible
    assert passkey.sign_count == (1 if tamper == "same_count" else 0)
    [event] = events(session, "login.passkey_failed")
    assert event.detail == {"problem": "expired" if tamper == "expired" else
                            "unknown" if tamper == "stranger" else "invalid"}
    assert count_rows(session, ThrottleEvent, ThrottleEvent.key == "login-ip:127.0.0.1") == 1


def test_a_change_of_backup_state_is_accepted_and_kept(app, client, session, make,
                                                       authenticator):
    user = make.user(email="jan@example.nl")
    authenticator.backed_up = False
    give_passkey(app, user, authenticator)
    assert not stored(session, user).backed_up
    authenticator.backed_up = True  # synced to the user's other devices since
    response, _answer = without_password(client, authenticator)
    assert response.status_code == 302 and logged_in(client)
    assert stored(session, user).backed_up and stored(session, user).backup_eligible


def test_a_replayed_login_is_refused(app, client, session, jan, authenticator):
    options = options_from(client, LOGIN_OPTIONS)
    answer = authenticator.get(options)
    copied = client.get_cookie("session").value  # the challenge is in it
    assert send_credential(client, LOGIN, answer).status_code == 302
    assert logged_in(client)
    # The same answer again, with the cookie of that moment: the challenge is used.
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = send_credential(thief, LOGIN, answer)
    assert response.status_code == 401 and EXPIRED["nl"] in text_of(response)
    assert not logged_in(thief)
    # And from the same browser after logging out (no challenge in its session any more).
    logout(client)
    response = send_credential(client, LOGIN, answer)
    assert response.status_code == 401 and EXPIRED["nl"] in text_of(response)
    assert not logged_in(client)
    assert stored(session, jan).sign_count == 1
    assert count_rows(session, LoginSession) == 0


@pytest.mark.parametrize("credential", [
    "", "null", "geen json", "[]", '{"id": []}', '{"id": "abc", "response": "x"}',
    json.dumps({"id": "abc", "response": {"clientDataJSON": 5}}),
    json.dumps({"id": "abc", "rawId": "abc", "type": "public-key", "response": {
        "clientDataJSON": "bm90IGpzb24", "authenticatorData": "!!", "signature": "",
        "userHandle": ["x"]}}),
    "{" * 30_000,
])
def test_garbage_is_refused_without_an_error(client, session, jan, authenticator, credential):
    options_from(client, LOGIN_OPTIONS)
    response = send_credential(client, LOGIN, credential)
    assert response.status_code in (400, 401)
    assert "Traceback" not in html_of(response) and 'name="email"' in html_of(response)
    assert not logged_in(client)
    assert stored(session, jan).sign_count == 0


@pytest.mark.parametrize("credential", ["", "geen json", '{"id": "abc", "response": {}}',
                                        "x" * 20_001])
def test_garbage_in_the_second_step_is_refused_without_an_error(client, session, jan,
                                                                authenticator, credential):
    login(client, "jan@example.nl")
    options_from(client, STEP_OPTIONS)
    response = send_credential(client, STEP, credential)
    assert response.status_code in (400, 401)
    assert "Mijn passkey gebruiken" in text_of(response)  # the page, to try again
    assert not logged_in(client) and stored(session, jan).sign_count == 0


def test_garbage_with_a_known_credential_id_is_refused(client, session, jan, authenticator):
    [credential_id] = authenticator.credentials
    answer = authenticator.get(options_from(client, LOGIN_OPTIONS))
    for broken in ({"signature": answer["response"]["signature"][:-4] + "AAAA"},
                   {"authenticatorData": "AAAA"}, {"clientDataJSON": "e30"},
                   {"userHandle": "c29tZW9uZSBlbHNl"}):
        options_from(client, LOGIN_OPTIONS)
        response = send_credential(client, LOGIN, {**answer, "response": {
            **answer["response"], **broken}})
        assert response.status_code == 401, broken
        assert not logged_in(client)
    assert stored(session, jan).sign_count == 0 and credential_id


# ---- throttles

def test_options_are_throttled_per_address(app, client, jan, authenticator):
    app.config["PASSKEY_OPTIONS_PER_MINUTE"] = 2
    for _ in range(2):
        assert fetch_options(client, LOGIN_OPTIONS).status_code == 200
    refused = fetch_options(client, LOGIN_OPTIONS)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Te veel mislukte pogingen" in refused.get_json()["error"]
    login(client, "jan@example.nl")  # the second step's options share the limit
    assert fetch_options(client, STEP_OPTIONS).status_code == 429


def test_failed_logins_without_a_password_count_on_the_address(app, client, session, jan,
                                                               authenticator):
    app.config["LOGIN_MAX_FAILURES_IP"] = 2
    stranger = SoftAuthenticator(origin=BASE)
    stranger.create({"rp": {"id": "localhost"}, "user": {"id": "eA"}, "challenge": "eA"})
    for _ in range(2):
        response, _answer = without_password(client, stranger)
        assert response.status_code == 401
    response, _answer = without_password(client, authenticator)
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert "Te veel mislukte pogingen" in text_of(response)
    assert not logged_in(client) and stored(session, jan).sign_count == 0
    # The same pause holds for the password from this address.
    assert post_form(client, "/inloggen", {"email": "jan@example.nl",
                                           "password": PASSWORD}).status_code == 429
