"""An invitation that could not be delivered, walked in Chromium in Dutch and in English: the
admin sees the notice on the start page, opens the undelivered e-mails, sees the mail with
its error and tries it again; once the mail server is back it arrives and the notice is gone."""

import pytest
from helpers import free_port, labels_of_other_language
from playwright.sync_api import expect
from twostep_helpers import totp_code, with_app

from app.extensions import mail
from app.outbox import deliver_pending
from browser.helpers import OWN_NAMES, labels, log_in, speaks

TEXTS = labels("staff_mail")


@pytest.fixture
def smtp_down(app_config):
    """The mail server is down when the test starts; request it before `app`."""
    app_config["MAIL_PORT"] = free_port()


def test_admin_tries_an_undelivered_mail_again(smtp_down, page, live_server, app, session,
                                               make, mailbox, t):
    lang = t["lang"]
    foreign = [p for p in labels_of_other_language(lang) if p not in OWN_NAMES]
    client = make.user(email="klant@example.nl", password=None, language=lang)
    make.invite(client)
    app.config["MAIL_MAX_ATTEMPTS"] = 1  # give up at the first failure
    assert deliver_pending(app) == (0, 1)
    admin = make.staff(role="admin", email="beheer@kantoor.test", name="Anne Beheer",
                       language=lang)
    secret = with_app(session, admin)

    log_in(page, admin, language=lang)
    page.get_by_label(t["code"], exact=True).fill(totp_code(secret))
    page.get_by_role("button", name=t["log_in"], exact=True).click()
    expect(page).to_have_url(live_server + "/kantoor/")

    notice = page.locator(".notice")
    expect(notice).to_contain_text(t["notice"])
    notice.get_by_role("link", name=t["see"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["title"])
    expect(page.get_by_role("heading", level=2).first).to_have_text(t["given_up"])
    row = page.locator("tr", has_text="klant@example.nl")
    expect(row).to_contain_text(t["subject"])
    expect(row).to_contain_text("ConnectionRefusedError")
    speaks(page, lang, foreign)

    # The mail server is back; the admin tries the mail again.
    app.config["MAIL_PORT"] = mailbox.controller.port
    mail.init_app(app)
    row.get_by_role("button", name=t["retry"]).click()
    expect(page.locator(".flash-success")).to_have_text(t["retried"])
    expect(page.get_by_role("heading", level=2).first).to_have_text(t["none_left"])
    expect(page.locator("tr", has_text="klant@example.nl")).to_have_count(0)
    speaks(page, lang, foreign)

    [message] = mailbox.deliver(app)
    assert message["To"] == "klant@example.nl" and message["Subject"] == t["subject"]
    page.goto("/kantoor/")
    expect(page.locator(".notice")).to_have_count(0)
