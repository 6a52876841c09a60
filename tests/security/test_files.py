"""Issue 7, point 7: files. An upload's content is checked, not its name (a program renamed
to .pdf, HTML or SVG posing as a PDF, zip and docx bombs are refused with a clear message
in Dutch and English, and nothing of them is kept); hostile names are stored under a
generated key and downloaded with an RFC 6266 `filename*`; a request past
MAX_CONTENT_LENGTH gets the 413 page; an optional clamd scan refuses what it finds, and
refuses everything while it cannot be reached.

Already proven elsewhere (not repeated here): the cleaning of names
(tests/test_attachments.py::test_clean_filename, ..._caps_the_length_...), refused
extensions (test_refused_types), files streamed to disk and spooled to the upload folder
(test_a_large_upload_streams_through_to_disk, test_uploads_spool_to_the_upload_folder_...),
the Dutch 413 page on the message form (test_a_request_over_the_server_limit_gets_a_clear_
answer), Range requests checked for access (tests/security/test_access_matrix.py).
"""
import io
import os
import re
import socket
import struct
import threading
import urllib.parse
import zipfile
from functools import cache

import pytest
from helpers import (
    assign,
    complete,
    documents,
    files_on_disk,
    fill,
    free_port,
    login,
    send_form,
    text_of,
)
from sample_files import CONTENT_TYPES, DOCX, MB, PDF, REASONS, SAMPLES, bomb, zipped
from twostep_helpers import login_staff

from app import filecheck, storage, virusscan
from app.config import Default

PATHS = ["message", "questionnaire", "staff"]
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + \
    b"This program cannot be run in DOS mode.\r\r\n$"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
HTML_PAGE = b"<!DOCTYPE html><html><body><script>document.location='//evil'</script>"
SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
       b"<script>alert(document.cookie)</script></svg>")

# How each upload path starts its message about a refused file.
REFUSED = {
    ("message", "nl"): "“{name}” is niet toegevoegd.",
    ("message", "en"): "“{name}” has not been added.",
    ("staff", "nl"): "“{name}” kan niet worden gepubliceerd.",
    ("staff", "en"): "“{name}” cannot be published.",
    ("questionnaire", "nl"): "",  # the reason stands under the question itself
    ("questionnaire", "en"): "",
}


def overlapping(copies=20):
    """A zip whose central directory names one member's compressed data `copies` times
    (how the smallest zip bombs multiply their output without nesting)."""
    data = zipped({"a.txt": b"A" * 5000})
    start, end = data.index(b"PK\x01\x02"), data.rindex(b"PK\x05\x06")
    entry = data[start:end]
    # Each copy keeps the entry as it is (its offset too), under a name of the same length.
    entries = b"".join(entry[:46] + f"{n:05d}".encode() + entry[51:] for n in range(copies))
    eocd = bytearray(data[end:])
    struct.pack_into("<HHI", eocd, 8, copies, copies, len(entries))
    return data[:start] + entries + bytes(eocd)


@cache
def many_members(count):
    """A zip of `count` empty members (past 65535 zipfile writes a zip64 end record)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(count):
            archive.writestr(str(n), b"")
    return out.getvalue()


def check(app, tmp_path, extension, data):
    """filecheck.check on `data` as a file with `extension`: None, or the refusal's code."""
    path = tmp_path / f"upload{extension}"
    path.write_bytes(data)
    with app.app_context():
        try:
            filecheck.check(str(path), extension)
        except filecheck.Refused as refused:
            return refused.code
    return None


# ---- the content, not the name

def test_every_allowed_type_has_a_content_rule_and_a_sample():
    assert set(Default.ALLOWED_UPLOAD_TYPES) == set(filecheck.KINDS) == set(SAMPLES)


@pytest.mark.parametrize("extension", sorted(SAMPLES))
def test_a_real_file_of_each_allowed_type_passes(app, tmp_path, extension):
    assert check(app, tmp_path, extension, SAMPLES[extension]) is None


