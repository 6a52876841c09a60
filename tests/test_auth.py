"""Signing in as chapter 1 of the manuals: invitation, set password, forgot password, login."""
import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from helpers import PASSWORD, csrf_token, links_in, login, post_form, text_of
from sqlmodel import select
from twostep_helpers import totp_code, with_app

from app.models import LoginSession, OneTimeToken, ThrottleEvent, User, utcnow
from app.security import check_password, sha256


def invite(session, make, email="nieuw@example.nl", language="nl"):
    user = make.user(email=email, password=None, language=language)
    make.invite(user)
    return user


def path_of(link):
    return link.replace("http://portal.test", "")


def test_invitation_flow_sends_three_mails(app, client, session, make, mailbox):
    user = invite(session, make)
    [mail1] = mailbox.deliver(app)
    assert mail1["To"] == "nieuw@example.nl"
    assert mail1["Subject"] == "Uw account voor ons klantenportaal"
    [link1] = links_in(mail1)
    assert link1.startswith("http://portal.test/welkom/")

    page = client.get(path_of(link1)).get_data(as_text=True)
    assert "Vul uw e-mailadres in en klik op Verstuur" in page
    response = post_form(client, path_of(link1), {"email": " Nieuw@Example.nl "})
    assert response.status_code == 302
    assert "Controleer uw e-mail" in client.get(response.location).get_data(as_text=True)

    [mail2] = mailbox.deliver(app)
    assert mail2["Subject"] == "Stel uw wachtwoord in voor het klantenportaal"
    [link2] = links_in(mail2)
    page = client.get(path_of(link2)).get_data(as_text=True)
    assert "Stel uw wachtwoord in a.u.b." in page
    assert "minimaal 8 tekens te bevatten, waarvan minimaal 1 hoofdletter en 1 cijfer" in page

    response = post_form(client, path_of(link2), {"password": "Welkom2026",
                                                   "confirm": "Welkom2026"})
    assert response.status_code == 302
    assert response.location == "/mijn-gegevens"  # the first time: Mijn gegevens
    page = client.get("/mijn-gegevens").get_data(as_text=True)
    assert "Uw wachtwoord is ingesteld. U bent nu ingelogd." in page

    [mail3] = mailbox.deliver(app)
    assert mail3["Subject"] == "Uw wachtwoord is ingesteld"
    assert "nieuw@example.nl" == mail3["To"]
    session.refresh(user)
    assert user.password_hash.startswith("scrypt:")
    assert user.first_login_at is not None

    # The links are single-use.
    assert client.get(path_of(link1)).status_code == 400
    assert client.get(path_of(link2)).status_code == 400


def test_invitation_in_english(app, client, session, make, mailbox):
    invite(session, make, language="en")
    [mail1] = mailbox.deliver(app)
    assert mail1["Subject"] == "Your account for our client portal"
    assert "We have created an account for you" in mail1.get_body(("plain",)).get_content()


def test_invitation_with_other_address_is_refused_then_throttled(app, client, session, make,
                                                                mailbox):
    invite(session, make)
    [link1] = links_in(mailbox.deliver(app)[0])
    for _ in range(5):
        response = post_form(client, path_of(link1), {"email": "iemand@anders.nl"})
        assert response.status_code == 400
        assert "Dit is niet het e-mailadres van deze uitnodiging" in response.get_data(
            as_text=True)
    response = post_form(client, path_of(link1), {"email": "nieuw@example.nl"})
    assert response.status_code == 429
    assert mailbox.deliver(app) == []


def test_second_login_lands_on_home(client, make):
    make.user(email="jan@example.nl")
    first = login(client, "jan@example.nl")
    assert first.location == "/mijn-gegevens"
    post_form(client, "/uitloggen", {})
    second = login(client, "jan@example.nl")
    assert second.location == "/"


