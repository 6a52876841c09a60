"""Passkeys (issue 20) walked in Chromium, in Dutch and in English, with the browser's virtual
authenticator (the DevTools protocol's WebAuthn domain): a client adds one under Mijn gegevens
and logs in with it as the second step and without a password, then removes it; an
authenticator that never registered, a replayed answer and a dialog that ends without a
passkey are refused; the login page's autofill logs in and does not spoil the button; a staff
member meets the two-step duty with one; and the axe audit of the new pages. The pages are
opened at http://localhost:<port> (also PUBLIC_BASE_URL): browsers refuse an IP address as the
relying party."""
import base64
import os
import re
from urllib.parse import parse_qs

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from helpers import PASSWORD, events, labels_of_other_language
from passkey_helpers import SoftAuthenticator, give_passkey
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import totp_code, with_app

from app import approvals, twostep
from app.db import get_session
from app.models import CAT_DOCUMENT, ApprovalDecision, Passkey, User
from browser.a11y import Audit, speak
from browser.helpers import (
    LOGGED_IN,
    OWN_NAMES,
    heading,
    labels,
    log_in,
    speaks,
    staff_log_in,
)
from browser.layout_helpers import DESKTOP, PHONE, check_pages, device_pages

TEXTS = labels("passkeys")
LOGIN_POST = re.compile(r"/inloggen/passkey$")
OPTIONS = "**/inloggen/passkey/opties"
# In Chromium's virtual environment a waiting autofill request (conditional mediation) gets
# a passkey as soon as the login page asks, as if the person picked it from the list at
# once: the walks of the buttons switch the autofill off (the page then offers the button
# only, as in a browser without it); test_the_autofill_of_the_login_page keeps it.
NO_AUTOFILL = """if (window.PublicKeyCredential) {
  PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
}"""


@pytest.fixture
def autofill_page(localhost_page, localhost, lang):
    """The page at localhost, speaking `lang` before login too; it fails the test on any
    error the page logs."""
    speak(localhost_page, localhost, lang)
    errors = []

    def on_console(message):
        # A refused form or passkey answers 400 or 401 with its page: Chromium logs that
        # as a failed load.
        if message.type == "error" and not re.search(r"status of 40[01]\b", message.text):
            errors.append(f"{localhost_page.url}: {message.text}")

    localhost_page.on("console", on_console)
    yield localhost_page
    assert errors == []


@pytest.fixture
def page(autofill_page):
    """As autofill_page, without the autofill of the login page."""
    autofill_page.add_init_script(NO_AUTOFILL)
    return autofill_page


@pytest.fixture
def t(lang):
    return TEXTS[lang]


class Authenticator:
    """A virtual platform authenticator holding discoverable passkeys, as a phone or a laptop
    has; the browser uses it without a dialog of its own, and it confirms at once."""

    def __init__(self, page, user_verified=True):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable")
        self.id = self.cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
            "hasUserVerification": True, "isUserVerified": user_verified,
            "automaticPresenceSimulation": True}})["authenticatorId"]

    def send(self, method, **params):
        return self.cdp.send(f"WebAuthn.{method}", {"authenticatorId": self.id, **params})

    def held(self):
        """The passkeys it holds."""
        return self.send("getCredentials")["credentials"]

    def remove(self):
        self.send("removeVirtualAuthenticator")


def speaks_only(page, lang):
    """No phrase of the other language shows ("Log in" is Dutch too: "Log in met ...")."""
    speaks(page, lang, [p for p in labels_of_other_language(lang)
                        if p not in OWN_NAMES and p != "Log in"])


def add_passkey(page, t, name="Laptop"):
    """From the overview of two-step verification: Passkeys → a name and the password →
    the browser makes the passkey (on the virtual authenticator)."""
    page.get_by_role("link", name=t["add"]).click()
    expect(heading(page)).to_have_text(t["passkeys"])
    speaks_only(page, t["lang"])
    page.get_by_label(t["passkey_name"]).fill(name)
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["continue"]).click()
    expect(heading(page)).to_have_text(t["add"])
    expect(page.locator("main")).to_contain_text(f"“{name}”")
    speaks_only(page, t["lang"])
    page.get_by_role("button", name=t["make"]).click()


