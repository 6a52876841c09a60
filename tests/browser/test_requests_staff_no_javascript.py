"""Requests for documents on the staff side with JavaScript off (issue 17), in Chromium, in
Dutch and in English; every step is a whole page load. The lawyer asks for documents (one
ticked on the firm's list, two typed, one in a row that "Meer rijen" added by loading the
page again, everything typed kept), a deadline in the past first (refused, kept), adds a
document, withdraws one after the confirmation page, rejects one (without a reason first:
the page says what is wrong) and approves another, and finds the request in the overview.
The admin keeps the firm's list under Instellingen: adds (a missing title first), moves,
edits and deletes a document, and saves the reminder and retention settings."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app.models import (
    ITEM_APPROVED,
    ITEM_REJECTED,
    ITEM_SUBMITTED,
    DocumentRequest,
    FirmSettings,
    RequestItem,
    StandardItem,
)
from app.staff.request_forms import today
from browser.helpers import heading, labels, staff_log_in

TEXTS = labels("requests_staff_no_javascript")


@pytest.fixture
def page(browser, live_server):
    """A Dutch browser context with JavaScript off."""
    expect.set_options(timeout=5000)
    context = browser.new_context(java_script_enabled=False, locale="nl-NL",
                                  base_url=live_server)
    context.set_default_timeout(10000)
    yield context.new_page()
    context.close()


def loads_a_page(page):
    """Expect the next action to load a whole page (a document request), not a fragment
    (as test_no_javascript.py)."""
    return page.expect_request(lambda request: request.resource_type == "document")


def flashed(page):
    return page.locator(".flashes")


def test_request_add_withdraw_and_review_without_javascript(page, live_server, app, session,
                                                            make, t):
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=t["lang"])
    with_app(session, lawyer)
    anna = make.user(email="anna@example.nl", name="Anna de Vries", language=t["lang"])
    dossier = make.dossier(clients=[anna], lawyer=lawyer, number="2026-0142",
                           description="Aankoop woning")
    for position, (title, identity) in enumerate([("Kopie paspoort of ID-kaart", True),
                                                  ("Recente loonstrook", False)]):
        session.add(StandardItem(title=title, is_identity=identity, position=position))
    session.commit()
    with app.app_context():
        deadline = today() + timedelta(days=14)
        yesterday = today() - timedelta(days=1)
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}/stukken")

    # Stukken opvragen: a box of the list, a typed row; Meer rijen loads the page again with
    # six rows and everything kept.
    with loads_a_page(page):
        page.get_by_role("link", name=t["request_documents"]).click()
    passport = page.get_by_role("checkbox", name="Kopie paspoort of ID-kaart")
    passport.check()
    page.locator("#rows-0-title").fill("Koopakte")
    page.locator("#rows-0-explanation").fill("Getekend door beide partijen")
    page.get_by_label(t["deadline"]).fill(yesterday.isoformat())
    expect(page.locator("#rows-3-title")).to_have_count(0)
    with loads_a_page(page):
        page.get_by_role("button", name=t["more_rows"]).click()
    expect(page.locator("#rows-5-title")).to_be_visible()
    expect(page.locator("#rows-0-title")).to_have_value("Koopakte")
    expect(page.locator("#rows-0-explanation")).to_have_value("Getekend door beide partijen")
    expect(passport).to_be_checked()
    expect(page.get_by_label(t["deadline"])).to_have_value(yesterday.isoformat())
    page.locator("#rows-4-title").fill("Loonstrook")

    # A deadline in the past: the page comes back saying so, everything typed kept.
    with loads_a_page(page):
        page.get_by_role("button", name=t["send"]).click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(t["problem"])
    expect(summary).to_contain_text(t["past_deadline"])
    expect(page.locator("#rows-4-title")).to_have_value("Loonstrook")
    expect(passport).to_be_checked()
    assert session.exec(select(DocumentRequest)).all() == []
    page.get_by_label(t["deadline"]).fill(deadline.isoformat())
    with loads_a_page(page):
        page.get_by_role("button", name=t["send"]).click()
    expect(flashed(page)).to_contain_text(t["sent"])
    expect(page.locator(".request-progress")).to_contain_text(t["progress"])
    doc_request = session.exec(select(DocumentRequest)).one()
    assert doc_request.deadline == deadline
    expect(page).to_have_url(f"{live_server}/kantoor/stukken/{doc_request.id}")

    # Stukken toevoegen: one more, typed.
    with loads_a_page(page):
        page.get_by_role("link", name=t["add_documents"]).click()
    page.locator("#rows-0-title").fill("Bankafschrift")
    with loads_a_page(page):
        page.get_by_role("button", name=t["add_documents"]).click()
    expect(flashed(page)).to_contain_text(t["added"])
    expect(page.locator("#request-items .request-item")).to_have_count(4)

    # Intrekken: a page asks first; the item then sits under the withdrawn ones.
    payslip = page.locator(".request-item", has_text="Loonstrook")
    with loads_a_page(page):
        payslip.get_by_role("link", name=re.compile(t["withdraw"])).click()
    expect(page.get_by_role("heading", level=2)).to_have_text(t["withdraw_heading"])
    with loads_a_page(page):
        page.get_by_role("button", name=t["withdraw_document"]).click()
    expect(flashed(page)).to_contain_text(t["withdrawn"])
    expect(page.locator("#request-items .request-item")).to_have_count(3)
    withdrawn = page.locator("details.withdrawn-items")
    withdrawn.locator("summary").click()  # a native <details>: no script needed
    expect(withdrawn.locator("summary")).to_have_text(t["one_withdrawn"])
    expect(withdrawn).to_contain_text("Loonstrook")

    # Anna hands in the other three.
    items = session.exec(select(RequestItem).where(RequestItem.withdrawn_at.is_(None))
                         .order_by(RequestItem.position)).all()
    assert [i.title for i in items] == ["Kopie paspoort of ID-kaart", "Koopakte", "Bankafschrift"]
    for item in items:
        make.hand_in(item, anna, f"stuk-{item.position}.pdf")
    page.reload()
    passport_card, deed_card = (page.locator(f"#item-{item.id}") for item in items[:2])

    # Afkeuren without a reason: the page says what is wrong, with a link to the field.
    with loads_a_page(page):
        deed_card.get_by_role("button", name=re.compile(t["reject"])).click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(t["reason_needed"])
    expect(summary.get_by_role("link")).to_have_attribute("href", f"#reason-{items[1].id}")
    expect(deed_card.locator(".error-message")).to_have_text(t["reason_needed"])
    deed_card.get_by_label(t["reason"]).fill(t["reason_text"])
    with loads_a_page(page):
        deed_card.get_by_role("button", name=re.compile(t["reject"])).click()
    expect(flashed(page)).to_contain_text(t["rejected_notice"])
    expect(page).to_have_url(re.compile(rf"/kantoor/stukken/{doc_request.id}#item-{items[1].id}$"))
    expect(deed_card.locator(".item-state")).to_contain_text(t["rejected"])
    expect(deed_card).to_contain_text(t["reason_text"])

    # Goedkeuren: back to the item, said above it.
    with loads_a_page(page):
        passport_card.get_by_role("button", name=re.compile(t["approve"])).click()
    expect(flashed(page)).to_contain_text(t["approved_notice"])
    expect(passport_card.locator(".item-state")).to_contain_text(t["approved"])

    # The overview: the request, with the one waiting for review.
    with loads_a_page(page):
        page.get_by_role("navigation", name=t["main_menu"]).get_by_role(
            "link", name=t["menu"]).click()
    expect(heading(page)).to_have_text(t["requested"])
    row = page.get_by_role("table").get_by_role("row", name=re.compile("Anna de Vries"))
    expect(row).to_contain_text(t["one_to_review"])

    session.expire_all()
    assert [(i.title, i.state) for i in session.exec(
        select(RequestItem).where(RequestItem.withdrawn_at.is_(None))
        .order_by(RequestItem.position))] == [
        ("Kopie paspoort of ID-kaart", ITEM_APPROVED), ("Koopakte", ITEM_REJECTED),
        ("Bankafschrift", ITEM_SUBMITTED)]


def test_the_firms_list_without_javascript(page, live_server, app, session, make, t):
    admin = make.staff(role="admin", email="admin@kantoor.test", name="Admin",
                       language=t["lang"])
    with_app(session, admin)
    staff_log_in(page, admin)
    with loads_a_page(page):
        page.locator(".site-header nav").get_by_role("link", name=t["settings"]).click()
    with loads_a_page(page):
        page.locator(".section-nav").get_by_role("link", name=t["requested"]).click()
    expect(heading(page)).to_have_text(t["requested"])

    # Adding: a missing title first (the page says so, the explanation kept), then two.
    page.get_by_label(t["explanation"]).fill("Voor- en achterkant")
    with loads_a_page(page):
        page.get_by_role("button", name=t["add_document"]).click()
    expect(page.locator(".error-summary")).to_contain_text(t["enter_title"])
    expect(page.get_by_label(t["explanation"])).to_have_value("Voor- en achterkant")
    page.get_by_label(t["title"], exact=True).fill("Kopie paspoort")
    page.get_by_label(t["identity"]).check()
    with loads_a_page(page):
        page.get_by_role("button", name=t["add_document"]).click()
    expect(flashed(page)).to_contain_text(t["added_to_list"])
    page.get_by_label(t["title"], exact=True).fill("Uittreksel KvK")
    with loads_a_page(page):
        page.get_by_role("button", name=t["add_document"]).click()
    expect(flashed(page)).to_contain_text(t["added_to_list"])
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Kopie paspoort")

    # Omhoog: the order saved, the page shows it.
    with loads_a_page(page):
        rows.nth(1).get_by_role("button", name=re.compile(t["up"])).click()
    expect(flashed(page)).to_contain_text(t["order_saved"])
    expect(rows.nth(0)).to_contain_text("Uittreksel KvK")

    # Wijzigen, on a page of its own.
    with loads_a_page(page):
        rows.nth(1).get_by_role("link", name=re.compile(t["edit"])).click()
    page.get_by_label(t["title"], exact=True).fill("Kopie paspoort of ID-kaart")
    with loads_a_page(page):
        page.get_by_role("button", name=t["save"], exact=True).click()
    expect(flashed(page)).to_contain_text(t["saved"])
    expect(rows.nth(1)).to_contain_text("Kopie paspoort of ID-kaart")

    # Verwijderen, from the page of the document.
    with loads_a_page(page):
        rows.nth(0).get_by_role("link", name=re.compile(t["edit"])).click()
    with loads_a_page(page):
        page.get_by_role("button", name=t["delete_document"]).click()
    expect(flashed(page)).to_contain_text(t["deleted"])
    expect(rows).to_have_count(1)

    # Reminders and retention: fewer years than the Wwft's five are refused.
    page.get_by_label(t["remind_before"]).fill("2")
    page.get_by_label(t["remind_every"]).fill("14")
    page.get_by_label(t["retention"]).fill("4")
    with loads_a_page(page):
        page.get_by_role("button", name=t["save_settings"]).click()
    expect(page.locator(".error-summary")).to_contain_text(t["retention_too_short"])
    expect(page.get_by_label(t["remind_every"])).to_have_value("14")
    page.get_by_label(t["retention"]).fill("7")
    with loads_a_page(page):
        page.get_by_role("button", name=t["save_settings"]).click()
    expect(flashed(page)).to_contain_text(t["settings_saved"])
    expect(page).to_have_url(re.compile(r"/kantoor/instellingen/stukken#reminders$"))
    expect(page.get_by_label(t["retention"])).to_have_value("7")

    session.expire_all()
    assert [(s.title, s.is_identity, s.explanation) for s in
            session.exec(select(StandardItem))] == [
        ("Kopie paspoort of ID-kaart", True, "Voor- en achterkant")]
    settings = session.get(FirmSettings, 1) or session.exec(select(FirmSettings)).one()
    assert (settings.remind_days_before, settings.remind_every_days,
            settings.identity_retention_years) == (2, 14, 7)
