"""Passkeys (issue 20), part 1: app/passkeys.py itself (options, registration, the checks of
an answer) and Mijn gegevens → 2-staps verificatie → Passkeys (adding, listing, removing),
the privacy export and erasure, and the pages without JavaScript. The answers come from
tests/passkey_helpers.SoftAuthenticator. Logging in with a passkey: test_passkeys_login.py."""
import base64
import io
import json
import zipfile
from datetime import timedelta

import pytest
from helpers import PASSWORD, count_rows, events, html_of, login, post_form, text_of
from passkey_helpers import (
    BASE,
    PASSKEYS,
    SoftAuthenticator,
    add_passkey,
    fetch_options,
    give_passkey,
    logged_in,
    options_from,
    options_in,
    passkeys_of,
    refreshed,
    send_credential,
)
from sqlalchemy import update
from sqlmodel import select
from twostep_helpers import totp_code, with_app

from app import dates, passkeys, privacy, privacy_export, twostep
from app.db import get_session
from app.models import LoginSession, Passkey, PasskeyChallenge, RecoveryCode, User, utcnow

SETUP = "/mijn-gegevens/2-staps-verificatie"
ADDED_NL = "Uw passkey “Telefoon” is toegevoegd. U kunt er voortaan mee inloggen."
NOT_VERIFIED_NL = "Uw passkey kon niet worden gecontroleerd."
EXPIRED_NL = "Dit verzoek om een passkey is verlopen. Probeer het opnieuw."


@pytest.fixture
def authenticator(app):
    """A software authenticator for the test client's address, which is then the portal's
    public address too (the relying party)."""
    app.config["PUBLIC_BASE_URL"] = BASE
    return SoftAuthenticator(origin=BASE)


def backup_code(session, user):
    """A fresh backup code of `user`, committed (to log in with it after the password)."""
    [code] = twostep.new_codes(session, refreshed(session, user), twostep.KIND_BACKUP, 1)
    session.commit()
    return code


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# ---- app/passkeys.py: options and registration

def test_registration_options_and_what_registration_stores(app, session, make, authenticator):
    user = make.user(email="jan@example.nl", name="Jan de Vries")
    first = give_passkey(app, user, authenticator, "Laptop")
    with app.test_request_context():
        db = get_session()
        me = db.get(User, user.id)
        options = json.loads(passkeys.registration_options(db, me))
        assert options["rp"]["id"] == "localhost"
        # The user id is the random handle, never the e-mail address (it is on the device).
        assert options["user"]["id"] == me.passkey_handle
        assert len(base64.urlsafe_b64decode(me.passkey_handle + "=")) == 32
        assert options["user"]["id"] != b64url(b"jan@example.nl")
        assert options["user"]["name"] == "jan@example.nl"
        assert options["user"]["displayName"] == "Jan de Vries"
        assert options["authenticatorSelection"]["residentKey"] == "required"
        assert options["authenticatorSelection"]["userVerification"] == "required"
        assert options["attestation"] == "none"
        assert [c["id"] for c in options["excludeCredentials"]] == [first]
        assert options["excludeCredentials"][0]["transports"] == ["internal"]
        assert options["timeout"] == app.config["PASSKEY_CHALLENGE_MINUTES"] * 60 * 1000
        answer = authenticator.create(options)
        passkeys.register(db, me, json.dumps(answer), "  Telefoon  ")
        db.commit()
    laptop, phone = passkeys_of(session, user)
    assert laptop.credential_id == first
    assert phone.credential_id == answer["id"] and phone.name == "Telefoon"
    assert phone.sign_count == 0 and phone.last_used_at is None
    assert phone.backup_eligible and phone.backed_up
    assert phone.transports == "internal"
    # The public key kept is the credential's own COSE key: it checks the next signature.
    assert phone.public_key and phone.public_key != laptop.public_key
    user = refreshed(session, user)
    assert user.passkey_enabled and user.two_step_enabled
    assert twostep.methods_of(user) == ["passkey", "code"]
    # The challenge was used up, in the database and in the session.
    assert count_rows(session, PasskeyChallenge, PasskeyChallenge.used_at.is_(None)) == 0


def test_a_single_device_passkey_is_stored_as_such(app, session, make, authenticator):
    user = make.user()
    authenticator.backup_eligible = authenticator.backed_up = False
    give_passkey(app, user, authenticator)
    [passkey] = passkeys_of(session, user)
    assert not passkey.backup_eligible and not passkey.backed_up