def client_with_passkey(page, make, t):
    """A client who added a passkey (the backup codes shown), logged out."""
    user = make.user(email="jan@example.nl", language=t["lang"])
    log_in(page, user)
    page.goto("/mijn-gegevens/2-staps-verificatie")
    add_passkey(page, t)
    expect(heading(page)).to_have_text(t["backup_heading"])
    log_out(page)
    return user


def log_out(page):
    page.get_by_role("button", name=LOGGED_IN).click()
    expect(page).to_have_url(re.compile(r"/inloggen$"))


def logged_in(page, url):
    expect(page).to_have_url(url)
    expect(page.get_by_role("button", name=LOGGED_IN)).to_be_visible()


def test_client_adds_uses_and_removes_a_passkey(page, localhost, session, make, t):
    lang = t["lang"]
    user = make.user(email="jan@example.nl", language=lang)
    device = Authenticator(page)

    # Mijn gegevens → 2-staps verificatie → Passkeys: the first method ends on the backup
    # codes, as every first set-up does.
    log_in(page, user)
    expect(page).to_have_url(localhost + "/mijn-gegevens")
    page.get_by_role("link", name=t["set_up"]).click()
    expect(heading(page)).to_have_text(t["two_step"])
    add_passkey(page, t)
    expect(heading(page)).to_have_text(t["backup_heading"])
    expect(page.locator("main")).to_contain_text(t["added"])
    expect(page.locator("#backup-codes code")).to_have_count(10)
    [credential] = device.held()
    assert credential["isResidentCredential"] and credential["rpId"] == "localhost"
    passkey = session.exec(select(Passkey)).one()
    assert (passkey.user_id, passkey.name) == (user.id, "Laptop")
    assert base64.urlsafe_b64decode(passkey.credential_id + "==") == \
        base64.b64decode(credential["credentialId"])
    page.get_by_role("link", name=t["saved_backup"]).click()
    expect(page.locator("main")).to_contain_text(t["on_one"])
    page.get_by_role("link", name=t["manage"]).click()
    row = page.get_by_role("row").filter(has_text="Laptop")
    expect(row).to_contain_text(t["not_used"])
    speaks_only(page, lang)
    log_out(page)

    # The password, then the passkey is offered first (the other ways listed below it).
    log_in(page, user)
    expect(page).to_have_url(localhost + "/inloggen/verificatie/passkey")
    expect(page.get_by_role("link", name=t["use_code"])).to_be_visible()
    speaks_only(page, lang)
    page.get_by_role("button", name=t["use"]).click()
    logged_in(page, localhost + "/")
    log_out(page)

    # Without a password: Inloggen met passkey on the login page.
    speaks_only(page, lang)
    page.get_by_role("button", name=t["log_in_passkey"]).click()
    logged_in(page, localhost + "/")
    assert [e.detail.get("method") for e in events(session, "login")] == [
        None, "passkey", "passkey"]

    # Removed with the password: gone from the list, and passkeys are off.
    page.goto("/mijn-gegevens/2-staps-verificatie/passkeys")
    expect(row).not_to_contain_text(t["not_used"])  # it says when it was used last
    row.get_by_role("link", name=f"{t['remove']} Laptop").click()
    expect(heading(page)).to_have_text(t["remove_heading"])
    speaks_only(page, lang)
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["remove_passkey"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(t["removed"])
    expect(page.locator("main")).to_contain_text(t["none_yet"])
    assert session.exec(select(Passkey)).all() == []
    session.refresh(user)
    assert not user.passkey_enabled


def test_an_authenticator_that_never_registered_is_refused(page, localhost, session, make, t):
    device = Authenticator(page)
    client_with_passkey(page, make, t)

    # Another device, with no passkey for this site: the dialog ends without one.
    device.remove()
    other = Authenticator(page)
    button = page.get_by_role("button", name=t["log_in_passkey"])
    button.click()
    expect(page.get_by_role("alert")).to_have_text(t["cancelled"])
    expect(page).to_have_url(localhost + "/inloggen")

    # A device holding a passkey for this site that the portal never registered (made
    # elsewhere, with a user handle of its own): refused by the server.
    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    other.send("addCredential", credential={
        "credentialId": base64.b64encode(os.urandom(32)).decode(),
        "isResidentCredential": True, "rpId": "localhost",
        "privateKey": base64.b64encode(key).decode(),
        "userHandle": base64.b64encode(os.urandom(32)).decode(), "signCount": 0})
    button.click()
    expect(page.get_by_role("alert").first).to_contain_text(t["unknown"])
    expect(page).to_have_url(localhost + "/inloggen/passkey")
    expect(page.locator('input[name="password"]')).to_be_visible()
    speaks_only(page, t["lang"])
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/inloggen"))
    assert [e.detail["problem"] for e in events(session, "login.passkey_failed")] == [
        "unknown"]


def test_a_replayed_answer_is_refused(page, localhost, session, make, t):
    Authenticator(page)
    client_with_passkey(page, make, t)

    # A login without a password, its request recorded with the cookies it carried.
    with page.expect_request(lambda r: r.method == "POST" and LOGIN_POST.search(r.url)) as sent:
        page.get_by_role("button", name=t["log_in_passkey"]).click()
    logged_in(page, localhost + "/")
    body, cookies = sent.value.post_data, sent.value.header_value("cookie")
    assert "credential" in parse_qs(body)
    log_out(page)

    # The very same request again (its session cookie names the same challenge): the
    # challenge was used, so the answer is refused and nobody is logged in.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": name, "value": value, "url": localhost}
                              for name, value in (c.split("=", 1) for c in cookies.split("; "))])
    replayed = page.request.post(localhost + "/inloggen/passkey", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert replayed.status == 401
    assert t["expired"] in replayed.text()

    # Sent again through the login page's form, in a session of its own: refused as well.
    page.context.clear_cookies()
    speak(page, localhost, t["lang"])
    page.goto("/inloggen")
    page.locator("form[data-passkey]").evaluate(
        "(form, credential) => { form.elements.credential.value = credential; form.submit(); }",
        parse_qs(body)["credential"][0])
    expect(page.get_by_role("alert").first).to_contain_text(t["expired"])
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/inloggen"))
    assert [e.detail["problem"] for e in events(session, "login.passkey_failed")] == [
        "expired", "expired"]
    assert [e.detail.get("method") for e in events(session, "login")] == [None, "passkey"]


def test_the_autofill_of_the_login_page(autofill_page, localhost, session, make, t):
    """The passkey picked from the e-mail field's autofill logs in. The login page asks for
    options for that as it loads; a button pressed before the answer came must not have its
    own challenge replaced by that answer (both live in the session cookie), nor be logged
    out by it afterwards."""
    page = autofill_page
    user = make.user(email="jan@example.nl", language=t["lang"])
    Authenticator(page)
    log_in(page, user)
    page.goto("/mijn-gegevens/2-staps-verificatie")
    add_passkey(page, t)
    expect(heading(page)).to_have_text(t["backup_heading"])

    # Logged out, the login page offers the passkey in the autofill: picked, logged in.
    page.get_by_role("button", name=LOGGED_IN).click()
    logged_in(page, localhost + "/")
    assert [e.detail.get("method") for e in events(session, "login")] == [None, "passkey"]

    # The autofill's options (the first request for options after the login page loads)
    # held back until after the button was pressed: the button waits for them.
    held = []
    page.route(OPTIONS, lambda route: route.continue_() if held else held.append(route))
    with page.expect_request(OPTIONS):
        page.get_by_role("button", name=LOGGED_IN).click()
    button = page.get_by_role("button", name=t["log_in_passkey"])
    button.click()
    expect(button).to_be_disabled()
    assert len(held) == 1
    held[0].continue_()
    logged_in(page, localhost + "/")
    page.reload()
    logged_in(page, localhost + "/")
    assert [e.detail.get("method") for e in events(session, "login")] == [
        None, "passkey", "passkey"]
    assert events(session, "login.passkey_failed") == []


def test_staff_meet_two_step_with_a_passkey(page, localhost, session, make, t):
    lawyer = make.staff(email="jansen@kantoor.test", name="mr. Jansen", language=t["lang"])
    with_app(session, lawyer)
    Authenticator(page)
    staff_log_in(page, lawyer)
    page.goto("/mijn-gegevens/2-staps-verificatie")
    add_passkey(page, t)
    expect(page.locator("main")).to_contain_text(t["added"])
    page.goto("/mijn-gegevens/2-staps-verificatie/passkeys")
    expect(page.get_by_role("row").filter(has_text="Laptop")).to_be_visible()
    log_out(page)

    # The passkey comes first; the app remains another way.
    log_in(page, lawyer)
    expect(page).to_have_url(localhost + "/inloggen/verificatie/passkey")
    expect(page.get_by_role("link", name=t["use_app"])).to_be_visible()
    speaks_only(page, t["lang"])
    page.get_by_role("button", name=t["use"]).click()
    logged_in(page, localhost + "/kantoor/")
    assert events(session, "login")[-1].detail["method"] == "passkey"


def test_a_dialog_that_ends_without_a_passkey(page, localhost, session, make, t):
    """The person cancels, or the device cannot verify them: the form says so, the other
    ways stay, and a next try can work."""
    user = make.user(email="jan@example.nl", language=t["lang"])
    device = Authenticator(page, user_verified=False)
    log_in(page, user, wait=True)
    with_app(session, user)
    page.goto("/mijn-gegevens/2-staps-verificatie/passkeys")
    page.get_by_label(t["passkey_name"]).fill("Laptop")
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["continue"]).click()
    make_it = page.get_by_role("button", name=t["make"])
    make_it.click()
    alert = page.locator("form[data-passkey]").get_by_role("alert")
    expect(alert).to_have_text(t["cancelled"])
    expect(make_it).to_be_enabled()
    assert device.held() == [] and session.exec(select(Passkey)).all() == []
    speaks_only(page, t["lang"])

    # Verified this time: made.
    device.send("setUserVerified", isUserVerified=True)
    make_it.click()
    expect(page.locator("main")).to_contain_text(t["added"])
    log_out(page)

    # A login without a password needs the user verified: refused in the form, the
    # password form stays.
    device.send("setUserVerified", isUserVerified=False)
    button = page.get_by_role("button", name=t["log_in_passkey"])
    button.click()
    expect(alert).to_have_text(t["cancelled"])
    expect(button).to_be_enabled()
    expect(page.locator('input[name="password"]')).to_be_visible()
    assert events(session, "login.passkey_failed") == []  # nothing reached the server

    # The second step, the same: the other ways are listed, and the app's code works.
    log_in(page, user)
    expect(page).to_have_url(localhost + "/inloggen/verificatie/passkey")
    page.get_by_role("button", name=t["use"]).click()
    expect(alert).to_have_text(t["cancelled"])
    page.get_by_role("link", name=t["use_app"]).click()
    page.locator('input[name="code"]').fill(totp_code(user.totp_secret))
    page.locator("main form button[type=submit]").first.click()
    logged_in(page, localhost + "/")


