"""Issue 14, points 2, 9 and 18 (phone): SMS abuse through someone else's number, the
password before every two-step set-up, a fresh authenticator secret per set-up kept with
that login only, and phone numbers with an extension refused. All through HTTP."""
import re
from datetime import timedelta

import pytest
from helpers import PASSWORD, login, post_form, text_of
from sqlmodel import select
from twostep_helpers import (
    last_sms_code,
    secret_on,
    sms_sent,
    start_app_setup,
    totp_code,
    with_app,
    with_sms,
)

from app.models import FirmSettings, RecoveryCode, ThrottleEvent, User, utcnow

SETUP = "/mijn-gegevens/2-staps-verificatie"
OWNER_PHONE = "+31612345678"


def to(app, number):
    """How many SMS went to `number`."""
    return sum(1 for receiver, _text in sms_sent(app) if receiver == number)


def age_throttle_events(session, hours):
    """Make every SMS counted so far `hours` old (the hourly caps forget them)."""
    for event in session.exec(select(ThrottleEvent)):
        event.at = utcnow() - timedelta(hours=hours)
    session.commit()


def logged_in_client(app, email):
    client = app.test_client()
    login(client, email)
    return client


# ---- point 2: a stranger's set-up never locks the owner out

def test_a_strangers_setups_never_block_the_owners_login_code(app, session, make):
    owner = make.staff(email="mr@kantoor.nl")
    with_sms(session, owner, OWNER_PHONE)
    make.user(email="vreemde@example.nl")
    stranger = logged_in_client(app, "vreemde@example.nl")
    # The stranger types the owner's number in their own set-up until refused, and asks
    # for new codes on top.
    for _ in range(app.config["SMS_MAX_PER_NUMBER_PER_HOUR"] + 2):
        post_form(stranger, SETUP + "/sms", {"phone": "06 12345678", "password": PASSWORD})
        post_form(stranger, SETUP + "/sms/opnieuw", {})
    refused = post_form(stranger, SETUP + "/sms", {"phone": "06 12345678",
                                                    "password": PASSWORD})
    assert refused.status_code == 429
    sent_by_stranger = to(app, OWNER_PHONE)
    assert sent_by_stranger == app.config["SMS_MAX_PER_NUMBER_PER_HOUR"]

    # The owner still gets a login code, and logs in with it.
    owner_client = app.test_client()
    response = login(owner_client, "mr@kantoor.nl")
    assert response.location == "/inloggen/verificatie/sms"
    page = text_of(owner_client.get(response.location))
    assert "te veel sms-berichten" not in page
    assert to(app, OWNER_PHONE) == sent_by_stranger + 1
    done = post_form(owner_client, "/inloggen/verificatie/sms", {"code": last_sms_code(app)})
    assert done.status_code == 302 and owner_client.get("/kantoor/").status_code == 200


def test_daily_caps_per_account_and_per_number(app, session, make):
    app.config.update(SMS_MAX_PER_USER_PER_HOUR=2, SMS_MAX_PER_USER_PER_DAY=3,
                      SMS_MAX_PER_NUMBER_PER_HOUR=2, SMS_MAX_PER_NUMBER_PER_DAY=3)
    make.user(email="jan@example.nl")
    jan = logged_in_client(app, "jan@example.nl")
    numbers = ["0611111111", "0622222222", "0633333333", "0644444444"]
    for number in numbers[:2]:
        assert post_form(jan, SETUP + "/sms", {"phone": number, "password": PASSWORD}
                         ).status_code == 302
    age_throttle_events(session, 2)  # past the hourly cap, within the day
    assert post_form(jan, SETUP + "/sms", {"phone": numbers[2], "password": PASSWORD}
                     ).status_code == 302
    age_throttle_events(session, 2)
    refused = post_form(jan, SETUP + "/sms", {"phone": numbers[3], "password": PASSWORD})
    assert refused.status_code == 429
    assert "Er zijn vandaag te veel sms-berichten naar u of naar dit nummer gestuurd." in \
        text_of(refused)
    assert len(sms_sent(app)) == 3

    # Per number: three other accounts, one number, over more than an hour.
    for n in range(4):
        make.user(email=f"klant{n}@example.nl")
    others = [logged_in_client(app, f"klant{n}@example.nl") for n in range(4)]
    same = {"phone": "0655555555", "password": PASSWORD}
    for n, client in enumerate(others[:3]):
        assert post_form(client, SETUP + "/sms", same).status_code == 302
        if n == 1:
            age_throttle_events(session, 2)
    age_throttle_events(session, 2)
    refused = post_form(others[3], SETUP + "/sms", same)
    assert refused.status_code == 429 and "vandaag" in text_of(refused)
    assert to(app, "+31655555555") == 3


