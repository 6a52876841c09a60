"""Helpers of the phone, desktop and print tests: the demo firm as data, logging in, and a
check in the page of horizontal scrolling and of the size of every touch target."""
import re
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import delete, select
from twostep_helpers import totp_code, with_app

from app.demo import PASSWORD, load_demo
from app.models import (
    Approval,
    Document,
    DocumentRequest,
    Dossier,
    DossierStatus,
    Message,
    MessageAttachment,
    QuestionnaireAssignment,
    User,
    utcnow,
)
from app.storage import path_for, store_bytes
from browser.helpers import log_in

PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MIN_TARGET = 44  # CSS px, WCAG 2.5.5 (AAA) target size

# The targets a finger may have to hit, measured in the page. Not measured: what is not
# rendered or is visually hidden (a box of at most 1 px, or moved off the page as the skip
# link is until it gets focus: a keyboard user does not tap it), and a link in running
# text: an `a` shown inline whose nearest <p> or <li> also holds words (letters or digits)
# outside any link or button, so the line height of the sentence sets its size (the
# "inline" exception of WCAG 2.5.5/2.5.8). A checkbox or radio counts as the box of
# itself and its label together, since tapping the label ticks it.
AUDIT = r"""(scope) => {
  const MIN = %d;
  const root = scope ? document.querySelector(scope) : document;
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
    'label, [role=button], [tabindex]:not([tabindex="-1"])';
  const union = (a, b) => {
    const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top);
    return {left, top, width: Math.max(a.right, b.right) - left,
            height: Math.max(a.bottom, b.bottom) - top};
  };
  const wordsOutsideTargets = (block) => {
    const copy = block.cloneNode(true);
    copy.querySelectorAll('a, button, .visually-hidden').forEach((el) => el.remove());
    return /[\p{L}\p{N}]/u.test(copy.textContent);
  };
  const inRunningText = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement.closest('p, li');
    return block !== null && wordsOutsideTargets(block);
  };
  const name = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    return `<${el.tagName.toLowerCase()}${cls}> "${text.slice(0, 40)}"`;
  };
  const small = [];
  for (const el of root.querySelectorAll(targets)) {
    const ticks = 'input[type=checkbox], input[type=radio]';
    if (el.tagName === 'LABEL' && !el.querySelector(ticks)) continue;
    if (el.closest('[inert]')) continue;
    let box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!el.getClientRects().length || style.visibility === 'hidden') continue;
    if (box.width <= 1 || box.height <= 1) continue;
    if (box.right + window.scrollX <= 0 || box.bottom + window.scrollY <= 0) continue;
    if (inRunningText(el)) continue;
    if (el.matches(ticks)) {
      for (const label of el.labels) box = union(box, label.getBoundingClientRect());
    }
    if (box.width < MIN - 0.5 || box.height < MIN - 0.5) {
      small.push(`${name(el)} ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  const html = document.documentElement;
  return {scrollWidth: html.scrollWidth, innerWidth: window.innerWidth, small};
}""" % MIN_TARGET


# On a phone the header is one row (the firm, "Menu", Acties: 44 px targets) and its
# padding, so a page's title and first content show without scrolling (issue 16).
MAX_HEADER = 64  # CSS px

FIRST_SCREEN = """() => {
  const header = document.querySelector('.site-header');
  const h1 = document.querySelector('main h1');
  return {header: header ? header.getBoundingClientRect().height : 0,
          h1: h1 ? h1.getBoundingClientRect().bottom : 0, height: innerHeight};
}"""

# The words of `scope` that a line break cuts in two: a word whose text boxes stand on
# more than one line ("Down|load", "2026-|0142"). A word is what stands between spaces; one
# longer than 20 characters (a long file name) may break at its hyphens, dots or slashes,
# never inside a run of letters and digits. Text for screen readers only is not shown.
BROKEN_WORDS = r"""(scope) => {
  const lines = (node, start, text) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + text.length);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0)
      .map((r) => Math.round(r.bottom))).size;
  };
  const broken = [];
  for (const block of document.querySelectorAll(scope)) {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden, svg')) continue;
      for (const word of node.data.matchAll(/\S+/gu)) {
        const parts = word[0].length > 20 ? [...word[0].matchAll(/[\p{L}\p{N}]+/gu)] : [word];
        for (const part of parts) {
          const start = word.index + (part === word ? 0 : part.index);
          if (lines(node, start, part[0]) > 1) broken.push(word[0]);
        }
      }
    }
  }
  return broken;
}"""