@pytest.mark.parametrize("extension, data, code", [
    (".pdf", PROGRAM, "program"),
    (".pdf", ELF, "program"),
    (".pdf", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(24), "program"),  # Mach-O
    (".docx", PROGRAM, "program"),
    (".jpg", PROGRAM, "program"),
    (".txt", PROGRAM, "program"),  # text may not hold a program either
    (".csv", ELF, "program"),
    (".pdf", HTML_PAGE, "web page"),
    (".pdf", b"\xef\xbb\xbf  \n<html><body>factuur</body></html>", "web page"),
    (".pdf", b"<HTML><HEAD><TITLE>x</TITLE>", "web page"),
    (".pdf", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "web page"),
    (".pdf", SVG, "web page"),
    (".png", SVG, "web page"),
    (".jpg", HTML_PAGE, "web page"),
    (".docx", HTML_PAGE, "web page"),
    (".xls", b"<table><tr><td>1</td></tr></table>", "mismatch"),
    (".pdf", b"  %PDF-1.4 with something before it", "mismatch"),
    (".pdf", SAMPLES[".png"], "mismatch"),
    (".png", PDF, "mismatch"),
    (".jpeg", SAMPLES[".gif"], "mismatch"),
    (".heic", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isom", "mismatch"),  # an MP4
    (".tif", SAMPLES[".png"], "mismatch"),
    (".doc", DOCX, "mismatch"),
    (".msg", PDF, "mismatch"),
    (".rtf", b"Geen RTF", "mismatch"),
    (".txt", b"tekst\x00\x01\x02binary", "mismatch"),
    (".docx", b"PK\x03\x04 not really a zip", "mismatch"),
    (".docx", DOCX[:-40], "mismatch"),  # damaged: the end of the directory is gone
    (".docx", zipped({"word/document.xml": "<w:document/>"}), "mismatch"),  # no types
    (".xlsx", SAMPLES[".zip"], "mismatch"),
    (".odt", SAMPLES[".ods"], "mismatch"),  # its mimetype member says spreadsheet
    (".ods", SAMPLES[".docx"], "mismatch"),
    (".zip", PDF, "mismatch"),
])
def test_content_that_does_not_fit_its_name_is_refused(app, tmp_path, extension, data, code):
    assert check(app, tmp_path, extension, data) == code


@pytest.mark.parametrize("extension, data", [
    (".txt", b"MZ-nummer 1234 en wat tekst"),  # starts with "MZ", but is text
    (".csv", "\ufeffnaam;bedrag\n".encode("utf-16")),  # Excel's Unicode text, with BOM
    (".txt", b"<html> in a text file is only text"),  # served as text/plain, nosniff
    (".doc", SAMPLES[".rtf"]),  # Word's RTF saved as .doc
    (".docx", SAMPLES[".doc"]),  # a password-protected docx is an OLE2 container
])
def test_what_real_users_send_is_not_refused(app, tmp_path, extension, data):
    assert check(app, tmp_path, extension, data) is None


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name, data, code", [
    ("factuur.pdf", PROGRAM, "program"),
    ("factuur.pdf", HTML_PAGE, "web page"),
    ("factuur.pdf", SVG, "web page"),
    ("akte.docx", bomb(".docx"), "bomb"),
])
def test_every_upload_path_refuses_the_attack_and_keeps_nothing(
        app, session, uploads, path, name, data, code):
    upload = uploads(path)
    response = upload(name, data)
    page = text_of(response, unescape=True)
    assert REFUSED[path, "nl"].format(name=name) + " " + REASONS[code][0] in " " + page
    assert documents(session) == [] and files_on_disk(app) == []
    # The same path still takes a real file afterwards.
    upload("echt.pdf", PDF)
    assert [d.filename for d in documents(session)] == ["echt.pdf"]


@pytest.mark.parametrize("path", PATHS)
def test_the_refusal_is_in_english_for_english_users(app, session, uploads, path):
    response = uploads(path, "en")("factuur.pdf", PROGRAM)
    assert (REFUSED[path, "en"].format(name="factuur.pdf") + " " + REASONS["program"][1]
            in " " + text_of(response, unescape=True))
    assert documents(session) == [] and files_on_disk(app) == []


