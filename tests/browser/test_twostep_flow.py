"""Mijn gegevens walked in Chromium, in Dutch and in English: notifications, SMS with its
recovery code and, as the first set-up, backup codes (downloaded, printed), the authenticator
app (its secret read from the page, codes made with pyotp), new backup codes as a download,
and logging in with a code and with a backup code."""
import re
import time

import pyotp
import pytest
from helpers import PASSWORD
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import last_sms_code

from app.models import RecoveryCode
from browser.helpers import heading, labels, log_in

TEXTS = labels("twostep_flow")


def fill_code(page, t, code, button):
    page.get_by_label(t["code"], exact=True).fill(code)
    page.get_by_role("button", name=button, exact=True).click()


def test_two_step_walk(page, live_server, app, session, make, tmp_path, t):
    user = make.user(email="jan@example.nl", language=t["lang"])

    # The first login lands on Mijn gegevens, organised in its sections.
    log_in(page, "jan@example.nl")
    expect(page).to_have_url(live_server + "/mijn-gegevens")
    expect(heading(page)).to_have_text(t["my_details"])
    expect(page.get_by_role("heading", level=2)).to_have_text(t["sections"])

    # Notifications: switch one off and save.
    box = page.get_by_label(t["messages_box"])
    expect(box).to_be_checked()
    box.uncheck()
    page.get_by_role("button", name=t["save_notifications"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["notifications_saved"])
    expect(page.get_by_label(t["messages_box"])).not_to_be_checked()
    session.refresh(user)
    assert user.notify_messages is False and user.notify_documents is True

    # SMS: mobile number → code from the SMS → the recovery code and, as this is the first
    # set-up, the backup codes: shown once, to download and print (issue 16, point 3).
    page.get_by_role("link", name=t["set_up"]).click()
    expect(heading(page)).to_have_text(t["two_step"])
    page.get_by_role("link", name=t["set_up_sms"]).click()
    page.get_by_label(t["mobile"]).fill("06 12345678")
    page.get_by_label(t["password"]).fill(PASSWORD)  # the password first, every set-up
    page.get_by_role("button", name=t["send_code"]).click()
    fill_code(page, t, last_sms_code(app), t["confirm"])
    expect(heading(page)).to_have_text(t["recovery_and_backup"])
    expect(page.locator("#recovery-code")).to_have_text(re.compile(r"^[A-Z2-9-]{14}$"))
    recovery = page.locator("#recovery-code").inner_text()
    first_codes = page.locator("#backup-codes code").all_inner_texts()
    assert len(first_codes) == 10
    with page.expect_download() as info:
        page.get_by_role("button", name=t["download"]).click()
    assert info.value.suggested_filename == t["both_file"]
    saved = tmp_path / "both.txt"
    info.value.save_as(saved)
    assert all(code in saved.read_text() for code in [recovery, *first_codes])
    # Print prints this very page (the browser's print dialog), and stays on it.
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.get_by_role("button", name=t["print"]).click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    expect(page.locator("#backup-codes")).to_be_visible()
    expect(page.get_by_role("button", name=t["print"])).to_be_hidden()
    page.emulate_media(media="screen")
    page.get_by_role("link", name=t["saved_codes"]).click()
    expect(heading(page)).to_have_text(t["two_step"])

    # The authenticator app: the secret is read from the page, as a person would type it.
    page.get_by_role("link", name=t["set_up_app"]).click()
    expect(page.locator("svg.qr")).to_have_count(0)  # nothing shown before the password
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["continue"]).click()
    expect(page.locator("svg.qr")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    fill_code(page, t, "000000" if totp.now() != "000000" else "111111", t["confirm"])
    expect(page.get_by_role("alert")).to_contain_text(t["wrong"])
    fill_code(page, t, totp.now(), t["confirm"])
    # A second method keeps the backup codes there are: back to the overview.
    expect(page.get_by_role("status")).to_contain_text(t["app_done"])
    expect(heading(page)).to_have_text(t["two_step"])

    # Backup codes: shown once, and downloadable as a text file.
    page.get_by_role("link", name=t["make_backup"]).click()
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["make_backup"]).click()
    expect(heading(page)).to_have_text(t["backup_heading"])
    codes = page.locator("#backup-codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as info:
        page.get_by_role("button", name=t["download"]).click()
    download = info.value
    assert download.suggested_filename == t["file"]
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert all(code in saved.read_text() for code in codes)
    page.get_by_role("link", name=t["saved_backup"]).click()
    page.get_by_role("button", name=t["log_out"]).click()
    expect(page).to_have_url(live_server + "/inloggen")

    # Password + a code from the app; the password alone opens nothing.
    log_in(page, "jan@example.nl")
    expect(page).to_have_url(live_server + "/inloggen/verificatie/app")
    expect(page.get_by_text(t["app_prompt"])).to_be_visible()
    fill_code(page, t, totp.at(time.time() + 30), t["log_in"])
    expect(page).to_have_url(live_server + "/")
    page.get_by_role("button", name=t["log_out"]).click()

    # Password + a backup code.
    log_in(page, "jan@example.nl")
    page.get_by_role("link", name=t["use_code"]).click()
    expect(page).to_have_url(live_server + "/inloggen/verificatie/code")
    fill_code(page, t, codes[0], t["log_in"])
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("status")).to_contain_text(t["nine_left"])
    used = session.exec(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all()
    assert [code.kind for code in used] == ["backup"]


ACCOUNT_TEXTS = labels("company_accounts")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_company_accounts_and_language_walk(page, live_server, app, session, make, mailbox,
                                            lang):
    t = ACCOUNT_TEXTS[lang]
    company = make.company("Bakkerij De Wit B.V.")
    make.user(email="anna@dewit.nl", company=company, company_main=True, language=lang)
    log_in(page, "anna@dewit.nl")
    expect(page).to_have_url(live_server + "/mijn-gegevens")

    # Instellen taal: saved at once, applied after logging out.
    other = "English" if lang == "nl" else "Nederlands"
    page.get_by_label(other).check()
    page.get_by_role("button", name=t["save_language"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["saved"])
    expect(page.locator("html")).to_have_attribute("lang", lang)

    # Accounts | Extra accounts: add, view, delete after confirming.
    page.get_by_role("link", name=t["extra"], exact=True).click()
    expect(heading(page)).to_have_text(t["extra"])
    page.get_by_label(t["name"], exact=True).fill("Piet de Wit")
    page.get_by_label(t["email"]).fill("piet@dewit.nl")
    page.get_by_role("button", name=t["add"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["added"])
    [mail1] = mailbox.deliver(app)
    assert mail1["To"] == "piet@dewit.nl"
    page.get_by_role("link", name=f"{t['view']} Piet de Wit").click()
    expect(heading(page)).to_have_text("Piet de Wit")
    expect(page.get_by_text("piet@dewit.nl")).to_be_visible()
    page.get_by_role("link", name=t["delete_account"]).click()
    expect(heading(page)).to_have_text(t["confirm"])
    page.get_by_role("button", name=t["delete_account"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["deleted"])
    expect(page.get_by_role("cell", name="piet@dewit.nl")).to_have_count(0)

    page.get_by_role("button", name="Uitloggen" if lang == "nl" else "Log out").click()
    expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "nl" else "nl")
