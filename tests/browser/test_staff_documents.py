"""Publishing on the staff side, walked in Chromium: two files dropped at once (a real drop
with a DataTransfer), titles changed before publishing, the client downloading one, and the
download mark on the staff side; the plain form without JavaScript (and a staff member's
notification switches in Mijn gegevens); a message written "namens" a lawyer with a dropped
attachment and the live counter. In Dutch and English."""
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app import storage
from app.models import CAT_CORRESPONDENCE, CAT_DOCUMENT, Delegation, Document, Message
from browser.helpers import drop_files, labels, log_in, staff_log_in

TEXTS = labels("staff_documents")


@pytest.fixture
def arranged(session, make):
    """mr. Jansen and his secretary (both with the authenticator app), and Jan in one of
    mr. Jansen's dossiers."""
    def build(lang="nl"):
        lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                            language=lang)
        secretary = make.staff(role="secretary", email="secr@kantoor.test", name="Els Secr",
                               language=lang)
        session.add(Delegation(lawyer_id=lawyer.id, secretary_id=secretary.id))
        jan = make.user(email="jan@example.nl", name="Jan de Vries", language=lang)
        dossier = make.dossier(clients=[jan], lawyer=lawyer, description="Aankoop woning")
        with_app(session, lawyer)
        with_app(session, secretary)
        return lawyer, secretary, jan, dossier
    return build


def client_log_in(page, email):
    log_in(page, email)
    expect(page).not_to_have_url(re.compile(r"/inloggen"))


