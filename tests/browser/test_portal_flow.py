"""The client portal walked in Chromium, in Dutch and English: the dossier list (live search
with its debounce, the status filter, pages), a dossier (Voortgang, tabs swapped by htmx with
the URL pushed, the back button, a deep link, a download that marks the row and lowers the
unread count); and the same without JavaScript: the search form, status checkboxes, page
links, tabs as plain links and a new message with two files through the plain file input.
No page may show a word of the other language."""
import pathlib
import re
from datetime import datetime, timezone

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect
from sqlmodel import select

from app.models import (
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    Document,
    Message,
)
from browser.helpers import labels, log_in, speaks

ROOT = pathlib.Path(__file__).parents[2]

TEXTS = labels("portal_flow")
# The one date-time format (app/dates.py): "7 december 2026 om 09:05" / "... at 09:05".
DATE_TIME = {"nl": re.compile(r"\b\d{1,2} [a-z]+ \d{4} om \d{2}:\d{2}\b"),
             "en": re.compile(r"\b\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}\b")}


# The type badges of document rows ("PDF", "DOC" ...) are codes, not words; their
# aria-label says the type in the page's language.
TYPE_BADGES = {"PDF", "DOC", "XLS", "IMG", "MAIL", "FILE"}


def phrases_of_other_language(lang):
    """What only the other language says (from the Dutch catalog): none may show on a
    page in `lang`."""
    path = ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as f:
        catalog = read_po(f, locale="nl")
    phrases = set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        if message.id != message.string and "%(" not in message.id:
            phrases.add(message.id if lang == "nl" else message.string)
    return sorted(phrases - TYPE_BADGES)


def pdf(name, size=2000):
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4 " + b"x" * size}


def tab(page, label):
    """A tab of the dossier page, by its label (its name also holds the counts)."""
    return page.locator("#dossier-tabs nav").get_by_role("link", name=re.compile(
        rf"^{re.escape(label)}\b"))


@pytest.fixture
def arranged(app, session, make, lang):
    """A client with five dossiers in three statuses; the first has progress, two letters
    and a declaration."""
    app.config["FIRM_NAME"] = "Mulder & Partners"  # "Kantoor" is a word of the catalog
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="klant@example.nl", name="Klaas Klant", language=lang)
    house = make.dossier(clients=[client], lawyer=lawyer, number="2026-0105",
                         description="Aankoop woning")
    make.dossier(clients=[client], lawyer=lawyer, number="2026-0104",
                 description="Testament opstellen", status="closed")
    for n in range(3):
        make.dossier(clients=[client], lawyer=lawyer, number=f"2026-010{n + 1}",
                     description=f"Huurgeschil {n + 1}", status="waiting")
    make.steps(house, 10, done=4)
    rent = make.dossier(clients=[client], lawyer=lawyer, number="2026-0100",
                        description="Huurgeschil 0", status="waiting")
    make.pdf(rent, CAT_DOCUMENT, "Volmacht", lawyer)  # unread, under Documenten only
    documents = {title: make.pdf(house, category, title, lawyer, age_days=age)
                 for title, category, age in (("Offerte 1", CAT_CORRESPONDENCE, 2),
                                              ("Offerte 2", CAT_CORRESPONDENCE, 1),
                                              ("Declaratie", CAT_DOCUMENT, 1))}
    # 23:30 UTC on New Year's Eve is already 1 January in Amsterdam.
    documents["Offerte 1"].created_at = datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)
    session.commit()
    return house, documents


