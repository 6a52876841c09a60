"""Fixtures for the browser tests: the test app served on loopback, Debian's Chromium driven
by Playwright (one browser per session, a fresh context per test), a phone and a desktop,
both languages, and a newly invited client."""
import os
import re
import threading
from pathlib import Path

import pytest
from helpers import skip_unless_ci
from werkzeug.serving import make_server

from app.models import CAT_CORRESPONDENCE, CAT_DOCUMENT, FirmSettings
from browser.layout_helpers import DESKTOP, PHONE, device_pages

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Every test in this folder drives Chromium: mark it, so `-m "not browser"` works."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so `page` knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _missing(reason):
    """Skip on a developer's machine, but never let CI pass by skipping."""
    skip_unless_ci(reason, "browser tests")


@pytest.fixture
def live_server(app):
    """The test app on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    # Read at request time by app.outbox.public_url, so mail links point here.
    app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True, name="live-server")
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Chromium from Debian, headless; never downloaded (`playwright install` is not used)."""
    if not os.path.exists(CHROMIUM):
        _missing("Chromium not installed: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright not installed: pip install -r requirements.txt")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A new Dutch browser context and page per test, pointed at the live server.

    A script error or a Content-Security-Policy violation on any page fails the test (in
    its teardown); on failure a screenshot is saved in test-artifacts/ (git-ignored).
    """
    yield from _watched_page(browser, live_server, request)


@pytest.fixture
def localhost(app, live_server):
    """The live server's base URL by the name localhost, which is also PUBLIC_BASE_URL:
    browsers refuse an IP address as a passkey's relying party (issue 20)."""
    base_url = live_server.replace("//127.0.0.1:", "//localhost:")
    app.config["PUBLIC_BASE_URL"] = base_url
    return base_url


@pytest.fixture
def localhost_page(browser, localhost, request):
    """As `page`, pointed at the live server by the name localhost (passkeys work there)."""
    yield from _watched_page(browser, localhost, request)


def _watched_page(browser, base_url, request):
    """The body of `page` (a generator) for the server at `base_url`."""
    from playwright.sync_api import expect

    expect.set_options(timeout=5000)
    context = browser.new_context(locale="nl-NL", base_url=base_url)
    context.set_default_timeout(10000)
    page = context.new_page()
    script_errors = []

    def on_page_error(error):
        script_errors.append(f"{page.url}: {error}")

    def on_console(message):
        if "Content Security Policy" in message.text:
            script_errors.append(f"{page.url}: {message.text}")

    page.on("pageerror", on_page_error)
    page.on("console", on_console)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _screenshot(page, request)
    context.close()
    if report is not None and report.passed and script_errors:
        pytest.fail("errors in the browser:\n" + "\n".join(script_errors), pytrace=False)


def _screenshot(page, request):
    """Save what the page showed when the test failed, for the person reading the CI log."""
    folder = Path(request.config.rootpath) / "test-artifacts"
    folder.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    try:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    except Exception:  # a screenshot must not hide the test's own failure
        pass


@pytest.fixture
def devices(browser, live_server):
    """A phone page and a desktop page; fails the test on a script error in either."""
    with device_pages(browser, live_server, PHONE, DESKTOP) as pages:
        yield pages


@pytest.fixture(params=["nl", "en"])
def lang(request):
    """Each language in turn."""
    return request.param


@pytest.fixture(params=["nl", "en"])
def t(request):
    """The labels of the test's module (its TEXTS, from labels.toml) in each language in
    turn."""
    return request.module.TEXTS[request.param]


@pytest.fixture
def invited_client(request, app, session, make):
    """A new client (invited, no password yet; Dutch unless the test asks for "en") of a
    firm with its own colour, one dossier with a letter and a declaration, and a
    questionnaire to fill in: (dossier, assignment)."""
    language = getattr(request, "param", "nl")
    session.add(FirmSettings(colour="#7a1f3d"))
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="nieuw@example.nl", name="Anna de Vries", password=None,
                       language=language)
    dossier = make.dossier(clients=[client], lawyer=lawyer, number="2026-0142",
                           description="Aankoop woning")
    for title, category in (("Offerte", CAT_CORRESPONDENCE), ("Declaratie", CAT_DOCUMENT)):
        make.document(dossier, category, title, title.lower() + ".pdf",
                      b"%PDF-1.4 " + title.encode(), by=lawyer)
    assignment = make.assignment(client, dossier)
    make.invite(client)
    return dossier, assignment
