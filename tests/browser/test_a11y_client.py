"""Accessibility audit of the client side, part 1, in Dutch and English: axe-core (WCAG 2.1 A
and AA) on the pages before login (login with and without an error, Instellen wachtwoord, the
set-password page of an invitation, a bad link, the two-step prompts by SMS and app), then
Home, the dossier list with its status filter, a dossier with Voortgang open and each tab, a
message, Beantwoorden, Nieuw bericht with an error, at its maximum length, with "+ Bijlagen"
open and with its attachment uploaded, Berichten with that draft, the empty tabs of a
dossier, Acties and the error pages. Part 2 (questionnaires, Mijn gegevens) is
test_a11y_client_forms.py."""
import re

import pytest
from helpers import firm_details
from playwright.sync_api import expect
from twostep_helpers import with_app, with_sms

from app import db, security
from app.models import (
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    TOKEN_PASSWORD,
    utcnow,
)
from browser.a11y import AXE_FILE, AXE_VERSION, Audit, speak
from browser.helpers import LOG_IN, LOGGED_IN, log_in


def arrange_client(make, lang):
    """A client with two dossiers in two statuses; the first with progress, a document in
    each tab, an unread message from the lawyer and an open questionnaire."""
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="klant@example.nl", name="Klaas Klant", language=lang)
    client.first_login_at = utcnow()
    house = make.dossier(clients=[client], lawyer=lawyer, number="2026-0105",
                         description="Aankoop woning")
    make.dossier(clients=[client], lawyer=lawyer, number="2026-0104",
                 description="Testament opstellen", status="closed")
    make.steps(house, 4, done=2)
    make.pdf(house, CAT_CORRESPONDENCE, "Offerte", lawyer, age_days=1)
    make.pdf(house, CAT_DOCUMENT, "Declaratie", lawyer, age_days=1)
    make.pdf(house, CAT_PROVIDED, "Paspoort", client, age_days=1)
    message = make.message(house, lawyer, subject="Concept akte",
                           body="Wilt u de concept akte doornemen?")
    make.assignment(client, house)
    return client, house, message


def test_the_audit_finds_what_it_should(page):
    """The vendored axe is the version its README names, and it reports a known problem (so
    a broken injection can never pass as a clean page)."""
    assert f"axe-core {AXE_VERSION}" in (AXE_FILE.parent / "README.md").read_text()
    page.set_content('<html lang="nl"><title>t</title><main><img src="data:,"></main></html>')
    audit = Audit(page, "nl")
    audit.check("an image without alt text")
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        audit.assert_clean()


def test_before_login(page, live_server, app, session, make, lang):
    """Login, its error, Instellen wachtwoord, the set-password page, a bad link, the two-step
    prompts."""
    speak(page, live_server, lang)
    invited = make.user(email="nieuw@example.nl", password=None, language=lang)
    with app.app_context():
        raw = security.issue_token(session, invited, TOKEN_PASSWORD, 24)
    session.commit()
    invitation = make.invite(make.user(email="uitgenodigd@example.nl", password=None,
                                       language=lang))
    make.user(email="klant@example.nl", language=lang)
    with_sms(session, make.user(email="sms@example.nl", language=lang))
    with_app(session, make.user(email="app@example.nl", language=lang))
    # The firm's logo, welcome text and contact details: on the login page and in the footer
    # of every page before login (issue 16, point 14).
    firm_details(app, session, welcome_text="Welkom bij Mulder & Partners.")
    audit = Audit(page, lang)

    audit.visit("/inloggen", "login, with the firm's welcome and contact details")
    audit.visit("/api/v1/docs", "the API reference (public, for the firm's integrators)")
    expect(page.locator(".site-footer a[href^='tel:']")).to_be_visible()
    log_in(page, "klant@example.nl", "Fout12345")
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check("login with an error")

    audit.visit("/wachtwoord-instellen", "forgot password")
    audit.refused("forgot password with an error", "form button[type=submit]")
    audit.visit("/wachtwoord-instellen/verstuurd", "link sent")

    audit.visit(f"/welkom/{invitation}", "invitation")
    audit.visit(f"/wachtwoord/{raw}", "set password")
    page.locator('input[name="password"]').fill("kort")
    audit.refused("set password with errors", "form button[type=submit]")
    audit.visit("/wachtwoord/not-a-token", "link problem")

    log_in(page, "sms@example.nl")
    expect(page).to_have_url(live_server + "/inloggen/verificatie/sms")
    audit.check("two-step prompt: SMS")
    page.locator('input[name="code"]').fill("000000")
    page.get_by_role("button", name=LOG_IN).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("two-step prompt: SMS, wrong code")
    audit.visit("/inloggen/verificatie/code", "two-step prompt: recovery code")

    log_in(page, "app@example.nl")
    expect(page).to_have_url(live_server + "/inloggen/verificatie/app")
    audit.check("two-step prompt: app")
    audit.assert_clean()