def test_the_check_reads_the_stored_file_and_a_refused_one_never_gets_its_name(
        app, monkeypatch):
    """The content is checked on the temporary file on disk, before os.replace."""
    seen, renamed = [], []
    real_check, real_replace = filecheck.check, os.replace

    def spy_check(path, extension, size=None):
        with open(path, "rb") as f:
            seen.append((os.path.dirname(path), f.read(), size))
        return real_check(path, extension, size)

    monkeypatch.setattr(filecheck, "check", spy_check)
    monkeypatch.setattr(storage.os, "replace",
                        lambda a, b: renamed.append(b) or real_replace(a, b))
    with app.app_context():
        with pytest.raises(filecheck.Refused):
            filecheck.store(io.BytesIO(PROGRAM), "x.pdf", MB)
        key, _digest, size = filecheck.store(io.BytesIO(PDF), "x.pdf", MB)
        assert renamed == [storage.path_for(key)]
    tmp_dir = os.path.join(app.config["UPLOAD_FOLDER"], storage.TMP_DIR)
    assert seen == [(tmp_dir, PROGRAM, len(PROGRAM)), (tmp_dir, PDF, len(PDF))]
    assert os.listdir(tmp_dir) == [] and len(files_on_disk(app)) == 1


# ---- zip and docx bombs: read from the central directory, never unpacked

@pytest.fixture
def no_unpacking(monkeypatch):
    """Fail if anything unpacks a zip member's data beyond its first bytes (which tell
    whether it is an archive to look into); writing one stays possible."""
    real_open = zipfile.ZipFile.open

    def refuse(archive, name, mode="r", **kwargs):
        member = real_open(archive, name, mode, **kwargs)
        if mode == "w":
            return member
        real_read = member.read

        def peek(n=-1):
            assert 0 <= n <= filecheck.PEEK_SIZE, "a zip member was unpacked"
            return real_read(n)
        member.read = peek
        return member
    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


@pytest.mark.parametrize("extension", [".zip", ".docx", ".xlsx"])
def test_a_bomb_is_refused_by_its_ratio_without_unpacking(app, tmp_path, no_unpacking,
                                                          extension):
    assert len(bomb(".docx")) < 100 * 1024
    assert check(app, tmp_path, extension, bomb(".docx")) == "bomb"


def test_a_zip_of_more_than_the_total_limit_is_refused(app, tmp_path, no_unpacking):
    # Random data does not compress: a ratio of 1, only the total can stop it.
    data = zipped({"a.bin": os.urandom(700 * 1024), "b.bin": os.urandom(700 * 1024)},
                  zipfile.ZIP_STORED)
    assert check(app, tmp_path, ".zip", data) is None
    app.config["UPLOAD_ZIP_MAX_UNPACKED_MB"] = 1
    assert check(app, tmp_path, ".zip", data) == "bomb"


def test_too_many_members_are_refused_before_zipfile_reads_the_directory(
        app, tmp_path, monkeypatch):
    app.config["UPLOAD_ZIP_MAX_MEMBERS"] = 50
    assert check(app, tmp_path, ".zip", many_members(50)) is None
    data = many_members(51)

    def refuse(*args, **kwargs):
        raise AssertionError("zipfile read the directory")
    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    assert check(app, tmp_path, ".zip", data) == "bomb"


def test_the_member_count_is_walked_not_believed(app, tmp_path):
    """65,536 members need zip64's end record; and an end record that claims fewer
    members than the directory holds does not let the rest through."""
    assert check(app, tmp_path, ".zip", many_members(65_536)) == "bomb"
    app.config["UPLOAD_ZIP_MAX_MEMBERS"] = 50
    data = bytearray(many_members(60))
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 3, 3)  # "3 members"
    assert check(app, tmp_path, ".zip", bytes(data)) == "bomb"