def test_authentication_options_for_the_second_step_and_for_a_login(app, session, make,
                                                                     authenticator):
    user = make.user()
    ids = [give_passkey(app, user, authenticator, name) for name in ("Telefoon", "Laptop")]
    give_passkey(app, make.user(), authenticator, "Van een ander")
    with app.test_request_context():
        db = get_session()
        me = db.get(User, user.id)
        second = json.loads(passkeys.authentication_options(db, passkeys.SECOND_STEP, me))
        assert second["rpId"] == "localhost"
        assert [c["id"] for c in second["allowCredentials"]] == ids  # only the user's
        assert second["userVerification"] == "preferred"
        confirm = json.loads(passkeys.authentication_options(db, passkeys.CONFIRM, me))
        assert [c["id"] for c in confirm["allowCredentials"]] == ids
        assert confirm["userVerification"] == "required"
        alone = json.loads(passkeys.authentication_options(db, passkeys.LOGIN))
        assert alone.get("allowCredentials", []) == []
        assert alone["userVerification"] == "required"
        assert len({second["challenge"], confirm["challenge"], alone["challenge"]}) == 3
        db.commit()
    # Each challenge is a row, kept hashed (never as given to the browser).
    rows = session.exec(select(PasskeyChallenge).order_by(PasskeyChallenge.id)).all()
    assert [r.purpose for r in rows[-3:]] == ["second-step", "confirm", "login"]
    assert [r.user_id for r in rows[-3:]] == [user.id, user.id, None]
    assert alone["challenge"] not in {r.challenge_hash for r in rows}
    assert all(r.expires_at - r.created_at == timedelta(minutes=5) for r in rows)


def checked(app, user, purpose, answer_of, authenticator, *, options_for=None):
    """Ask options for `options_for` (default `purpose`) and check the answer that
    `answer_of(options)` makes, for `purpose`, in one request context; returns the passkey or
    the PasskeyError."""
    with app.test_request_context():
        db = get_session()
        me = db.get(User, user.id) if user and purpose != passkeys.LOGIN else None
        options = json.loads(passkeys.authentication_options(db, options_for or purpose, me))
        answer = answer_of(options)
        try:
            passkey = passkeys.authenticate(db, purpose, json.dumps(answer), me)
        except passkeys.PasskeyError as error:
            db.commit()
            return error
        db.commit()
        return passkey


def test_authentication_counts_and_stamps_the_passkey(app, session, make, authenticator):
    user = make.user()
    give_passkey(app, user, authenticator)
    passkey = checked(app, None, passkeys.LOGIN, authenticator.get, authenticator)
    assert isinstance(passkey, Passkey) and passkey.user_id == user.id
    [stored] = passkeys_of(session, user)
    assert stored.sign_count == 1 and stored.last_used_at is not None
    assert checked(app, user, passkeys.SECOND_STEP, authenticator.get, authenticator).id == \
        stored.id
    assert passkeys_of(session, user)[0].sign_count == 2


def test_a_challenge_of_another_purpose_is_refused(app, session, make, authenticator):
    user = make.user()
    give_passkey(app, user, authenticator)
    error = checked(app, user, passkeys.SECOND_STEP, authenticator.get, authenticator,
                    options_for=passkeys.CONFIRM)
    assert isinstance(error, passkeys.PasskeyError) and error.problem == "expired"
    assert passkeys_of(session, user)[0].sign_count == 0


@pytest.mark.parametrize("tamper, problem", [
    ("origin", "invalid"), ("rp_id", "invalid"), ("challenge", "expired"),
    ("no_uv", "invalid"), ("same_count", "invalid"), ("eligibility", "invalid"),
    ("stranger", "unknown"),
])
def test_answers_that_do_not_pass(app, session, make, authenticator, tamper, problem):
    user = make.user()
    give_passkey(app, user, authenticator)
    stranger = SoftAuthenticator(origin=BASE)
    stranger.create({"rp": {"id": "localhost"}, "user": {"id": b64url(b"x" * 32)},
                     "challenge": b64url(b"c" * 32)})
    [cid] = authenticator.credentials
    if tamper == "same_count":  # used once (count 1) already; the device says 1 again
        session.execute(update(Passkey).where(Passkey.user_id == user.id).values(sign_count=1))
        session.commit()

    def answer(options):
        if tamper == "origin":
            authenticator.origin = "http://evil.example"
        elif tamper == "rp_id":
            return authenticator.get({**options, "rpId": "evil.example"}, credential_id=cid)
        elif tamper == "challenge":
            return authenticator.get({**options, "challenge": b64url(b"z" * 32)})
        elif tamper == "no_uv":
            authenticator.verified = False
        elif tamper == "same_count":
            return authenticator.get(options, count=1)
        elif tamper == "eligibility":
            authenticator.backup_eligible = authenticator.backed_up = False
        elif tamper == "stranger":
            return stranger.get(options)
        return authenticator.get(options)

    error = checked(app, None, passkeys.LOGIN, answer, authenticator)
    assert isinstance(error, passkeys.PasskeyError), error
    assert error.problem == problem
    [stored] = passkeys_of(session, user)
    assert stored.last_used_at is None and stored.backup_eligible
    assert stored.sign_count == (1 if tamper == "same_count" else 0)


