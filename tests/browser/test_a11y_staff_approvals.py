"""Accessibility audit of Ter goedkeuring on the staff side, in Dutch and English: axe-core
(WCAG 2.1 A and AA) on a dossier's requests for approval (empty, and with one), "Ter
goedkeuring publiceren" (as opened, and with errors), a request whose first version was not
approved and whose second was (the evidence, the receipt), one still waiting, a new version
(as opened, and without a file), withdrawing one (the confirmation, then the request
withdrawn), and the firm's settings with the choice to seal approved PDFs."""
from playwright.sync_api import expect

from app import approvals
from app.models import CAT_DOCUMENT
from browser.a11y import Audit, arrange_firm, speak
from browser.helpers import labels, staff_log_in

TEXTS = labels("approvals_staff")


def send(app, session, make, firm, title):
    """A request for approval of a PDF to Jan, sent by the lawyer."""
    document = make.document(firm.dossier, CAT_DOCUMENT, title=title, filename="concept.pdf",
                             by=firm.lawyer)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=firm.dossier, client=firm.jan,
                                          sent_by=firm.lawyer, document=document, title=title,
                                          note="Graag uw akkoord vóór de passeerdatum.")
        session.commit()
    return approval


def decide(app, session, firm, approval, approved, message=None):
    """Jan's decision on the newest version, as the portal takes it."""
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        version = approvals.current_version(session, approval)
        approvals.decide(session, firm.jan, approval, version.id, approved,
                         confirmed_with="password" if approved else "", message=message)
        session.commit()


def test_approvals_on_the_staff_side(page, live_server, app, session, make, lang):
    t = TEXTS[lang]
    firm = arrange_firm(session, make, lang)
    dossier = firm.dossier.id
    speak(page, live_server, lang)
    audit = Audit(page, lang)
    staff_log_in(page, firm.lawyer)

    audit.visit(f"/kantoor/dossiers/{dossier}/goedkeuring", "approvals: none yet")
    audit.visit(f"/kantoor/dossiers/{dossier}/goedkeuring/nieuw", "publish for approval")
    page.get_by_label(t["deadline"]).fill("2020-01-01")
    audit.refused("publish for approval with errors",
                  submit=f"main form button.button[type=submit]:text-is('{t['publish']}')")

    deed = send(app, session, make, firm, "Concept leveringsakte")
    comments = make.message(firm.dossier, firm.jan, from_client=True,
                            subject="Niet akkoord: Concept leveringsakte (versie 1)",
                            body="Artikel 4 klopt niet.")
    decide(app, session, firm, deed, approved=False, message=comments)
    second = make.document(firm.dossier, CAT_DOCUMENT, title="Concept leveringsakte",
                           filename="concept-v2.pdf", by=firm.lawyer)
    with app.test_request_context():
        approvals.new_version(session, firm.lawyer, deed, second)
        session.commit()
    decide(app, session, firm, deed, approved=True)
    waiting = send(app, session, make, firm, "Volmacht")

    audit.visit(f"/kantoor/dossiers/{dossier}/goedkeuring", "approvals: a dossier's")
    audit.visit(f"/kantoor/goedkeuring/{deed.id}", "an approval: refused, then approved")
    expect(page.get_by_role("link", name=t["receipt"])).to_be_visible()
    audit.visit(f"/kantoor/goedkeuring/{waiting.id}", "an approval: waiting")
    audit.visit(f"/kantoor/goedkeuring/{waiting.id}/nieuwe-versie", "a new version")
    audit.refused("a new version without a file",
                  submit=f"main form button.button[type=submit]:text-is('{t['publish_version']}')")
    audit.visit(f"/kantoor/goedkeuring/{waiting.id}/intrekken", "withdraw: the confirmation")
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("status")).to_be_visible()
    audit.check("an approval: withdrawn")

    page.context.clear_cookies()
    staff_log_in(page, firm.admin)
    audit.visit("/kantoor/instellingen", "settings: with the choice to seal approved PDFs")
    audit.assert_clean()