def test_forgot_password_same_answer_for_unknown_address(app, client, make, mailbox):
    make.user(email="jan@example.nl")
    known = post_form(client, "/wachtwoord-instellen", {"email": "jan@example.nl"})
    unknown = post_form(client, "/wachtwoord-instellen", {"email": "niemand@example.nl"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    mails = mailbox.deliver(app)
    assert [m["To"] for m in mails] == ["jan@example.nl"]


def test_forgot_password_sets_new_password_and_voids_old_links(app, client, session, make,
                                                              mailbox):
    user = make.user(email="jan@example.nl")
    post_form(client, "/wachtwoord-instellen", {"email": "jan@example.nl"})
    post_form(client, "/wachtwoord-instellen", {"email": "jan@example.nl"})
    first, second = [path_of(links_in(m)[0]) for m in mailbox.deliver(app)]
    response = post_form(client, second, {"password": "Nieuw12345", "confirm": "Nieuw12345"})
    assert response.status_code == 302
    assert response.location == "/mijn-gegevens"
    # Any password change voids every other open link.
    assert client.get(first).status_code == 400
    [confirmation] = mailbox.deliver(app)
    assert confirmation["Subject"] == "Uw wachtwoord is ingesteld"
    session.expire_all()
    assert session.get(User, user.id).password_changed_at is not None
    post_form(client, "/uitloggen", {})
    assert login(client, "jan@example.nl", PASSWORD).status_code == 401
    assert login(client, "jan@example.nl", "Nieuw12345").status_code == 302


def test_forgot_password_requests_are_throttled_silently(app, client, make, mailbox):
    make.user(email="jan@example.nl")
    for _ in range(5):
        response = post_form(client, "/wachtwoord-instellen", {"email": "jan@example.nl"})
        assert response.status_code == 302
    assert len(mailbox.deliver(app)) == app.config["RESET_MAX_PER_HOUR"]


@pytest.mark.parametrize("problem, setup, text", [
    ("expired", lambda t: setattr(t, "expires_at", utcnow() - timedelta(seconds=1)),
     "Deze link is verlopen."),
    ("used", lambda t: setattr(t, "used_at", utcnow()),
     "Deze link is al gebruikt."),
])
def test_bad_links_get_a_clear_page(app, client, session, make, mailbox, problem, setup, text):
    invite(session, make)
    [link1] = links_in(mailbox.deliver(app)[0])
    token = session.exec(select(OneTimeToken)).one()
    setup(token)
    session.commit()
    response = client.get(path_of(link1))
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)
    response = post_form(client, path_of(link1), {"email": "nieuw@example.nl"})
    assert response.status_code == 400
    assert mailbox.deliver(app) == []


@pytest.mark.parametrize("url", ["/welkom/", "/wachtwoord/"])
def test_tampered_links_are_refused(app, client, session, make, mailbox, url):
    invite(session, make)
    [link1] = links_in(mailbox.deliver(app)[0])
    raw = link1.rsplit("/", 1)[1]
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    for token in (tampered, "x", "a" * 500):
        response = client.get(url + token)
        assert response.status_code == 400
        assert "Deze link is ongeldig." in response.get_data(as_text=True)


def test_tokens_are_stored_hashed(app, session, make, mailbox):
    invite(session, make)
    [link1] = links_in(mailbox.deliver(app)[0])
    raw = link1.rsplit("/", 1)[1]
    stored = session.exec(select(OneTimeToken)).one()
    assert raw not in stored.token_hash and len(stored.token_hash) == 64
    assert stored.expires_at - stored.created_at == timedelta(days=7)


@pytest.mark.parametrize("password, message", [
    ("Kort1", "minimaal 8 tekens bevatten"),
    ("geenhoofdletter1", "minimaal 1 hoofdletter"),
    ("GeenCijferHier", "minimaal 1 cijfer"),
    ("", "Vul een wachtwoord in."),
])
def test_password_policy(app, client, session, make, mailbox, password, message):
    make.user(email="jan@example.nl")
    post_form(client, "/wachtwoord-instellen", {"email": "jan@example.nl"})
    link = path_of(links_in(mailbox.deliver(app)[0])[0])
    response = post_form(client, link, {"password": password, "confirm": password})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    # Nothing changed: the link still works and the old password too.
    assert client.get(link).status_code == 200
    assert login(client, "jan@example.nl").status_code == 302


def test_passwords_must_match(app, client, make, mailbox):
    make.user(email="jan@example.nl")
    post_form(client, "/wachtwoord-instellen", {"email": "jan@example.nl"})
    link = path_of(links_in(mailbox.deliver(app)[0])[0])
    response = post_form(client, link, {"password": "Goed12345", "confirm": "Goed12346"})
    assert "De twee wachtwoorden zijn niet gelijk." in response.get_data(as_text=True)


def test_wrong_password_keeps_email_and_says_so(client, make):
    make.user(email="jan@example.nl")
    response = login(client, "jan@example.nl", "Fout12345")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Het e-mailadres of het wachtwoord is onjuist." in page
    assert 'value="jan@example.nl"' in page


def test_no_user_enumeration_on_login(client, make):
    make.user(email="jan@example.nl")
    known = login(client, "jan@example.nl", "Fout12345")
    unknown = login(client, "niemand@example.nl", "Fout12345")
    assert known.status_code == unknown.status_code == 401
    # Only the e-mail typed and the time-stamped CSRF token may differ.
    strip = lambda r: re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "",  # noqa: E731
                             r.get_data(as_text=True))
    assert strip(known) == strip(unknown)