def test_backup_state_may_change_and_is_stored(app, session, make, authenticator):
    user = make.user()
    authenticator.backed_up = False
    give_passkey(app, user, authenticator)
    assert not passkeys_of(session, user)[0].backed_up
    authenticator.backed_up = True  # synced to the user's other devices since
    assert isinstance(checked(app, None, passkeys.LOGIN, authenticator.get, authenticator),
                      Passkey)
    assert passkeys_of(session, user)[0].backed_up
    authenticator.backed_up = False
    assert isinstance(checked(app, user, passkeys.SECOND_STEP, authenticator.get,
                              authenticator), Passkey)
    assert not passkeys_of(session, user)[0].backed_up


def test_user_verification_is_needed_alone_but_not_after_the_password(app, session, make,
                                                                      authenticator):
    user = make.user()
    give_passkey(app, user, authenticator)
    authenticator.verified = False
    for purpose in (passkeys.LOGIN, passkeys.CONFIRM):
        error = checked(app, user, purpose, authenticator.get, authenticator)
        assert isinstance(error, passkeys.PasskeyError) and error.problem == "invalid"
    assert isinstance(checked(app, user, passkeys.SECOND_STEP, authenticator.get,
                              authenticator), Passkey)


@pytest.mark.parametrize("tamper", ["origin", "rp_id", "no_uv", "challenge", "twice"])
def test_registrations_that_do_not_pass_keep_nothing(app, session, make, authenticator,
                                                     tamper):
    user = make.user()
    with app.test_request_context():
        db = get_session()
        me = db.get(User, user.id)
        options = json.loads(passkeys.registration_options(db, me))
        if tamper == "origin":
            authenticator.origin = "https://localhost.evil.example"
        elif tamper == "rp_id":
            options["rp"]["id"] = "evil.example"
        elif tamper == "no_uv":
            authenticator.verified = False
        elif tamper == "challenge":
            options["challenge"] = b64url(b"z" * 32)
        answer = json.dumps(authenticator.create(options))
        if tamper == "twice":
            passkeys.register(db, me, answer, "Telefoon")
            db.commit()
            passkeys.registration_options(db, me)  # a fresh challenge, the same answer
        with pytest.raises(passkeys.PasskeyError) as error:
            passkeys.register(db, me, answer, "Telefoon")
        db.commit()
    assert error.value.problem == "invalid"
    assert len(passkeys_of(session, user)) == (1 if tamper == "twice" else 0)
    assert refreshed(session, user).passkey_enabled == (tamper == "twice")


# ---- Mijn gegevens: adding a passkey

