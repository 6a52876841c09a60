"""Point 2 of the security issue: cookies, read from the Set-Cookie headers themselves.

Served over https (PUBLIC_BASE_URL https://...) the session cookie is `__Host-session`:
Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, and no expiry (it ends with the
browser; the server ends the login itself after 30 minutes idle or 12 hours). The language
cookie is Secure, HttpOnly and SameSite=Lax too. For development over plain http
(`make run` on http://127.0.0.1:5000) browsers would drop a Secure or `__Host-` cookie, so
the session cookie is then a plain `session`, HttpOnly and SameSite=Lax but not Secure
(app/config.py says so). "Remember me" is off: no remember cookie is ever set, and a forged
one is worth no more than the login session it names.
"""
import re

import pytest
from flask_login.utils import encode_cookie
from helpers import PASSWORD, login, post_form
from twostep_helpers import totp_code, with_app

from app import create_app

HTTPS = "https://portaal.example.nl"
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')  # on every page, in the body's hx-headers


def set_cookies(response):
    """The cookies a response sets, as [(name, value, {attribute: value})] (names lower case)."""
    cookies = []
    for header in response.headers.getlist("Set-Cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = first.partition("=")
        cookies.append((name, value, {a.partition("=")[0].lower(): a.partition("=")[2]
                                      for a in attributes}))
    return cookies


class Browser:
    """A test client that speaks https to the portal, Referer and CSRF token included."""

    def __init__(self, app):
        self.client = app.test_client()
        self.cookies = []  # every cookie set along the way

    def get(self, path, **kw):
        response = self.client.get(path, base_url=HTTPS, **kw)
        self.cookies += set_cookies(response)
        return response

    def post(self, path, data):
        token = TOKEN.search(self.get("/__no_such_page__").get_data(as_text=True))
        response = self.client.post(path, data={**data, "csrf_token": token[1]},
                                    base_url=HTTPS, headers={"Referer": HTTPS + path})
        self.cookies += set_cookies(response)
        return response


@pytest.fixture
def https_app(app, app_config):
    """The portal as deployed: PUBLIC_BASE_URL is https."""
    deployed = create_app({**app_config, "PUBLIC_BASE_URL": HTTPS})
    yield deployed
    deployed.extensions["db_engine"].dispose()


def walk_everything(app, session, make):
    """Language choice, login with the second step, pages, htmx, logout: every cookie set."""
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    browser = Browser(app)
    browser.get("/inloggen")
    assert browser.post("/taal", {"lang": "en"}).status_code == 302
    assert browser.post("/inloggen", {"email": "jan@example.nl",
                                      "password": PASSWORD}).status_code == 302
    assert browser.post("/inloggen/verificatie/app",
                        {"code": totp_code(secret)}).status_code == 302
    assert browser.get("/").status_code == 200
    assert browser.get("/acties", headers={"HX-Request": "true"}).status_code == 200
    assert browser.post("/uitloggen", {}).status_code == 302
    assert browser.get("/").status_code == 302
    return browser.cookies


def test_over_https_every_cookie_is_host_secure_httponly_lax(https_app, session, make):
    cookies = walk_everything(https_app, session, make)
    names = {name for name, _, _ in cookies}
    assert names == {"__Host-session", "lang"}
    for name, _, attributes in cookies:
        assert "secure" in attributes, name
        assert "httponly" in attributes, name
        assert attributes["samesite"] == "Lax", name
        assert attributes["path"] == "/", name
        assert "domain" not in attributes, name  # a __Host- cookie may name no domain


def test_the_session_cookie_ends_with_the_browser(https_app, session, make):
    cookies = walk_everything(https_app, session, make)
    for name, value, attributes in cookies:
        if name == "__Host-session" and value:
            assert "expires" not in attributes and "max-age" not in attributes


def test_the_language_cookie_over_https(https_app):
    response = Browser(https_app).post("/taal", {"lang": "en"})
    [(value, attributes)] = [(v, a) for n, v, a in set_cookies(response) if n == "lang"]
    assert value == "en"
    assert {"secure", "httponly"} <= set(attributes) and attributes["samesite"] == "Lax"


def test_over_plain_http_for_development(app_config, make, session):
    """make run: http://127.0.0.1 gets a plain, not Secure, session cookie that still works."""
    app_config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    dev = create_app(app_config)
    try:
        make.user(email="jan@example.nl")
        client = dev.test_client()
        response = login(client, "jan@example.nl")
        assert response.status_code == 302
        cookies = {name: attributes for name, _, attributes in set_cookies(response)}
        assert set(cookies) == {"session", "lang"}
        attributes = cookies["session"]
        assert "secure" not in attributes
        assert "httponly" in attributes and attributes["samesite"] == "Lax"
        assert client.get("/").status_code == 200
        language = post_form(client, "/taal", {"lang": "en"})
        [lang] = [a for n, _, a in set_cookies(language) if n == "lang"]
        assert "secure" not in lang and "httponly" in lang and lang["samesite"] == "Lax"
    finally:
        dev.extensions["db_engine"].dispose()


def test_secure_cookies_can_be_forced_over_http(app_config):
    """Behind a proxy that speaks https while PUBLIC_BASE_URL is still http, say."""
    forced = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    try:
        response = forced.test_client().get("/inloggen")
        [(name, _, attributes)] = set_cookies(response)
        assert name == "__Host-session" and "secure" in attributes
    finally:
        forced.extensions["db_engine"].dispose()


def test_no_remember_cookie_is_ever_set(app, https_app, session, make, client):
    assert app.config["REMEMBER_COOKIE_DURATION"] == 0
    cookies = walk_everything(https_app, session, make)
    assert not [name for name, _, _ in cookies if "remember" in name.lower()]
    # Over http too, with a plain login.
    make.user(email="piet@example.nl")
    responses = [client.get("/inloggen"), login(client, "piet@example.nl"), client.get("/"),
                 post_form(client, "/uitloggen", {})]
    assert not [name for r in responses for name, _, _ in set_cookies(r)
                if "remember" in name.lower()]


def test_a_forged_remember_cookie_gives_nothing(app, client, make):
    """Even signed with the real key, a remember cookie names a login session token: once that
    session ended, the cookie is nobody."""
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    with client.session_transaction() as cookie:
        token = cookie["_user_id"]
    post_form(client, "/uitloggen", {})
    thief = app.test_client()
    with app.test_request_context():
        forged = encode_cookie(token)
    thief.set_cookie("remember_token", forged)
    response = thief.get("/")
    assert response.status_code == 302 and response.location.startswith("/inloggen")
    with app.test_request_context():
        thief.set_cookie("remember_token", encode_cookie("1"))  # a user id is no token either
    assert thief.get("/").status_code == 302
