"""Accessibility audit of the staff side, part 1, in Dutch and English: axe-core (WCAG 2.1 A
and AA) on the staff's two-step prompt, the start page, clients (list, a client, the new
client forms with errors), dossiers (list, a dossier with its steps, edit, the new dossier
form with errors, documents publishing, messages, questionnaires of a dossier) and the
messages inbox with a message and a reply. Part 2 (questionnaires, settings, audit log, AVG)
is test_a11y_staff_admin.py."""
import re

import pytest
from helpers import assign
from playwright.sync_api import expect
from twostep_helpers import totp_code, with_app

from app.models import (
    CAT_CORRESPONDENCE,
    CAT_PROVIDED,
    Delegation,
    Message,
    OutgoingMail,
    ProgressStep,
    utcnow,
)
from browser.a11y import Audit
from browser.helpers import log_in
from browser.test_a11y_client import a_document, speak
from browser.test_staff_clients import drop_files

SUBMIT = "main form button[type=submit]"


@pytest.fixture(params=["nl", "en"])
def lang(request):
    return request.param


def arrange_firm(app, session, make, lang):
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
    for n in range(3):
        session.add(ProgressStep(dossier_id=Firm.dossier.id, position=n,
                                 title_nl=f"Stap {n + 1}", title_en=f"Step {n + 1}",
                                 done_at=utcnow() if n == 0 else None))
    a_document(app, session, Firm.dossier, CAT_CORRESPONDENCE, "Offerte", Firm.lawyer)
    a_document(app, session, Firm.dossier, CAT_PROVIDED, "Paspoort", Firm.jan)
    Firm.message = Message(dossier_id=Firm.dossier.id, sender_id=Firm.jan.id, from_client=True,
                           subject="Vraag over de akte", body="Wanneer is de afspraak?",
                           sent_at=utcnow())
    session.add(Firm.message)
    session.add(OutgoingMail(recipient="weg@example.nl", subject="Nieuw in het portaal",
                             body_text="x", body_html="<p>x</p>", attempts=3,
                             failed_at=utcnow(), last_error="550 mailbox unavailable"))
    session.commit()
    Firm.assignment = assign(session, Firm.jan, Firm.dossier)
    for user in (Firm.admin, Firm.lawyer):
        with_app(session, user)
    return Firm


def staff_log_in(page, user, audit=None):
    """Password, then the code of the authenticator app (the prompt audited on the way)."""
    log_in(page, user)
    expect(page).to_have_url(re.compile(r"/inloggen/verificatie/app$"))
    if audit:
        audit.check("staff two-step prompt")
    page.locator("input[name=code]").fill(totp_code(user.totp_secret))
    page.locator(SUBMIT).first.click()
    expect(page).to_have_url(re.compile(r"/kantoor/$"))


def send_empty(page):
    """Send the last form of the page as it is, and wait for its error message."""
    page.locator(SUBMIT).last.click()
    expect(page.get_by_role("alert").first).to_be_visible()


def test_clients_dossiers_and_messages(page, live_server, app, session, make, lang):
    firm = arrange_firm(app, session, make, lang)
    dossier = firm.dossier.id
    speak(page, live_server, lang)
    audit = Audit(page, lang)
    staff_log_in(page, firm.lawyer, audit)
    audit.check("start page")

    page.goto("/kantoor/clienten")
    audit.check("clients")
    page.goto(f"/kantoor/clienten/{firm.jan.id}")
    audit.check("a client")
    page.goto(f"/kantoor/clienten/{firm.anna.id}")
    audit.check("a company client")
    page.goto("/kantoor/clienten/nieuw")
    send_empty(page)
    audit.check("new client with errors")
    page.goto("/kantoor/clienten/nieuw-bedrijf")
    send_empty(page)
    audit.check("new company client with errors")

    page.goto("/kantoor/dossiers")
    audit.check("dossiers")
    page.goto("/kantoor/dossiers/nieuw")
    send_empty(page)
    audit.check("new dossier with errors")
    page.goto(f"/kantoor/dossiers/{dossier}")
    audit.check("a dossier")
    page.goto(f"/kantoor/dossiers/{dossier}/bewerken")
    audit.check("edit a dossier")
    page.goto(f"/kantoor/dossiers/{dossier}/stappen")
    audit.check("a dossier's progress steps")
    page.locator("#steps a").filter(has_text=re.compile(r"^(Wijzigen|Rename)")).first.click()
    page.locator('#steps input[name="step-title_nl"]').fill("")
    page.locator("#steps form button[type=submit]").first.click()
    expect(page.locator("#steps").get_by_role("alert").first).to_be_visible()
    audit.check("renaming a step, with an error (htmx)")
    page.goto(f"/kantoor/dossiers/{dossier}/documenten")
    audit.check("documents publishing")
    page.locator(SUBMIT).filter(has_text=re.compile(r"^(Publiceren|Publish)$")).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("documents publishing with an error")
    drop_files(page, ["Conceptakte.pdf", "Volmacht.pdf"])
    expect(page.locator("[data-upload-zone] [data-selection] li")).to_have_count(2)
    audit.check("documents publishing with two files dropped")
    page.goto(f"/kantoor/dossiers/{dossier}/berichten")
    audit.check("a dossier's messages")
    page.goto(f"/kantoor/dossiers/{dossier}/vragenlijsten")
    audit.check("a dossier's questionnaires")

    page.goto("/kantoor/berichten")
    audit.check("messages inbox")
    page.goto(f"/kantoor/berichten/{firm.message.id}")
    audit.check("a message")
    page.goto(f"/kantoor/berichten/{firm.message.id}/beantwoorden")
    audit.check("a reply")
    send_empty(page)
    audit.check("a reply with errors")
    audit.assert_clean()