# The boxes (left, top, width, height) of the elements `selector` matches.
BOXES = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
  const box = el.getBoundingClientRect();
  return [box.left, box.top, box.width, box.height];
})"""


def first_screen(page):
    """Problems of a phone's first screen: a header taller than one row, or the page's
    heading not in sight before scrolling."""
    found = page.evaluate(FIRST_SCREEN)
    problems = []
    if found["header"] > MAX_HEADER:
        problems.append(f"  the header is {found['header']:.0f} px high (at most {MAX_HEADER})")
    if found["h1"] > found["height"]:
        problems.append(f"  the <h1> ends at {found['h1']:.0f} px, below the first screen")
    return problems


def boxes(page, selector):
    """The boxes [left, top, width, height] of what `selector` matches, in CSS px."""
    return page.evaluate(BOXES, selector)


def arrange_demo(app, session):
    """The demo firm of `make run` (replacing the statuses the app fixture made); returns
    the records the pages are opened for."""
    session.exec(delete(DossierStatus))
    with app.app_context():
        load_demo(session)
    session.commit()
    one = lambda model, *where: session.exec(select(model).where(*where)).first()  # noqa: E731
    demo = {
        "jan": one(User, User.email == "jan@example.nl"),
        "admin": one(User, User.email == "admin@kantoor.example.nl"),
        "house": one(Dossier, Dossier.number == "2026-0142"),
        "message": one(Message, Message.subject == "Concept akte"),
        "assignment": one(QuestionnaireAssignment),
        "request": one(DocumentRequest),
        "approval": one(Approval),
    }
    with app.app_context():
        demo["reply"] = _long_reply(session, demo)
    return demo


LONG_FILE_NAME = ("legitimatiebewijs-jan-de-vries-voorzijde-en-achterzijde-gescand-op-"
                  "25-november-2026.pdf")
LONG_WORD = "KADASTER-PERCEEL-DORPSSTRAAT12-AANKOOP-2026-0142-DEFINITIEF-GETEKEND"
WEB_ADDRESS = "https://www.kadaster.nl/zakelijk/registraties/basisregistraties/brk"


def _long_reply(session, demo):
    """Jan's answer to the lawyer's message: a web address, a word longer than a phone is
    wide, and an attachment with a long file name (a copy of his passport scan)."""
    scan = session.exec(select(Document).where(Document.filename == "paspoort.pdf")).one()
    with open(path_for(scan.storage_key), "rb") as f:
        key, digest, size = store_bytes(f.read())
    copy = Document(**scan.model_dump(exclude={"id", "created_at"}))
    copy.storage_key, copy.sha256, copy.size = key, digest, size
    copy.filename, copy.title = LONG_FILE_NAME, "Legitimatiebewijs voor- en achterzijde"
    reply = Message(dossier_id=demo["house"].id, sender_id=demo["jan"].id, from_client=True,
                    reply_to_id=demo["message"].id, subject="Re: Concept akte",
                    body=f"Geachte mr. Jansen,\n\nIk heb de concept akte gelezen. Het perceel "
                         f"staat op {WEB_ADDRESS}.\n\nKenmerk: {LONG_WORD}\n\n"
                         "Met vriendelijke groet,\nJan de Vries", sent_at=utcnow())
    session.add_all([copy, reply])
    session.flush()
    session.add(MessageAttachment(message_id=reply.id, document_id=copy.id))
    session.commit()
    return reply


def client_log_in(page, email="jan@example.nl"):
    """Log a client in with the demo password."""
    log_in(page, email, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/inloggen"))


def staff_log_in(page, session, user, steps_ahead=0):
    """Password, then the authenticator code, as a staff member always logs in; a second
    device uses the next code (`steps_ahead=1`), since a code is accepted only once."""
    secret = user.totp_secret or with_app(session, user)
    log_in(page, user, PASSWORD)
    expect(page).to_have_url(re.compile(r"/inloggen/verificatie/"))
    page.goto("/inloggen/verificatie/app")
    page.locator("input[name=code]").fill(totp_code(secret, steps_ahead))
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/inloggen"))


def fill_questionnaire(page, assignment_id):
    """Answer both steps of the demo intake form, up to its summary."""
    page.goto(f"/vragenlijsten/{assignment_id}/stap/1")
    page.get_by_label("Volledige naam").fill("Jan de Vries")
    page.get_by_label("Geboortedatum").fill("1980-05-01")
    page.get_by_role("button", name="Volgende").click()
    page.get_by_label("Ja").check()
    page.get_by_label("Naam partner").fill("Marie de Vries-Jansen")
    page.get_by_role("button", name="Volgende").click()
    expect(page).to_have_url(re.compile(r"/overzicht$"))


def audit(page, scope=None):
    """Problems of the page as shown: horizontal scrolling and too small targets."""
    result = page.evaluate(AUDIT, scope)
    problems = [f"  {target}" for target in result["small"]]
    # A mobile browser widens its layout viewport (innerWidth) to a page that is too wide
    # and zooms out, so the device's own width is the measure too.
    width = min(result["innerWidth"], page.viewport_size["width"])
    if result["scrollWidth"] > width:
        problems.insert(0, f"  scrolls sideways: {result['scrollWidth']} px wide on a "
                           f"{width} px screen")
    return problems


def screenshot(page, size, name):
    """A full-page screenshot under test-artifacts/screens/ (git-ignored)."""
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{size}-{name}.png"), full_page=True, scale="css")


def check_pages(phone, desktop, pages, before=None):
    """Open each (name, url) on the phone and on the desktop, screenshot both, and return
    the phone's layout problems per page (its first screen, sideways scrolling, small
    targets). `before(page, name)` runs after loading."""
    problems = []
    for name, url in pages:
        for size, page in (("phone", phone), ("desktop", desktop)):
            page.goto(url)
            if page is phone:
                first = first_screen(phone)  # as it opens, before anything is unfolded
            if before:
                before(page, name)
            screenshot(page, size, name)
        found = first + audit(phone)
        if found:
            problems.append(f"{name} ({url}):\n" + "\n".join(found))
    return problems


@contextmanager
def device_pages(browser, base_url, *devices):
    """A page per device (PHONE, DESKTOP), each in a context of its own; a script error in
    any of them fails the test."""
    errors = []
    pages = [open_page(browser, base_url, device, errors) for device in devices]
    yield pages
    for page in pages:
        page.context.close()
    assert not errors, "errors in the browser:\n" + "\n".join(errors)


def open_page(browser, base_url, device, errors):
    """A Dutch page in a new context of `device` (PHONE or DESKTOP); script errors and
    Content-Security-Policy violations are added to `errors`."""
    context = browser.new_context(locale="nl-NL", base_url=base_url, **device)
    context.set_default_timeout(10000)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    return page
