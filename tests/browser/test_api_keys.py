"""Instellingen → API-sleutels and Webhooks in Chromium, in Dutch and in English, with the axe
audit (WCAG 2.1 A/AA) of every state: the admin makes a key (refused first), sees it once,
revokes it; adds a webhook (a private address refused, then allowed), sees its secret, gives
it a new one, sends a failed delivery again and deletes the webhook. Then the pages on a phone
and a desktop: no sideways scrolling, big enough targets, screenshots under
test-artifacts/screens/."""
import re

from helpers import labels_of_other_language
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app import webhooks
from app.api.keys import create_key
from app.models import ApiKey, WebhookDelivery, WebhookEndpoint, utcnow
from browser.a11y import Audit
from browser.helpers import OWN_NAMES, heading, labels, speaks, staff_log_in

from .layout_helpers import (
    BROKEN_WORDS,
    DESKTOP,
    arrange_demo,
    check_pages,
    first_screen,
    screenshot,
)
from .layout_helpers import audit as layout_audit
from .layout_helpers import staff_log_in as staff_log_in_device

TEXTS = labels("api_keys")
HOOK = "http://127.0.0.1:9/portaal"  # loopback, nothing listens: never the internet
KEY = re.compile(r"^klp_[A-Za-z0-9_-]{40,}$")