def test_the_passkey_pages_pass_the_audit(page, localhost, session, make, t):
    """axe (WCAG 2.1 A and AA) on every new page and its states: Passkeys empty and with
    one, the step that makes one and its failure, removing one and its error, the login
    page with its button and a refused passkey, and the second step by passkey."""
    audit = Audit(page, t["lang"])
    user = make.user(email="jan@example.nl", language=t["lang"])
    device = Authenticator(page, user_verified=False)
    log_in(page, user, wait=True)
    audit.visit("/mijn-gegevens/2-staps-verificatie/passkeys", "passkeys: none yet")
    audit.refused("passkeys: no name, no password")
    page.get_by_label(t["passkey_name"]).fill("Laptop")
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["continue"]).click()
    expect(heading(page)).to_have_text(t["add"])
    audit.check("add a passkey: the browser's dialog")
    page.get_by_role("button", name=t["make"]).click()
    expect(page.get_by_role("alert")).to_have_text(t["cancelled"])
    audit.check("add a passkey: not made")
    device.send("setUserVerified", isUserVerified=True)
    page.get_by_role("button", name=t["make"]).click()
    expect(heading(page)).to_have_text(t["backup_heading"])
    audit.visit("/mijn-gegevens/2-staps-verificatie", "two-step verification: a passkey")
    audit.visit("/mijn-gegevens/2-staps-verificatie/passkeys", "passkeys: one")
    page.get_by_role("link", name=f"{t['remove']} Laptop").click()
    audit.check("remove a passkey")
    page.get_by_label(t["password"]).fill("Fout12345")
    audit.refused("remove a passkey: wrong password")
    log_out(page)

    audit.check("login with the passkey button")
    page.locator("form[data-passkey]").evaluate(
        "form => { form.elements.credential.value = '{}'; form.submit(); }")
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("login: a passkey refused")
    log_in(page, user)
    expect(page).to_have_url(localhost + "/inloggen/verificatie/passkey")
    audit.check("two-step prompt: passkey")
    device.send("setUserVerified", isUserVerified=False)
    page.get_by_role("button", name=t["use"]).click()
    expect(page.get_by_role("alert")).to_have_text(t["cancelled"])
    audit.check("two-step prompt: passkey not used")
    audit.assert_clean()


