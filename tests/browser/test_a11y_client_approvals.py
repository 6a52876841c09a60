"""Accessibility audit of Ter goedkeuring on the client side (issue 18), in Dutch and
English: axe-core (WCAG 2.1 A and AA) on Acties with a document to approve, the Documenten
tab with its mark, the page of an approval waiting (deadline passed), the confirmation with
the password, with an app code (each also with its error) and with an SMS code (before and
after the code was sent), Niet akkoord with its error, and the page once decided: approved
(with the button of its receipt), refused, and a version made void by a newer one."""
from datetime import timedelta

from playwright.sync_api import expect
from twostep_helpers import with_app, with_sms

from app import approvals
from app.dates import local
from app.models import CAT_DOCUMENT, utcnow
from browser.a11y import Audit
from browser.helpers import LOGGED_IN, log_in

RECEIPT = {"nl": "Ontvangstbevestiging downloaden", "en": "Download receipt"}
SEND_CODE = {"nl": "Verstuur code", "en": "Send code"}


def send(app, session, make, dossier, lawyer, client, title, deadline=None):
    """A concept sent to `client` for approval, as version 1."""
    document = make.document(dossier, CAT_DOCUMENT, title=title, filename="concept.pdf",
                             data=b"%PDF-1.4 " + title.encode(), by=lawyer)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=client,
                                          sent_by=lawyer, document=document, title=title,
                                          note="Let u vooral op artikel 3.", deadline=deadline)
        session.commit()
    return approval


def arrange(app, session, make, lang):
    """A client with an approval overdue, one refused, one approved, and one approved and
    then made void by version 2."""
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="klant@example.nl", name="Klaas Klant", language=lang)
    client.first_login_at = utcnow()
    house = make.dossier(clients=[client], lawyer=lawyer, number="2026-0105",
                         description="Aankoop woning")
    with app.app_context():
        yesterday = local(utcnow()).date() - timedelta(days=1)
    waiting = send(app, session, make, house, lawyer, client, "Concept akte", yesterday)
    refused = send(app, session, make, house, lawyer, client, "Volmacht")
    replaced = send(app, session, make, house, lawyer, client, "Vaststellingsovereenkomst")
    approved = send(app, session, make, house, lawyer, client, "Machtiging")
    with app.test_request_context():
        approvals.decide(session, client, refused, refused.versions[0].id, False)
        approvals.decide(session, client, approved, approved.versions[0].id, True,
                         confirmed_with="password")
        approvals.decide(session, client, replaced, replaced.versions[0].id, True,
                         confirmed_with="password")
        session.commit()
        document = make.document(house, CAT_DOCUMENT, title="Vaststellingsovereenkomst",
                                 filename="vso-v2.pdf", data=b"%PDF-1.4 v2", by=lawyer)
        approvals.new_version(session, lawyer, session.merge(replaced), document)
        session.commit()
    return client, house, waiting, refused, replaced, approved


def test_approvals(page, live_server, app, session, make, lang):
    client, house, waiting, refused, replaced, approved = arrange(app, session, make, lang)
    audit = Audit(page, lang)
    log_in(page, client.email)
    expect(page.get_by_role("button", name=LOGGED_IN)).to_be_visible()
    audit.visit("/acties", "Acties with documents to approve")
    expect(page.locator("main table tr")).to_have_count(3)
    audit.visit(f"/dossiers/{house.id}/documenten", "Documenten with the approval marks")
    expect(page.locator("main .awaiting-approval")).to_have_count(2)

    base = f"/acties/goedkeuren/{waiting.id}"
    audit.visit(base, "an approval waiting, its deadline passed")
    audit.visit(f"{base}/akkoord", "confirm with the password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("confirm with the password, nothing typed")
    audit.visit(f"{base}/niet-akkoord", "Niet akkoord")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("Niet akkoord, no comments")
    audit.visit(f"/acties/goedkeuren/{approved.id}", "an approval approved, its receipt")
    expect(page.locator("main p").get_by_role("link", name=RECEIPT[lang])).to_be_visible()
    audit.visit(f"/acties/goedkeuren/{refused.id}", "an approval refused")
    audit.visit(f"/acties/goedkeuren/{replaced.id}", "version 2 waiting, version 1 void")
    page.set_viewport_size({"width": 390, "height": 844})
    audit.visit(base, "phone: an approval waiting")
    audit.visit(f"{base}/akkoord", "phone: confirm")
    page.set_viewport_size({"width": 1280, "height": 720})

    # Confirmed with a code: a client with the authenticator app on.
    with_app(session, client)
    audit.visit(f"{base}/akkoord", "confirm with an app code")
    page.locator("main input[name=code]").fill("000000")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("confirm with an app code, a wrong one")
    audit.visit(f"{base}/akkoord?method=code", "confirm with a recovery or backup code")

    # Confirmed with a code by SMS: the button that sends it, then the code's field.
    with_sms(session, client)
    audit.visit(f"{base}/akkoord?method=sms", "confirm with an SMS code")
    page.locator("main").get_by_role("button", name=SEND_CODE[lang]).click()
    expect(page.get_by_role("status")).to_contain_text("78")  # the number's last digits
    audit.check("confirm with an SMS code, the code sent")
    audit.assert_clean()
