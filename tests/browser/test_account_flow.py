"""Mijn gegevens walked in Chromium, in Dutch and in English: the profile (name, an e-mail
change confirmed through the link in the mail, the login activity with "log out everywhere
else"), and logging in with an SMS code read from the SMS file, then with the recovery
code, then turning SMS off, which asks for the password."""
import re

import pytest
from helpers import PASSWORD, links_in
from playwright.sync_api import expect
from twostep_helpers import last_sms_code, sms_sent, with_sms

from app import twostep
from app.models import utcnow
from browser.helpers import heading, labels, log_in

TEXTS = labels("account_flow")


def log_out(page, t):
    page.get_by_role("button", name=t["log_out"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/inloggen$"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_profile_walk(page, browser, live_server, app, session, make, mailbox, lang):
    t = TEXTS[lang]
    user = make.user(email="jan@example.nl", name="Jan Jansen", language=lang)
    user.first_login_at = utcnow()
    session.commit()
    make.user(email="piet@example.nl", name="Piet")
    # The same account is also logged in on another device.
    other = browser.new_context(locale="nl-NL", base_url=live_server)
    phone = other.new_page()
    log_in(phone, "jan@example.nl")
    expect(phone).to_have_url(live_server + "/")

    log_in(page, "jan@example.nl")
    page.get_by_role("link", name=t["my_details"], exact=True).click()
    expect(heading(page)).to_have_text(t["my_details"])

    # The name.
    page.get_by_role("link", name=t["change_name"]).click()
    expect(page.get_by_label(t["name"], exact=True)).to_have_value("Jan Jansen")
    page.get_by_label(t["name"], exact=True).fill("Jan de Vries")
    page.get_by_role("button", name=t["save_name"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["name_saved"])
    expect(page.locator("#profiel")).to_contain_text("Jan de Vries")

    # The e-mail address: an address in use is refused, what was typed stays.
    page.get_by_role("link", name=t["change_email"]).click()
    page.get_by_label(t["new_email"]).fill("piet@example.nl")
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["send_link"]).click()
    expect(page.get_by_role("alert")).to_contain_text(t["in_use"])
    expect(page.get_by_label(t["new_email"])).to_have_value("piet@example.nl")
    page.get_by_label(t["new_email"]).fill("jan.nieuw@example.nl")
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["send_link"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["link_sent"])
    expect(page.locator("#profiel")).to_contain_text(t["waiting"])
    expect(page.locator("#profiel")).to_contain_text("jan@example.nl")

    # The link from the mail to the new address, opened in this browser.
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "jan.nieuw@example.nl" and mail["Subject"] == t["mail_subject"]
    [link] = links_in(mail)
    assert link.startswith(live_server + "/mijn-gegevens/e-mailadres/")
    page.goto(link)
    expect(heading(page)).to_have_text(t["confirm_heading"])
    page.get_by_role("button", name=t["confirm"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["changed"])
    expect(page.locator("#profiel")).to_contain_text("jan.nieuw@example.nl")
    [notice] = mailbox.deliver(app)
    assert notice["To"] == "jan@example.nl" and notice["Subject"] == t["notice_subject"]
    session.refresh(user)
    assert (user.name, user.email) == ("Jan de Vries", "jan.nieuw@example.nl")

    # The login activity: both sessions, then log out everywhere else.
    page.get_by_role("link", name=t["view_logins"]).click()
    expect(heading(page)).to_have_text(t["logins"])
    sessions = page.locator("#open-sessions tbody tr")
    expect(sessions).to_have_count(2)
    expect(page.locator("#open-sessions")).to_contain_text(t["this_browser"])
    expect(page.locator("#recent-logins tbody tr")).to_have_count(2)
    expect(page.locator("#recent-logins")).to_contain_text("127.0.0.1")
    page.get_by_role("button", name=t["end_others"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["ended"])
    expect(sessions).to_have_count(1)
    phone.reload()
    expect(phone).to_have_url(re.compile(r"/inloggen"))
    other.close()

    # The new address logs in from now on.
    log_out(page, t)
    log_in(page, "jan.nieuw@example.nl")
    expect(page).to_have_url(live_server + "/")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_sms_login_recovery_code_and_turning_sms_off(page, live_server, app, session, make,
                                                     lang):
    t = TEXTS[lang]
    user = make.user(email="jan@example.nl", language=lang)
    user.first_login_at = utcnow()
    with_sms(session, user)
    [recovery] = twostep.new_codes(session, user, twostep.KIND_RECOVERY, 1)
    session.commit()

    # Password, then the code from the SMS (read from the file the provider wrote).
    log_in(page, "jan@example.nl")
    expect(page).to_have_url(live_server + "/inloggen/verificatie/sms")
    expect(page.locator("main")).to_contain_text(t["sms_ending"])
    assert [to for to, _text in sms_sent(app)] == ["+31612345678"]
    page.get_by_label(t["code"], exact=True).fill(last_sms_code(app))
    page.get_by_role("button", name=t["log_in"], exact=True).click()
    expect(page).to_have_url(live_server + "/")
    log_out(page, t)

    # Password, then the recovery code instead: set up again, the page says.
    log_in(page, "jan@example.nl")
    page.get_by_role("link", name=t["use_code"]).click()
    page.get_by_label(t["code"], exact=True).fill(recovery.lower())
    page.get_by_role("button", name=t["log_in"], exact=True).click()
    expect(page).to_have_url(live_server + "/mijn-gegevens/2-staps-verificatie")
    expect(page.get_by_role("status")).to_contain_text(t["recovery_used"])

    # Turning SMS off asks for the password again.
    page.get_by_role("link", name=t["turn_off_sms"]).click()
    page.get_by_role("button", name=t["turn_off"], exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(t["enter_password"])
    page.get_by_label(t["password"]).fill("Fout12345")
    page.get_by_role("button", name=t["turn_off"], exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(t["wrong_password"])
    session.refresh(user)
    assert user.sms_enabled
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["turn_off"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(t["sms_off"])
    expect(heading(page)).to_have_text(t["two_step"])
    session.refresh(user)
    assert not user.sms_enabled

    # From now on the password alone logs in.
    log_out(page, t)
    log_in(page, "jan@example.nl")
    expect(page).to_have_url(live_server + "/")