def test_adding_the_first_passkey_shows_the_backup_codes(app, client, session, make, mailbox,
                                                         authenticator):
    user = make.user(email="jan@example.nl")
    other = app.test_client()
    login(other, "jan@example.nl")
    login(client, "jan@example.nl")
    assert logged_in(other)
    overview = client.get(PASSKEYS)
    assert overview.status_code == 200
    assert "U heeft nog geen passkeys." in text_of(overview)
    assert 'name="name"' in html_of(overview) and 'name="password"' in html_of(overview)

    # Step 1: the name and the password; the page then holds the options for the browser.
    page = post_form(client, PASSKEYS, {"name": "Telefoon", "password": PASSWORD})
    assert page.status_code == 200
    assert "Passkey maken" in text_of(page)
    assert 'data-passkey="create"' in html_of(page)
    assert 'name="name" value="Telefoon"' in html_of(page)
    assert options_in(html_of(page))["user"]["id"] == refreshed(session, user).passkey_handle
    assert passkeys_of(session, user) == []

    # Step 2: the browser's answer.
    answer = authenticator.create(options_in(html_of(page)))
    done = send_credential(client, PASSKEYS + "/nieuw", answer, name="Telefoon")
    assert done.status_code == 200
    assert ADDED_NL in text_of(done)
    assert "Uw back-upcodes" in text_of(done)
    assert twostep.count_codes(session, refreshed(session, user), "backup") == 10
    [passkey] = passkeys_of(session, user)
    assert passkey.name == "Telefoon" and passkey.credential_id == answer["id"]
    assert refreshed(session, user).passkey_enabled

    # Like any two-step change: other sessions end, a mail, an audit event.
    assert logged_in(client) and not logged_in(other)
    assert count_rows(session, LoginSession, LoginSession.user_id == user.id) == 1
    [mail] = mailbox.deliver(app)
    assert mail["Subject"] == "De beveiligingsinstellingen van uw account zijn gewijzigd"
    assert "Aan uw account is een passkey toegevoegd." in mail.get_body(("plain",)).get_content()
    [event] = events(session, "two_step.passkey_added")
    assert event.detail["passkey"] == "Telefoon"
    assert (event.actor_id, event.target_id) == (user.id, user.id)

    # The list: its name, when it was added, and that it has not been used yet.
    with app.test_request_context():
        added = dates.format_datetime(passkey.created_at)
    assert " om " in added
    assert f"Telefoon {added} Nog niet gebruikt Verwijderen" in text_of(client.get(PASSKEYS))
    assert "Aan: 1 passkey" in text_of(client.get(SETUP))


def test_a_second_passkey_keeps_the_codes_and_goes_back_to_the_list(app, client, session,
                                                                    make, authenticator):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    add_passkey(client, authenticator)
    codes = session.exec(select(RecoveryCode.code_hash)).all()
    response = add_passkey(client, SoftAuthenticator(origin=BASE), "Laptop op het werk")
    assert response.status_code == 302 and response.location == PASSKEYS
    page = client.get(PASSKEYS)
    assert ("Uw passkey “Laptop op het werk” is toegevoegd. U kunt er voortaan mee inloggen."
            in text_of(page))
    assert "Uw back-upcodes" not in text_of(page)
    assert "Telefoon" in text_of(page) and "Laptop op het werk" in text_of(page)
    assert sorted(session.exec(select(RecoveryCode.code_hash)).all()) == sorted(codes)
    assert [p.name for p in passkeys_of(session, user)] == ["Telefoon", "Laptop op het werk"]
    assert "Aan: 2 passkeys" in text_of(client.get(SETUP))
    # The options of the next one exclude both.
    page = post_form(client, PASSKEYS, {"name": "Sleutel", "password": PASSWORD})
    assert {c["id"] for c in options_in(html_of(page))["excludeCredentials"]} == {
        p.credential_id for p in passkeys_of(session, user)}


def test_adding_asks_the_password_and_a_name(app, client, session, make, authenticator):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    wrong = post_form(client, PASSKEYS, {"name": "Telefoon", "password": "Fout12345"})
    assert wrong.status_code == 400
    assert "Het wachtwoord is onjuist." in text_of(wrong)
    assert 'value="Telefoon"' in html_of(wrong)  # the name typed is kept
    assert "data-options" not in html_of(wrong)
    nameless = post_form(client, PASSKEYS, {"name": "  ", "password": PASSWORD})
    assert nameless.status_code == 400 and "Geef de passkey een naam." in text_of(nameless)
    long = post_form(client, PASSKEYS, {"name": "x" * 101, "password": PASSWORD})
    assert long.status_code == 400
    assert "De naam mag hoogstens 100 tekens lang zijn." in text_of(long)
    assert count_rows(session, PasskeyChallenge) == 0
    assert passkeys_of(session, user) == [] and not refreshed(session, user).passkey_enabled


def test_adding_in_english(app, client, session, make, authenticator):
    make.user(email="sophie@example.nl", language="en")
    login(client, "sophie@example.nl")
    wrong = post_form(client, PASSKEYS, {"name": "", "password": PASSWORD})
    assert "Give the passkey a name." in text_of(wrong)
    page = post_form(client, PASSKEYS, {"name": "Phone", "password": PASSWORD})
    assert "Make the passkey" in text_of(page)
    done = send_credential(client, PASSKEYS + "/nieuw",
                           authenticator.create(options_in(html_of(page))), name="Phone")
    assert "Your passkey “Phone” has been added. From now on you can log in with it." in text_of(
        done)


