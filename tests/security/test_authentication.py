"""Point 6 of the security issue: authentication.

Passwords: the manual's rules (tests/test_auth.py::test_password_policy), and here: refused
when among the 10,000 most common passwords (app/data/common-passwords.txt, case-
insensitive) or when holding the e-mail address or its local part; long and unicode
passwords work and are not truncated; at most 1,000 characters.

Throttling, under a controlled clock: failed logins, password-link requests and wrong
two-step codes, per account and per IP address, with a pause that doubles with each further
failure up to a cap, a 429 with Retry-After meanwhile, a pause that always ends by itself,
and a password reset by the owner that clears the account's failed logins.

Already proved elsewhere (not repeated here):
- TOTP codes cannot be replayed: tests/test_twostep.py::test_totp_code_cannot_be_replayed
  and ::test_totp_step_is_claimed_once_and_never_an_earlier_one (conditional UPDATE).
- Recovery and backup codes are single use and stored hashed: tests/test_twostep.py::
  test_sms_setup_then_recovery_code_shown_once, ::test_recovery_code_works_once_and_asks_to_
  set_up_again, ::test_backup_codes_download_and_single_use; SMS codes hashed and single use:
  ::test_sms_code_is_stored_hashed_with_expiry, ::test_used_sms_code_is_refused.
- A password reset does not bypass two-step verification: tests/test_auth.py::
  test_password_reset_does_not_skip_the_second_step.
- SMS sending is throttled per user and per number: tests/test_twostep.py::
  test_sms_sending_is_throttled_per_user, ::test_sms_sending_is_throttled_per_number.
"""

import pytest
from flask.cli import FlaskGroup
from helpers import PASSWORD, links_in, login, post_form, text_of
from sqlmodel import select
from twostep_helpers import totp_code, with_app

from app.models import ThrottleEvent, User
from app.security import PASSWORD_MAX_LENGTH, check_password, common_passwords

from .clock import Clock

COMMON = "Dit wachtwoord is een van de meest gebruikte wachtwoorden."
HAS_EMAIL = "Het wachtwoord mag uw e-mailadres of het deel vóór de @ niet bevatten."
TOO_MANY = "Te veel mislukte pogingen."


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def from_ip(app, ip):
    """A browser at another IP address."""
    browser = app.test_client()
    browser.environ_base.update(REMOTE_ADDR=ip)
    return browser


def password_link(app, mailbox, email):
    """Ask for mail 2 from a browser of its own and return the path of its link."""
    post_form(app.test_client(), "/wachtwoord-instellen", {"email": email})
    [mail] = [m for m in mailbox.deliver(app) if m["To"] == email]
    return links_in(mail)[0].replace("http://portal.test", "")


def choose(client, link, password):
    return post_form(client, link, {"password": password, "confirm": password})


def stored(session, user):
    session.expire_all()
    return session.get(User, user.id)


# ---- passwords

def test_the_list_of_common_passwords_is_shipped():
    common = common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "password1", "qwerty123", "iloveyou"} <= common
    assert all(word == word.lower() for word in common)


@pytest.mark.parametrize("password", ["Password1", "PASSWORD1", "Qwerty123", "Abcd1234",
                                      "Iloveyou1"])
def test_a_common_password_is_refused_whatever_its_case(app, client, session, make, mailbox,
                                                        password):
    assert password.lower() in common_passwords()  # it meets the manual's rules otherwise
    user = make.user(email="jan@example.nl")
    link = password_link(app, mailbox, user.email)
    response = choose(client, link, password)
    assert response.status_code == 400
    assert COMMON in text_of(response)
    assert 'value="' + password not in response.get_data(as_text=True)  # never echoed
    assert not check_password(stored(session, user), password)
    assert client.get(link).status_code == 200  # the link still works
    assert choose(client, link, "Zeldzaam-wachtwoord-42").status_code == 302


def test_the_messages_in_english(app, client, make, mailbox):
    make.user(email="sophie@example.nl", language="en")
    link = password_link(app, mailbox, "sophie@example.nl")
    common = text_of(choose(client, link, "Password1"))
    assert "This password is one of the most commonly used passwords." in common
    own = text_of(choose(client, link, "Sophie2026!"))
    assert "The password may not contain your e-mail address or the part before the @." in own
    long = text_of(choose(client, link, "A1" + "x" * PASSWORD_MAX_LENGTH))
    assert "The password may be at most 1000 characters long." in long