def test_login_codes_have_their_own_daily_cap(app, session, make):
    app.config.update(SMS_MAX_PER_USER_PER_HOUR=2, SMS_MAX_PER_USER_PER_DAY=3)
    user = make.user(email="jan@example.nl")
    with_sms(session, user)
    client = app.test_client()
    login(client, "jan@example.nl")
    post_form(client, "/inloggen/verificatie/sms/versturen", {})
    age_throttle_events(session, 2)
    post_form(client, "/inloggen/verificatie/sms/versturen", {})
    age_throttle_events(session, 2)
    response = post_form(client, "/inloggen/verificatie/sms/versturen", {})
    assert "Er zijn vandaag te veel sms-berichten gestuurd." in text_of(
        client.get(response.location))
    assert len(sms_sent(app)) == 3


# ---- point 2: the password before any set-up

def test_sms_setup_asks_for_the_password_first(app, client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    assert 'name="password"' in client.get(SETUP + "/sms").get_data(as_text=True)
    missing = post_form(client, SETUP + "/sms", {"phone": "0612345678"})
    assert missing.status_code == 400 and "Vul uw wachtwoord in." in text_of(missing)
    wrong = post_form(client, SETUP + "/sms", {"phone": "0612345678", "password": "Fout1234"})
    assert wrong.status_code == 400 and "Het wachtwoord is onjuist." in text_of(wrong)
    assert 'value="0612345678"' in wrong.get_data(as_text=True)  # what was typed is kept
    assert sms_sent(app) == []
    ok = post_form(client, SETUP + "/sms", {"phone": "0612345678", "password": PASSWORD})
    assert ok.status_code == 302 and len(sms_sent(app)) == 1
    assert not session.get(User, user.id).sms_enabled


def test_app_setup_asks_for_the_password_first(client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    page = client.get(SETUP + "/app")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="password"' in html
    assert 'class="qr"' not in html and 'id="totp-secret"' not in html
    session.expire_all()
    assert session.get(User, user.id).totp_secret is None
    # A code alone (for whatever secret) turns nothing on.
    refused = post_form(client, SETUP + "/app", {"code": "123456"})
    assert refused.status_code == 400
    wrong = post_form(client, SETUP + "/app", {"password": "Fout1234"})
    assert wrong.status_code == 400 and "Het wachtwoord is onjuist." in text_of(wrong)
    assert 'id="totp-secret"' not in wrong.get_data(as_text=True)
    session.expire_all()
    assert not session.get(User, user.id).totp_enabled


def test_new_backup_codes_ask_for_the_password_first(client, session, make):
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    login(client, "jan@example.nl")
    post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    page = client.get(SETUP + "/back-upcodes")
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    replaces = re.search(r'name="replaces" value="([0-9a-f]+)"',
                         page.get_data(as_text=True))[1]
    for data in ({"replaces": replaces}, {"replaces": replaces, "password": "Fout1234"}):
        refused = post_form(client, SETUP + "/back-upcodes", data)
        assert refused.status_code == 400
        assert not re.search(r"<li><code>[A-Z2-9-]+</code></li>", refused.get_data(as_text=True))
    assert session.exec(select(RecoveryCode)).all() == []
    made = post_form(client, SETUP + "/back-upcodes", {"replaces": replaces,
                                                        "password": PASSWORD})
    assert made.status_code == 200 and "Uw back-upcodes" in text_of(made)
    assert len(session.exec(select(RecoveryCode)).all()) == 10


# ---- point 2: countries

def test_numbers_outside_the_allowed_countries_are_refused(app, client, session, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    uk = post_form(client, SETUP + "/sms", {"phone": "+44 7400 123456", "password": PASSWORD})
    assert uk.status_code == 400
    assert ("Wij kunnen geen sms-berichten sturen naar mobiele nummers uit dit land "
            "(Verenigd Koninkrijk).") in text_of(uk)
    assert 'value="+44 7400 123456"' in uk.get_data(as_text=True)
    assert sms_sent(app) == []
    # EU/EEA numbers are fine by default.
    for number in ("+32 470 12 34 56", "+47 412 34 567"):
        assert post_form(client, SETUP + "/sms", {"phone": number, "password": PASSWORD}
                         ).status_code == 302
    assert len(sms_sent(app)) == 2


def test_admin_sets_the_countries_under_instellingen(app, client, session, make):
    admin = make.staff(role="admin", email="admin@kantoor.nl")
    secret = with_app(session, admin)
    login(client, "admin@kantoor.nl")
    post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    page = client.get("/kantoor/instellingen")
    assert "Landen voor codes per sms" in text_of(page)
    assert re.search(r">\s*NL AT BE", page.get_data(as_text=True))  # the default list is shown
    form = {"name": "Kantoor Test", "mail_sender": "portaal@kantoor.nl", "max_file_mb": "20",
            "max_message_mb": "60"}
    bad = post_form(client, "/kantoor/instellingen", {**form, "sms_countries": "NL XX"})
    assert bad.status_code == 400 and "Geen landcode: XX." in text_of(bad)
    ok = post_form(client, "/kantoor/instellingen", {**form, "sms_countries": "nl, gb"})
    assert ok.status_code == 302
    session.expire_all()
    assert session.get(FirmSettings, 1).sms_countries == "NL GB"

    make.user(email="jan@example.nl")
    jan = logged_in_client(app, "jan@example.nl")
    assert post_form(jan, SETUP + "/sms", {"phone": "+44 7400 123456", "password": PASSWORD}
                     ).status_code == 302
    refused = post_form(jan, SETUP + "/sms", {"phone": "+32 470 12 34 56",
                                              "password": PASSWORD})
    assert refused.status_code == 400 and "België" in text_of(refused)


# ---- point 9: a fresh secret per set-up, kept with that login only

def test_each_setup_has_its_own_secret_that_no_other_session_sees(app, session, make):
    user = make.user(email="jan@example.nl")
    intruder = logged_in_client(app, "jan@example.nl")  # someone at the desk for a moment
    seeded = start_app_setup(intruder)
    owner = logged_in_client(app, "jan@example.nl")
    secret = start_app_setup(owner)
    assert secret != seeded
    assert secret_on(owner.get(SETUP + "/app")) == secret  # kept while this set-up lasts
    assert secret_on(intruder.get(SETUP + "/app")) == seeded
    # Giving the password again starts a new set-up with a new secret.
    again = start_app_setup(intruder)
    assert again not in (seeded, secret)
    # The intruder's code does not confirm the owner's set-up.
    refused = post_form(owner, SETUP + "/app", {"code": totp_code(seeded)})
    assert refused.status_code == 400
    session.expire_all()
    assert not session.get(User, user.id).totp_enabled
    assert post_form(owner, SETUP + "/app", {"code": totp_code(secret)}).status_code == 200
    session.expire_all()
    assert session.get(User, user.id).totp_secret == secret
    assert session.get(User, user.id).totp_enabled


# ---- point 18: a phone number with an extension is refused, not cut short

@pytest.mark.parametrize("typed", ["0612345678 ext 12", "0612345678 x12",
                                   "0612345678;ext=12", "+31 6 12345678 ext. 12"])
def test_sms_number_with_an_extension_is_refused(app, client, make, typed):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    response = post_form(client, SETUP + "/sms", {"phone": typed, "password": PASSWORD})
    assert response.status_code == 400
    assert "Vul het nummer in zonder toestelnummer" in text_of(response)
    assert f'value="{typed}"' in response.get_data(as_text=True)
    assert sms_sent(app) == []


def test_client_phone_with_an_extension_is_refused(client, session, make):
    lawyer = make.staff(role="lawyer", email="mr@kantoor.nl")
    secret = with_app(session, lawyer)
    login(client, "mr@kantoor.nl")
    post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    response = post_form(client, "/kantoor/clienten/nieuw", {
        "name": "Sophie Smit", "email": "sophie@example.com", "language": "nl",
        "phone": "020 1234567 x12"})
    assert response.status_code == 400
    assert "Vul het nummer in zonder toestelnummer" in text_of(response)
    assert session.exec(select(User).where(User.email == "sophie@example.com")).first() is None


def test_questionnaire_phone_with_an_extension_is_refused():
    from app.phone import NO_EXTENSION
    from app.questionnaires.validation import clean
    question = {"id": "t", "type": "phone", "label": "Telefoon"}
    assert clean(question, "06 12345678") == ("+31 6 12345678", None)
    assert clean(question, "06 12345678 ext 12") == ("06 12345678 ext 12", NO_EXTENSION)
