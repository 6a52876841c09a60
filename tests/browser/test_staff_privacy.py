"""Data protection walked in Chromium, in Dutch and in English: an admin gives closed
dossiers a retention period (a typing error first), opens a client's page, downloads the
export zip, is told a wrong confirmation address, and erases the client: the file is gone
from disk and the client list shows no trace of the name."""
import os
import zipfile
from datetime import timedelta

from helpers import labels_of_other_language
from playwright.sync_api import expect
from twostep_helpers import totp_code, with_app

from app import storage
from app.models import CAT_CORRESPONDENCE, Document, utcnow
from browser.helpers import OWN_NAMES, labels, log_in, speaks

TEXTS = labels("staff_privacy")
FIRM_NAMES = ("Kantoor Test",)  # not labels of either language


def test_an_admin_exports_and_erases_a_client(page, live_server, app, session, make, t,
                                              tmp_path):
    lang = t["lang"]
    foreign = [p for p in labels_of_other_language(lang) if p not in OWN_NAMES]
    admin = make.staff(role="admin", email="beheer@kantoor.test", name="Anne Beheer",
                       language=lang)
    # The export speaks the client's language: here the same as the admin's.
    jan = make.user(email="jan@example.nl", name="Jan de Vries", language=lang)
    dossier = make.dossier(clients=[jan], status="closed", number="2026-0007")
    with app.app_context():
        key, digest, size = storage.store_bytes(b"%PDF brief aan Jan")
        path = storage.path_for(key)
    session.add(Document(dossier_id=dossier.id, category=CAT_CORRESPONDENCE, title="Brief",
                         filename="brief.pdf", content_type="application/pdf", size=size,
                         sha256=digest, storage_key=key))
    dossier.status_changed_at = utcnow() - timedelta(days=8 * 365)
    session.commit()
    secret = with_app(session, admin)

    log_in(page, admin, language=lang)
    page.get_by_label(t["code"], exact=True).fill(totp_code(secret))
    page.get_by_role("button", name=t["log_in"], exact=True).click()
    expect(page).to_have_url(live_server + "/kantoor/")

    # The retention period of closed dossiers: a typing error keeps what was typed.
    page.goto("/kantoor/instellingen/statussen/closed")
    field = page.get_by_label(t["retention"])
    expect(field).to_have_value("2557")
    field.fill("7 jaar")
    page.get_by_role("button", name=t["save"], exact=True).click()
    expect(page.locator(".error-message")).to_contain_text(t["bad_days"])
    expect(page.get_by_label(t["retention"])).to_have_value("7 jaar")
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    page.get_by_label(t["retention"]).fill("2557")
    page.get_by_role("button", name=t["save"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(t["saved"])

    # The client's page links to export and erasure.
    page.locator(".site-header nav").get_by_role("link", name=t["clients"]).click()
    page.get_by_role("link", name="Jan de Vries").click()
    page.get_by_role("link", name=t["privacy"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jan de Vries")
    speaks(page, lang, foreign, ignore=FIRM_NAMES)

    with page.expect_download() as download:
        page.get_by_role("button", name=t["export"]).click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    archive = zipfile.ZipFile(saved)
    assert t["readme"] in archive.read("README.txt").decode()
    assert any(name.endswith("brief.pdf") for name in archive.namelist())

    # A wrong address is refused and kept; the right one erases.
    page.get_by_label(t["confirm"]).fill("piet@example.nl")
    page.get_by_role("button", name=t["erase"]).click()
    expect(page.locator(".error-message")).to_have_text(t["wrong"])
    expect(page.get_by_label(t["confirm"])).to_have_value("piet@example.nl")
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    page.get_by_label(t["confirm"]).fill("jan@example.nl")
    page.get_by_role("button", name=t["erase"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["erased"])
    expect(page.locator("main")).not_to_contain_text("Jan de Vries")
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    assert not os.path.exists(path)
