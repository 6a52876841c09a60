"""Helpers of the browser tests: the labels they look for (labels.toml), logging in through
the login page, checking that a page speaks one language only, dropping files, and moving
through a page with the keyboard only (Keyboard)."""
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


# ---- the keyboard only (test_keyboard.py and the walks that use no mouse)

# The focused element, as the person at the keyboard sees it: where it is, and whether
# its computed style draws a focus indicator (an outline of 2px or more, or a ring of
# box-shadow spread 2px or more).
FOCUS = """(target) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {hit: false, what: "nothing (body)", shown: false, onScreen: false};
  }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
      && !/rgba\\(\\d+, \\d+, \\d+, 0\\)|transparent/.test(style.outlineColor);
  const px = "(-?[0-9.]+)px";
  const spreads = [...style.boxShadow.matchAll(new RegExp([px, px, px, px].join(" "), "g"))]
      .map((m) => parseFloat(m[4]));
  const ring = spreads.some((spread) => spread >= 2);
  const label = el.labels && el.labels[0] && el.labels[0].textContent;
  const name = (el.getAttribute("aria-label") || label || el.textContent || el.value || "")
      .replace(/\\s+/g, " ").trim().slice(0, 60);
  return {
    hit: target ? el === target : false,
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " “" + name + "”",
    shown: outline || ring,
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
        && box.left < innerWidth && box.top < innerHeight,
  };
}"""


class Keyboard:
    """Moves through a page with Tab and Shift+Tab only, and checks every stop."""

    def __init__(self, page):
        self.page = page
        self.stops = []  # every element focus landed on, for the failure message
        # Playwright turns the interception of file choosers on without waiting for it; a
        # listener from the start makes sure expect_file_chooser() never misses one.
        page.on("filechooser", lambda chooser: None)

    def focused(self, target=None):
        """What has the focus now (and whether it is `target`'s element)."""
        handle = target.element_handle() if target is not None else None
        return self.page.evaluate(FOCUS, handle)

    def press(self, key):
        """Press `key` and check that what has the focus then shows it."""
        self.page.keyboard.press(key)
        state = self.focused()
        self.assert_visible(state)
        return state

    def assert_visible(self, state):
        self.stops.append(state["what"])
        assert state["onScreen"], f"focus is off screen on {state['what']} ({self.page.url})"
        assert state["shown"], f"no visible focus on {state['what']} ({self.page.url})"

    def tab_to(self, target, back=False, limit=40):
        """Press Tab (or Shift+Tab) until `target` has the focus; every stop on the way
        must show its focus."""
        self.page.wait_for_load_state()  # the stylesheets too, or no focus style shows
        # htmx focuses [autofocus] once it settled: a Tab before that would be undone.
        expect(self.page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
        expect(target).to_be_visible()
        handle = target.element_handle()
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            state = self.page.evaluate(FOCUS, handle)
            self.assert_visible(state)
            if state["hit"]:
                return
        raise AssertionError(f"{limit} tabs did not reach {target}: {self.stops[-limit:]}")

    def type_into(self, target, text, back=False):
        """Tab to a field and type into it."""
        self.tab_to(target, back=back)
        self.page.keyboard.type(text)

    def activate(self, target, key="Enter", back=False):
        """Tab to a link or button and press Enter (or Space)."""
        self.tab_to(target, back=back)
        self.page.keyboard.press(key)
