"""Automated accessibility audit: axe-core (vendored, see vendor/README.md) injected into the
page Playwright has open, run on the WCAG 2.1 A and AA rules only, its violations written out
so a reader of the CI log sees which rule, how bad, where, and a piece of the HTML; and the
firm the staff-side audits walk through."""
import os
import re
from functools import cache
from pathlib import Path

from playwright.sync_api import expect
from twostep_helpers import with_app

from app.models import CAT_CORRESPONDENCE, CAT_PROVIDED, Delegation, OutgoingMail, utcnow

AXE_VERSION = "4.14.1"
AXE_FILE = Path(__file__).parent / "vendor" / "axe.min.js"
# The WCAG 2.0 and 2.1 levels A and AA; axe's "best-practice" and WCAG 2.2 rules stay off.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

SUBMIT = "main form button[type=submit]"  # a form's button, not the header's log-out one

# A11Y_REVIEW=1 also reports what axe could not decide ("incomplete", e.g. a contrast over
# a background it cannot compute): for a person to look at, it never fails a test.
REVIEW = os.environ.get("A11Y_REVIEW") == "1"

_RUN = """async ([tags, review]) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                            resultTypes: ["violations"]});
    const found = review ? result.violations.concat(
        result.incomplete.map((v) => ({...v, id: "review: " + v.id}))) : result.violations;
    return found.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target.map(String).join(" "), html: n.html,
                                    summary: n.failureSummary || ""})),
    }));
}"""


@cache
def axe_source():
    """The vendored axe-core, checked to be the version the README names."""
    source = AXE_FILE.read_text(encoding="utf-8")
    banner = re.match(r"/\*! axe v([\d.]+)", source)
    assert banner and banner.group(1) == AXE_VERSION, f"{AXE_FILE} is not axe {AXE_VERSION}"
    return source


def inject(page):
    """Load axe into the page unless it is there already (it stays until the next page load).

    page.evaluate runs through the DevTools protocol, which the page's Content-Security-Policy
    does not govern: no inline <script> is added, so no CSP report reaches the console.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())


def violations(page):
    """The WCAG 2.1 A/AA violations axe finds in the page as it is now."""
    inject(page)
    found = page.evaluate(_RUN, [WCAG_TAGS, REVIEW])
    reviews = [v for v in found if v["id"].startswith("review: ")]
    if reviews:
        print("\n".join(describe(page.url, reviews)))
    return [v for v in found if not v["id"].startswith("review: ")]


def describe(state, found):
    """One readable block per violation: rule, impact, each element's selector and HTML."""
    lines = []
    for violation in found:
        lines.append(f"[{state}] {violation['id']} ({violation['impact']}): "
                     f"{violation['help']}")
        for node in violation["nodes"][:5]:
            html = " ".join(node["html"].split())
            lines.append(f"    at {node['target']}: {html[:160]}")
            summary = " ".join(node["summary"].split())
            if summary:
                lines.append(f"       {summary[:240]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return lines


class Audit:
    """Collects the violations of every state a test visits, so one run reports them all."""

    def __init__(self, page, lang=None):
        self.page = page
        self.lang = lang  # when given, each state must be in this language
        self.states = []
        self.lines = []
        self.seen = set()

    def check(self, state):
        """Audit the page as it shows now, under the name `state`."""
        self.states.append(state)
        if self.lang:
            shown = self.page.evaluate("document.documentElement.lang")
            if shown != self.lang:
                self.lines.append(f"[{state}] speaks {shown!r} instead of {self.lang!r}")
        fresh = []
        for violation in violations(self.page):
            # The header or a form shared by many pages: tell each element once (by its HTML:
            # axe's selectors for the same element differ from page to page).
            nodes = [n for n in violation["nodes"] if (violation["id"], n["html"]) not in self.seen]
            self.seen.update((violation["id"], n["html"]) for n in nodes)
            if nodes:
                fresh.append({**violation, "nodes": nodes})
            else:
                self.lines.append(f"[{state}] {violation['id']}: as above")
        self.lines += describe(state, fresh)

    def visit(self, url, state):
        """Open `url` and audit it as `state`."""
        self.page.goto(url)
        self.check(state)

    def refused(self, state, submit=SUBMIT):
        """Send the page's last form (by its button `submit`) as it is, wait for its error
        message, and audit the page as `state`."""
        self.page.locator(submit).last.click()
        expect(self.page.get_by_role("alert").first).to_be_visible()
        self.check(state)

    def assert_clean(self):
        """Fail with every violation found, if any."""
        assert self.states, "no state was audited"
        print(f"axe: {len(self.states)} states audited")  # shown with pytest -s
        assert not self.lines, (f"axe {AXE_VERSION} found WCAG 2.1 A/AA violations:\n"
                                + "\n".join(self.lines))


def speak(page, live_server, lang):
    """Pages before login speak the language of the `lang` cookie (the login page's switch)."""
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])


def arrange_firm(session, make, lang):
    """An admin and a lawyer (both with the app), a secretary working for the lawyer, a
    client and a company client, a dossier with steps, documents, a message from the client,
    a questionnaire sent and an undelivered mail. Returns a namespace of them."""
    class Firm:
        admin = make.staff(role="admin", email="admin@kantoor.test", name="Admin", language=lang)
        lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                            language=lang)
        secretary = make.staff(role="secretary", email="secr@kantoor.test", name="Els Secr",
                               language=lang)
        jan = make.user(email="jan@example.nl", name="Jan de Vries", language=lang)
        company = make.company("Bakkerij De Wit B.V.")
    Firm.anna = make.user(email="anna@dewit.nl", name="Anna de Wit", company=Firm.company,
                          company_main=True, language=lang)
    session.add(Delegation(lawyer_id=Firm.lawyer.id, secretary_id=Firm.secretary.id))
    Firm.dossier = make.dossier(clients=[Firm.jan], companies=[Firm.company],
                                lawyer=Firm.lawyer, number="2026-0105",
                                description="Aankoop woning")
    make.dossier(clients=[Firm.jan], lawyer=Firm.lawyer, number="2026-0104",
                 description="Testament opstellen", status="closed")
    make.steps(Firm.dossier, 3, done=1)
    make.pdf(Firm.dossier, CAT_CORRESPONDENCE, "Offerte", Firm.lawyer, age_days=1)
    make.pdf(Firm.dossier, CAT_PROVIDED, "Paspoort", Firm.jan, age_days=1)
    Firm.message = make.message(Firm.dossier, Firm.jan, from_client=True,
                                subject="Vraag over de akte", body="Wanneer is de afspraak?")
    session.add(OutgoingMail(recipient="weg@example.nl", subject="Nieuw in het portaal",
                             body_text="x", body_html="<p>x</p>", attempts=3,
                             failed_at=utcnow(), last_error="550 mailbox unavailable"))
    session.commit()
    Firm.assignment = make.assignment(Firm.jan, Firm.dossier)
    for user in (Firm.admin, Firm.lawyer):
        with_app(session, user)
    return Firm
