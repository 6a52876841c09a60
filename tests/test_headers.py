"""Security headers on pages, errors and fragments; cookies; error pages in both languages."""
import pytest
from conftest import login, post_form


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
    from app import create_app

    app_config["PUBLIC_BASE_URL"] = "https://portaal.example.nl"
    app = create_app(app_config)
    make.user(email="jan@example.nl")
    client = app.test_client()
    page = client.get("/inloggen", base_url="https://portaal.example.nl")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    response = post_form(client, "/inloggen", {"email": "jan@example.nl",
                                                "password": "Geheim123"},
                         base_url="https://portaal.example.nl")
    cookies = response.headers.getlist("Set-Cookie")
    host_cookie = [c for c in cookies if c.startswith("__Host-session=")][0]
    assert "Secure" in host_cookie and "HttpOnly" in host_cookie and "Path=/" in host_cookie
    app.extensions["db_engine"].dispose()


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


def test_500_page_shows_nothing_internal(app_config):
    from app import create_app

    app_config["PROPAGATE_EXCEPTIONS"] = False
    app = create_app(app_config)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Er ging iets mis" in page and "secret internal detail" not in page
    assert "Traceback" not in page
    app.extensions["db_engine"].dispose()


def test_htmx_error_is_a_fragment(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)
    assert "HX-Request" in response.headers.get("Vary", "")
