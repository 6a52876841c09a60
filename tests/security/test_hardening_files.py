"""Issue 14, points 7, 8, 16 and 18 (files): zip bombs spread over many members or nested
in each other are refused; each client has a storage quota (MB a day, unsent drafts) that
the admin sets; a full disk answers 507 "no storage space", keeps what was typed, keeps no
half file and no open spool file; a message with more files than allowed says how many
may go, keeps the text and stores nothing. All through HTTP, as an outsider would."""
import errno
import gc
import html
import io
import os
import struct
import threading
import zipfile
import zlib

import pytest
from helpers import (
    PASSWORD,
    assign,
    csrf_token,
    documents,
    files_on_disk,
    fill,
    form_state,
    login,
    post_form,
    send_form,
    text_of,
)
from sample_files import CONTENT_TYPES, DOCX, MB, PDF, REASONS, XLSX, bomb, zipped
from sqlmodel import select
from twostep_helpers import login_staff

from app import storage
from app.models import CAT_CORRESPONDENCE, Message, QuestionnaireAnswer

UPLOAD_STEP = {"steps": [{"title": "Stukken", "questions": [
    {"id": "stuk", "type": "upload", "label": "Kopie legitimatiebewijs", "required": True},
    {"id": "toelichting", "type": "text", "label": "Toelichting"}]}]}
NESTED = ("Het bestand bevat archieven in archieven, meer dan 3 lagen diep, en wordt uit "
          "voorzorg geweigerd.")
NO_SPACE = "Er is op dit moment geen opslagruimte meer op de server"
SUBJECT, BODY = "Stukken voor de akte", "Hierbij de stukken die u vroeg. Met groet, Jan"


def kept_the_text(response):
    """True when the form in the answer holds the subject and the text typed."""
    page = html.unescape(response.get_data(as_text=True))
    return f'value="{SUBJECT}"' in page and BODY in page


# ---- zip bombs (point 7)

def raw_zip(members):
    """A zip from (name, data) pairs, each deflated once and written by hand: zipfile would
    compress a thousand identical megabytes a thousand times."""
    packed, local, central = {}, b"", b""
    for name, data in members:
        if id(data) not in packed:
            squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed[id(data)] = (squeeze.compress(data) + squeeze.flush(), zlib.crc32(data))
        body, crc = packed[id(data)]
        encoded = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(body),
                             len(data), len(encoded), 0)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                               len(body), len(data), len(encoded), 0, 0, 0, 0, 0,
                               len(local)) + encoded
        local += header + encoded + body
    count = len(members)
    return local + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count,
                                         len(central), len(local), 0)


def nested(levels, inner=b"Concept akte"):
    """A zip holding a zip holding a zip ... `levels` deep, a small text at the bottom."""
    data = zipped({"akte.txt": inner})
    for level in range(levels - 1):
        data = zipped({f"laag-{level}.zip": data}, zipfile.ZIP_STORED)
    return data


