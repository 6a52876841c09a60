"""Accessibility audit of the staff side, part 2, in Dutch and English: axe-core (WCAG 2.1 A
and AA) on the questionnaires (list with an error, builder, a step, a question form with
errors, preview with errors and its summary, sending, sent ones and their answers), the
settings (firm with its contact details and an error, statuses, one status, staff, one
staff member, delegations, undelivered mails), the audit log and the AVG page of a client;
all as the admin, with the firm's own colour in the header."""
import re

from playwright.sync_api import expect

from app.models import FirmSettings
from browser.a11y import SUBMIT, Audit, arrange_firm, speak
from browser.helpers import staff_log_in

NEXT = re.compile(r"^(Volgende|Next)$")


def test_questionnaires_settings_audit_log_and_avg(page, live_server, app, session, make,
                                                   lang, tmp_path):
    firm = arrange_firm(session, make, lang)
    # A colour too light for the header's white text, as only an old or edited database can
    # hold (the settings page refuses it): the portal must fall back to its own colour.
    # With the firm's contact details filled in (issue 16, point 14).
    session.add(FirmSettings(id=1, colour="#ffd700", contact_phone="+31201234567",
                             contact_email="info@kantoor.test",
                             contact_address="Herengracht 1\n1015 BA Amsterdam",
                             welcome_text="Welkom."))
    gone = make.user(email="oud@example.nl", name="Oud Klant")  # no dossiers: erasable
    session.commit()
    questionnaire = session.get(type(firm.assignment), firm.assignment.id)
    speak(page, live_server, lang)
    audit = Audit(page, lang)
    staff_log_in(page, firm.admin)

    page.goto("/kantoor/vragenlijsten")
    audit.refused("questionnaires with an error")
    page.goto("/kantoor/vragenlijsten")
    page.get_by_role("link", name="Intake koper").first.click()
    expect(page).to_have_url(re.compile(r"/kantoor/vragenlijsten/\d+$"))
    audit.check("builder")
    builder = page.url
    audit.visit(f"{builder}/stappen/1", "builder: a step")
    page.goto(f"{builder}/stappen/1/vragen")
    audit.refused("builder: new question with errors")
    audit.visit(f"{builder}/vragen/naam", "builder: a question")
    audit.visit(f"{builder}/voorbeeld", "preview")
    page.get_by_role("button", name=NEXT).click()
    expect(page.locator("#error-summary")).to_be_visible()
    audit.check("preview with errors")
    audit.visit(f"{builder}/versturen", "send: choose a dossier")
    audit.visit("/kantoor/vragenlijsten/verstuurd", "sent questionnaires")
    audit.visit(f"/kantoor/vragenlijsten/verstuurd/{questionnaire.id}", "answers")

    page.goto("/kantoor/instellingen")
    page.locator('input[name="colour"]').fill("#ffff00")
    page.locator('input[name="contact_website"]').fill("javascript:alert(1)")
    audit.refused("settings: firm, colour and website refused")
    audit.visit("/kantoor/instellingen/statussen", "settings: statuses")
    audit.visit("/kantoor/instellingen/statussen/closed", "settings: a status")
    page.goto("/kantoor/medewerkers")
    audit.refused("settings: staff with errors")
    audit.visit(f"/kantoor/medewerkers/{firm.lawyer.id}", "settings: a staff member")
    audit.visit("/kantoor/delegaties", "settings: delegations")
    audit.visit("/kantoor/instellingen/e-mail", "settings: undelivered mails")
    # A configured virus scanner that does not answer: the start page's notice (issue 21).
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-clamd.sock")
    audit.visit("/kantoor/", "start page: the virus scanner is down")
    expect(page.locator("main")).to_contain_text(re.compile(r"(virusscanner|virus scanner)"))
    app.config["CLAMD_SOCKET"] = None

    audit.visit("/kantoor/auditlog", "audit log")
    audit.visit(f"/kantoor/clienten/{firm.jan.id}/avg",
                "AVG page of a client that may not be erased yet")
    page.goto(f"/kantoor/clienten/{gone.id}/avg")
    page.locator(SUBMIT).filter(has_text=re.compile(r"^(Cliënt wissen|Erase client)$")).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("AVG page, erase not confirmed")
    audit.assert_clean()
