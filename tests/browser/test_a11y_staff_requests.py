"""Accessibility audit of requests for documents on the staff side, in Dutch and English:
axe-core (WCAG 2.1 A and AA) on the overview (with requests, and empty), a dossier's requests,
"Stukken opvragen" (as opened, with more rows through htmx, with errors), a request with files
waiting (a rejection without a reason through htmx, an approval), adding documents (with
errors), the confirmation to withdraw one, and the settings: the firm's list (with errors), one
document of it, reminders with errors, and a dossier status with its "closed" mark."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from twostep_helpers import with_app

from app.models import StandardItem
from app.staff.request_forms import today
from browser.a11y import Audit, arrange_firm, speak
from browser.helpers import labels, staff_log_in

TEXTS = labels("staff_requests")


def test_requests_for_documents(page, live_server, app, session, make, lang):
    t = TEXTS[lang]
    firm = arrange_firm(session, make, lang)
    session.add_all([StandardItem(title="Kopie paspoort of ID-kaart", is_identity=True,
                                  explanation="Voor- en achterkant", position=0),
                     StandardItem(title="Koopovereenkomst", position=1)])
    session.commit()
    with app.app_context():
        deadline = today() + timedelta(days=7)
    doc_request = make.document_request(firm.dossier, firm.jan, [
        {"title": "Kopie paspoort", "explanation": "Voor- en achterkant", "is_identity": True},
        {"title": "Koopovereenkomst"}, {"title": "Loonstrook"}], by=firm.lawyer,
        deadline=deadline)
    passport, deed, payslip = doc_request.items
    make.hand_in(passport, firm.jan, "paspoort.pdf")
    make.hand_in(deed, firm.jan, "koopovereenkomst.pdf")
    dossier = firm.dossier.id
    speak(page, live_server, lang)
    audit = Audit(page, lang)
    staff_log_in(page, firm.lawyer)

    audit.visit("/kantoor/stukken", "requests: overview")
    audit.visit(f"/kantoor/dossiers/{dossier}/stukken", "requests: a dossier's")
    audit.visit(f"/kantoor/dossiers/{dossier}/stukken/opvragen", "request documents")
    page.get_by_label("Koopovereenkomst").check()
    page.get_by_role("button", name=t["more_rows"]).click()
    expect(page.locator("#rows-5-title")).to_be_visible()
    audit.check("request documents, more rows (htmx)")
    page.get_by_label("Koopovereenkomst").uncheck()
    page.locator("#rows-4-explanation").fill("Zonder titel")
    page.get_by_label(t["deadline"]).fill("2020-01-01")
    audit.refused("request documents with errors",
                  submit=f"main form button.button[type=submit]:text-is('{t['send']}')")

    audit.visit(f"/kantoor/stukken/{doc_request.id}", "a request with files waiting")
    card = page.locator(".request-item").nth(1)
    card.get_by_role("button", name=re.compile(t["reject"])).click()
    expect(card.locator(".error-message")).to_be_visible()
    audit.check("a request, rejection without a reason (htmx)")
    card.get_by_role("button", name=re.compile(t["approve"])).click()
    expect(card.locator(".item-state")).to_contain_text(t["approved"])
    audit.check("a request, an item approved (htmx)")
    page.goto(f"/kantoor/stukken/{doc_request.id}/toevoegen")
    audit.check("add documents")
    audit.refused("add documents with errors",
                  submit=f"main form button.button[type=submit]:text-is('{t['add_documents']}')")
    audit.visit(f"/kantoor/stukken/{doc_request.id}/onderdelen/{payslip.id}/intrekken",
                "withdraw a document: confirmation")
    page.get_by_role("button", name=t["withdraw_document"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["withdrawn"])
    audit.check("a request with a withdrawn document")

    page.context.clear_cookies()
    staff_log_in(page, firm.admin)
    page.goto("/kantoor/instellingen/stukken")
    audit.check("settings: the firm's list")
    page.locator("main form[action$='/instellingen/stukken'] button[type=submit]").click()
    # ^ "Add document" without a title
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("settings: the firm's list, a document without a title")
    page.goto("/kantoor/instellingen/stukken")
    page.locator('input[name="identity_retention_years"]').fill("2")
    audit.refused("settings: reminders and retention with an error")
    page.goto("/kantoor/instellingen/stukken")
    page.get_by_role("link", name=re.compile(r"^(Wijzigen|Edit)")).first.click()
    page.wait_for_url(re.compile(r"/instellingen/stukken/\d+$"))
    audit.check("settings: a document of the list")
    audit.visit("/kantoor/instellingen/statussen/closed", "settings: a status, closed mark")
    page.goto("/kantoor/stukken")
    audit.check("requests: overview as the admin")

    newcomer = make.staff(role="lawyer", email="nieuw@kantoor.test", name="mr. Nieuw",
                          language=lang)
    with_app(session, newcomer)
    page.context.clear_cookies()
    staff_log_in(page, newcomer)
    audit.visit("/kantoor/stukken", "requests: overview without requests")
    audit.assert_clean()