@pytest.mark.parametrize("email, password", [
    ("jan2026@example.nl", "Jan2026@example.nl"),  # the address itself
    ("jan2026@example.nl", "X" + "JAN2026@EXAMPLE.NL"),  # the address inside, any case
    ("jan.de.vries@example.nl", "Jan.de.Vries1"),  # the local part
    ("jan.de.vries@example.nl", "Geheim-jan.de.vries-99"),
    ("piet@bakkerij-dewit.nl", "Piet12345"),
])
def test_a_password_with_the_email_address_in_it_is_refused(app, client, session, make,
                                                            mailbox, email, password):
    user = make.user(email=email)
    link = password_link(app, mailbox, email)
    response = choose(client, link, password)
    assert response.status_code == 400 and HAS_EMAIL in text_of(response)
    assert not check_password(stored(session, user), password)


def test_a_short_local_part_does_not_refuse_good_passwords(app, client, make, mailbox):
    make.user(email="jo@example.nl")  # "jo" is in too many words to refuse them all
    link = password_link(app, mailbox, "jo@example.nl")
    assert choose(client, link, "Majorette-2026").status_code == 302


def test_create_staff_refuses_such_passwords_too(app, session):
    group = FlaskGroup(create_app=lambda: app, load_dotenv=False, add_default_commands=False)
    for password, message in [("Password1", "most commonly used"),
                              ("Beheer.Mr1", "your e-mail address")]:
        result = app.test_cli_runner().invoke(group, [
            "create-staff", "--email", "beheer.mr@kantoor.nl", "--name", "X",
            "--password", password])
        assert result.exit_code == 2 and message in result.output
    assert session.exec(select(User)).all() == []


PREFIX = "Lang-wachtwoord-1 " * 10  # 180 characters: far past bcrypt's 72 bytes
UNICODE = "Wachtwoord1 ünïcødé ✓ 🙂 Ωμέγα 你好 " * 4  # multi-byte, 140 characters


@pytest.mark.parametrize("password, almost", [
    (PREFIX + "A", PREFIX + "B"),  # 181 characters, the last one differs
    ("A1" + "x" * 198, "A1" + "x" * 197 + "y"),  # 200
    (UNICODE + "é", UNICODE + "e"),  # é composed vs plain e at the end
    (UNICODE, UNICODE[:-1]),  # one character shorter
    ("Z9" + "ü" * (PASSWORD_MAX_LENGTH - 2), "Z9" + "ü" * (PASSWORD_MAX_LENGTH - 3) + "u"),
])
def test_long_and_unicode_passwords_work_and_are_not_truncated(app, client, session, make,
                                                               mailbox, password, almost):
    user = make.user(email="jan@example.nl")
    assert choose(client, password_link(app, mailbox, user.email), password).status_code == 302
    post_form(client, "/uitloggen", {})
    assert login(client, user.email, almost).status_code == 401
    assert login(client, user.email, password).status_code == 302
    assert check_password(stored(session, user), password)


def test_a_password_over_1000_characters_is_refused_with_a_message(app, client, session, make,
                                                                   mailbox):
    user = make.user(email="jan@example.nl")
    link = password_link(app, mailbox, user.email)
    response = choose(client, link, "A1" + "x" * (PASSWORD_MAX_LENGTH - 1))
    assert response.status_code == 400
    assert "Het wachtwoord mag maximaal 1000 tekens lang zijn." in text_of(response)
    login_try = login(client, user.email, "A1" + "x" * 5000)
    assert login_try.status_code == 400  # refused before any hashing
    assert "Het wachtwoord mag maximaal 1000 tekens lang zijn." in text_of(login_try)


# ---- throttling of logins, with a growing pause

def assert_paused(response, seconds):
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == seconds
    assert TOO_MANY in text_of(response)