def test_portal_with_javascript(page, live_server, app, session, arranged, lang):
    house, documents = arranged
    t = TEXTS[lang]
    log_in(page, "klant@example.nl", wait=True)
    page.goto("/dossiers")
    expect(page.get_by_text(t["dossiers"].format(6))).to_be_visible()
    speaks(page, lang, phrases_of_other_language(lang))
    page.evaluate("window.sameDocument = true")  # survives htmx swaps, not page loads

    # Live search: one request once typing pauses (the debounce), the URL follows.
    searches = []
    page.on("request", lambda r: searches.append(r.url)
            if "/dossiers?" in r.url and r.headers.get("hx-request") else None)
    page.get_by_label(t["search_label"]).press_sequentially("woning", delay=40)
    results = page.locator("#dossier-results")
    expect(results).to_contain_text("Aankoop woning")
    expect(results).not_to_contain_text("Testament")
    expect(page).to_have_url(f"{live_server}/dossiers?q=woning")
    assert 1 <= len(searches) <= 2, searches  # six keystrokes, not six requests
    page.get_by_label(t["search_label"]).fill("")
    expect(results).to_contain_text("Testament")

    # The status filter: only the checked statuses.
    page.get_by_role("checkbox", name=t["closed"]).check()
    expect(results).to_contain_text("Testament opstellen")
    expect(results).not_to_contain_text("Aankoop woning")
    expect(page).to_have_url(re.compile(r"status=closed"))
    page.get_by_role("checkbox", name=t["closed"]).uncheck()
    expect(results).to_contain_text("Aankoop woning")
    assert page.evaluate("window.sameDocument === true"), "the search loaded a whole page"

    # Open a dossier; Voortgang is collapsed until asked for.
    results.get_by_role("link", name=f"{t['open']} {house.number}").click()
    expect(page).to_have_url(f"{live_server}/dossiers/{house.id}")
    summary = page.locator("details.progress summary")
    expect(summary).to_have_text(t["progress"])
    steps = page.locator("details.progress li")
    expect(steps.first).to_be_hidden()
    summary.click()
    expect(steps).to_have_count(10)
    expect(steps.nth(3)).to_contain_text(f"({t['step_done']})")
    speaks(page, lang, phrases_of_other_language(lang))

    # Tabs: htmx swaps the tab and pushes its URL; back returns to the tab before.
    page.evaluate("window.sameDocument = true")
    expect(tab(page, t["correspondence"])).to_have_attribute("aria-current", "page")
    panel = page.locator(".tab-panel")
    expect(panel).to_contain_text("Offerte 1")
    expect(panel.locator("tr", has_text="Offerte 1")).to_contain_text(t["new_year"])
    tab(page, t["documents"]).click()
    expect(page).to_have_url(f"{live_server}/dossiers/{house.id}/documenten")
    expect(panel).to_contain_text("Declaratie")
    expect(tab(page, t["documents"])).to_have_attribute("aria-current", "page")
    assert page.evaluate("window.sameDocument === true"), "the tab loaded a whole page"
    speaks(page, lang, phrases_of_other_language(lang))
    page.go_back()
    expect(page).to_have_url(f"{live_server}/dossiers/{house.id}")
    expect(panel).to_contain_text("Offerte 1")
    expect(tab(page, t["correspondence"])).to_have_attribute("aria-current", "page")

    # A deep link to a tab renders the whole dossier page with that tab open.
    page.goto(f"/dossiers/{house.id}/documenten")
    expect(page.locator("details.progress summary")).to_have_text(t["progress"])
    expect(tab(page, t["documents"])).to_have_attribute("aria-current", "page")
    expect(panel).to_contain_text("Declaratie")

    # Download: the file arrives, then the row shows the mark and the unread count drops.
    tab(page, t["correspondence"]).click()
    expect(tab(page, t["correspondence"])).to_contain_text(t["unread"].format(2))
    letter = documents["Offerte 1"]
    row = panel.locator("tr", has_text="Offerte 1")
    expect(row).to_contain_text(t["not_downloaded"])
    with page.expect_download() as download:
        row.get_by_role("link", name=re.compile(r"^Download")).click()
    assert download.value.suggested_filename == "offerte-1.pdf"
    assert open(download.value.path(), "rb").read() == b"%PDF-1.4 Offerte 1"
    expect(row).to_contain_text(t["downloaded_on"])
    expect(tab(page, t["correspondence"])).to_contain_text(t["unread"].format(1))
    expect(page.locator(f"#download-{letter.id}")).to_be_focused()
    expect(panel.locator("tr", has_text="Offerte 2")).to_contain_text(t["not_downloaded"])
    speaks(page, lang, phrases_of_other_language(lang))

    # A dossier opens on its first tab with unread items; an empty tab, and an empty Acties,
    # say what will appear there (issue 16, points 8 and 15).
    page.goto("/dossiers?q=Huurgeschil 0")
    results.get_by_role("link", name=f"{t['open']} 2026-0100").click()
    expect(page).to_have_url(re.compile(r"/dossiers/\d+/documenten$"))
    expect(tab(page, t["documents"])).to_have_attribute("aria-current", "page")
    expect(panel).to_contain_text("Volmacht")
    tab(page, t["correspondence"]).click()
    expect(panel.locator(".empty-state")).to_contain_text(t["no_letters"])
    tab(page, t["messages"]).click()
    expect(panel.locator(".empty-state")).to_contain_text(t["no_messages"])
    speaks(page, lang, phrases_of_other_language(lang))
    page.goto("/acties")
    expect(page.locator(".empty-state")).to_contain_text(t["no_questionnaires"])
    speaks(page, lang, phrases_of_other_language(lang))


