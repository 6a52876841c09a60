"""Accessibility audit of the client side, part 2, in Dutch and English: axe-core (WCAG 2.1 A
and AA) on each questionnaire step with its validation errors shown, the summary, the print
view and the completed page; and Mijn gegevens with each section: profile forms, language,
two-step set-up (SMS number, code, recovery code, app, backup codes, turning off),
notifications, login activity, and a company's extra accounts (list with errors, one account,
delete)."""
import re

import pyotp
from helpers import PASSWORD
from playwright.sync_api import expect
from twostep_helpers import last_sms_code

from app.models import utcnow
from browser.a11y import Audit, speak
from browser.helpers import LOGGED_IN, log_in

NEXT = re.compile(r"^(Volgende|Next)$")
# What step 1 gets typed once its errors have been audited.
ANSWERS = {
    1: {"naam": "Klaas Klant", "geboortedatum": "1980-12-31", "email": "klaas@example.nl"},
}


def submit(page, name):
    """Click the submit button called `name` (a pattern for both languages)."""
    page.get_by_role("button", name=name).click()


def field(page, question):
    """The input of a question, by its id (its label also holds any error)."""
    return page.locator(f'[name="q_{question}"]')


def test_questionnaire(page, live_server, app, session, make, lang):
    """Each step with its errors shown, the summary, print view and the completed page."""
    client = make.user(email="klant@example.nl", name="Klaas Klant", language=lang)
    client.first_login_at = utcnow()
    dossier = make.dossier(clients=[client], number="2026-0142", description="Aankoop woning")
    assignment = make.assignment(client, dossier)
    speak(page, live_server, lang)
    audit = Audit(page, lang)
    log_in(page, "klant@example.nl")
    expect(page.get_by_role("button", name=LOGGED_IN)).to_be_visible()
    page.goto(f"/vragenlijsten/{assignment.id}")
    base = f"{live_server}/vragenlijsten/{assignment.id}"

    # Step 1: nothing filled in.
    expect(page).to_have_url(f"{base}/stap/1")
    audit.check("step 1")
    submit(page, NEXT)
    expect(page.locator("#error-summary")).to_be_visible()
    audit.check("step 1 with errors")
    for name, value in ANSWERS[1].items():
        field(page, name).fill(value)
    submit(page, NEXT)

    # Step 2: the yes/no question left open, then answered "yes" with the partner missing.
    expect(page).to_have_url(f"{base}/stap/2")
    submit(page, NEXT)
    expect(page.locator("#error-summary")).to_be_visible()
    audit.check("step 2 with errors")
    page.get_by_role("radio", name=re.compile(r"^(Ja|Yes)$")).check()
    expect(field(page, "partner")).to_be_visible()
    audit.check("step 2 with the question it brings up")
    field(page, "partner").fill("Els Klant")
    submit(page, NEXT)

    # Step 3: a wrong IBAN, a number that is not one, no choice.
    expect(page).to_have_url(f"{base}/stap/3")
    field(page, "iban").fill("NL00 FOUT")
    field(page, "inkomen").fill("veel")
    submit(page, NEXT)
    expect(page.locator("#error-summary")).to_be_visible()
    audit.check("step 3 with errors")
    field(page, "iban").fill("NL91 ABNA 0417 1643 00")
    field(page, "inkomen").fill("52000")
    page.get_by_role("radio", name="Koopwoning").check()
    submit(page, NEXT)

    # Step 4: no required question; the checkboxes and the text area as shown.
    expect(page).to_have_url(f"{base}/stap/4")
    audit.check("step 4")
    submit(page, NEXT)

    # Step 5: the upload missing.
    expect(page).to_have_url(f"{base}/stap/5")
    submit(page, NEXT)
    expect(page.locator("#error-summary")).to_be_visible()
    audit.check("step 5 with errors")
    field(page, "legitimatie").set_input_files(files=[{
        "name": "paspoort.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}])
    submit(page, NEXT)

    expect(page).to_have_url(f"{base}/overzicht")
    audit.check("summary")
    audit.visit(f"{base}/afdrukken", "print view")
    page.goto(f"{base}/overzicht")
    submit(page, re.compile(r"^(Voltooien|Complete)$"))
    expect(page.locator(".flashes")).to_be_visible()
    audit.check("completed")
    audit.assert_clean()


def test_my_details(page, live_server, app, session, make, lang):
    """Mijn gegevens: every section and the pages it leads to, errors included."""
    company = make.company("Bakkerij De Wit B.V.")
    make.user(email="anna@dewit.nl", name="Anna de Wit", company=company, company_main=True,
              language=lang)
    extra = make.user(email="piet@dewit.nl", name="Piet de Wit", company=company,
                      language=lang)
    speak(page, live_server, lang)
    audit = Audit(page, lang)
    log_in(page, "anna@dewit.nl")
    expect(page).to_have_url(live_server + "/mijn-gegevens")
    audit.check("Mijn gegevens (first login)")

    page.goto("/mijn-gegevens/naam")
    page.locator('input[name="name"]').fill("")
    audit.refused("name with an error", "main form button[type=submit]")
    page.goto("/mijn-gegevens/e-mailadres")
    audit.refused("e-mail address with errors", "main form button[type=submit]")
    audit.visit("/mijn-gegevens/inlogactiviteit", "login activity")

    # Two-step: overview, SMS number (wrong, then right), the code, the recovery code.
    audit.visit("/mijn-gegevens/2-staps-verificatie", "two-step overview")
    page.goto("/mijn-gegevens/2-staps-verificatie/sms")
    page.locator('input[name="phone"]').fill("12")
    page.locator('input[name="password"]').fill(PASSWORD)
    audit.refused("SMS set-up with an error", "main form button[type=submit]")
    page.locator('input[name="phone"]').fill("06 12345678")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/sms/code$"))
    audit.check("SMS code")
    page.locator('input[name="code"]').fill(last_sms_code(app))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#recovery-code")).to_be_visible()
    audit.check("recovery code and backup codes (the first set-up)")
    # The page to print, as the Print button opens it without JavaScript.
    with page.expect_navigation():
        page.locator("[data-print]").evaluate("button => button.form.requestSubmit(button)")
    expect(page.locator("#recovery-code")).to_be_visible()
    audit.check("codes to print")

    # The authenticator app, a wrong code first; then backup codes and turning off.
    audit.visit("/mijn-gegevens/2-staps-verificatie/app", "app set-up: the password first")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("#totp-secret")).to_be_visible()  # the next page, not the old one
    audit.check("app set-up")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.locator('input[name="code"]').fill("000000" if totp.now() != "000000" else "111111")
    audit.refused("app set-up with an error", "main form button[type=submit]")
    page.locator('input[name="code"]').fill(totp.now())
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".flashes")).to_be_visible()
    audit.check("two-step overview with SMS and app on")
    audit.visit("/mijn-gegevens/2-staps-verificatie/back-upcodes",
                "new backup codes: the password first")
    page.locator('input[name="password"]').fill(PASSWORD)
    submit(page, re.compile(r"^(Nieuwe back-upcodes maken|Make new backup codes)$"))
    expect(page.locator("#backup-codes")).to_be_visible()
    audit.check("backup codes")
    page.goto("/mijn-gegevens/2-staps-verificatie/uitzetten/sms")
    audit.refused("turn off SMS with an error", "main form button[type=submit]")

    # Notifications and language are sections of the main page; then the extra accounts.
    audit.visit("/mijn-gegevens", "Mijn gegevens with two-step on")
    audit.visit("/mijn-gegevens/accounts", "extra accounts")
    page.locator('input[name="email"]').fill("geen-adres")
    audit.refused("extra accounts with errors", "main form button[type=submit]")
    audit.visit(f"/mijn-gegevens/accounts/{extra.id}", "an extra account")
    audit.visit(f"/mijn-gegevens/accounts/{extra.id}/verwijderen", "delete an extra account")
    audit.assert_clean()