NOT_USED_NL = "Uw passkey is niet gebruikt. Probeer het opnieuw, of gebruik een andere manier."


@pytest.mark.parametrize("credential, message", [
    ("", NOT_USED_NL),
    ("geen json", NOT_VERIFIED_NL),
    ("[1, 2]", NOT_VERIFIED_NL),
    ('{"id": 5}', NOT_VERIFIED_NL),
    (json.dumps({"id": "abc", "response": {}}), NOT_VERIFIED_NL),
    (json.dumps({"id": "abc", "rawId": "abc", "type": "public-key", "response": {
        "clientDataJSON": "!!!", "attestationObject": "AAAA"}}), NOT_VERIFIED_NL),
    ("x" * 20_001, "Er is een probleem"),  # (the field's length: WTForms' own words)
])
def test_a_bad_answer_when_adding_is_refused_with_the_name_kept(app, client, session, make,
                                                                authenticator, credential,
                                                                message):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    post_form(client, PASSKEYS, {"name": "Telefoon", "password": PASSWORD})
    response = send_credential(client, PASSKEYS + "/nieuw", credential, name="Telefoon")
    assert response.status_code == 400
    assert 'value="Telefoon"' in html_of(response)
    assert message in text_of(response)
    assert passkeys_of(session, user) == [] and not refreshed(session, user).passkey_enabled
    assert count_rows(session, RecoveryCode) == 0