def test_members_that_overlap_are_refused(app, tmp_path):
    data = overlapping()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert len(archive.infolist()) == 20  # zipfile itself reads it without a word
    assert check(app, tmp_path, ".zip", data) == "bomb"


def test_small_very_compressible_parts_of_real_office_files_pass(app, tmp_path):
    row = "<row><c t='s'><v>0</v></c></row>"
    data = zipped({"[Content_Types].xml": CONTENT_TYPES,
                   "xl/worksheets/sheet1.xml": row * 30_000})  # 960 kB, ratio > 100
    assert check(app, tmp_path, ".xlsx", data) is None


# ---- names

NAMES = {  # as sent: as stored, shown and downloaded
    "../../x.pdf": "x.pdf",
    "Ω.pdf": "Ω.pdf",
    "你好.docx": "你好.docx",
    "a" * 296 + ".pdf": "a" * 146 + ".pdf",
    "akte\x00.exe.pdf": "akte.exe.pdf",
}


def disposition_name(response):
    """The name a browser saves a download under, read per RFC 6266: `filename*` (RFC 8187,
    UTF-8) when there, else `filename`; the fallback must be plain ASCII."""
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment;") and not re.search(r"[\x00-\x1f\x7f]", header)
    fallback = re.search(r'(?:^|;)\s*filename=(?:"((?:[^"\\]|\\.)*)"|([^";\s]+))(?:;|$)',
                         header)  # a quoted string or a token
    assert fallback
    fallback = fallback[1] if fallback[1] is not None else fallback[2]
    assert fallback.isascii() and "/" not in fallback and "\\" not in fallback
    extended = re.search(r"filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)(?:;|$)", header)
    if extended:
        return urllib.parse.unquote(extended[1], encoding="utf-8", errors="strict")
    return fallback


def test_hostile_names_are_stored_under_a_key_shown_clean_and_downloaded_by_rfc_6266(
        app, client, session, make, tmp_path):
    lawyer = make.staff(email="jansen@kantoor.test", name="mr. Jansen")
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan], lawyer=lawyer)
    login(client, "jan@example.nl")
    contents = {name: PDF + f"%{n}".encode() if clean.endswith(".pdf") else DOCX
                for n, (name, clean) in enumerate(NAMES.items())}
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw",
                         files=list(contents.items()))
    assert response.status_code == 302, text_of(response, unescape=True)
    stored = documents(session)
    assert [d.filename for d in stored] == list(NAMES.values())

    # Stored under generated keys in the upload folder; nothing named after the upload.
    upload_folder = app.config["UPLOAD_FOLDER"]
    for document, data in zip(stored, contents.values(), strict=True):
        assert re.fullmatch(r"[0-9a-f]{32}", document.storage_key)
        with app.app_context():
            path = storage.path_for(document.storage_key)
        assert os.path.dirname(os.path.dirname(path)) == upload_folder
        with open(path, "rb") as f:
            assert f.read() == data
    for folder, _dirs, names in os.walk(tmp_path):
        for name in names:
            assert name not in NAMES and name not in NAMES.values(), (folder, name)

    # Shown as cleaned: no path, no NUL, at most 150 characters.
    tab = text_of(client.get(f"/dossiers/{dossier.id}/aangeleverd"), unescape=True)
    for clean in NAMES.values():
        assert clean in tab
    assert "../" not in tab and "a" * 147 not in tab

    # The client's download, and the staff's, name the file as shown.
    staff_client = app.test_client()
    login_staff(staff_client, session, lawyer)
    for document in stored:
        for who, url in ((client, f"/documenten/{document.id}/download"),
                         (staff_client, f"/kantoor/documenten/{document.id}")):
            download = who.get(url)
            assert download.status_code == 200
            assert disposition_name(download) == document.filename
            if not document.filename.isascii():
                assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    omega = stored[1]
    assert ("filename*=UTF-8''%CE%A9.pdf"
            in client.get(f"/documenten/{omega.id}/download").headers["Content-Disposition"])


