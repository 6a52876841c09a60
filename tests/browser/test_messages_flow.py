"""Berichten as chapter 2.1.1.5 of the manual, walked in Chromium: open a message, reply
with the original under it, the live counter, "+ Bijlagen" with Bladeren and drag and drop,
the black cross, "Upload [x] bestanden", the bin, Versturen, and Door mij aangeleverd; and
the same without JavaScript."""
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import CAT_PROVIDED, Document, Message, utcnow
from browser.helpers import drop_files, log_in


def pdf(name, size=2000):
    return {"name": name, "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4 " + b"x" * size}


@pytest.fixture
def arranged(session, make):
    """Jan, his one dossier with a handling lawyer, and an unread message from her."""
    lawyer = make.user(email="jansen@kantoor.nl", name="mr. P. Jansen", kind="staff",
                       role="lawyer", password=None)
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    dossier = make.dossier(clients=[jan], lawyer=lawyer, description="Aankoop woning")
    message = Message(dossier_id=dossier.id, sender_id=lawyer.id, from_client=False,
                      subject="Concept akte", body="Wilt u de concept akte doornemen?",
                      sent_at=utcnow())
    session.add(message)
    session.commit()
    return dossier, message


def open_berichten(page):
    """From the dossier list (one dossier: straight in) to the Berichten tab."""
    page.goto("/dossiers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aankoop woning")
    page.get_by_role("link", name=re.compile(r"^Berichten")).click()
    expect(page.get_by_role("link", name="Nieuw bericht")).to_be_visible()