def test_portal_without_javascript(browser, live_server, app, session, arranged, lang):
    house, _documents = arranged
    t = TEXTS[lang]
    app.config["PAGE_SIZE"] = 2
    context = browser.new_context(java_script_enabled=False, locale="nl-NL",
                                  base_url=live_server)
    context.set_default_timeout(10000)
    page = context.new_page()
    try:
        log_in(page, "klant@example.nl", wait=True)
        page.goto("/dossiers")
        results = page.locator("#dossier-results")
        expect(results).to_contain_text(t["page"].format(1, 3))
        speaks(page, lang, phrases_of_other_language(lang))

        # Page links.
        results.get_by_role("link", name=t["next"]).click()
        expect(page).to_have_url(f"{live_server}/dossiers?page=2")
        expect(results).to_contain_text(t["page"].format(2, 3))
        expect(results).to_contain_text("Huurgeschil 3")
        results.get_by_role("link", name=t["previous"]).click()
        expect(page).to_have_url(f"{live_server}/dossiers")
        expect(results).to_contain_text("Aankoop woning")

        # The search is a GET form; the status filter is checkboxes in it.
        page.get_by_label(t["search_label"]).fill("woning")
        page.get_by_role("button", name=t["search"], exact=True).click()
        expect(page).to_have_url(f"{live_server}/dossiers?q=woning")
        expect(results).to_contain_text("Aankoop woning")
        expect(results).not_to_contain_text("Huurgeschil")
        page.get_by_label(t["search_label"]).fill("")
        page.get_by_role("checkbox", name=t["closed"]).check()
        page.get_by_role("button", name=t["search"], exact=True).click()
        expect(page).to_have_url(f"{live_server}/dossiers?q=&status=closed")
        expect(results).to_contain_text("Testament opstellen")
        expect(results).not_to_contain_text("Aankoop woning")
        expect(page.get_by_role("checkbox", name=t["closed"])).to_be_checked()
        speaks(page, lang, phrases_of_other_language(lang))

        # The dossier: Voortgang opens without script (a <details>); tabs are links.
        page.goto("/dossiers")
        results.get_by_role("link", name=f"{t['open']} {house.number}").click()
        page.locator("details.progress summary").click()
        expect(page.locator("details.progress li")).to_have_count(10)
        tab(page, t["documents"]).click()
        expect(page).to_have_url(f"{live_server}/dossiers/{house.id}/documenten")
        expect(page.locator(".tab-panel")).to_contain_text("Declaratie")
        expect(page.locator("details.progress summary")).to_have_text(t["progress"])
        speaks(page, lang, phrases_of_other_language(lang))

        # A new message with two files through the plain multiple file input.
        tab(page, t["messages"]).click()
        expect(page).to_have_url(f"{live_server}/dossiers/{house.id}/berichten")
        page.get_by_role("link", name=t["new_message"]).click()
        speaks(page, lang, phrases_of_other_language(lang))
        page.get_by_label(t["subject"]).fill("Zonnelaan 12")
        page.get_by_label(t["message"], exact=True).fill("Hierbij de stukken.")
        files = page.get_by_label(t["choose_files"])
        expect(files).to_be_visible()
        assert files.get_attribute("multiple") is not None
        # One file uploaded first makes a draft: shown to its writer as not sent, and no
        # message yet (issue 16, point 7).
        files.set_input_files([pdf("paspoort.pdf")])
        page.get_by_role("button", name=t["upload_files"]).click()
        expect(page).to_have_url(re.compile(r"/concepten/\d+$"))
        expect(page.locator(".unsent")).to_contain_text(t["not_sent"])
        tab(page, t["messages"]).click()
        expect(tab(page, t["messages"])).to_contain_text("(0)")
        expect(page.locator(".unsent li")).to_contain_text(f"{t['not_sent']} Zonnelaan 12")
        expect(page.locator(".empty-state")).to_contain_text(t["no_messages"])
        speaks(page, lang, phrases_of_other_language(lang))
        page.locator(".unsent").get_by_role("link", name="Zonnelaan 12").click()
        files.set_input_files([pdf("loonstrook.pdf")])
        page.get_by_role("button", name=t["send"]).click()
        expect(page.get_by_role("status")).to_contain_text(t["sent"])
        expect(page.locator("table.messages")).to_contain_text("Zonnelaan 12")
        expect(page.locator("table.messages tr", has_text="Zonnelaan 12")).to_contain_text(
            DATE_TIME[lang])

        # Both files and the message itself are under Door mij aangeleverd, two a page:
        # the message first, above its files.
        tab(page, t["provided"]).click()
        expect(tab(page, t["provided"])).to_contain_text("(3)")
        panel = page.locator(".tab-panel")
        expect(panel).to_contain_text(t["page"].format(1, 2))
        rows = panel.locator("tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("Zonnelaan 12")
        expect(rows.first).to_contain_text(t["sent_by_you"])
        first_file = rows.nth(1).inner_text()
        speaks(page, lang, phrases_of_other_language(lang))
        panel.get_by_role("link", name=t["next"]).click()
        expect(page).to_have_url(f"{live_server}/dossiers/{house.id}/aangeleverd?page=2")
        expect(rows).to_have_count(1)
        shown = {name for name in ("paspoort.pdf", "loonstrook.pdf")
                 if name in first_file + rows.first.inner_text()}
        assert shown == {"paspoort.pdf", "loonstrook.pdf"}
        panel.get_by_role("link", name=t["previous"]).click()
        rows.first.get_by_role("link").click()
        expect(page.get_by_role("heading", name="Zonnelaan 12")).to_be_visible()
    finally:
        context.close()
    sent = session.exec(select(Message).where(Message.from_client)).one()
    assert sent.sent_at is not None and sent.body == "Hierbij de stukken."
    files = session.exec(select(Document).where(Document.category == CAT_PROVIDED)).all()
    assert sorted(d.filename for d in files) == ["loonstrook.pdf", "paspoort.pdf"]