def test_portal(page, live_server, app, session, make, lang):
    """Home, dossiers, a dossier and its tabs, messages, Nieuw bericht, Acties, errors."""
    owner, house, message = arrange_client(make, lang)
    empty = make.dossier(clients=[owner], number="2026-0103", description="Leeg dossier")
    speak(page, live_server, lang)
    audit = Audit(page, lang)
    log_in(page, "klant@example.nl")
    expect(page.get_by_role("button", name=LOGGED_IN)).to_be_visible()
    audit.check("home")
    # On a phone, with the header's "Menu" unfolded (issue 16, point 13).
    page.set_viewport_size({"width": 375, "height": 667})
    page.locator(".menu summary").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Home")).to_be_visible()
    audit.check("home on a phone, menu open")
    page.set_viewport_size({"width": 1280, "height": 720})

    page.goto("/dossiers")
    expect(page.locator('input[name="status"]')).to_have_count(2)
    audit.check("dossier list with status filter")

    page.goto(f"/dossiers/{house.id}")
    page.locator("details.progress summary").click()
    expect(page.locator("details.progress li").first).to_be_visible()
    audit.check("dossier, Voortgang open, Correspondentie")
    for tab in ("documenten", "aangeleverd", "berichten"):
        audit.visit(f"/dossiers/{house.id}/{tab}", f"dossier tab {tab}")
    # A tab swapped in by htmx, as a click does it (the page around it stays).
    page.locator("#dossier-tabs nav a").first.click()
    expect(page).to_have_url(re.compile(rf"/dossiers/{house.id}(/correspondentie)?$"))
    expect(page.locator(".tab-panel")).to_contain_text("Offerte")
    audit.check("dossier tab swapped by htmx")

    audit.visit(f"/berichten/{message.id}", "message")
    audit.visit(f"/berichten/{message.id}/beantwoorden", "reply")

    page.goto(f"/dossiers/{house.id}/berichten/nieuw")
    page.locator("form button[type=submit]").filter(
        has_text=re.compile(r"^(Versturen|Send message)$")).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("new message with errors")
    page.locator('textarea[name="body"]').fill("x" * 4000)
    expect(page.locator("#body-counter")).to_contain_text("4000")
    expect(page.locator("#body-limit-dialog")).to_be_visible()
    audit.check("new message, Maximum bereikt")
    page.keyboard.press("Escape")
    expect(page.locator("#body-limit-dialog")).to_be_hidden()
    audit.check("new message at the maximum length")
    page.get_by_role("button", name=re.compile(r"^\+ (Bijlagen|Attachments)")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    audit.check("new message, attachment dialog open")
    with page.expect_file_chooser() as chooser:
        dialog.locator("button").filter(has_text=re.compile(r"^(Bladeren|Browse)")).click()
    chooser.value.set_files([{"name": "akte.pdf", "mimeType": "application/pdf",
                              "buffer": b"%PDF-1.4 akte"}])
    expect(dialog.locator("[data-selection] li")).to_have_count(1)
    audit.check("attachment dialog with a file chosen")
    dialog.locator("button").filter(has_text=re.compile(r"^Upload 1")).click()
    page.wait_for_url(re.compile(r"/concepten/\d+$"))
    expect(page.locator("#attachments li")).to_have_count(1)
    audit.check("draft with its attachment and bin")
    audit.visit(f"/dossiers/{house.id}/berichten", "Berichten with a draft not sent")
    # Empty states: a dossier with nothing in it yet (issue 16, point 15).
    for tab in ("correspondentie", "aangeleverd", "berichten"):
        audit.visit(f"/dossiers/{empty.id}/{tab}", f"empty dossier tab {tab}")

    audit.visit("/acties", "Acties")

    # A phone's width: the layout changes (menu, tables), so does what axe sees.
    page.set_viewport_size({"width": 390, "height": 844})
    audit.visit("/", "phone: home")
    audit.visit(f"/dossiers/{house.id}", "phone: dossier")
    page.goto(f"/dossiers/{house.id}/berichten/nieuw")
    page.get_by_role("button", name=re.compile(r"^\+ (Bijlagen|Attachments)")).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    audit.check("phone: attachment dialog open")
    page.set_viewport_size({"width": 1280, "height": 720})
    audit.visit("/dossiers/999999", "404")
    # The portal never answers 403 (no access is a 404: nothing confirms a record exists);
    # the other error page a person meets is the 400 of an expired form.
    page.goto("/mijn-gegevens/naam")
    page.locator('input[name="csrf_token"]').last.evaluate("e => { e.value = 'verlopen'; }")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_have_count(1)
    audit.check("400 (expired form)")
    # The page of a database outage (503), made without the database (app/errors.py).
    working = app.extensions["db_engine"]
    app.extensions["db_engine"] = db.make_engine("sqlite:////nonexistent/portal.sqlite3")
    try:
        page.goto("/dossiers")
        expect(page.locator("h1")).to_have_count(1)
        audit.check("503 (database unavailable)")
    finally:
        app.extensions["db_engine"].dispose()
        app.extensions["db_engine"] = working
    audit.assert_clean()