def test_the_passkey_pages_fit_a_phone_and_a_desktop(browser, app, localhost, session, make,
                                                      lang):
    """The new pages on a phone and a desktop, in each language: no sideways scrolling, no
    small targets, the first screen holds what it should (screenshots in
    test-artifacts/screens/, named *-passkey-*-<lang>.png)."""
    user = make.user(email="jan@example.nl", language=lang)
    give_passkey(app, user, SoftAuthenticator(origin=localhost), name="Telefoon van Jan")
    with device_pages(browser, localhost, PHONE, DESKTOP) as (phone, desktop):
        for page in (phone, desktop):
            page.add_init_script(NO_AUTOFILL)
            if lang == "en":
                page.goto("/inloggen")
                page.get_by_role("button", name="English").click()
        problems = check_pages(phone, desktop, [(f"passkey-login-{lang}", "/inloggen")])
        for page in (phone, desktop):
            log_in(page, user)
            expect(page).to_have_url(re.compile(r"/inloggen/verificatie/passkey$"))
        problems += check_pages(phone, desktop, [
            (f"passkey-second-step-{lang}", "/inloggen/verificatie/passkey")])
        for page in (phone, desktop):  # one after the other: a login makes others stale
            log_in(page, user)
            page.goto("/inloggen/verificatie/code")
            page.locator("input[name=code]").fill(backup_code(app, user))
            page.locator("main form button[type=submit]").first.click()
            expect(page).not_to_have_url(re.compile(r"/inloggen"))
        passkey = session.exec(select(Passkey)).one()
        problems += check_pages(phone, desktop, [
            (f"passkey-overview-{lang}", "/mijn-gegevens/2-staps-verificatie"),
            (f"passkey-list-{lang}", "/mijn-gegevens/2-staps-verificatie/passkeys"),
            (f"passkey-remove-{lang}",
             f"/mijn-gegevens/2-staps-verificatie/passkeys/{passkey.id}/verwijderen")])
    assert problems == [], "\n\n".join(problems)


