"""Helpers of the browser tests: the labels they look for (labels.toml), logging in through
the login page, checking that a page speaks one language only, and dropping files."""
import re
import tomllib
from functools import cache
from pathlib import Path

from helpers import PASSWORD
from playwright.sync_api import expect
from twostep_helpers import totp_code

LOG_IN = re.compile(r"^(Inloggen|Log in)$")
LOGGED_IN = re.compile(r"^(Uitloggen|Log out)$")  # the button a logged-in page shows
OWN_NAMES = {"Nederlands", "English"}  # each language's own name, on both language pages
LANGUAGES = ("nl", "en")  # the order of the two labels of each key in labels.toml


@cache
def _labels_file():
    with open(Path(__file__).with_name("labels.toml"), "rb") as f:
        return tomllib.load(f)


def labels(section):
    """The labels of `section` of labels.toml (and of [common]) per language, each with its
    "lang": {"nl": {key: Dutch label}, "en": {key: English label}}."""
    table = _labels_file()
    pairs = {**table["common"], **table[section]}
    return {lang: {"lang": lang, **{key: value[i] for key, value in pairs.items()}}
            for i, lang in enumerate(LANGUAGES)}


def heading(page):
    """The page's one heading of level 1."""
    return page.get_by_role("heading", level=1)


def log_in(page, user, password=PASSWORD, language=None, wait=False, start="/inloggen"):
    """Fill in the login page (in whichever language it speaks, or first switched to
    `language`) and press its button. `user` is a user or an e-mail address; with `wait`,
    wait until the next page shows the log-out button. `start`: the address opened first
    (the portal's own address "/" leads to the login page too)."""
    page.goto(start)
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


def staff_log_in(page, user, audit=None):
    """Password, then the code of the authenticator app (turned on for `user` already), as
    staff always log in; with `audit`, the prompt is audited on the way. They open the
    portal's own address, as a bookmark would, and land on the staff start page, not on the
    client's Home (issue 16, point 1)."""
    log_in(page, user, start="/")
    expect(page).to_have_url(re.compile(r"/inloggen/verificatie/app$"))
    if audit:
        audit.check("staff two-step prompt")
    page.locator("input[name=code]").fill(totp_code(user.totp_secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("header form button[type=submit]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/kantoor/$"))


def drop_files(page, files, zone="[data-drop-zone]"):
    """Drag files from the desktop onto the drop `zone`: a real drop event with a
    DataTransfer, as the browser fires it. `files` maps each name to its content, or is a
    list of names (a small PDF each)."""
    if not isinstance(files, dict):
        files = {name: "%PDF-1.4 " + name for name in files}
    page.evaluate("""([files, zone]) => {
        const target = document.querySelector(zone);
        const transfer = new DataTransfer();
        for (const [name, content] of Object.entries(files)) {
            transfer.items.add(new File([content], name, {type: "application/pdf"}));
        }
        for (const type of ["dragenter", "dragover", "drop"]) {
            target.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true,
                                                      dataTransfer: transfer}));
        }
    }""", [files, zone])
