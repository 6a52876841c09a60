"""The client side on a phone (375x667, touch) and a desktop: no page scrolls sideways and
every touch target is at least 44x44 CSS px; full-page screenshots of both sizes are saved
under test-artifacts/screens/ for a person to look at."""
from playwright.sync_api import expect

from .layout_helpers import (
    arrange_demo,
    audit,
    check_pages,
    client_log_in,
    fill_questionnaire,
    screenshot,
)


def open_progress(page, name):
    """Unfold "Voortgang" on the dossier page, so the screenshot shows the steps."""
    if name == "dossier-correspondentie":
        page.locator("details.progress summary").click()


def test_client_pages_fit_a_phone(devices, app, session):
    phone, desktop = devices
    demo = arrange_demo(app, session)
    house, assignment = demo["house"].id, demo["assignment"].id
    problems = check_pages(phone, desktop, [("login", "/inloggen")])
    for page in (phone, desktop):
        client_log_in(page)
        fill_questionnaire(page, assignment)  # both devices end on the summary
    problems += check_pages(phone, desktop, [
        ("home", "/"),
        ("dossiers", "/dossiers"),
        ("dossier-correspondentie", f"/dossiers/{house}/correspondentie"),
        ("dossier-documenten", f"/dossiers/{house}/documenten"),
        ("dossier-aangeleverd", f"/dossiers/{house}/aangeleverd"),
        ("dossier-berichten", f"/dossiers/{house}/berichten"),
        ("bericht", f"/berichten/{demo['message'].id}"),
        ("bericht-antwoord", f"/berichten/{demo['reply'].id}"),
        ("nieuw-bericht", f"/dossiers/{house}/berichten/nieuw"),
        ("acties", "/acties"),
        ("vragenlijst-stap", f"/vragenlijsten/{assignment}/stap/2"),
        ("vragenlijst-overzicht", f"/vragenlijsten/{assignment}/overzicht"),
        ("vragenlijst-afdrukken", f"/vragenlijsten/{assignment}/afdrukken"),
        ("mijn-gegevens", "/mijn-gegevens"),
    ], before=open_progress)

    # "+ Bijlagen" open on the new message: the dialog's own targets.
    for size, page in (("phone", phone), ("desktop", desktop)):
        page.goto(f"/dossiers/{house}/berichten/nieuw")
        page.get_by_role("button", name="+ Bijlagen").click()
        expect(page.get_by_role("dialog", name="Bijlagen toevoegen")).to_be_visible()
        screenshot(page, size, "nieuw-bericht-bijlagen")
    found = audit(phone, "dialog[open]")
    if found:
        problems.append("nieuw-bericht-bijlagen (dialog):\n" + "\n".join(found))
    assert not problems, "layout problems on a 375 px phone:\n" + "\n".join(problems)