def test_a_thousand_members_of_a_megabyte_of_zeros_are_refused(app, session, uploads):
    """1000:1 overall, though no member is past the per-member limits: each holds exactly
    1 MiB, and the total stays under UPLOAD_ZIP_MAX_UNPACKED_MB."""
    zeros = bytes(MB)
    data = raw_zip([(f"deel-{n:04d}.bin", zeros) for n in range(1000)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None and len(archive.infolist()) == 1000
    assert len(data) < 1.2 * MB
    upload = uploads("message")
    response = upload("scans.zip", data)
    assert "“scans.zip” is niet toegevoegd. " + REASONS["bomb"][0] in text_of(
        response, unescape=True)
    assert documents(session) == []
    assert os.listdir(os.path.join(app.config["UPLOAD_FOLDER"], "tmp")) == []


@pytest.mark.parametrize("path", ["message", "questionnaire", "staff"])
def test_bombs_inside_an_archive_are_looked_into(app, session, uploads, path):
    """Twenty zips of 64 MB of zeros each, stored in one zip: the outer one packs nothing
    (a ratio of 1), each inner one unpacks a thousandfold."""
    data = zipped({f"map-{n:02d}.zip": bomb() for n in range(20)}, zipfile.ZIP_STORED)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # every member is a zip itself
        assert {m.compress_size == m.file_size for m in archive.infolist()} == {True}
    upload = uploads(path)
    response = upload("mappen.zip", data)
    assert response.status_code in (200, 400)
    assert REASONS["bomb"][0] in text_of(response, unescape=True)
    assert documents(session) == []


def test_archives_nested_deeper_than_the_limit_are_refused(app, session, uploads):
    upload = uploads("message")
    response = upload("diep.zip", nested(20))
    assert "“diep.zip” is niet toegevoegd. " + NESTED in text_of(response, unescape=True)
    assert documents(session) == []
    response = upload("ondiep.zip", nested(4))  # the upload and three levels inside it
    assert "is niet toegevoegd" not in text_of(response, unescape=True)
    assert [d.filename for d in documents(session)] == ["ondiep.zip"]


def test_a_docx_is_a_zip_too_and_its_inside_is_looked_into(app, session, uploads):
    upload = uploads("message")
    hidden = zipped({"[Content_Types].xml": CONTENT_TYPES,
                     "word/embeddings/blad.xlsx": bomb(".docx")}, zipfile.ZIP_STORED)
    response = upload("brief.docx", hidden)
    assert REASONS["bomb"][0] in text_of(response, unescape=True)
    real = zipped({"[Content_Types].xml": CONTENT_TYPES,
                   "word/document.xml": "<w:document>Zie de tabel</w:document>",
                   "word/embeddings/tabel.xlsx": XLSX})
    folder = zipped({"brief.docx": real, "concept.docx": DOCX, "scan.pdf": PDF})
    response = upload("stukken.zip", folder)  # a zip of Word files with a sheet in one
    assert "is niet toegevoegd" not in text_of(response, unescape=True)
    assert [d.filename for d in documents(session)] == ["stukken.zip"]


# ---- at most so many files on one message (point 18)

def test_twelve_hundred_files_on_one_message_say_how_many_may_go(app, client, session, make):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    login(client, jan.email)
    files = [(f"scan-{n:04d}.pdf", PDF) for n in range(1200)]
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", subject=SUBJECT,
                         body=BODY, action="send", files=files, follow_redirects=True)
    page = text_of(response, unescape=True)
    assert response.status_code == 200
    assert ("U koos 1200 bestanden; bij één bericht passen maximaal 20 bestanden. Er is geen "
            "bestand toegevoegd") in page
    assert "Uw bericht is nog niet verstuurd." in page
    assert kept_the_text(response)  # in a draft
    session.expire_all()
    draft = session.exec(select(Message)).one()
    assert (draft.subject, draft.body, draft.sent_at) == (SUBJECT, BODY, None)
    assert documents(session) == []  # nothing half: not one of the files
    assert [p for p in files_on_disk(app) if not p.endswith(".sqlite3")] == []

    response = send_form(client, f"/concepten/{draft.id}", subject=SUBJECT, body=BODY,
                         action="upload", files=files[:20], follow_redirects=True)
    assert "20 bestanden zijn toegevoegd." in text_of(response, unescape=True)
    response = send_form(client, f"/concepten/{draft.id}", subject=SUBJECT, body=BODY,
                         action="upload", files=files[:1], follow_redirects=True)
    assert "bij één bericht passen maximaal 20 bestanden" in text_of(response, unescape=True)
    assert len(documents(session)) == 20


# ---- a client's storage quota (point 8)

@pytest.fixture
def quota(app, make, session):
    """set(**fields) saves the firm's settings the admin's way, on the settings page."""
    admin = make.staff(role="admin", email="admin@kantoor.test", name="Admin")
    browser = app.test_client()
    login_staff(browser, session, admin)

    def set_quota(upload_mb_per_day="", max_open_drafts=""):
        response = post_form(browser, "/kantoor/instellingen", {
            "name": "Advocatenkantoor Voorbeeld", "colour": "", "max_file_mb": "100",
            "mail_sender": "portaal@example.nl", "max_message_mb": "250",
            "upload_mb_per_day": upload_mb_per_day, "max_open_drafts": max_open_drafts})
        assert response.status_code == 302, text_of(response, unescape=True)
        page = text_of(browser.get("/kantoor/instellingen"), unescape=True)
        assert "Bestanden die een cliënt in 24 uur mag uploaden (MB)" in page
    return set_quota


def test_the_admin_sets_a_daily_quota_that_every_upload_path_keeps(client, session, jan,
                                                                    dossier, quota):
    quota(upload_mb_per_day="1")
    scan = b"%PDF-1.4 " + os.urandom(600 * 1024)
    url = f"/dossiers/{dossier.id}/berichten/nieuw"
    response = send_form(client, url, action="upload", files=[("een.pdf", scan)],
                         follow_redirects=True)
    assert "1 bestand is toegevoegd." in text_of(response, unescape=True)
    response = send_form(client, url, subject=SUBJECT, body=BODY, action="upload",
                         files=[("twee.pdf", scan)], follow_redirects=True)
    page = text_of(response, unescape=True)
    assert ("“twee.pdf” is niet toegevoegd. U hebt vandaag het maximum van 1 MB aan "
            "bestanden geüpload.") in page
    assert kept_the_text(response)
    assert [d.filename for d in documents(session)] == ["een.pdf"]

    assignment = assign(session, jan, dossier, UPLOAD_STEP)
    response = fill(client, assignment, 1, {"toelichting": "Mijn paspoort"},
                    files={"q_stuk": (io.BytesIO(scan), "paspoort.pdf")})
    page = text_of(client.get(response.location) if response.status_code == 302 else response,
                   unescape=True)
    assert "U hebt vandaag het maximum van 1 MB aan bestanden geüpload." in page
    assert [d.filename for d in documents(session)] == ["een.pdf"]
    session.expire_all()
    answers = session.exec(select(QuestionnaireAnswer)).one().answers
    assert answers["toelichting"] == "Mijn paspoort"  # what was typed is kept

    quota(upload_mb_per_day="")  # empty: the configuration's 1,000 MB again
    response = send_form(client, url, action="upload", files=[("drie.pdf", scan)],
                         follow_redirects=True)
    assert "1 bestand is toegevoegd." in text_of(response, unescape=True)


def test_the_admin_limits_unsent_drafts_and_the_form_keeps_the_text(client, session,
                                                                      dossier, quota):
    quota(max_open_drafts="2")
    url = f"/dossiers/{dossier.id}/berichten/nieuw"
    for n in range(2):
        response = send_form(client, url, subject=f"Concept {n}", action="upload")
        assert response.status_code == 302
    response = send_form(client, url, subject=SUBJECT, body=BODY, action="upload")
    assert response.status_code == 400
    page = text_of(response, unescape=True)
    assert "U hebt 2 niet-verstuurde concepten, het maximum." in page
    assert kept_the_text(response)
    session.expire_all()
    assert len(session.exec(select(Message)).all()) == 2
    # A draft that exists already is still saved and sent.
    draft = session.exec(select(Message)).first()
    response = send_form(client, f"/concepten/{draft.id}", subject=SUBJECT, body=BODY)
    assert response.status_code == 302
    response = send_form(client, url, subject=SUBJECT, body=BODY)
    assert response.status_code == 302


def test_parallel_uploads_cannot_pass_the_daily_quota_together(app, session, make, quota):
    """Eight uploads of 600 kB at once against a quota of 1 MB: one is kept. Each checks
    the room left before it streams, and counts again, locked, before it commits."""
    quota(upload_mb_per_day="1")
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    clients = []
    for _ in range(8):
        browser = app.test_client()
        login(browser, jan.email, PASSWORD)
        clients.append((browser, csrf_token(browser)))
    start, answers = threading.Barrier(len(clients)), []

    def upload(browser, token):
        start.wait()
        answers.append((browser, send_form(
            browser, f"/dossiers/{dossier.id}/berichten/nieuw", action="upload", token=token,
            files=[("scan.pdf", b"%PDF-1.4 " + os.urandom(600 * 1024))])))
    threads = [threading.Thread(target=upload, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    pages = [text_of(answer if answer.status_code == 400 else browser.get(answer.location),
                     unescape=True)
             for browser, answer in answers]
    added = [page for page in pages if "1 bestand is toegevoegd." in page]
    refused = [page for page in pages
               if "U hebt vandaag het maximum van 1 MB aan bestanden geüpload." in page]
    assert (len(added), len(refused)) == (1, len(clients) - 1), pages
    assert len(documents(session)) == 1
    spool = os.path.join(app.config["UPLOAD_FOLDER"], "tmp")
    assert len([p for p in files_on_disk(app) if not p.startswith(spool)]) == 1


def test_parallel_questionnaire_uploads_cannot_pass_the_daily_quota_together(
        app, session, make, quota):
    """Six questionnaires saved at once, each with a file of 600 kB, against a quota of
    1 MB: one file is filed; the others are refused with the quota message, their other
    answers saved all the same."""
    quota(upload_mb_per_day="1")
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    prepared = []
    for n in range(6):
        assignment = assign(session, jan, dossier, UPLOAD_STEP, title=f"Stukken {n}")
        browser = app.test_client()
        login(browser, jan.email, PASSWORD)
        url = f"/vragenlijsten/{assignment.id}/stap/1"
        revision, _shown = form_state(browser, url)
        prepared.append((browser, url, {"csrf_token": csrf_token(browser), "revision": revision,
                                        "action": "next", "_shown": ["toelichting", "stuk"],
                                        "q_toelichting": "Mijn paspoort"}))
    start, answers = threading.Barrier(len(prepared)), []

    def save(browser, url, data):
        scan = b"%PDF-1.4 " + os.urandom(600 * 1024)
        start.wait()
        answers.append((browser, browser.post(
            url, data={**data, "q_stuk": (io.BytesIO(scan), "paspoort.pdf")})))
    threads = [threading.Thread(target=save, args=args) for args in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == len(prepared)
    pages = [text_of(answer if answer.status_code >= 400 else browser.get(answer.location),
                     unescape=True)
             for browser, answer in answers]
    refused = [page for page in pages
               if "U hebt vandaag het maximum van 1 MB aan bestanden geüpload." in page]
    assert len(refused) == len(prepared) - 1, pages
    assert len(documents(session)) == 1
    session.expire_all()
    for answer in session.exec(select(QuestionnaireAnswer)).all():
        assert answer.answers["toelichting"] == "Mijn paspoort"  # the text is saved anyway
    spool = os.path.join(app.config["UPLOAD_FOLDER"], "tmp")
    assert len([p for p in files_on_disk(app) if not p.startswith(spool)]) == 1


# ---- a full disk (point 16)

def open_spool_files(folder):
    """The files under `folder` this process still holds open (deleted ones included)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def free_bytes(folder):
    stat = os.statvfs(folder)
    return stat.f_bavail * stat.f_frsize


def test_a_full_disk_while_the_upload_is_read_answers_507_and_keeps_the_text(
        app, client, session, make, small_disk):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    login(client, jan.email)
    before = free_bytes(small_disk.folder)
    gc.disable()  # a spool file kept open by a reference cycle would show, not be collected
    try:
        response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw",
                             subject=SUBJECT, body=BODY, action="send",
                             files=[("scan.pdf", b"%PDF-1.4 " + os.urandom(3 * MB))])
        assert open_spool_files(small_disk.folder) == []
        assert free_bytes(small_disk.folder) >= before - 64 * 1024
    finally:
        gc.enable()
    assert response.status_code == 507
    page = text_of(response, unescape=True)
    assert NO_SPACE + ", dus uw bestanden zijn niet bewaard." in page
    assert "Uw bericht is nog niet verstuurd." in page
    assert kept_the_text(response)  # in the form, and in the draft
    assert documents(session) == []
    assert sorted(os.listdir(small_disk.folder / "tmp")) == []


def test_a_full_disk_while_the_file_is_stored_answers_507_and_leaves_no_part(
        app, client, session, make, small_disk):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    login(client, jan.email)
    small_disk(100 * 1024)  # the 300 kB file stays in memory while the request is read
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw",
                         subject=SUBJECT, body=BODY, action="upload",
                         files=[("akte.pdf", b"%PDF-1.4 " + os.urandom(300 * 1024)),
                                ("brief.pdf", PDF)])
    assert response.status_code == 507
    page = text_of(response, unescape=True)
    assert NO_SPACE in page and kept_the_text(response)
    assert documents(session) == []  # not even the small second one: nothing half
    assert [p for p in files_on_disk(app) if not p.endswith("vulling")] == []
    assert open_spool_files(small_disk.folder) == [str(small_disk.folder / "vulling")] or \
        open_spool_files(small_disk.folder) == []

    assignment = assign(session, jan, dossier, UPLOAD_STEP)
    response = fill(client, assignment, 1, {"toelichting": "Mijn paspoort"},
                    files={"q_stuk": (io.BytesIO(b"%PDF-1.4 " + os.urandom(300 * 1024)),
                                      "paspoort.pdf")})
    page = text_of(client.get(response.location) if response.status_code == 302 else response,
                   unescape=True)
    assert NO_SPACE + ", dus het bestand is niet bewaard. Uw andere antwoorden zijn bewaard" \
        in page
    session.expire_all()
    assert session.exec(select(QuestionnaireAnswer)).one().answers["toelichting"] == \
        "Mijn paspoort"
    assert [p for p in files_on_disk(app) if not p.endswith("vulling")] == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_other_uploads_on_a_full_disk_get_the_507_page(app, client, session, make,
                                                       small_disk, language):
    """Publishing documents (store_stream) and the firm's logo (store_bytes): the 507 page,
    and no `.part` left behind."""
    admin = make.staff(role="admin", email="admin@kantoor.test", name="Admin",
                       language=language)
    dossier = make.dossier(lawyer=admin)
    login_staff(client, session, admin)
    small_disk(100 * 1024)
    response = client.post(f"/kantoor/dossiers/{dossier.id}/documenten", data={
        "csrf_token": csrf_token(client), "category": CAT_CORRESPONDENCE,
        "files": [(io.BytesIO(b"%PDF-1.4 " + os.urandom(300 * 1024)), "akte.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 507
    expected = {"nl": ("Geen opslagruimte", NO_SPACE),
                "en": ("No storage space", "There is no storage space left on the server")}
    assert all(part in text_of(response, unescape=True) for part in expected[language])
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(300 * 1024)
    response = client.post("/kantoor/instellingen/logo", data={
        "csrf_token": csrf_token(client), "logo": (io.BytesIO(png), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code in (400, 507)  # 400: refused as no real PNG, before storing
    assert [p for p in files_on_disk(app) if not p.endswith("vulling")] == []


def test_store_bytes_removes_its_part_on_a_full_disk(app, small_disk):
    small_disk(100 * 1024)
    with app.app_context(), pytest.raises(storage.InsufficientStorage) as refused:
        storage.store_bytes(os.urandom(300 * 1024))
    assert refused.value.code == 507
    assert isinstance(refused.value.__cause__, OSError)
    assert refused.value.__cause__.errno == errno.ENOSPC
    assert [p for p in files_on_disk(app) if not p.endswith("vulling")] == []


def test_a_request_cut_off_while_its_file_is_read_leaves_no_open_spool_file(
        app, client, session, make, monkeypatch):
    """Werkzeug's parser loses the spool file of a part it did not finish (client gone):
    the request closes it anyway, at once, not when the garbage collector comes by."""
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    login(client, jan.email)
    token = csrf_token(client)
    boundary = "grens"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"scan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    body = head + b"%PDF-1.4 " + os.urandom(2 * MB)  # no closing boundary: cut off

    class CutOff(io.BytesIO):
        """The connection breaks after the bytes sent so far (the server's read fails)."""

        def read(self, n=-1):
            data = super().read(n)
            if not data:
                raise OSError(errno.ECONNRESET, "the client went away")
            return data

        def readinto(self, buffer):
            count = super().readinto(buffer)
            if not count:
                raise OSError(errno.ECONNRESET, "the client went away")
            return count
    tmp = os.path.join(app.config["UPLOAD_FOLDER"], "tmp")
    made = []
    real = storage.SpoolFile.__init__

    def spy(self, *args, **kwargs):
        made.append(self)
        real(self, *args, **kwargs)
    monkeypatch.setattr(storage.SpoolFile, "__init__", spy)
    gc.disable()
    try:
        try:
            client.post(f"/dossiers/{dossier.id}/berichten/nieuw", input_stream=CutOff(body),
                        content_type=f"multipart/form-data; boundary={boundary}",
                        headers={"Content-Length": str(len(body) + 1000)})
        except OSError:
            pass
        assert [spool._rolled for spool in made] == [True]  # on disk, not in memory
        assert open_spool_files(tmp) == []
    finally:
        gc.enable()
    assert documents(session) == []