def test_login_throttled_per_account(app, client, session, make):
    make.user(email="jan@example.nl")
    for _ in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        assert login(client, "jan@example.nl", "Fout12345").status_code == 401
    response = login(client, "jan@example.nl", PASSWORD)  # even the right password
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)
    # Once the window has passed, the right password works again.
    for event in session.exec(select(ThrottleEvent)):
        event.at = utcnow() - timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] + 1)
    session.commit()
    assert login(client, "jan@example.nl", PASSWORD).status_code == 302


def test_login_throttled_per_ip(app, client, make):
    app.config["LOGIN_MAX_FAILURES_IP"] = 3
    make.user(email="jan@example.nl")
    for n in range(3):
        login(client, f"other{n}@example.nl", "Fout12345")
    assert login(client, "jan@example.nl", PASSWORD).status_code == 429


def test_inactive_user_cannot_log_in(client, session, make):
    user = make.user(email="jan@example.nl")
    user.active = False
    session.commit()
    assert login(client, "jan@example.nl").status_code == 401


def reset_password(app, client, mailbox, email, password="Nieuw12345"):
    """Ask for mail 2 and set `password` through its link; returns (response, link)."""
    post_form(client, "/wachtwoord-instellen", {"email": email})
    [mail2] = mailbox.deliver(app)
    link = path_of(links_in(mail2)[0])
    return post_form(client, link, {"password": password, "confirm": password}), link


@pytest.mark.parametrize("kind, landing", [("client", "/mijn-gegevens"),
                                           ("staff", "/kantoor/")])
def test_password_reset_does_not_skip_the_second_step(app, client, session, make, mailbox,
                                                      kind, landing):
    user = make.staff(email="mr@kantoor.nl") if kind == "staff" else \
        make.user(email="jan@example.nl")
    secret = with_app(session, user)
    response, link = reset_password(app, client, mailbox, user.email)

    # The password is set, the link spent and mail 3 queued, but nobody is logged in yet.
    assert response.status_code == 302
    assert response.location == "/inloggen/verificatie/app"
    page = client.get(response.location).get_data(as_text=True)
    assert "Open de authenticator-app op uw telefoon" in page
    assert "U bent nu ingelogd" not in page
    assert session.exec(select(LoginSession)).all() == []
    assert client.get("/").status_code == 302
    assert client.get("/mijn-gegevens").location.startswith("/inloggen")
    assert client.get(landing).status_code == 302
    session.expire_all()
    assert check_password(session.get(User, user.id), "Nieuw12345")
    assert client.get(link).status_code == 400
    [mail3] = mailbox.deliver(app)
    assert mail3["Subject"] == "Uw wachtwoord is ingesteld" and mail3["To"] == user.email

    # A wrong code changes nothing; the right one logs in.
    wrong = post_form(client, "/inloggen/verificatie/app", {"code": "000000"})
    assert wrong.status_code == 401
    assert session.exec(select(LoginSession)).all() == []
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.status_code == 302 and response.location == landing
    assert client.get(landing).status_code == 200
    assert len(session.exec(select(LoginSession)).all()) == 1


def test_password_reset_without_two_step_logs_in_at_once(app, client, session, make, mailbox):
    make.user(email="jan@example.nl")
    response, _ = reset_password(app, client, mailbox, "jan@example.nl")
    assert response.location == "/mijn-gegevens"
    assert len(session.exec(select(LoginSession)).all()) == 1


def test_session_is_cleared_at_login(client, session, make):
    make.user(email="jan@example.nl")
    client.get("/inloggen")
    with client.session_transaction() as cookie:
        cookie["planted"] = "by an attacker"
    login(client, "jan@example.nl")
    with client.session_transaction() as cookie:
        assert "planted" not in cookie
        token = cookie["_user_id"]
    assert session.exec(select(LoginSession)).one().token_hash == sha256(token)


def test_each_login_gets_its_own_session_token(app, session, make):
    make.user(email="jan@example.nl")
    tokens = []
    for _ in range(2):
        browser = app.test_client()
        login(browser, "jan@example.nl")
        with browser.session_transaction() as cookie:
            tokens.append(cookie["_user_id"])
    rows = session.exec(select(LoginSession)).all()
    assert len(rows) == 2 and tokens[0] != tokens[1]
    assert {row.token_hash for row in rows} == {sha256(t) for t in tokens}
    assert all(len(t) >= 40 for t in tokens)


