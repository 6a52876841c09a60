"""Accessibility audit (axe-core, WCAG 2.1 A and AA) of the "no storage space" states, in
Dutch and English (issue 14, point 16): Nieuw bericht answered 507 with what was typed kept,
and the 507 page of publishing documents on a full disk. The upload folder is a real,
small tmpfs."""
import os
import re

from playwright.sync_api import expect
from twostep_helpers import with_app

from browser.a11y import SUBMIT, Audit, speak
from browser.helpers import log_in, staff_log_in

NO_SPACE = re.compile(r"(geen opslagruimte meer|no storage space left)")


def test_no_storage_space(page, live_server, app, session, make, lang, small_disk):
    small_disk(100 * 1024)
    jan = make.user(email="klant@example.nl", language=lang)
    lawyer = make.staff(role="admin", email="admin@kantoor.test", name="mr. Admin",
                        language=lang)
    dossier = make.dossier(clients=[jan], lawyer=lawyer)
    with_app(session, lawyer)
    speak(page, live_server, lang)
    audit = Audit(page, lang)

    log_in(page, jan.email)
    page.goto(f"/dossiers/{dossier.id}/berichten/nieuw")
    page.locator('input[name="subject"]').fill("Stukken")
    page.locator('textarea[name="body"]').fill("Hierbij de scan van de akte.")
    page.get_by_role("button", name=re.compile(r"^\+ (Bijlagen|Attachments)")).click()
    dialog = page.get_by_role("dialog")
    with page.expect_file_chooser() as chooser:
        dialog.locator("button").filter(has_text=re.compile(r"^(Bladeren|Browse)")).click()
    chooser.value.set_files([{"name": "akte.pdf", "mimeType": "application/pdf",
                              "buffer": b"%PDF-1.4 " + os.urandom(300 * 1024)}])
    dialog.locator("button").filter(has_text=re.compile(r"^Upload 1")).click()
    expect(page.get_by_text(NO_SPACE)).to_be_visible()
    expect(page.locator('textarea[name="body"]')).to_have_value("Hierbij de scan van de akte.")
    audit.check("new message: no storage space (507), the text kept")
    page.context.clear_cookies()

    speak(page, live_server, lang)
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}/documenten")
    page.locator('input[name="files"]').set_input_files([{
        "name": "Conceptakte.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4 " + os.urandom(300 * 1024)}])
    page.locator(SUBMIT).filter(has_text=re.compile(r"^(Publiceren|Publish)$")).click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^(Geen opslagruimte|No storage "
                                                       r"space)$"))
    audit.check("the 507 page: no storage space")
    audit.assert_clean()