def test_failed_logins_pause_longer_each_time_and_the_pause_ends(app, client, make, clock):
    make.user(email="jan@example.nl")
    for _ in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        assert login(client, "jan@example.nl", "Fout12345").status_code == 401
    response = login(client, "jan@example.nl", PASSWORD)  # even the right password
    assert_paused(response, 60)
    assert "Wacht 1 minuut" in text_of(response)
    for _ in range(10):  # hammering during the pause neither counts nor lengthens it
        assert_paused(login(client, "jan@example.nl", "Fout12345"), 60)
    clock.advance(seconds=30)
    assert_paused(login(client, "jan@example.nl", PASSWORD), 30)

    # Each further failure after a pause doubles the next one, up to 15 minutes.
    for expected in (120, 240, 480, 900, 900):
        clock.advance(seconds=31 if expected == 120 else expected // 2 + 1)
        assert login(client, "jan@example.nl", "Fout12345").status_code == 401
        assert_paused(login(client, "jan@example.nl", PASSWORD), expected)
        clock.advance(seconds=expected - 1)
        assert_paused(login(client, "jan@example.nl", PASSWORD), 1)
    assert "Wacht 1 minuut" in text_of(login(client, "jan@example.nl", PASSWORD))

    # The pause always ends by itself, and a success forgets the failures.
    clock.advance(seconds=2)
    assert login(client, "jan@example.nl", PASSWORD).status_code == 302
    post_form(client, "/uitloggen", {})
    assert login(client, "jan@example.nl", "Fout12345").status_code == 401


def test_the_pause_is_told_in_minutes(app, client, make, clock):
    app.config["THROTTLE_FIRST_WAIT_SECONDS"] = 5 * 60
    make.user(email="jan@example.nl")
    for _ in range(5):
        login(client, "jan@example.nl", "Fout12345")
    assert "Wacht 5 minuten" in text_of(login(client, "jan@example.nl", PASSWORD))
    clock.advance(seconds=4 * 60 + 1)
    assert "Wacht 1 minuut" in text_of(login(client, "jan@example.nl", PASSWORD))


def test_failed_logins_are_forgotten_after_a_day(app, client, session, make, clock):
    make.user(email="jan@example.nl")
    for _ in range(5):
        login(client, "jan@example.nl", "Fout12345")
    clock.advance(hours=24, seconds=1)
    for _ in range(4):  # a fresh allowance
        assert login(client, "jan@example.nl", "Fout12345").status_code == 401
    # The old rows are gone, not just ignored.
    assert len(session.exec(select(ThrottleEvent).where(
        ThrottleEvent.key == "login:jan@example.nl")).all()) == 4
    assert login(client, "jan@example.nl", PASSWORD).status_code == 302


def test_many_addresses_cannot_get_round_the_account_pause(app, make, clock):
    make.user(email="jan@example.nl")
    for n in range(5):  # a botnet: each failure from another address
        assert login(from_ip(app, f"198.51.100.{n}"), "jan@example.nl",
                     "Fout12345").status_code == 401
    assert login(from_ip(app, "198.51.100.99"), "jan@example.nl", PASSWORD).status_code == 429


def test_one_address_trying_many_accounts_is_paused(app, make, clock):
    make.user(email="jan@example.nl")
    attacker = from_ip(app, "203.0.113.7")
    for n in range(app.config["LOGIN_MAX_FAILURES_IP"]):  # a few tries at many accounts
        assert login(attacker, f"user{n % 4}@example.nl", "Welkom2026").status_code in (401,
                                                                                      429)
    assert_paused(login(attacker, "jan@example.nl", PASSWORD), 60)
    # Only that address waits: jan, elsewhere, logs in.
    assert login(from_ip(app, "192.0.2.1"), "jan@example.nl", PASSWORD).status_code == 302


def test_unknown_and_known_addresses_are_paused_alike(app, make, clock):
    """The pause is keyed on the address typed, so it tells nothing about who has an account."""
    make.user(email="jan@example.nl")
    answers = []
    for email in ("jan@example.nl", "niemand@example.nl"):
        browser = from_ip(app, "192.0.2." + str(len(answers) + 1))
        for _ in range(5):
            assert login(browser, email, "Fout12345").status_code == 401
        answers.append(login(browser, email, "Fout12345"))
    assert [a.status_code for a in answers] == [429, 429]
    assert answers[0].headers["Retry-After"] == answers[1].headers["Retry-After"]


def test_the_owner_ends_an_attackers_lockout_by_setting_a_new_password(app, session, make,
                                                                       mailbox, clock):
    user = make.user(email="jan@example.nl")
    attacker = from_ip(app, "203.0.113.7")
    for _ in range(5):
        login(attacker, "jan@example.nl", "Fout12345")
    for _ in range(4):  # each pause waited out, each failure doubling the next
        clock.advance(minutes=16)
        login(attacker, "jan@example.nl", "Fout12345")
    owner = from_ip(app, "192.0.2.1")
    assert_paused(login(owner, "jan@example.nl", PASSWORD), 900)

    response = choose(owner, password_link(app, mailbox, user.email), "Nieuw-wachtwoord-7")
    assert response.status_code == 302  # logged in through the link
    post_form(owner, "/uitloggen", {})
    assert login(owner, "jan@example.nl", "Nieuw-wachtwoord-7").status_code == 302
    # The attacker starts from nothing against a password they no longer know.
    assert login(attacker, "jan@example.nl", PASSWORD).status_code == 401


# ---- throttling of password-link requests

def test_password_link_requests_from_one_address_are_paused(app, make, mailbox, clock):
    app.config["RESET_MAX_PER_HOUR"] = 1  # 10 requests per IP address free
    make.user(email="jan@example.nl")
    attacker = from_ip(app, "203.0.113.7")
    for n in range(10):
        response = post_form(attacker, "/wachtwoord-instellen", {"email": f"x{n}@example.nl"})
        assert response.status_code == 302
    for email in ("jan@example.nl", "niemand@example.nl"):  # known or not: the same answer
        response = post_form(attacker, "/wachtwoord-instellen", {"email": email})
        assert response.status_code == 429 and response.headers["Retry-After"] == "60"
        assert "Te veel verzoeken. Wacht 1 minuut" in text_of(response)
        assert 'value="' + email + '"' in response.get_data(as_text=True)  # kept
    assert mailbox.deliver(app) == []
    # Another address is not held up; the attacker's pause grows after the next request.
    assert post_form(from_ip(app, "192.0.2.1"), "/wachtwoord-instellen",
                     {"email": "jan@example.nl"}).status_code == 302
    assert len(mailbox.deliver(app)) == 1
    clock.advance(seconds=61)
    assert post_form(attacker, "/wachtwoord-instellen", {"email": "y@example.nl"}).status_code \
        == 302
    assert post_form(attacker, "/wachtwoord-instellen",
                     {"email": "z@example.nl"}).headers["Retry-After"] == "120"


# ---- throttling of two-step codes

def second_step(client, code):
    return post_form(client, "/inloggen/verificatie/app", {"code": code})


def test_wrong_codes_pause_longer_each_time_and_the_pause_ends(app, client, session, make,
                                                               clock):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    login(client, "jan@example.nl")
    for _ in range(app.config["TWO_STEP_MAX_FAILURES"]):
        assert second_step(client, "000000").status_code == 401
    assert_paused(second_step(client, totp_code(secret)), 60)  # even the right code
    clock.advance(seconds=61)
    assert second_step(client, "000000").status_code == 401
    assert_paused(second_step(client, totp_code(secret)), 120)
    for _ in range(12):  # wrong codes from someone who knows the password, pause after pause
        clock.advance(seconds=app.config["THROTTLE_MAX_WAIT_SECONDS"] + 1)
        assert second_step(client, "000000").status_code == 401
    response = second_step(client, totp_code(secret))
    assert_paused(response, app.config["THROTTLE_MAX_WAIT_SECONDS"])  # capped at 15 minutes
    clock.advance(seconds=app.config["THROTTLE_MAX_WAIT_SECONDS"] + 1)
    assert second_step(client, totp_code(secret)).status_code == 302  # it ended by itself


def test_wrong_codes_from_one_address_are_paused_for_every_account(app, session, make, clock):
    app.config["TWO_STEP_MAX_FAILURES_IP"] = 6
    anna, jan = make.user(email="anna@example.nl"), make.user(email="jan@example.nl")
    with_app(session, anna)
    secret = with_app(session, jan)
    attacker = from_ip(app, "203.0.113.7")
    login(attacker, "anna@example.nl")
    for _ in range(5):
        assert second_step(attacker, "000000").status_code == 401
    login(attacker, "jan@example.nl")
    assert second_step(attacker, "000000").status_code == 401  # the 6th from this address
    assert_paused(second_step(attacker, totp_code(secret)), 60)
    # Jan himself, elsewhere, is not held up by the address (his own count is 1).
    owner = from_ip(app, "192.0.2.1")
    login(owner, "jan@example.nl")
    assert second_step(owner, totp_code(secret)).status_code == 302


def test_a_new_password_ends_a_second_step_begun_with_the_old_one(app, session, make, mailbox):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    attacker = app.test_client()
    assert login(attacker, "jan@example.nl").location == "/inloggen/verificatie/app"
    choose(app.test_client(), password_link(app, mailbox, user.email), "Nieuw-wachtwoord-7")
    # Even with a right code (a phone stolen too), the old password leads nowhere now.
    response = second_step(attacker, totp_code(secret))
    assert response.status_code == 302 and response.location == "/inloggen"
    assert attacker.get("/").status_code == 302
