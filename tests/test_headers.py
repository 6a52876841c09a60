"""Security headers on pages, errors and fragments; cookies; the proxy; error pages and the
script's messages in both languages."""
import pathlib

import pytest
from babel.messages.mofile import read_mo
from helpers import PASSWORD, assert_nothing_internal, login, post_form, text_of, token_in
from sqlmodel import select

from app import create_app
from app.models import LoginSession, ThrottleEvent


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/inloggen", "/wachtwoord-instellen", "/no-such-page",
                                  "/welkom/bad-token"])
def test_headers_on_public_pages_and_errors(client, path):
    response = client.get(path)
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_headers_behind_login(client, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    for path in ("/", "/dossiers", "/acties", "/mijn-gegevens"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_lax(client, make):
    make.user(email="jan@example.nl")
    response = login(client, "jan@example.nl")
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_https_deployment_uses_secure_host_cookie_and_hsts(app_config, make, session):
    app_config["PUBLIC_BASE_URL"] = "https://portaal.example.nl"
    app = create_app(app_config)
    make.user(email="jan@example.nl")
    client = app.test_client()
    page = client.get("/inloggen", base_url="https://portaal.example.nl")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    # The token of this https session (post_form would read one over http, another
    # session), and over HTTPS Flask-WTF wants a same-site Referer.
    token = token_in(page.get_data(as_text=True))
    response = client.post("/inloggen", data={"email": "jan@example.nl",
                                              "password": "Geheim123", "csrf_token": token},
                           base_url="https://portaal.example.nl",
                           headers={"Referer": "https://portaal.example.nl/inloggen"})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    host_cookie = [c for c in cookies if c.startswith("__Host-session=")][0]
    assert "Secure" in host_cookie and "HttpOnly" in host_cookie and "Path=/" in host_cookie
    app.extensions["db_engine"].dispose()


FORWARDED = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "portaal.example.nl"}


@pytest.fixture
def proxied(app, app_config):
    """The app as configured behind one trusted TLS proxy."""
    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1})
    yield proxied
    proxied.extensions["db_engine"].dispose()


def test_behind_a_trusted_proxy_its_headers_count(proxied, make, session):
    make.user(email="jan@example.nl")
    client = proxied.test_client()
    page = client.get("/inloggen", headers=FORWARDED)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/inloggen").headers
    # Only the address the proxy itself saw (the last one) is believed, not what the
    # client put in front of it.
    failed = post_form(client, "/inloggen", {"email": "jan@example.nl", "password": "Fout12345"},
                       headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
    assert failed.status_code == 401
    keys = {event.key for event in session.exec(select(ThrottleEvent))}
    assert keys == {"login:jan@example.nl", "login-ip:203.0.113.7"}
    post_form(client, "/inloggen", {"email": "jan@example.nl", "password": PASSWORD},
              headers={"X-Forwarded-For": "203.0.113.8"})
    assert session.exec(select(LoginSession)).one().ip == "203.0.113.8"


def test_forms_work_over_https_behind_the_proxy(proxied, make, session):
    # Over https Flask-WTF checks that the Referer is this host: the proxy's Host counts.
    make.user(email="jan@example.nl")
    client = proxied.test_client()
    data = {"email": "jan@example.nl", "password": PASSWORD}
    same_site = {**FORWARDED, "Referer": "https://portaal.example.nl/inloggen"}
    assert post_form(client, "/inloggen", data, headers=same_site).status_code == 302
    other_site = {**FORWARDED, "Referer": "https://evil.example/inloggen"}
    assert post_form(proxied.test_client(), "/inloggen", data,
                     headers=other_site).status_code == 400


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, client, make, session):
    assert app.config["TRUSTED_PROXIES"] == 0
    make.user(email="jan@example.nl")
    assert "Strict-Transport-Security" not in client.get("/inloggen",
                                                         headers=FORWARDED).headers
    post_form(client, "/inloggen", {"email": "jan@example.nl", "password": "Fout12345"},
              headers=FORWARDED)
    keys = {event.key for event in session.exec(select(ThrottleEvent))}
    assert keys == {"login:jan@example.nl", "login-ip:127.0.0.1"}
    post_form(client, "/inloggen", {"email": "jan@example.nl", "password": PASSWORD},
              headers=FORWARDED)
    assert session.exec(select(LoginSession)).one().ip == "127.0.0.1"


