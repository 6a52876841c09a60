"""Helpers of the browser tests: logging in through the login page, and checking that a
page speaks one language only."""
import re

from helpers import PASSWORD
from playwright.sync_api import expect

LOG_IN = re.compile(r"^(Inloggen|Log in)$")
LOGGED_IN = re.compile(r"^(Uitloggen|Log out)$")  # the button a logged-in page shows
OWN_NAMES = {"Nederlands", "English"}  # each language's own name, on both language pages


def log_in(page, user, password=PASSWORD, language=None, wait=False):
    """Fill in the login page (in whichever language it speaks, or first switched to
    `language`) and press its button. `user` is a user or an e-mail address; with `wait`,
    wait until the next page shows the log-out button."""
    page.goto("/inloggen")
    if language == "en":
        page.get_by_role("button", name="English").click()
    page.locator('input[name="email"]').fill(getattr(user, "email", user))
    page.locator('input[name="password"]').fill(password)
    page.get_by_role("button", name=LOG_IN).click()
    if wait:
        expect(page.get_by_role("button", name=LOGGED_IN)).to_be_visible()


def speaks(page, lang, foreign, within="body", ignore=()):
    """The page is in `lang`: its html lang, and none of the phrases `foreign` (of the other
    language) shows in `within`, once the names in `ignore` (the firm's) are taken out."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    text = page.locator(within).inner_text()
    for name in ignore:
        text = text.replace(name, "")
    mixed = [p for p in foreign if p and re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
    assert mixed == [], f"{page.url} in {lang} shows {mixed}"
