"""Accessibility audit of the staff side, part 1, in Dutch and English: axe-core (WCAG 2.1 A
and AA) on the staff's two-step prompt, the start page, clients (list, a client, the new
client forms with errors), dossiers (list, a dossier with its steps, edit, the new dossier
form with errors, documents publishing, messages, questionnaires of a dossier) and the
messages inbox with a message and a reply (and its "new" count in the menu), and a staff
member's Mijn gegevens with their notification switches. Part 2 (questionnaires, settings,
audit log, AVG) is test_a11y_staff_admin.py."""
import re

from playwright.sync_api import expect

from browser.a11y import SUBMIT, Audit, arrange_firm, speak
from browser.helpers import drop_files, labels, staff_log_in


def test_clients_dossiers_and_messages(page, live_server, app, session, make, lang):
    firm = arrange_firm(session, make, lang)
    dossier = firm.dossier.id
    speak(page, live_server, lang)
    audit = Audit(page, lang)
    staff_log_in(page, firm.lawyer, audit)
    audit.check("start page")
    # The "new" count beside Berichten: a "1" that is read out as "1 nieuw" (issue 16).
    t = labels("staff_notifications")[lang]
    inbox_link = page.locator("header nav a[href='/kantoor/berichten']")
    expect(inbox_link).to_have_accessible_name(t["messages_one_new"])
    expect(inbox_link.locator(".badge")).to_have_text("1")

    audit.visit("/kantoor/clienten", "clients")
    audit.visit(f"/kantoor/clienten/{firm.jan.id}", "a client")
    audit.visit(f"/kantoor/clienten/{firm.anna.id}", "a company client")
    page.goto("/kantoor/clienten/nieuw")
    audit.refused("new client with errors")
    page.goto("/kantoor/clienten/nieuw-bedrijf")
    audit.refused("new company client with errors")

    audit.visit("/kantoor/dossiers", "dossiers")
    page.goto("/kantoor/dossiers/nieuw")
    audit.refused("new dossier with errors")
    audit.visit(f"/kantoor/dossiers/{dossier}", "a dossier")
    audit.visit(f"/kantoor/dossiers/{dossier}/bewerken", "edit a dossier")
    audit.visit(f"/kantoor/dossiers/{dossier}/stappen", "a dossier's progress steps")
    page.locator("#steps a").filter(has_text=re.compile(r"^(Wijzigen|Rename)")).first.click()
    page.locator('#steps input[name="step-title_nl"]').fill("")
    page.locator("#steps form button[type=submit]").first.click()
    expect(page.locator("#steps").get_by_role("alert").first).to_be_visible()
    audit.check("renaming a step, with an error (htmx)")
    audit.visit(f"/kantoor/dossiers/{dossier}/documenten", "documents publishing")
    page.locator(SUBMIT).filter(has_text=re.compile(r"^(Publiceren|Publish)$")).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("documents publishing with an error")
    drop_files(page, ["Conceptakte.pdf", "Volmacht.pdf"])
    expect(page.locator("[data-upload-zone] [data-selection] li")).to_have_count(2)
    audit.check("documents publishing with two files dropped")
    audit.visit(f"/kantoor/dossiers/{dossier}/berichten", "a dossier's messages")
    empty = make.dossier(lawyer=firm.lawyer, number="2026-0106", description="Leeg")
    audit.visit(f"/kantoor/dossiers/{empty.id}/berichten", "a dossier without messages")
    audit.visit(f"/kantoor/dossiers/{dossier}/vragenlijsten", "a dossier's questionnaires")

    audit.visit("/kantoor/berichten", "messages inbox")
    expect(page.locator("#inbox")).to_contain_text(t["one_new_message"])
    audit.visit(f"/kantoor/berichten/{firm.message.id}", "a message")
    expect(inbox_link).to_have_accessible_name(t["messages"])  # read: nothing new
    audit.visit(f"/kantoor/berichten/{firm.message.id}/beantwoorden", "a reply")
    audit.refused("a reply with errors")
    page.goto("/kantoor/berichten")
    expect(page.locator("#inbox")).to_contain_text(t["no_new_messages"])

    # Mijn gegevens of a staff member: the switches of their own notification mails.
    audit.visit("/mijn-gegevens", "my details (staff)")
    page.get_by_label(t["client_wrote"]).uncheck()
    page.get_by_role("button", name=t["save_notifications"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["notifications_saved"])
    audit.check("my details, notifications saved (staff)")
    audit.assert_clean()
