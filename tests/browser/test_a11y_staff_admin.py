"""Accessibility audit of the staff side, part 2, in Dutch and English: axe-core (WCAG 2.1 A
and AA) on the questionnaires (list with an error, builder, a step, a question form with
errors, preview with errors and its summary, sending, sent ones and their answers), the
settings (firm with an error, statuses, one status, staff, one staff member, delegations,
undelivered mails), the audit log and the AVG page of a client; all as the admin, with the
firm's own colour in the header."""
import re

import pytest
from playwright.sync_api import expect

from app.models import FirmSettings
from browser.a11y import Audit
from browser.test_a11y_client import speak
from browser.test_a11y_staff import SUBMIT, arrange_firm, send_empty, staff_log_in

NEXT = re.compile(r"^(Volgende|Next)$")


@pytest.fixture(params=["nl", "en"])
def lang(request):
    return request.param


def test_questionnaires_settings_audit_log_and_avg(page, live_server, app, session, make,
                                                   lang):
    firm = arrange_firm(app, session, make, lang)
    # A colour too light for the header's white text, as only an old or edited database can
    # hold (the settings page refuses it): the portal must fall back to its own colour.
    session.add(FirmSettings(id=1, colour="#ffd700"))
    gone = make.user(email="oud@example.nl", name="Oud Klant")  # no dossiers: erasable
    session.commit()
    questionnaire = session.get(type(firm.assignment), firm.assignment.id)
    speak(page, live_server, lang)
    audit = Audit(page, lang)
    staff_log_in(page, firm.admin)

    page.goto("/kantoor/vragenlijsten")
    send_empty(page)
    audit.check("questionnaires with an error")
    page.goto("/kantoor/vragenlijsten")
    page.get_by_role("link", name="Intake koper").first.click()
    expect(page).to_have_url(re.compile(r"/kantoor/vragenlijsten/\d+$"))
    audit.check("builder")
    builder = page.url
    page.goto(f"{builder}/stappen/1")
    audit.check("builder: a step")
    page.goto(f"{builder}/stappen/1/vragen")
    send_empty(page)
    audit.check("builder: new question with errors")
    page.goto(f"{builder}/vragen/naam")
    audit.check("builder: a question")
    page.goto(f"{builder}/voorbeeld")
    audit.check("preview")
    page.get_by_role("button", name=NEXT).click()
    expect(page.locator("#error-summary")).to_be_visible()
    audit.check("preview with errors")
    page.goto(f"{builder}/versturen")
    audit.check("send: choose a dossier")
    page.goto("/kantoor/vragenlijsten/verstuurd")
    audit.check("sent questionnaires")
    page.goto(f"/kantoor/vragenlijsten/verstuurd/{questionnaire.id}")
    audit.check("answers")

    page.goto("/kantoor/instellingen")
    page.locator('input[name="colour"]').fill("#ffff00")
    send_empty(page)
    audit.check("settings: firm, colour refused")
    page.goto("/kantoor/instellingen/statussen")
    audit.check("settings: statuses")
    page.goto("/kantoor/instellingen/statussen/closed")
    audit.check("settings: a status")
    page.goto("/kantoor/medewerkers")
    send_empty(page)
    audit.check("settings: staff with errors")
    page.goto(f"/kantoor/medewerkers/{firm.lawyer.id}")
    audit.check("settings: a staff member")
    page.goto("/kantoor/delegaties")
    audit.check("settings: delegations")
    page.goto("/kantoor/instellingen/e-mail")
    audit.check("settings: undelivered mails")

    page.goto("/kantoor/auditlog")
    audit.check("audit log")
    page.goto(f"/kantoor/clienten/{firm.jan.id}/avg")
    audit.check("AVG page of a client that may not be erased yet")
    page.goto(f"/kantoor/clienten/{gone.id}/avg")
    page.locator(SUBMIT).filter(has_text=re.compile(r"^(Cliënt wissen|Erase client)$")).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("AVG page, erase not confirmed")
    audit.assert_clean()