@pytest.mark.parametrize("lang, title", [("nl", "Pagina niet gevonden"),
                                         ("en", "Page not found")])
def test_404_page_in_both_languages(client, lang, title):
    client.set_cookie("lang", lang)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert title in response.get_data(as_text=True)


def test_413_for_too_large_request(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/inloggen", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "Het bestand is te groot" in response.get_data(as_text=True)


def _dutch_only_texts():
    """Every Dutch text of the catalog that is not also English (longer than a word or two)."""
    path = pathlib.Path(__file__).parents[1] / "translations/nl/LC_MESSAGES/messages.mo"
    with open(path, "rb") as f:
        catalog = read_mo(f)
    texts = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if text and text not in ids and len(text) >= 12 and "%" not in text:
                texts.add(text)
    return texts


DUTCH_ONLY = _dutch_only_texts()


def assert_no_dutch(response):
    text = text_of(response, unescape=True)
    leaks = sorted(dutch for dutch in DUTCH_ONLY if dutch in text)
    assert leaks == [], leaks


@pytest.mark.parametrize("lang, title, text", [
    ("nl", "Geen toegang", "U heeft geen toegang tot deze pagina."),
    ("en", "No access", "You do not have access to this page."),
])
def test_403_page_in_both_languages(failing_app, lang, title, text):
    client = failing_app.test_client()
    client.set_cookie("lang", lang)
    response = client.get("/verboden")
    assert response.status_code == 403
    assert_security_headers(response)
    page = text_of(response, unescape=True)
    assert title in page and text in page
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)
    if lang == "en":
        assert_no_dutch(response)
    htmx = client.get("/verboden", headers={"HX-Request": "true"})
    assert htmx.status_code == 403 and "<html" not in htmx.get_data(as_text=True)
    assert text in text_of(htmx, unescape=True)


def test_error_pages_in_english_have_no_dutch(app, failing_app):
    client = failing_app.test_client()
    client.set_cookie("lang", "en")
    not_found = client.get("/no-such-page")
    assert not_found.status_code == 404
    assert "Page not found" in text_of(not_found, unescape=True)
    assert "Go to the home page" in text_of(not_found, unescape=True)
    assert_no_dutch(not_found)

    failing_app.config["MAX_CONTENT_LENGTH"] = 1000
    too_large = client.post("/inloggen", data={"email": "x" * 5000})
    assert too_large.status_code == 413
    assert "The file you sent is larger than allowed." in text_of(too_large, unescape=True)
    assert_no_dutch(too_large)

    failed = client.get("/boom")
    assert failed.status_code == 500
    assert "Something went wrong" in text_of(failed, unescape=True)
    assert_no_dutch(failed)
    assert_nothing_internal(failed)


def test_500_page_shows_nothing_internal(failing_app):
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Er ging iets mis" in text_of(response, unescape=True)
    assert_nothing_internal(response)
    htmx = failing_app.test_client().get("/boom", headers={"HX-Request": "true"})
    assert htmx.status_code == 500 and "<html" not in htmx.get_data(as_text=True)
    assert_nothing_internal(htmx)


def test_dutch_catalog_check_finds_dutch(client):
    # The check above would pass on anything if it knew no Dutch: prove it sees some.
    assert len(DUTCH_ONLY) > 100
    response = client.get("/no-such-page")
    with pytest.raises(AssertionError):
        assert_no_dutch(response)


@pytest.mark.parametrize("lang, message", [
    ("nl", "Het portaal is niet bereikbaar. Controleer uw internetverbinding en probeer het "
           "opnieuw."),
    ("en", "The portal could not be reached. Check your internet connection and try again."),
])
def test_network_error_message_comes_in_the_page_language(client, make, lang, message):
    make.user(email="jan@example.nl", language=lang)
    for page in ("/inloggen", "/no-such-page"):
        client.set_cookie("lang", lang)
        assert f'data-network-error="{message}"' in client.get(page).get_data(as_text=True)
    login(client, "jan@example.nl")
    assert f'data-network-error="{message}"' in client.get("/dossiers").get_data(as_text=True)


def test_script_has_no_text_of_its_own():
    script = (pathlib.Path(__file__).parents[1] / "app/static/js/portal.js").read_text()
    assert "document.body.dataset.networkError" in script
    assert "Network error" not in script


def test_htmx_error_is_a_fragment(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)
    assert "HX-Request" in response.headers.get("Vary", "")