def test_reply_with_attachments_in_chromium(page, live_server, app, session, arranged):
    dossier, message = arranged
    log_in(page, "jan@example.nl", wait=True)
    open_berichten(page)
    tab = page.get_by_role("link", name=re.compile(r"^Berichten"))
    expect(tab).to_contain_text("1 ongelezen")
    row = page.locator("tr.unread")
    expect(row).to_contain_text("Van: mr. P. Jansen")
    expect(row).to_have_css("font-weight", "700")  # unread in bold

    # Open it: it is read now, and the tab bar says so at once.
    row.get_by_role("link", name="Concept akte").click()
    expect(page.get_by_text("Wilt u de concept akte doornemen?")).to_be_visible()
    expect(page).to_have_url(f"{live_server}/berichten/{message.id}")
    expect(tab).not_to_contain_text("ongelezen")

    # Beantwoorden: the original under the reply.
    page.get_by_role("link", name="Beantwoorden").click()
    expect(page.get_by_role("heading", name="Oorspronkelijk bericht")).to_be_visible()
    expect(page.get_by_label("Onderwerp")).to_have_value("Re: Concept akte")
    body = page.get_by_label("Bericht", exact=True)
    counter = page.locator("#body-counter")
    expect(counter).to_have_text("0 van 4000 tekens")
    body.press_sequentially("Beste,")
    body.press("Enter")
    body.press("Enter")
    body.press_sequentially("Hierbij zend ik ")
    expect(counter).to_have_text("24 van 4000 tekens")  # as in the manual
    # Spoken near the maximum only (tests/browser/test_forms_focus.py), not while typing.
    expect(page.locator("#body-counter-status")).to_have_attribute("aria-live", "polite")

    # The maximum: the browser stops at 4000, the notice says so, and "Maximum bereikt"
    # pops up with its OK as in the manual (focus and Escape: test_forms_focus.py).
    body.fill("x" * 3999)
    body.press_sequentially("yz")
    expect(body).to_have_value("x" * 3999 + "y")
    expect(counter).to_contain_text("4000 van 4000 tekens")
    expect(counter).to_contain_text(
        "Maximum bereikt — Het maximaal aantal van 4000 karakters voor een bericht is "
        "bereikt. Meer tekst zal worden verwijderd.")
    notice = page.get_by_role("dialog", name="Maximum bereikt")
    expect(notice).to_contain_text("Het maximaal aantal van 4000 karakters voor een bericht "
                                   "is bereikt. Meer tekst zal worden verwijderd.")
    notice.get_by_role("button", name="OK").click()
    expect(notice).to_be_hidden()
    expect(body).to_be_focused()
    body.fill("")
    body.press_sequentially("Hierbij zend ik de stukken.")
    expect(counter).to_have_text("27 van 4000 tekens")
    # Pasted text (an input event without any key) is counted too.
    body.press("End")
    page.keyboard.insert_text(" Groet, Jan")
    expect(counter).to_have_text("38 van 4000 tekens")
    body.fill("Hierbij zend ik de stukken.")
    expect(counter).to_have_text("27 van 4000 tekens")

    # "+ Bijlagen": Bladeren for two files, and one dragged in.
    expect(page.get_by_label("Bestanden kiezen")).to_be_hidden()  # the plain input
    opener = page.get_by_role("button", name="+ Bijlagen")
    opener.click()
    dialog = page.get_by_role("dialog", name="Bijlagen toevoegen")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("max. 100 MB per bestand")
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Bladeren").click()
    assert chooser.value.is_multiple()
    chooser.value.set_files([pdf("akte.pdf"), pdf("paspoort.pdf")])
    drop_files(page, ["verkeerd.pdf"])
    selection = dialog.locator("[data-selection] li")
    expect(selection).to_have_count(3)
    expect(dialog.get_by_role("button", name="Upload 3 bestanden")).to_be_enabled()
    expect(dialog.get_by_role("button", name="+ Meer toevoegen")).to_be_visible()

    # The black cross drops one from the choice.
    cross = dialog.get_by_role("button", name="Verwijder verkeerd.pdf")
    expect(cross).to_have_text("×")
    expect(cross).to_have_css("color", "rgb(0, 0, 0)")
    cross.click()
    expect(selection).to_have_count(2)
    dialog.get_by_role("button", name="Upload 2 bestanden").click()

    # The draft lists them, each with a bin, and kept what was typed.
    page.wait_for_url(re.compile(r"/concepten/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("2 bestanden zijn toegevoegd.")
    attachments = page.locator("#attachments li")
    expect(attachments).to_have_count(2)
    expect(attachments.filter(has_text="akte.pdf").get_by_role(
        "button", name="Verwijder akte.pdf")).to_be_visible()
    expect(attachments.filter(has_text="paspoort.pdf").get_by_role(
        "button", name="Verwijder paspoort.pdf")).to_be_visible()
    expect(page.get_by_label("Bericht", exact=True)).to_have_value("Hierbij zend ik de stukken.")
    expect(page.get_by_role("heading", name="Oorspronkelijk bericht")).to_be_visible()

    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Uw bericht is verstuurd.")
    expect(page.locator("table.messages")).to_contain_text("Aan: mr. P. Jansen")
    page.get_by_role("link", name=re.compile(r"^Door mij aangeleverd")).click()
    # The two files and the message itself.
    expect(page.get_by_role("link", name=re.compile(r"^Door mij aangeleverd"))).to_contain_text(
        "(3)")
    expect(page.locator("table.documents")).to_contain_text("Re: Concept akte")
    expect(page.locator("table.documents")).to_contain_text("akte.pdf")
    expect(page.locator("table.documents")).to_contain_text("paspoort.pdf")

    reply = session.exec(select(Message).where(Message.reply_to_id == message.id)).one()
    assert reply.sent_at is not None and reply.body == "Hierbij zend ik de stukken."
    files = session.exec(select(Document)).all()
    assert sorted(d.filename for d in files) == ["akte.pdf", "paspoort.pdf"]
    assert {d.category for d in files} == {CAT_PROVIDED}


def test_dialog_keyboard_cancel_checks_and_bin(page, live_server, app, session, arranged):
    dossier, _message = arranged
    app.config["MAX_FILE_MB"] = 0.01  # 10485 bytes, so a too-large file is quick to make
    log_in(page, "jan@example.nl", wait=True)
    page.goto(f"/dossiers/{dossier.id}/berichten/nieuw")
    page.get_by_label("Onderwerp").fill("kopie stukken")
    opener = page.get_by_role("button", name="+ Bijlagen")
    dialog = page.get_by_role("dialog", name="Bijlagen toevoegen")

    # Escape closes the dialog and the focus returns to "+ Bijlagen".
    opener.click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Bladeren")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    # Refused before uploading: too large, or a type that is not allowed.
    opener.click()
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Bladeren").click()
    chooser.value.set_files([pdf("groot.pdf", 20000), pdf("goed.pdf"),
                             {"name": "virus.exe", "mimeType": "application/octet-stream",
                              "buffer": b"MZ"}])
    errors = dialog.locator("[data-errors]")
    expect(errors).to_contain_text("“groot.pdf” is groter dan 0,01 MB en is niet toegevoegd.")
    expect(errors).to_contain_text("“virus.exe” is niet toegevoegd")
    expect(dialog.locator("[data-selection] li")).to_have_count(1)
    expect(dialog.get_by_role("button", name="Upload 1 bestand")).to_be_visible()

    # Annuleer: nothing is uploaded, and the choice is gone when it opens again.
    dialog.get_by_role("button", name="Annuleer").click()
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    assert session.exec(select(Document)).all() == []
    opener.click()
    expect(dialog.locator("[data-selection] li")).to_have_count(0)
    expect(dialog.get_by_role("button", name="Upload 0 bestanden")).to_be_disabled()

    # Upload two, then the bin removes one in place (htmx), keeping the page as it is.
    drop_files(page, ["een.pdf", "twee.pdf"])
    dialog.get_by_role("button", name="Upload 2 bestanden").click()
    page.wait_for_url(re.compile(r"/concepten/\d+$"))
    page.get_by_label("Bericht", exact=True).fill("Nog niet opgeslagen tekst")
    page.get_by_role("button", name="Verwijder een.pdf").click()
    expect(page.locator("#attachments")).to_contain_text("“een.pdf” is verwijderd.")
    expect(page.locator("#attachments li")).to_have_count(1)
    expect(page.get_by_label("Bericht", exact=True)).to_have_value("Nog niet opgeslagen tekst")
    expect(page.locator("#attachments")).to_be_focused()
    assert [d.filename for d in session.exec(select(Document)).all()] == ["twee.pdf"]

    # The draft is no message (issue 16, point 7): counted nowhere, listed apart as such.
    tab = page.locator("#dossier-tabs nav").get_by_role("link", name=re.compile(r"^Berichten"))
    expect(tab).to_contain_text(re.compile(r"Berichten\s*\(1\)"))
    tab.click()
    expect(page.locator(".unsent li")).to_contain_text("Niet verzonden kopie stukken")
    expect(page.locator("table.messages")).not_to_contain_text("kopie stukken")
    expect(tab).to_contain_text(re.compile(r"Berichten\s*\(1\)"))


def test_new_message_without_javascript(browser, live_server, app, session, arranged):
    dossier, _message = arranged
    context = browser.new_context(java_script_enabled=False, locale="nl-NL",
                                  base_url=live_server)
    page = context.new_page()
    try:
        log_in(page, "jan@example.nl", wait=True)
        page.goto(f"/dossiers/{dossier.id}/berichten")
        page.get_by_role("link", name="Nieuw bericht").click()
        expect(page).to_have_url(f"{live_server}/dossiers/{dossier.id}/berichten/nieuw")
        expect(page.get_by_role("button", name="+ Bijlagen")).to_be_hidden()
        # Versturen without Onderwerp: the message says so, the text stays.
        page.get_by_label("Bericht", exact=True).fill("Hierbij mijn paspoort.")
        page.get_by_role("button", name="Versturen").click()
        expect(page.get_by_role("alert")).to_contain_text("Vul een onderwerp in.")
        expect(page.get_by_label("Bericht", exact=True)).to_have_value("Hierbij mijn paspoort.")
        page.get_by_label("Onderwerp").fill("kopie stukken")
        files = page.get_by_label("Bestanden kiezen")
        expect(files).to_be_visible()
        files.set_input_files([pdf("paspoort.pdf")])
        page.get_by_role("button", name="Versturen").click()
        expect(page.get_by_role("status")).to_contain_text("Uw bericht is verstuurd.")
        expect(page.locator("table.messages")).to_contain_text("Aan: mr. P. Jansen")
        expect(page.locator("table.messages")).to_contain_text("kopie stukken")
        page.get_by_role("link", name=re.compile(r"^Door mij aangeleverd")).click()
        expect(page.locator("table.documents")).to_contain_text("paspoort.pdf")
    finally:
        context.close()
    sent = session.exec(select(Message).where(Message.from_client)).one()
    assert sent.sent_at is not None and sent.subject == "kopie stukken"