def backup_code(app, user):
    """A fresh backup code of `user` (each device logs in with one of its own)."""
    with app.test_request_context():
        db = get_session()
        codes = twostep.new_codes(db, db.get(User, user.id), twostep.KIND_BACKUP, 1)
        db.commit()
    return codes[0]


@pytest.mark.sealed  # the receipt is sealed with the CA made at test time
def test_akkoord_with_a_passkey(page, app, localhost, session, make, t):
    """Ter goedkeuring (issue 18) for a client whose second step is a passkey: Akkoord is
    confirmed with it, the page passes the audit, and the decision says "passkey"."""
    Authenticator(page)
    user = client_with_passkey(page, make, t)
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen")
    dossier = make.dossier(clients=[user], lawyer=lawyer)
    document = make.document(dossier, CAT_DOCUMENT, title="Concept akte",
                             filename="concept-akte.pdf", data=b"%PDF-1.4 concept akte",
                             by=lawyer)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=user,
                                          sent_by=lawyer, document=document,
                                          title="Concept akte")
        session.commit()
    audit = Audit(page, t["lang"])
    page.get_by_role("button", name=t["log_in_passkey"]).click()
    expect(page.get_by_role("button", name=LOGGED_IN)).to_be_visible()
    audit.visit(f"/acties/goedkeuren/{approval.id}/akkoord", "Akkoord: by passkey")
    speaks_only(page, t["lang"])
    page.get_by_role("button", name=t["approve_passkey"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["approved"])
    session.expire_all()
    [decision] = session.exec(select(ApprovalDecision)).all()
    assert (decision.approved, decision.confirmed_with) == (True, "passkey")