def pdf(name, size=500):
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4 " + b"x" * size}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_publish_two_files_by_drag_and_drop_and_see_the_download(
        browser, page, live_server, app, session, arranged, lang):
    t = TEXTS[lang]
    lawyer, _secretary, _jan, dossier = arranged(lang)
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}/documenten")
    expect(page.get_by_role("heading", name=t["publish_heading"])).to_be_visible()
    expect(page.get_by_label(t["choose"])).to_be_hidden()  # the plain input, for no-JS
    page.get_by_role("radio", name=t["documents"]).check()

    # Three files dropped at once, one refused before anything is sent.
    drop_files(page, {"Brief aan Jan.pdf": "%PDF-1.4 brief", "verkeerd.pdf": "%PDF-1.4 fout",
                      "Concept akte.pdf": "%PDF-1.4 akte", "virus.exe": "MZ"})
    zone = page.locator("[data-upload-zone]")
    expect(zone.locator("[data-errors]")).to_contain_text(t["refused"])
    rows = zone.locator("[data-selection] li")
    expect(rows).to_have_count(3)
    expect(page.get_by_label(t["title"].format("Brief aan Jan.pdf"))).to_have_value(
        "Brief aan Jan")
    cross = page.get_by_role("button", name=t["remove"].format("verkeerd.pdf"))
    expect(cross).to_have_text("×")
    cross.click()
    expect(rows).to_have_count(2)
    page.get_by_label(t["title"].format("Brief aan Jan.pdf")).fill("Brief aan de heer De Vries")
    page.get_by_role("button", name=t["publish"], exact=True).click()

    expect(page.get_by_role("status")).to_contain_text(t["published"])
    listing = page.locator("#documents")
    expect(listing).to_contain_text("Brief aan de heer De Vries")
    expect(listing).to_contain_text("Concept akte")
    expect(listing).to_contain_text(t["not_downloaded"])
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [(d.title, d.filename, d.category) for d in documents] == [
        ("Brief aan de heer De Vries", "Brief aan Jan.pdf", CAT_DOCUMENT),
        ("Concept akte", "Concept akte.pdf", CAT_DOCUMENT)]
    with app.app_context():
        with open(storage.path_for(documents[0].storage_key), "rb") as f:
            assert f.read() == b"%PDF-1.4 brief"

    # The client sees both under Documenten and downloads one.
    context = browser.new_context(locale="nl-NL", base_url=live_server, accept_downloads=True)
    client_page = context.new_page()
    try:
        client_log_in(client_page, "jan@example.nl")
        client_page.goto(f"/dossiers/{dossier.id}/documenten")
        tab = client_page.get_by_role("link", name=re.compile("^" + t["client_tab"]))
        expect(tab).to_contain_text("(2)")
        table = client_page.locator("table.documents")
        expect(table).to_contain_text("Brief aan de heer De Vries")
        with client_page.expect_download() as download:
            table.get_by_role("link", name=f"{t['download']} Brief aan de heer De Vries",
                              exact=True).click()
        assert download.value.suggested_filename == "Brief aan Jan.pdf"
    finally:
        context.close()

    # The staff member sees the download mark.
    page.reload()
    expect(page.locator("#documents")).to_contain_text(t["downloaded"])


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_publish_and_withdraw_without_javascript(browser, live_server, app, session, arranged,
                                                 lang):
    t, mails = TEXTS[lang], labels("staff_notifications")[lang]
    lawyer, _secretary, _jan, dossier = arranged(lang)
    context = browser.new_context(java_script_enabled=False, locale="nl-NL",
                                  base_url=live_server)
    page = context.new_page()
    try:
        staff_log_in(page, lawyer)
        page.goto(f"/kantoor/dossiers/{dossier.id}/documenten")
        expect(page.locator("[data-drop-zone]")).to_be_hidden()
        files = page.get_by_label(t["choose"])
        expect(files).to_be_visible()
        files.set_input_files([pdf("Brief 1.pdf"), pdf("Brief 2.pdf")])
        page.get_by_role("button", name=t["publish"], exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(t["published"])
        expect(page.locator("#documents")).to_contain_text("Brief 1")
        page.get_by_role("button", name=re.compile(t["withdraw"] + " Brief 1")).click()
        expect(page.get_by_role("status")).to_contain_text(t["withdrawn"])
        # A staff member's own notification mails: the plain form of Mijn gegevens.
        page.goto("/mijn-gegevens")
        page.get_by_label(mails["client_wrote"]).uncheck()
        page.get_by_role("button", name=mails["save_notifications"]).click()
        expect(page.get_by_role("status")).to_contain_text(mails["notifications_saved"])
        expect(page.get_by_label(mails["client_wrote"])).not_to_be_checked()
    finally:
        context.close()
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [(d.title, d.category) for d in documents] == [
        ("Brief 1", CAT_CORRESPONDENCE), ("Brief 2", CAT_CORRESPONDENCE)]
    session.refresh(documents[0])
    assert documents[0].withdrawn_at is not None and documents[1].withdrawn_at is None


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_secretary_writes_namens_with_a_dropped_attachment(browser, page, live_server, app,
                                                             session, arranged, lang):
    t = TEXTS[lang]
    lawyer, secretary, _jan, dossier = arranged(lang)
    staff_log_in(page, secretary)
    page.goto(f"/kantoor/dossiers/{dossier.id}/berichten")
    expect(page.get_by_label(t["on_behalf"])).to_have_value(str(lawyer.id))
    page.get_by_label(t["subject"]).fill("Concept akte")
    body = page.get_by_label(t["body"], exact=True)
    body.press_sequentially("Beste Jan,")
    expect(page.locator("#body-counter")).to_have_text(t["counter"].format(10))
    drop_files(page, {"akte.pdf": "%PDF-1.4 akte"})
    expect(page.locator("[data-selection] li")).to_have_count(1)
    page.get_by_role("button", name=t["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["sent"])
    message = session.exec(select(Message)).one()
    assert (message.sender_id, message.on_behalf_of_id) == (secretary.id, lawyer.id)
    assert [d.filename for d in session.exec(select(Document))] == ["akte.pdf"]

    context = browser.new_context(locale="nl-NL", base_url=live_server)
    client_page = context.new_page()
    try:
        client_log_in(client_page, "jan@example.nl")
        client_page.goto(f"/berichten/{message.id}")
        expect(client_page.locator(".message-people").first).to_contain_text(t["from"])
        expect(client_page.locator("article")).to_contain_text("akte.pdf")
    finally:
        context.close()