def test_session_is_rotated_at_login(client, make):
    make.user(email="jan@example.nl")
    client.get("/inloggen")
    before = client.get_cookie("session").value
    login(client, "jan@example.nl")
    assert client.get_cookie("session").value != before
    assert client.get("/").status_code == 200


def test_copied_cookie_is_dead_after_logout(app, client, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    copied = client.get_cookie("session").value
    assert post_form(client, "/uitloggen", {}).location == "/inloggen"
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/")
    assert response.status_code == 302 and response.location.startswith("/inloggen")


def test_password_change_ends_other_sessions(app, client, session, make, mailbox):
    make.user(email="jan@example.nl")
    other = app.test_client()
    login(other, "jan@example.nl")
    assert other.get("/").status_code == 200
    post_form(client, "/wachtwoord-instellen", {"email": "jan@example.nl"})
    link = path_of(links_in(mailbox.deliver(app)[0])[0])
    post_form(client, link, {"password": "Nieuw12345", "confirm": "Nieuw12345"})
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert len(session.exec(select(LoginSession)).all()) == 1


def test_deactivation_ends_open_session(app, client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    user.active = False
    session.commit()
    assert client.get("/").status_code == 302


def test_idle_session_expires(app, client, session, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    login_session = session.exec(select(LoginSession)).one()
    login_session.last_seen_at = utcnow() - timedelta(minutes=31)
    session.commit()
    assert client.get("/").status_code == 302
    assert session.exec(select(LoginSession)).all() == []


def test_login_without_csrf_token_is_refused(client, make):
    make.user(email="jan@example.nl")
    response = client.post("/inloggen", data={"email": "jan@example.nl", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_without_csrf_token_is_refused(client, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    assert client.post("/uitloggen").status_code == 400
    assert client.get("/").status_code == 200


def test_csrf_error_is_clear_for_htmx(client, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    response = client.post("/uitloggen", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)


def test_csrf_token_in_htmx_header_is_accepted(client, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    token = csrf_token(client, "/")
    response = client.post("/uitloggen", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/acties", "/acties"),
    ("//evil.example/x", "/mijn-gegevens"),
    ("https://evil.example/", "/mijn-gegevens"),
    ("/\\evil.example", "/mijn-gegevens"),
])
def test_next_only_follows_local_paths(client, make, target, expected):
    make.user(email="jan@example.nl")
    response = post_form(client, "/inloggen", {"email": "jan@example.nl",
                                                "password": PASSWORD, "next": target})
    assert response.location == expected


def test_anonymous_is_sent_to_login_and_back(client, make):
    response = client.get("/acties")
    assert response.status_code == 302
    assert response.location.startswith("/inloggen?next=")
    htmx = client.get("/acties", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/inloggen")


def test_staff_and_clients_stay_on_their_own_side(app, make):
    make.user(email="jan@example.nl")
    make.staff(email="mr@kantoor.nl")
    client, staff = app.test_client(), app.test_client()
    login(client, "jan@example.nl")
    assert login(staff, "mr@kantoor.nl").location == "/kantoor/"
    assert client.get("/kantoor/").status_code == 404
    assert staff.get("/").status_code == 404
    assert staff.get("/dossiers").status_code == 404


def test_login_page_language_switch(client):
    post_form(client, "/taal", {"lang": "en"})
    page = client.get("/inloggen").get_data(as_text=True)
    assert "Welcome to the client portal of Kantoor Test" in page
    assert '<html lang="en">' in page


def test_user_language_applies_after_login(client, make):
    make.user(email="sophie@example.nl", language="en")
    login(client, "sophie@example.nl")
    assert "My details" in client.get("/mijn-gegevens").get_data(as_text=True)


def test_language_choice_takes_effect_after_logout(client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    response = post_form(client, "/mijn-gegevens", {"language": "en"})
    assert response.status_code == 302
    page = client.get("/mijn-gegevens").get_data(as_text=True)
    assert "Na het uitloggen zal de taalkeuze van toepassing zijn." in page  # still Dutch
    session.refresh(user)
    assert user.language == "en"
    post_form(client, "/uitloggen", {})
    assert "Welcome to the client portal" in client.get("/inloggen").get_data(as_text=True)
    login(client, "jan@example.nl")
    assert "My details" in client.get("/mijn-gegevens").get_data(as_text=True)


# ---- issue 16, point 1: after login, a page the user's kind can open, else their start page

def _arrive_logged_out(client, path, htmx_from=None):
    """Open `path` without a session, as a page or as an htmx request made from the page
    `htmx_from`; returns the `next` the login page is given."""
    headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost" + htmx_from} \
        if htmx_from else {}
    response = client.get(path, headers=headers)
    location = response.headers.get("HX-Redirect" if htmx_from else "Location", "")
    assert response.status_code == (401 if htmx_from else 302), response.status_code
    assert location.startswith("/inloggen"), location
    return dict(parse_qsl(urlsplit(location).query)).get("next")


def _log_in_with_next(client, session, user, next_):
    """Log `user` in through the login form carrying `next_` (and the second step for staff);
    returns where the last answer sends them."""
    response = post_form(client, "/inloggen", {"email": user.email, "password": PASSWORD,
                                                "next": next_ or ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    if user.is_staff:
        response = post_form(client, "/inloggen/verificatie/app",
                             {"code": totp_code(user.totp_secret)})
        assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("kind", ["client", "admin", "lawyer", "secretary"])
@pytest.mark.parametrize("way_in, own_side", [
    ("/", "client"),                         # the portal's own address
    ("/dossiers", "client"),                 # a bookmark of the client side
    ("/kantoor/clienten", "staff"),          # a bookmark of the staff side
    ("/no/such/page", None),                 # a bookmark of a page that is gone
])
def test_after_login_a_page_of_ones_own_side_else_the_start_page(
        app, session, make, staff, kind, way_in, own_side):
    user = make.user(email="jan@example.nl") if kind == "client" else getattr(staff, kind)
    if user.is_staff:
        with_app(session, user)
    make.dossier(clients=[user]) if kind == "client" else None
    client = app.test_client()
    next_ = _arrive_logged_out(client, way_in) if own_side else way_in  # gone: a 404 first
    assert next_ == way_in
    landed = _log_in_with_next(client, session, user, next_)
    mine = own_side == ("staff" if user.is_staff else "client")
    start = "/kantoor/" if user.is_staff else ("/mijn-gegevens" if kind == "client" else "/")
    assert urlsplit(landed).path == (way_in if mine else start), (kind, way_in, landed)
    assert client.get(landed, follow_redirects=True).status_code == 200


@pytest.mark.parametrize("kind", ["client", "lawyer"])
def test_a_session_that_ends_during_an_htmx_request_comes_back_to_its_page(
        app, session, make, staff, kind):
    """The fragment's own URL is no page to land on: the page it was asked from is."""
    user = make.user(email="jan@example.nl") if kind == "client" else staff.lawyer
    if user.is_staff:
        with_app(session, user)
    dossier = make.dossier(clients=[user] if kind == "client" else [], lawyer=staff.lawyer)
    page = (f"/dossiers/{dossier.id}" if kind == "client"
            else f"/kantoor/dossiers/{dossier.id}")
    client = app.test_client()
    next_ = _arrive_logged_out(client, page + "/documenten?pagina=2", htmx_from=page)
    assert next_ == page
    landed = _log_in_with_next(client, session, user, next_)
    assert urlsplit(landed).path == page
    assert client.get(landed, follow_redirects=True).status_code == 200


@pytest.mark.parametrize("language, rule, also", [
    ("nl", "Het wachtwoord dient minimaal 8 tekens te bevatten, waarvan minimaal 1 hoofdletter "
           "en 1 cijfer.",
     "Een veelgebruikt wachtwoord, of een wachtwoord waarin uw e-mailadres staat, wordt ook "
     "niet geaccepteerd."),
    ("en", "The password must contain at least 8 characters, of which at least 1 capital "
           "letter and 1 digit.",
     "A very common password, or one that contains your e-mail address, is not accepted "
     "either."),
])
def test_the_password_hint_names_every_rule_before_typing(app, client, session, make, mailbox,
                                                          language, rule, also):
    """Issue 16, point 11: common passwords and ones holding the address were refused after
    typing without having been named; the manual's rule stays first, in its own words."""
    make.user(email="jan@example.nl", language=language)
    post_form(client, "/wachtwoord-instellen", {"email": "jan@example.nl"})
    link = path_of(links_in(mailbox.deliver(app)[0])[0])
    page = text_of(client.get(link, headers={"Accept-Language": language},
                              query_string={"lang": language}))
    assert f"{rule} {also}" in page, page