def test_an_answer_to_an_expired_or_used_challenge_adds_nothing(app, client, session, make,
                                                                authenticator):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    page = post_form(client, PASSKEYS, {"name": "Telefoon", "password": PASSWORD})
    answer = authenticator.create(options_in(html_of(page)))
    session.execute(update(PasskeyChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    late = send_credential(client, PASSKEYS + "/nieuw", answer, name="Telefoon")
    assert late.status_code == 400 and EXPIRED_NL in text_of(late)
    # Used up all the same: the same answer again is refused too.
    again = send_credential(client, PASSKEYS + "/nieuw", answer, name="Telefoon")
    assert again.status_code == 400 and EXPIRED_NL in text_of(again)
    assert passkeys_of(session, user) == []


def test_adding_needs_the_public_address(app, client, make):
    app.config["PUBLIC_BASE_URL"] = "http://portal.test"
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    page = client.get(PASSKEYS)
    assert ("Passkeys werken alleen op het adres http://portal.test van het portaal."
            in text_of(page))
    assert 'name="password"' not in html_of(page)


# ---- removing a passkey

def test_removing_with_the_password(app, client, session, make, mailbox, authenticator):
    user = make.user(email="jan@example.nl")
    with_app(session, user)
    give_passkey(app, user, authenticator)
    give_passkey(app, user, SoftAuthenticator(origin=BASE), "Laptop")
    first, second = passkeys_of(session, user)
    login(client, "jan@example.nl")
    post_form(client, "/inloggen/verificatie/code", {"code": backup_code(session, user)})
    assert logged_in(client)
    other = app.test_client()
    login(other, "jan@example.nl")
    post_form(other, "/inloggen/verificatie/app", {"code": totp_code(user.totp_secret)})
    assert logged_in(other)
    mailbox.deliver(app)

    page = client.get(f"{PASSKEYS}/{first.id}/verwijderen")
    assert page.status_code == 200 and "Passkey “Telefoon” verwijderen" in text_of(page)
    wrong = post_form(client, f"{PASSKEYS}/{first.id}/verwijderen", {"password": "Fout12345"})
    assert wrong.status_code == 400 and "Het wachtwoord is onjuist." in text_of(wrong)
    assert len(passkeys_of(session, user)) == 2
    response = post_form(client, f"{PASSKEYS}/{first.id}/verwijderen", {"password": PASSWORD})
    assert response.status_code == 302 and response.location == PASSKEYS
    assert "De passkey “Telefoon” is verwijderd." in text_of(client.get(PASSKEYS))
    assert [p.id for p in passkeys_of(session, user)] == [second.id]
    assert refreshed(session, user).passkey_enabled
    assert logged_in(client) and not logged_in(other)
    [mail] = mailbox.deliver(app)
    assert "Van uw account is een passkey verwijderd." in mail.get_body(
        ("plain",)).get_content()
    [event] = events(session, "two_step.passkey_removed")
    assert event.detail["passkey"] == "Telefoon" and event.target_id == user.id


def test_removing_with_a_passkey(app, client, session, make, authenticator):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    add_passkey(client, authenticator)
    add_passkey(client, SoftAuthenticator(origin=BASE), "Laptop")
    phone, laptop = passkeys_of(session, user)
    url = f"{PASSKEYS}/{laptop.id}/verwijderen"
    page = client.get(url)
    assert 'data-options-url="/mijn-gegevens/2-staps-verificatie/passkeys/bevestigen"' in \
        html_of(page)
    options = options_from(client, PASSKEYS + "/bevestigen")
    assert {c["id"] for c in options["allowCredentials"]} == {phone.credential_id,
                                                              laptop.credential_id}
    assert options["userVerification"] == "required"
    # Confirmed with the other passkey (the phone), which is then used once.
    response = send_credential(client, url, authenticator.get(options))
    assert response.status_code == 302 and response.location == PASSKEYS
    [left] = passkeys_of(session, user)
    assert left.id == phone.id and left.sign_count == 1
    # A confirmation that does not verify removes nothing.
    url = f"{PASSKEYS}/{phone.id}/verwijderen"
    options = options_from(client, PASSKEYS + "/bevestigen")
    authenticator.verified = False
    refused = send_credential(client, url, authenticator.get(options))
    assert refused.status_code == 400 and NOT_VERIFIED_NL in text_of(refused)
    # Its challenge is used up: a good answer to it now is refused as well.
    authenticator.verified = True
    replayed = send_credential(client, url, authenticator.get(options))
    assert replayed.status_code == 400 and EXPIRED_NL in text_of(replayed)
    assert [p.id for p in passkeys_of(session, user)] == [phone.id]


def test_removing_the_last_method_of_a_client_turns_two_step_off(app, client, session, make,
                                                                 authenticator):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    add_passkey(client, authenticator)
    assert count_rows(session, RecoveryCode) == 10
    [passkey] = passkeys_of(session, user)
    page = client.get(f"{PASSKEYS}/{passkey.id}/verwijderen")
    assert "Dit is uw enige methode" in text_of(page)
    response = post_form(client, f"{PASSKEYS}/{passkey.id}/verwijderen", {"password": PASSWORD})
    assert response.status_code == 302
    user = refreshed(session, user)
    assert not user.passkey_enabled and not user.two_step_enabled
    assert passkeys_of(session, user) == [] and count_rows(session, RecoveryCode) == 0
    post_form(client, "/uitloggen", {})
    assert login(client, "jan@example.nl").location == "/"  # the password alone again


def test_staff_cannot_remove_their_last_method(app, client, session, make, authenticator):
    staff = make.staff(email="mr@kantoor.nl")
    login(client, "mr@kantoor.nl")  # no two-step yet: only Mijn gegevens opens
    add_passkey(client, authenticator)
    assert client.get("/kantoor/").status_code == 200  # a passkey meets the duty
    [passkey] = passkeys_of(session, staff)
    url = f"{PASSKEYS}/{passkey.id}/verwijderen"
    for response in (client.get(url), post_form(client, url, {"password": PASSWORD})):
        assert response.status_code == 302 and response.location == PASSKEYS
    assert ("Medewerkers gebruiken altijd 2-staps verificatie. Stel eerst een andere methode "
            "in als u deze passkey wilt verwijderen." in text_of(client.get(PASSKEYS)))
    assert len(passkeys_of(session, staff)) == 1 and refreshed(session, staff).passkey_enabled
    # With another method it may go.
    with_app(session, refreshed(session, staff))
    assert post_form(client, url, {"password": PASSWORD}).location == PASSKEYS
    assert passkeys_of(session, staff) == []


def test_another_users_passkey_is_not_found(app, client, session, make, authenticator):
    jan = make.user(email="jan@example.nl")
    give_passkey(app, jan, authenticator)
    [passkey] = passkeys_of(session, jan)
    make.user(email="piet@example.nl")
    login(client, "piet@example.nl")
    url = f"{PASSKEYS}/{passkey.id}/verwijderen"
    assert client.get(url).status_code == 404
    assert post_form(client, url, {"password": PASSWORD}).status_code == 404
    assert fetch_options(client, PASSKEYS + "/bevestigen").status_code == 404  # Piet has none
    assert len(passkeys_of(session, jan)) == 1


def test_anonymous_visitors_go_to_the_login_page(app, client, session, make, authenticator):
    jan = make.user(email="jan@example.nl")
    give_passkey(app, jan, authenticator)
    [passkey] = passkeys_of(session, jan)
    for url in (PASSKEYS, f"{PASSKEYS}/{passkey.id}/verwijderen"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/inloggen")
    for url in (PASSKEYS + "/nieuw", PASSKEYS + "/bevestigen",
                f"{PASSKEYS}/{passkey.id}/verwijderen"):
        response = post_form(client, url, {"password": PASSWORD, "name": "x",
                                           "credential": "{}"})
        assert response.status_code == 302 and response.location.startswith("/inloggen")
    assert len(passkeys_of(session, jan)) == 1


# ---- privacy

def test_the_export_lists_the_passkeys(app, session, make, authenticator):
    jan = make.user(email="jan@example.nl")
    give_passkey(app, jan, authenticator, "Telefoon")
    checked(app, None, passkeys.LOGIN, authenticator.get, authenticator)
    with app.test_request_context():
        out, _counts = privacy_export.export_client(session, refreshed(session, jan))
    with out:
        archive = zipfile.ZipFile(io.BytesIO(out.read()))
    account = json.loads(archive.read("client.json"))
    [listed] = account["two_step"]["passkeys"]
    assert listed["name"] == "Telefoon"
    assert listed["added_at"] and listed["last_used_at"]
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8", "replace")
    [passkey] = passkeys_of(session, jan)
    assert passkey.credential_id not in everything  # the passkey's name and dates only


def test_erasing_a_client_removes_the_passkeys_and_challenges(app, session, make,
                                                              authenticator):
    admin = make.staff(role="admin", email="admin@kantoor.nl")
    jan = make.user(email="jan@example.nl")
    piet = make.user(email="piet@example.nl")
    give_passkey(app, jan, authenticator)
    give_passkey(app, piet, SoftAuthenticator(origin=BASE))
    with app.test_request_context():  # a challenge of Jan's waiting for an answer
        db = get_session()
        passkeys.authentication_options(db, passkeys.SECOND_STEP, db.get(User, jan.id))
        db.commit()
    assert count_rows(session, PasskeyChallenge, PasskeyChallenge.user_id == jan.id) == 2
    with app.app_context():
        privacy.erase_client(session, admin, refreshed(session, jan))
    jan = refreshed(session, jan)
    assert passkeys_of(session, jan) == []
    assert count_rows(session, PasskeyChallenge, PasskeyChallenge.user_id == jan.id) == 0
    assert not jan.passkey_enabled and jan.passkey_handle is None
    assert len(passkeys_of(session, piet)) == 1  # others keep theirs


# ---- without JavaScript

def test_passkey_pages_say_that_passkeys_need_javascript(app, client, session, make,
                                                         authenticator):
    nl = "Voor passkeys is JavaScript nodig, en dat staat in deze browser uit."
    en = "Passkeys need JavaScript, which is off in this browser. Use another way."
    assert f"<noscript><p class=\"hint\">{nl}" in html_of(client.get("/inloggen"))
    user = make.user(email="jan@example.nl")
    give_passkey(app, user, authenticator)
    [passkey] = passkeys_of(session, user)
    login(client, "jan@example.nl")
    assert nl in html_of(client.get("/inloggen/verificatie/passkey"))
    assert "<noscript>" in html_of(client.get("/inloggen/verificatie/passkey"))
    post_form(client, "/inloggen/verificatie/code", {"code": backup_code(session, user)})
    assert logged_in(client)
    assert ("Voor het toevoegen van een passkey is JavaScript nodig"
            in html_of(client.get(PASSKEYS)))
    create = post_form(client, PASSKEYS, {"name": "Laptop", "password": PASSWORD})
    assert nl in html_of(create)
    assert nl in html_of(client.get(f"{PASSKEYS}/{passkey.id}/verwijderen"))
    # The script is a static file: no inline script on these pages.
    for page in (create, client.get(f"{PASSKEYS}/{passkey.id}/verwijderen")):
        assert '<script src="/static/js/passkeys.js' in html_of(page)
        assert "<script>" not in html_of(page)
    post_form(client, "/uitloggen", {})
    post_form(client, "/taal", {"lang": "en"})
    assert en in html_of(client.get("/inloggen"))
