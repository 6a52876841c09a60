"""The client side on a phone (375x667, touch) and a desktop: no page scrolls sideways,
every touch target is at least 44x44 CSS px, and a phone shows a page's title without
scrolling (one header row and a "Menu"); the look of issue 16 measured in the page: the
dossier's tabs on one row at 1024 px, Home's tiles alike, the icons drawn and named.
Full-page screenshots of both sizes (Dutch, and a few in English) are saved under
test-artifacts/screens/ for a person to look at."""
import re

from playwright.sync_api import expect
from sqlmodel import select

from app.models import User

from .layout_helpers import (
    DESKTOP,
    arrange_demo,
    audit,
    boxes,
    check_pages,
    client_log_in,
    fill_questionnaire,
    screenshot,
)


def open_progress(page, name):
    """Unfold "Voortgang" on the dossier page, so the screenshot shows the steps."""
    if name == "dossier-correspondentie":
        page.locator("details.progress summary").click()


def tabs_on_one_row(desktop, house):
    """At 1024 px, in Dutch, a dossier's four tabs with their unread badges stand on one
    row (problems, if any)."""
    desktop.set_viewport_size({"width": 1024, "height": 768})
    desktop.goto(f"/dossiers/{house}/correspondentie")
    expect(desktop.locator(".tabs a")).to_have_count(4)
    badges = desktop.locator(".tabs .badge-unread").count()
    tops = {round(top) for _left, top, _width, _height in boxes(desktop, ".tabs a")}
    screenshot(desktop, "desktop-1024", "dossier-tabs")
    desktop.set_viewport_size(DESKTOP["viewport"])
    assert badges >= 2, "the demo dossier should have unread items on several tabs"
    return [] if len(tops) == 1 else [f"tabs at 1024 px: on {len(tops)} rows"]


def tiles_alike(page, size):
    """Home's tiles: one size, and the same space between each two (problems, if any)."""
    page.goto("/")
    tiles = sorted(boxes(page, ".tiles > .tile > a"), key=lambda box: (box[1], box[0]))
    assert len(tiles) == 3
    sizes = {(round(width), round(height)) for _left, _top, width, height in tiles}
    gaps = set()
    for (left, top, width, height), (next_left, next_top, _w, _h) in zip(tiles[:-1], tiles[1:],
                                                                          strict=True):
        gaps.add(round(next_left - left - width) if abs(next_top - top) < 1
                 else round(next_top - top - height))
    problems = [f"tiles on the {size}: sizes {sorted(sizes)}"] if len(sizes) > 1 else []
    return problems + ([f"tiles on the {size}: gaps {sorted(gaps)}"] if len(gaps) > 1 else [])


def icons_shown(page, house):
    """The document rows' icons are drawn from the sprite (each <use> found its symbol) and
    named where no text says the same (problems, if any)."""
    page.goto(f"/dossiers/{house}/documenten")
    expect(page.get_by_role("img", name="PDF-document").first).to_be_visible()
    expect(page.get_by_role("link", name="Download Declaratie")).to_be_visible()
    drawn = page.evaluate("[...document.querySelectorAll('main svg.icon use')]"
                          ".map((use) => use.getBoundingClientRect().width)")
    return [] if drawn and min(drawn) > 0 else [f"icons not drawn: widths {drawn}"]


def phone_menu(phone):
    """On the phone, "Menu" folds the links away; Acties and its count stay in sight."""
    phone.goto("/")
    nav = phone.get_by_role("navigation", name="Hoofdmenu")
    actions, details = nav.get_by_role("link", name=re.compile(r"^Acties")), nav.get_by_role(
        "link", name="Mijn gegevens")
    expect(actions).to_be_visible()
    expect(details).to_be_hidden()
    nav.locator("summary").click()
    expect(details).to_be_visible()
    screenshot(phone, "phone", "menu-open")
    found = audit(phone, ".site-header")
    nav.locator("summary").click()
    expect(details).to_be_hidden()
    return ["the open menu:\n" + "\n".join(found)] if found else []


def test_client_pages_fit_a_phone(devices, app, session):
    phone, desktop = devices
    demo = arrange_demo(app, session)
    house, assignment = demo["house"].id, demo["assignment"].id
    problems = check_pages(phone, desktop, [("login", "/inloggen")])
    for page in (phone, desktop):
        client_log_in(page)
    # Before the pages below read the unread items away.
    problems += tabs_on_one_row(desktop, house)
    problems += tiles_alike(phone, "phone") + tiles_alike(desktop, "desktop")
    problems += icons_shown(desktop, house) + phone_menu(phone)
    for page in (phone, desktop):
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
        ("aan-te-leveren-stukken", f"/acties/stukken/{demo['request'].id}"),
        ("goedkeuren", f"/acties/goedkeuren/{demo['approval'].id}"),
        ("goedkeuren-akkoord", f"/acties/goedkeuren/{demo['approval'].id}/akkoord"),
        ("goedkeuren-niet-akkoord", f"/acties/goedkeuren/{demo['approval'].id}/niet-akkoord"),
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

    # The main pages in English, as Sophie (one dossier: Dossiers opens it) sees them.
    sophie = session.exec(select(User).where(User.email == "sophie@example.nl")).one()
    for page in (phone, desktop):
        page.context.clear_cookies()
        client_log_in(page, sophie.email)
    problems += check_pages(phone, desktop, [("en-home", "/"), ("en-dossier", "/dossiers"),
                                             ("en-mijn-gegevens", "/mijn-gegevens")])
    assert not problems, "layout problems:\n" + "\n".join(problems)
