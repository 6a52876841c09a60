"""Resumable uploads in Chromium (issue 21, point 1; static/js/tus.js): a 50 MB PDF through
the client's "+ Bijlagen" dialog survives a cut network (Playwright's set_offline) and a
reload, going on from where the server stands; its progress shows as a bar with the time
left and is spoken at a few steps; a file the server refuses shows why and is not sent with
the form; staff publishing and a request item upload the same way, in Dutch and English.
The plain forms without JavaScript: test_no_javascript.py, test_messages_flow.py and
test_staff_documents.py."""
import hashlib
import os
import re

import pytest
from helpers import labels_of_other_language
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app import storage
from app.models import Document, FirmSettings, Upload
from browser.a11y import Audit
from browser.helpers import labels, log_in, speaks, staff_log_in
from browser.layout_helpers import ARTIFACTS

TEXTS = labels("resumable_uploads")
MB = 1024 * 1024
PATCHES = re.compile(r"/uploads/[0-9a-f]+$")


def big_pdf(folder, name="groot.pdf", size=50 * MB):
    """A PDF of `size` bytes on disk (random bytes between its header and its end, so no
    chunk compresses) and its SHA-256."""
    data = b"%PDF-1.4\n" + os.urandom(size - 16) + b"\n%%EOF\n"
    path = folder / name
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def throttle(page, bytes_per_second):
    """Chromium sends request bodies at most this fast (DevTools network emulation);
    Playwright's set_offline replaces it, and set_offline(False) lifts it."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": bytes_per_second})
    return cdp


def watch_patches(page):
    """The Upload-Offset of every PATCH the page sends, in order."""
    offsets = []
    page.on("request", lambda request: offsets.append(int(request.headers["upload-offset"]))
            if request.method == "PATCH" and PATCHES.search(request.url) else None)
    return offsets


def listen(page):
    """Note every text the page's upload live regions are given (they change faster than a
    test can look); `spoken(page)` returns them."""
    page.evaluate("""() => {
        window.spoken = [];
        new MutationObserver((changes) => changes.forEach((change) => {
            const node = change.target.closest ? change.target : change.target.parentElement;
            const region = node.closest("[data-tus-live]");
            if (region && region.textContent) { window.spoken.push(region.textContent); }
        })).observe(document.body, {childList: true, subtree: true, characterData: true});
    }""")


def spoken(page):
    return [" ".join(text.split()) for text in page.evaluate("window.spoken")]


def said(page, text):
    """Wait until a live region has said `text` (spaces of any kind as one)."""
    page.wait_for_function("(text) => window.spoken.some((said) => "
                           "said.replace(/\\s+/g, ' ') === text)", arg=text, timeout=15000)


def bar_above(page, percent, scope="dialog"):
    """Wait until the first progress bar in `scope` is past `percent`."""
    page.wait_for_function("([scope, percent]) => { const bar = document.querySelector("
                           "scope + ' progress'); return bar && bar.value > percent; }",
                           arg=[scope, percent], timeout=30000)


def uploads_under_way(session):
    """How many resumable uploads the server holds (under way, or finished and not filed)."""
    session.expire_all()
    return len(session.exec(select(Upload)).all())


def both_sizes(page, name):
    """Screenshots of the page as it is now, on a desktop and on a phone (as
    layout_helpers.screenshot, but leaving the caret alone: Playwright hides it with a style
    attribute on each input, which htmx would copy into an item it swaps in, against the
    CSP)."""
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for device, viewport in (("desktop", size), ("phone", {"width": 375, "height": 667})):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(folder / f"{device}-{name}.png"), full_page=True, scale="css",
                        caret="initial")
    page.set_viewport_size(size)


def small_pdf(folder, name):
    """A PDF of 3 MB and its SHA-256."""
    return big_pdf(folder, name, 3 * MB)


@pytest.fixture
def arranged(session, make):
    """Jan and his dossier with a lawyer; files of up to 100 MB."""
    session.add(FirmSettings(max_file_mb=100, max_message_mb=250))
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    dossier = make.dossier(clients=[jan], lawyer=lawyer, description="Aankoop woning")
    session.commit()
    return jan, dossier


def open_dialog(page, dossier, path):
    """The new message form, Onderwerp filled in, "+ Bijlagen" with `path` chosen."""
    page.goto(f"/dossiers/{dossier.id}/berichten/nieuw")
    page.get_by_label("Onderwerp").fill("Bouwdossier")
    page.get_by_role("button", name="+ Bijlagen").click()
    dialog = page.get_by_role("dialog", name="Bijlagen toevoegen")
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Bladeren").click()
    chooser.value.set_files(str(path))
    return dialog


def stored(app, session, name):
    """The SHA-256 the portal noted for the document `name`, and of the bytes it keeps."""
    session.expire_all()
    document = session.exec(select(Document).where(Document.filename == name)).one()
    with app.app_context(), open(storage.path_for(document.storage_key), "rb") as f:
        kept = hashlib.file_digest(f, "sha256").hexdigest()
    return document.sha256, kept


def test_a_cut_connection_resumes_where_it_stopped(page, live_server, app, session, arranged,
                                                   tmp_path):
    jan, dossier = arranged
    path, digest = big_pdf(tmp_path)
    log_in(page, jan, wait=True)
    offsets = watch_patches(page)
    dialog = open_dialog(page, dossier, path)
    throttle(page, 8 * MB)
    listen(page)
    dialog.get_by_role("button", name="Upload 1 bestand").click()

    # The bar and the words beside it; the live region says each quarter.
    bar = dialog.get_by_role("progressbar", name="groot.pdf")
    expect(bar).to_be_visible()
    bar_above(page, 20)
    page.wait_for_function("() => window.spoken.length > 0", timeout=15000)
    assert spoken(page)[0] == "groot.pdf: 25 %"
    live = dialog.locator("[data-tus-live]")

    # The network goes: the upload says it waits, and goes on when it is back.
    page.context.set_offline(True)
    words = dialog.locator(".upload-progress-text")
    expect(words).to_have_text("Verbinding verbroken, wordt hervat…")
    expect(live).to_have_text("groot.pdf: Verbinding verbroken, wordt hervat…")
    before = len(offsets)
    page.context.set_offline(False)

    page.wait_for_url(re.compile(r"/concepten/\d+$"), timeout=60000)
    expect(page.get_by_role("status")).to_contain_text("1 bestand is toegevoegd.")
    expect(page.locator("#attachments li")).to_contain_text("groot.pdf")

    # It went on from where the server stood: not from the start, and not much sent twice.
    assert offsets[0] == 0 and offsets[before] > 0, offsets
    chunk = 8 * MB
    sent = sum(min(offset + chunk, path.stat().st_size) - offset for offset in offsets)
    assert sent < 1.5 * path.stat().st_size, offsets
    assert stored(app, session, "groot.pdf") == (digest, digest)
    assert session.exec(select(Upload)).all() == []  # filed: nothing left under way


def test_a_reload_resumes_from_the_stored_offset(page, live_server, app, session, arranged,
                                                 tmp_path):
    jan, dossier = arranged
    path, digest = big_pdf(tmp_path)
    log_in(page, jan, wait=True)
    dialog = open_dialog(page, dossier, path)
    cdp = throttle(page, 8 * MB)
    dialog.get_by_role("button", name="Upload 1 bestand").click()
    bar_above(page, 20)
    kept = page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('tus:'))")
    assert len(kept) == 1 and "groot.pdf" in kept[0]

    # Reloaded half-way (the browser kept the upload's address); the same file again.
    page.reload()
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    offsets = watch_patches(page)
    dialog = open_dialog(page, dossier, path)
    dialog.get_by_role("button", name="Upload 1 bestand").click()
    page.wait_for_url(re.compile(r"/concepten/\d+$"), timeout=60000)
    expect(page.locator("#attachments li")).to_contain_text("groot.pdf")

    assert offsets[0] > 0, offsets  # from where the server stood, not from the start
    assert stored(app, session, "groot.pdf") == (digest, digest)
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('tus:'))") == []


def test_progress_paused_and_refused_are_audited(page, live_server, app, session, arranged,
                                                 tmp_path):
    """The dialog while uploading (bar, time left), with the connection lost, and with a
    file refused by the server: axe finds nothing, and each state is photographed on a
    desktop and a phone. The refused file (a web page named .pdf) is not sent with the
    form."""
    jan, dossier = arranged
    path, _digest = big_pdf(tmp_path, size=40 * MB)
    log_in(page, jan, wait=True)
    audit = Audit(page, "nl")
    dialog = open_dialog(page, dossier, path)
    throttle(page, 4 * MB)
    dialog.get_by_role("button", name="Upload 1 bestand").click()

    bar = dialog.get_by_role("progressbar", name="groot.pdf")
    words = dialog.locator(".upload-progress-text")
    time_left = re.compile(r"^\d+ % — nog (minder dan een minuut|ongeveer \d+ min)$")
    expect(words).to_have_text(time_left, timeout=15000)
    assert 0 < bar.evaluate("bar => bar.value") < 100
    audit.check("resumable upload under way")
    both_sizes(page, "resumable-uploading")

    page.context.set_offline(True)
    expect(words).to_have_text("Verbinding verbroken, wordt hervat…")
    audit.check("resumable upload paused")
    both_sizes(page, "resumable-paused")
    page.context.set_offline(False)
    throttle(page, 4 * MB)
    expect(dialog.locator("[data-tus-live]")).to_have_text(
        "groot.pdf: Verbinding hersteld, het uploaden gaat verder")

    # Annuleer: the upload stops and the server forgets it (termination).
    dialog.get_by_role("button", name="Annuleer").click()
    expect(dialog).to_be_hidden()
    for _ in range(50):
        if not uploads_under_way(session):
            break
        page.wait_for_timeout(100)
    assert uploads_under_way(session) == 0

    # A web page named .pdf passes the browser's check, not the server's.
    page.get_by_role("button", name="+ Bijlagen").click()
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Bladeren").click()
    chooser.value.set_files([
        {"name": "pagina.pdf", "mimeType": "application/pdf",
         "buffer": b"<!doctype html><html><body>geen pdf</body></html>"},
        {"name": "goed.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 goed"}])
    posts = []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" and "/berichten" in request.url else None)
    dialog.get_by_role("button", name="Upload 2 bestanden").click()
    errors = dialog.locator("[data-errors]")
    expect(errors).to_have_text("“pagina.pdf” is niet toegevoegd. Het bestand is een webpagina "
                                "of een SVG-afbeelding, geen PDF-bestand.")
    expect(dialog.locator("[data-selection] li")).to_have_count(1)
    expect(dialog.locator("[data-selection] li")).to_contain_text("goed.pdf")
    expect(dialog.locator("[data-selection] .upload-progress-text")).to_have_text("Geüpload")
    audit.check("resumable upload refused")
    both_sizes(page, "resumable-refused")
    assert posts == []  # the form waits

    # The next press sends the file that arrived, without uploading it again.
    dialog.get_by_role("button", name="Upload 1 bestand").click()
    page.wait_for_url(re.compile(r"/concepten/\d+$"))
    expect(page.locator("#attachments li")).to_have_count(1)
    expect(page.locator("#attachments li")).to_contain_text("goed.pdf")
    assert [d.filename for d in session.exec(select(Document)).all()] == ["goed.pdf"]
    audit.assert_clean()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_staff_publish_uploads_resumably(page, live_server, app, session, make, tmp_path, lang):
    t = TEXTS[lang]
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    jan = make.user(email="jan@example.nl", name="Jan de Vries", language=lang)
    dossier = make.dossier(clients=[jan], lawyer=lawyer, description="Aankoop woning")
    with_app(session, lawyer)
    first, first_digest = small_pdf(tmp_path, "Brief.pdf")
    second, second_digest = small_pdf(tmp_path, "Akte.pdf")
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}/documenten")
    expect(page.get_by_role("heading", name=t["publish_heading"])).to_be_visible()
    page.get_by_role("radio", name=t["documents"]).check()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=t["browse"]).click()
    chooser.value.set_files([str(first), str(second)])
    page.get_by_label(t["title"].format("Akte.pdf")).fill("Concept akte")
    offsets = watch_patches(page)
    throttle(page, 2 * MB)
    listen(page)
    page.get_by_role("button", name=t["publish"], exact=True).click()

    # The first is done while the second goes up; the words are in the page's language.
    zone = page.locator("[data-upload-zone]")
    lines = zone.locator("[data-selection] li")
    expect(lines.first.locator(".upload-progress-text")).to_have_text(t["uploaded"],
                                                                      timeout=15000)
    expect(page.get_by_role("progressbar", name="Akte.pdf")).to_be_visible()
    said(page, t["done"].format("Brief.pdf"))
    speaks(page, lang, labels_of_other_language(lang), within="[data-upload-zone]",
           ignore=("Brief.pdf", "Akte.pdf", "Concept akte"))
    audit = Audit(page, lang)
    audit.check("staff publishing, one file uploaded and one under way")
    both_sizes(page, f"resumable-publish-{lang}")

    expect(page.get_by_role("status")).to_contain_text(t["published"], timeout=30000)
    audit.assert_clean()
    assert offsets and offsets[0] == 0
    session.expire_all()
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [(d.title, d.filename, d.sha256) for d in documents] == [
        ("Brief", "Brief.pdf", first_digest), ("Concept akte", "Akte.pdf", second_digest)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_request_item_uploads_resumably(page, live_server, app, session, make, tmp_path, lang):
    t = TEXTS[lang]
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="anna@example.nl", name="Anna de Vries", language=lang)
    dossier = make.dossier(clients=[client], lawyer=lawyer, description="Aankoop woning")
    request = make.document_request(dossier, client, by=lawyer, items=["Koopakte", "Loonstrook"])
    deed = page.locator(f"#item-{request.items[0].id}")
    first, first_digest = small_pdf(tmp_path, "koopakte-1.pdf")
    second, second_digest = small_pdf(tmp_path, "koopakte-2.pdf")
    log_in(page, client, wait=True)
    page.goto(f"/acties/stukken/{request.id}")
    offsets = watch_patches(page)
    throttle(page, 2 * MB)
    listen(page)
    with page.expect_file_chooser() as chooser:
        deed.get_by_role("button", name=t["browse"]).click()
    chooser.value.set_files([str(first), str(second)])

    expect(deed.get_by_role("progressbar", name="koopakte-1.pdf")).to_be_visible()
    expect(deed.get_by_role("progressbar", name="koopakte-2.pdf")).to_be_visible()
    expect(deed.locator(".upload-done")).to_have_text(t["uploaded"], timeout=15000)
    said(page, t["done"].format("koopakte-1.pdf"))
    speaks(page, lang, labels_of_other_language(lang), within=f"#item-{request.items[0].id}",
           ignore=("koopakte-1.pdf", "koopakte-2.pdf", "Koopakte"))
    audit = Audit(page, lang)
    audit.check("request item, one file uploaded and one under way")
    both_sizes(page, f"resumable-item-{lang}")
    expect(deed).to_contain_text(t["two_provided"].format("Koopakte"), timeout=30000)
    audit.assert_clean()
    expect(deed.locator(".item-files li")).to_have_count(2)
    assert len(offsets) >= 2 and offsets[0] == 0
    session.expire_all()
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [(d.filename, d.sha256) for d in documents] == [
        ("koopakte-1.pdf", first_digest), ("koopakte-2.pdf", second_digest)]