def test_the_questionnaire_pdf_downloads_under_its_unicode_name(app, client, session, make):
    lawyer = make.staff(email="jansen@kantoor.test", name="mr. Jansen")
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan], lawyer=lawyer, number="2026-0777")
    definition = {"steps": [{"title": "Vragen", "questions": [
        {"id": "naam", "type": "text", "label": "Naam", "required": True}]}]}
    assignment = assign(session, jan, dossier, definition,
                        title='Intake Ω 你好 "koper"/../x')
    login(client, "jan@example.nl")
    assert fill(client, assignment, 1, {"naam": "Jan"}).status_code == 303
    assert complete(client, assignment).status_code == 303
    [document] = documents(session)
    assert document.filename == "Intake Ω 你好 koperx 2026-0777.pdf"
    staff_client = app.test_client()
    login_staff(staff_client, session, lawyer)
    for who, url in ((client, f"/documenten/{document.id}/download"),
                     (staff_client, f"/kantoor/documenten/{document.id}")):
        download = who.get(url)
        assert download.data.startswith(b"%PDF")
        assert disposition_name(download) == document.filename
        assert ("filename*=UTF-8''Intake%20%CE%A9%20%E4%BD%A0%E5%A5%BD%20koperx%202026-0777.pdf"
                in download.headers["Content-Disposition"])


# ---- the request limit

def test_the_request_limit_is_set():
    assert Default.MAX_CONTENT_LENGTH and Default.MAX_CONTENT_LENGTH <= 256 * MB


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("language, title, explanation", [
    ("nl", "Het bestand is te groot",
     "Het verstuurde bestand is groter dan toegestaan. Kies een kleiner bestand."),
    ("en", "The file is too large",
     "The file you sent is larger than allowed. Choose a smaller file."),
])
def test_a_request_past_the_limit_gets_the_413_page(app, session, uploads, path, language,
                                                    title, explanation):
    upload = uploads(path, language)
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    response = upload("scan.pdf", PDF + b"x" * 60_000)
    assert response.status_code == 413
    page = text_of(response, unescape=True)
    assert title in page and explanation in page
    assert "<html" in response.get_data(as_text=True)  # the site's page, not Werkzeug's
    assert documents(session) == [] and files_on_disk(app) == []


# ---- the optional virus scan (ClamAV clamd, INSTREAM)

class FakeClamd:
    """clamd on loopback (TCP, or a Unix socket at `unix_path`): reads an INSTREAM scan and
    answers as `mode` says: "ok", "found", "error", "close" (hangs up unanswered) or "hang"
    (never answers). Keeps each command and the bytes and chunks it received."""

    REPLIES = {"ok": b"stream: OK\0", "found": b"stream: Win.Test.KLP-Fake FOUND\0",
               "error": b"INSTREAM size limit exceeded. ERROR\0"}

    def __init__(self, mode, unix_path=None):
        self.mode, self.commands, self.received = mode, [], []
        self.stopping = threading.Event()
        if unix_path:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.bind(unix_path)
        else:
            self.sock = socket.socket()
            self.sock.bind(("127.0.0.1", 0))
            self.port = self.sock.getsockname()[1]
        self.sock.listen()
        self.sock.settimeout(0.1)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping.is_set():
            try:
                conn, _address = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    self.handle(conn)
                except OSError:  # the app hung up (after its timeout, say)
                    pass

    def handle(self, conn):
        command = b""
        while not command.endswith(b"\0"):
            command += self.exactly(conn, 1)
        self.commands.append(command)
        if self.mode == "close":
            return
        data, chunks = b"", []
        while size := struct.unpack(">I", self.exactly(conn, 4))[0]:
            chunks.append(size)
            data += self.exactly(conn, size)
        self.received.append((data, chunks))
        if self.mode == "hang":
            self.stopping.wait(10)
            return
        conn.sendall(self.REPLIES[self.mode])

    @staticmethod
    def exactly(conn, size):
        data = b""
        while len(data) < size:
            part = conn.recv(size - len(data))
            if not part:
                raise ConnectionResetError("the app hung up")
            data += part
        return data

    def stop(self):
        self.stopping.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def clamd(app):
    """start(mode) runs a FakeClamd and points the app at it."""
    servers = []

    def start(mode, unix_path=None):
        server = FakeClamd(mode, unix_path)
        servers.append(server)
        if unix_path:
            app.config.update(CLAMD_SOCKET=unix_path)
        else:
            app.config.update(CLAMD_HOST="127.0.0.1", CLAMD_PORT=server.port)
        return server
    yield start
    for server in servers:
        server.stop()


