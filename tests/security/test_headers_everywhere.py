"""Security headers on every kind of response, found by walking app.url_map: pages, htmx
fragments, downloads, redirects, static files, and the error pages 403, 404, 405, 413, 429
and 500; no-store on everything but the public assets; HSTS over https; debug off in the
production configuration, and a 500 page that shows nothing internal.

tests/test_headers.py checks the headers of a few pages, the cookies and the proxy; this
module walks every GET route (filled with client A's records, as the access matrix does)
so that a new route is covered by itself.
"""
import os

import pytest
from flask import Flask
from helpers import assert_nothing_internal, login, post_form, text_of

from app import create_app, storage
from security.world import People, every_url, get_rules, who_may

HTTPS = "https://localhost"
PUBLIC_ASSETS = ("/static/", "/firm/")  # the same for everyone; cached on purpose


def check_headers(response, url, https=False):
    """What is wrong with the security headers of one response (empty when nothing)."""
    wrong = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    if csp == storage.PREVIEW_CSP:
        # A file shown in the browser (Bekijken): a sandbox without scripts, whose only
        # inline style is the browser's own image view (app/storage.py).
        if not headers.get("Content-Disposition", "").startswith("inline;"):
            wrong.append("a sandboxed file not shown inline")
    elif "'unsafe-inline'" in csp or "'unsafe-eval'" in csp or not csp:
        wrong.append(f"CSP {csp!r}")
    elif "frame-ancestors 'none'" not in csp or "default-src 'self'" not in csp:
        wrong.append(f"CSP {csp!r}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        wrong.append("no nosniff")
    if headers.get("Referrer-Policy") != "same-origin":
        wrong.append(f"Referrer-Policy {headers.get('Referrer-Policy')!r}")
    hsts = headers.get("Strict-Transport-Security", "")
    if https and not hsts.startswith("max-age=31536000"):
        wrong.append("no HSTS over https")
    if not https and hsts:
        wrong.append("HSTS over plain http")
    if not url.startswith(PUBLIC_ASSETS) and "no-store" not in headers.get("Cache-Control", ""):
        wrong.append(f"Cache-Control {headers.get('Cache-Control')!r}")
    return [f"{url} ({response.status_code}): {w}" for w in wrong]


def test_every_get_route_has_the_headers_over_https(world):
    """Every GET route with every record, as someone who may open it and as an anonymous
    visitor, as a page and as an htmx fragment, over https: all headers, HSTS, and
    no-store on everything but the public assets (downloads and redirects included)."""
    people = People(world)
    problems, kinds, count = [], set(), 0
    for rule in get_rules(world.app):
        for url, owner in every_url(world, rule):
            for who in {who_may(rule, owner), "anonymous"}:
                for headers in ({}, {"HX-Request": "true"}):
                    response = people[who].get(url, headers=headers, base_url=HTTPS)
                    count += 1
                    kinds.add(kind_of(response))
                    problems += check_headers(response, url, https=True)
    assert problems == [], "\n".join(problems)
    assert {"page", "fragment", "download", "redirect", "static", "error"} <= kinds
    assert count > 200


def kind_of(response):
    """What kind of response this is, to check that the walk met every kind."""
    if 300 <= response.status_code < 400 or response.status_code == 401:
        return "redirect"
    if response.status_code >= 400:
        return "error"
    if "attachment" in response.headers.get("Content-Disposition", ""):
        return "download"
    if response.mimetype != "text/html":
        return "static"
    return "page" if "<html" in response.get_data(as_text=True) else "fragment"


def test_no_hsts_over_plain_http_unless_the_portal_is_https(world, app_config):
    """Plain http on a portal whose address is http: no HSTS (a local trial). A portal whose
    PUBLIC_BASE_URL is https sends it even when the request reached it as http (a TLS proxy
    that is not announced with TRUSTED_PROXIES): browsers take it only over https."""
    client = People(world)["jan"]
    for url in ("/", "/inloggen", "/static/css/portal.css", "/no-such-page"):
        response = client.get(url)
        assert "Strict-Transport-Security" not in response.headers, url
    https_app = create_app({**app_config, "PUBLIC_BASE_URL": "https://portaal.example.nl"})
    try:
        anonymous = https_app.test_client()
        for url in ("/inloggen", "/", "/static/css/portal.css", "/no-such-page"):
            response = anonymous.get(url)
            assert response.headers["Strict-Transport-Security"].startswith("max-age="), url
    finally:
        https_app.extensions["db_engine"].dispose()


def error_responses(app, client):
    """One response of each error page, as a page and as an htmx fragment: {code: [...]}."""
    out = {}
    for headers in ({}, {"HX-Request": "true"}):
        out.setdefault(403, []).append(client.get("/verboden", headers=headers))
        out.setdefault(404, []).append(client.get("/no-such-page", headers=headers))
        out.setdefault(405, []).append(client.get("/uitloggen", headers=headers))
        out.setdefault(500, []).append(client.get("/boom", headers=headers))
        app.config["MAX_CONTENT_LENGTH"] = 1000
        out.setdefault(413, []).append(client.post("/inloggen", data={"email": "x" * 5000},
                                                   headers=headers))
        app.config["MAX_CONTENT_LENGTH"] = 251 * 1024 * 1024
    return out


def test_error_pages_have_the_headers(failing_app, make):
    """403, 404, 405, 413, 429 and 500, anonymous and logged in, page and fragment: every
    header, no-store, and the 500 shows nothing internal."""
    make.user(email="jan@example.nl")
    for logged_in in (False, True):
        client = failing_app.test_client()
        if logged_in:
            assert login(client, "jan@example.nl").status_code == 302
        responses = error_responses(failing_app, client)
        for code, answers in responses.items():
            for response in answers:
                assert response.status_code == code
                assert check_headers(response, f"{code}") == []
        for response in responses[500]:
            assert_nothing_internal(response)
            assert "/srv/app" not in response.get_data(as_text=True)
    client = failing_app.test_client()
    for _attempt in range(failing_app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        post_form(client, "/inloggen", {"email": "jan@example.nl", "password": "Fout12345"})
    throttled = post_form(client, "/inloggen", {"email": "jan@example.nl",
                                               "password": "Fout12345"})
    assert throttled.status_code == 429
    assert check_headers(throttled, "429") == []


@pytest.fixture
def production(monkeypatch, tmp_path, database_url):
    """The app as `flask --app wsgi` makes it: no test configuration, no instance
    config.py (an empty instance folder), no KLP_* settings but the database."""
    for name in list(os.environ):
        if name.startswith("KLP_") or name in ("FLASK_DEBUG", "FLASK_ENV"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KLP_DATABASE_URL", database_url)
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    app = create_app()
    yield app
    app.extensions["db_engine"].dispose()


def test_debug_is_off_in_the_production_configuration(production, tmp_path):
    """Debug and testing are off, exceptions do not propagate to the server, and a 500
    shows the portal's own page with nothing internal."""
    assert production.instance_path == str(tmp_path)
    assert production.debug is False and production.config["DEBUG"] is False
    assert production.testing is False and production.config["TESTING"] is False
    assert not production.config.get("PROPAGATE_EXCEPTIONS")
    assert not production.config.get("EXPLAIN_TEMPLATE_LOADING")

    @production.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = production.test_client().get("/boom")
    assert response.status_code == 500
    assert "Er ging iets mis" in text_of(response, unescape=True)
    assert_nothing_internal(response)
    assert check_headers(response, "/boom") == []