def test_admin_makes_and_revokes_a_key_and_adds_a_webhook(page, live_server, app, session,
                                                         make, t):
    lang = t["lang"]
    foreign = [p for p in labels_of_other_language(lang) if p not in OWN_NAMES]
    admin = make.staff(role="admin", email="beheer@kantoor.test", name="Anne Beheer",
                       language=lang)
    with_app(session, admin)
    audit = Audit(page, lang)
    staff_log_in(page, admin)

    # ---- API-sleutels: refused, made, shown once, revoked
    page.goto("/kantoor/instellingen")
    page.get_by_role("navigation", name=re.compile("instellingen|settings")).get_by_role(
        "link", name=t["api_keys"], exact=True).click()
    expect(heading(page)).to_have_text(t["api_keys"])
    audit.check("api keys: none yet")
    page.get_by_role("link", name=t["new_key"]).click()
    expect(heading(page)).to_have_text(t["new_key"])
    audit.check("new api key")
    page.get_by_label(t["key_name"], exact=True).fill("Dossiersysteem")
    audit.refused("new api key: no scope")
    expect(page.locator("#error-summary")).to_contain_text(t["no_scope"])
    expect(page.get_by_label(t["key_name"], exact=True)).to_have_value("Dossiersysteem")
    speaks(page, lang, foreign)
    page.get_by_label(t["scope"]).check()
    page.get_by_role("button", name=t["make_key"]).click()
    expect(heading(page)).to_have_text(t["your_key"])
    expect(page.get_by_role("status")).to_contain_text(t["shown_once"])
    raw = page.locator("#api-key").input_value()
    assert KEY.match(raw)
    audit.check("the new key, shown once")
    speaks(page, lang, foreign)
    page.get_by_role("link", name=t["copied"]).click()
    row = page.get_by_role("row").filter(has_text="Dossiersysteem")
    expect(row).to_contain_text(t["active"])
    assert raw not in page.content()
    audit.check("api keys: one active")
    row.get_by_role("link", name=t["revoke"]).click()
    audit.check("revoke a key: confirm")
    speaks(page, lang, foreign)
    page.get_by_role("button", name=t["revoke_key"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["revoked_flash"])
    expect(row).to_contain_text(t["revoked"])
    expect(row.get_by_role("link", name=t["revoke"])).to_have_count(0)
    assert session.exec(select(ApiKey)).one().revoked_at is not None

    # ---- Webhooks: a private address refused, then allowed; its secret; a delivery again
    page.get_by_role("link", name=t["webhooks"], exact=True).click()
    expect(heading(page)).to_have_text(t["webhooks"])
    audit.check("webhooks: none yet")
    page.get_by_role("link", name=t["new_webhook"]).click()
    audit.check("new webhook")
    page.get_by_label(t["address"]).fill(HOOK)
    page.get_by_label(t["event"]).check()
    audit.refused("new webhook: private address refused")
    expect(page.locator("#error-summary")).to_contain_text(t["private_refused"])
    expect(page.get_by_label(t["address"])).to_have_value(HOOK)
    expect(page.get_by_label(t["event"])).to_be_checked()
    speaks(page, lang, foreign)
    page.get_by_label(t["allow_private"]).check()
    page.get_by_role("button", name=t["add_webhook"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["added"])
    session.expire_all()
    endpoint = session.exec(select(WebhookEndpoint)).one()
    secret = page.get_by_label(t["secret"])
    expect(secret).to_have_value(endpoint.secret)
    audit.check("a webhook, no deliveries yet")
    # A delivery given up on, as the background loop leaves it.
    session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id="evt_browser",
                                event_type="message.received", payload="{}", attempts=8,
                                failed_at=utcnow(), last_error="ConnectionRefusedError"))
    session.commit()
    page.reload()
    delivery = page.get_by_role("row").filter(has_text="evt_browser")
    expect(delivery).to_contain_text(t["failed"])
    audit.check("a webhook with a failed delivery")
    speaks(page, lang, foreign)
    delivery.get_by_role("button", name=t["send_again"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["sent_again"])
    expect(delivery).to_contain_text(t["waiting"])
    old = endpoint.secret
    page.get_by_role("button", name=t["new_secret"]).click()
    expect(secret).not_to_have_value(old)
    page.get_by_role("link", name=t["delete_webhook"]).click()
    audit.check("delete a webhook: confirm")
    speaks(page, lang, foreign)
    page.get_by_role("button", name=t["delete_webhook"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["deleted"])
    expect(page.get_by_role("link", name=HOOK)).to_have_count(0)
    audit.assert_clean()


def test_the_pages_fit_a_phone(devices, app, session):
    phone, desktop = devices
    demo = arrange_demo(app, session)
    admin = demo["admin"]
    with app.test_request_context():
        row, _raw = create_key(session, name="Dossiersysteem", acts_as=admin,
                               scopes=["dossiers:read", "dossiers:write", "messages:read"])
        row.last_used_at, row.last_used_ip = utcnow(), "192.0.2.10"
        endpoint = webhooks.create_endpoint(
            session, url="https://93.184.215.14/portaal/gebeurtenissen",
            events=["message.received", "questionnaire.completed"],
            description="Dossiersysteem", actor=admin)
        session.flush()
    for n, fields in enumerate([dict(delivered_at=utcnow(), last_status=200, attempts=1),
                                dict(failed_at=utcnow(), last_status=503, attempts=8,
                                     last_error="Service Unavailable")]):
        session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id=f"evt_{n}Kq2Xw9LmZa",
                                    event_type="message.received", payload="{}", **fields))
    session.commit()
    for steps_ahead, page in enumerate((phone, desktop)):
        staff_log_in_device(page, session, admin, steps_ahead)
    broken = []

    def whole_words(page, name):
        """On the desktop: the words of its tables, each on one line."""
        if page.viewport_size == DESKTOP["viewport"]:
            broken.extend(f"{name}: {word}" for word in page.evaluate(BROKEN_WORDS, "main table"))

    base = f"/kantoor/instellingen/webhooks/{endpoint.id}"
    problems = check_pages(phone, desktop, [
        ("kantoor-instellingen-api-sleutels", "/kantoor/instellingen/api-sleutels"),
        ("kantoor-instellingen-api-sleutel-nieuw", "/kantoor/instellingen/api-sleutels/nieuw"),
        ("kantoor-instellingen-api-sleutel-intrekken",
         f"/kantoor/instellingen/api-sleutels/{row.id}/intrekken"),
        ("kantoor-instellingen-webhooks", "/kantoor/instellingen/webhooks"),
        ("kantoor-instellingen-webhook-nieuw", "/kantoor/instellingen/webhooks/nieuw"),
        ("kantoor-instellingen-webhook", base),
        ("kantoor-instellingen-webhook-wijzigen", f"{base}/wijzigen"),
        ("kantoor-instellingen-webhook-verwijderen", f"{base}/verwijderen"),
    ], before=whole_words)
    # The page that shows a new key once answers a POST: made on the phone itself.
    phone.goto("/kantoor/instellingen/api-sleutels/nieuw")
    phone.get_by_label("Naam", exact=True).fill("Boekhouding")
    phone.get_by_label("Dossiers en hun voortgang lezen (dossiers:read)").check()
    phone.get_by_role("button", name="Sleutel maken").click()
    expect(heading(phone)).to_have_text("Uw nieuwe API-sleutel")
    screenshot(phone, "phone", "kantoor-instellingen-api-sleutel-gemaakt")
    found = first_screen(phone) + layout_audit(phone)
    if found:
        problems.append("the new key (POST):\n" + "\n".join(found))
    assert not broken, "words broken over two lines at 1280 px:\n" + "\n".join(broken)
    assert not problems, "layout problems on a 375 px phone:\n" + "\n".join(problems)