def test_without_settings_nothing_is_scanned(app, session, uploads, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("scanned although no clamd is configured")
    monkeypatch.setattr(virusscan, "scan_file", refuse)
    assert (Default.CLAMD_SOCKET, Default.CLAMD_HOST) == (None, None)
    uploads("message")("akte.pdf", PDF)
    assert len(documents(session)) == 1


@pytest.mark.parametrize("path", PATHS)
def test_every_upload_is_streamed_to_clamd_in_instream_chunks(app, session, uploads, clamd,
                                                              path):
    server = clamd("ok")
    data = PDF + os.urandom(200 * 1024)  # four chunks of at most 64 kB
    uploads(path)("akte.pdf", data)
    assert [d.filename for d in documents(session)] == ["akte.pdf"]
    assert server.commands == [b"zINSTREAM\0"]
    assert server.received == [(data, [65536, 65536, 65536, len(data) - 3 * 65536])]


@pytest.mark.parametrize("path, language", [("message", "nl"), ("questionnaire", "en"),
                                            ("staff", "nl"), ("staff", "en")])
def test_a_file_clamd_finds_something_in_is_refused(app, session, uploads, clamd, path,
                                                    language):
    server = clamd("found")
    response = uploads(path, language)("akte.pdf", PDF)
    reason = REASONS["virus"][language == "en"]
    assert REFUSED[path, language].format(name="akte.pdf") + " " + reason in " " + text_of(
        response, unescape=True)
    assert len(server.received) == 1
    assert documents(session) == [] and files_on_disk(app) == []


@pytest.mark.parametrize("mode", ["unreachable", "error", "close", "hang"])
def test_a_configured_clamd_that_cannot_answer_refuses_every_upload(
        app, session, uploads, clamd, mode):
    if mode == "unreachable":
        app.config.update(CLAMD_HOST="127.0.0.1", CLAMD_PORT=free_port())
    else:
        clamd(mode)
    app.config["CLAMD_TIMEOUT"] = 1
    response = uploads("message")("akte.pdf", PDF)
    assert "“akte.pdf” is niet toegevoegd. " + REASONS["unscanned"][0] in text_of(
        response, unescape=True)
    assert documents(session) == [] and files_on_disk(app) == []


def test_clamd_over_a_unix_socket(app, session, uploads, clamd, tmp_path):
    server = clamd("ok", unix_path=str(tmp_path / "clamd.sock"))
    uploads("staff", "en")("brief.pdf", PDF)
    assert server.received == [(PDF, [len(PDF)])]
    assert [d.filename for d in documents(session)] == ["brief.pdf"]


def test_content_is_checked_before_the_scan(app, session, uploads, clamd):
    server = clamd("ok")
    response = uploads("message")("factuur.pdf", PROGRAM)
    assert REASONS["program"][0] in text_of(response, unescape=True)
    assert server.commands == []


@pytest.mark.parametrize("reply, verdict", [
    ("stream: OK", None),
    ("stream: Eicar-Signature FOUND", "Eicar-Signature"),
    ("stream: Win.Trojan.Agent-1 FOUND", "Win.Trojan.Agent-1"),
])
def test_clamd_verdicts(reply, verdict):
    assert virusscan.verdict(reply) == verdict


@pytest.mark.parametrize("reply", ["", "stream: ERROR", "INSTREAM size limit exceeded. ERROR",
                                   "OK", "stream: OK FOUND?", "PONG"])
def test_anything_but_a_verdict_is_an_error(reply):
    with pytest.raises(virusscan.ScanError):
        virusscan.verdict(reply)
