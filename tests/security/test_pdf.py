"""Issue 7, point 8: the questionnaire PDF. Answers (and every other text in it) that name
files or addresses, like `<img src="file:///etc/passwd">` or
`<img src="http://169.254.169.254/">`, are printed as text, and the renderer opens no file
and no connection.

tests/test_questionnaire_pdf.py proves it at the level of the library: link_callback maps
every name but the bundled stylesheet to a path that does not exist, and an HTTP server
on loopback gets no request while builtins.open never sees /etc/passwd. This file proves
it at the level of the operating system, whatever code path a library takes: an audit
hook (sys.addaudithook) records every file the process opens (builtins.open, io.open and
os.open alike), every socket it connects and every host name it looks up, while a raw TCP
listener on 127.0.0.1 counts connections of any kind, not only HTTP GETs.
"""
import io
import mimetypes
import os
import socket
import sys
import sysconfig
import threading

import pytest
from helpers import assign, complete, fill, login
from pypdf import PdfReader
from sqlmodel import select

from app import pdf
from app.models import Document

NETWORK = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
           "socket.gethostbyaddr", "urllib.Request", "http.client.connect", "ftplib.connect",
           "subprocess.Popen", "os.system", "os.posix_spawn", "os.exec", "os.fork"}
_recorder = []  # the lists of the tests recording now


def _hook(event, args):
    """Keep each file opened and each connection tried, while a test records."""
    if _recorder and (event == "open" or event in NETWORK):
        for events in _recorder:
            events.append((event, args))


sys.addaudithook(_hook)  # hooks cannot be removed: this one is idle unless a test records

METADATA = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
SECRET = "TOPGEHEIM-7c1e"


@pytest.fixture
def listener():
    """A TCP server on 127.0.0.1 that counts every connection made to it."""
    hits = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    stopping = threading.Event()

    def serve():
        while not stopping.is_set():
            try:
                conn, _address = server.accept()
            except TimeoutError:
                continue
            hits.append(conn.recv(1024))
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n\r\n")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.getsockname()[1]}", hits
    stopping.set()
    thread.join()
    server.close()


@pytest.fixture
def secret_files(tmp_path):
    """A text file and a real PNG outside the asset folder, that nothing may read."""
    text = tmp_path / "geheim.txt"
    text.write_text(f"{SECRET}\n")
    image = tmp_path / "geheim.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
                      b"\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0"
                      b"\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
    return str(text), str(image)


@pytest.fixture
def os_events():
    """What the process opens and connects to while the test runs (see _hook)."""
    mimetypes.init()  # the standard library reads /etc/mime.types once: not the renderer
    events = []
    _recorder.append(events)
    yield events
    _recorder.remove(events)


def opened(events):
    """The real paths of the files opened."""
    return [os.path.realpath(args[0]) for event, args in events
            if event == "open" and isinstance(args[0], (str, bytes, os.PathLike))]


def network(events):
    return [(event, args) for event, args in events if event in NETWORK]


def under(path, *folders):
    return any(os.path.commonpath([path, os.path.realpath(f)]) == os.path.realpath(f)
               for f in folders)


# Code and data of Python and the installed libraries (lazy imports, xhtml2pdf's default
# stylesheet): the program itself, not what a document names.
PROGRAM = [sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib",
                                                  "platlib")]


def hostile_markup(base, secret_text, secret_image):
    """Markup as it would be if a template forgot to escape: every way xhtml2pdf knows to
    fetch, at files outside the assets, the metadata service and the listener."""
    relative = os.path.relpath(secret_image, pdf.ASSET_DIR)
    return f"""<html><head>
      <link rel="stylesheet" href="questionnaire.css">
      <link rel="stylesheet" href="http://{base}/style.css">
      <link rel="stylesheet" href="file://{secret_text}">
      <style>
        @import url(http://{base}/import.css);
        @import url({secret_text});
        @font-face {{ font-family: a; src: url(http://{base}/font.ttf); }}
        @font-face {{ font-family: b; src: url({secret_text}.ttf); }}
        @page {{ background-image: url(http://{base}/page.png); }}
        p {{ background-image: url({METADATA}); font-family: a; }}
        h1 {{ background-image: url({secret_image}); }}
      </style></head>
      <body><h1>Vragenlijst</h1><p>Gewone tekst</p>
      <img src="file:///etc/passwd"><img src="/etc/passwd"><img src="{METADATA}">
      <img src="http://{base}/pixel.png"><img src="//{base}/scheme-relative.png">
      <img src="http://localhost:{base.split(':')[1]}/by-name.png">
      <img src="{secret_image}"><img src="file://{secret_image}"><img src="{relative}">
      <img src="questionnaire.css/../{relative}">
      <table background="http://{base}/table.png"><tr><td>cel</td></tr></table>
      <pdf:barcode value="x" type="code128" src="http://{base}/barcode.png"/>
      <a href="http://{base}/link">link</a></body></html>"""


def test_raw_markup_opens_no_file_and_no_connection(app, listener, secret_files, os_events):
    base, hits = listener
    secret_text, secret_image = secret_files
    with app.app_context():
        pdf.html_to_pdf("<p>warm</p>")  # imports done: what follows is the render alone
        os_events.clear()
        data = pdf.html_to_pdf(hostile_markup(base, secret_text, secret_image))
    assert "Gewone tekst" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert hits == []
    assert network(os_events) == []
    files = opened(os_events)
    assert os.path.realpath(pdf.ASSETS["questionnaire.css"]) in files
    assert [f for f in files if not under(f, pdf.ASSET_DIR, *PROGRAM)] == []
    assert SECRET.encode() not in data and b"IHDR" not in data


def test_answers_naming_files_and_addresses_print_as_text_and_fetch_nothing(
        app, client, session, make, listener, secret_files, os_events):
    base, hits = listener
    secret_text, secret_image = secret_files
    hostile = {
        "naam": '<img src="file:///etc/passwd">',
        "adres": f'<img src="{METADATA}">',
        "opmerking": f'<img src="http://{base}/pixel.png">\n<link rel="stylesheet" '
                     f'href="http://{base}/x.css">\n<img src="{secret_image}">\n'
                     f"<style>@import url({secret_text});</style>",
    }
    # Text the firm and the client typed elsewhere is printed the same way.
    user = make.user(email="klant@example.nl",
                     name=f'Jan <img src="http://{base}/name.png">')
    dossier = make.dossier(clients=[user], number="2026-0888",
                           description=f'<link rel="stylesheet" href="file://{secret_text}">')
    definition = {"steps": [{"title": f'<img src="http://{base}/step.png">', "questions": [
        {"id": "naam", "type": "text", "label": "Naam", "required": True},
        {"id": "adres", "type": "text", "label": f'<img src="{METADATA}">'},
        {"id": "opmerking", "type": "textarea", "label": "Opmerking"}]}]}
    assignment = assign(session, user, dossier, definition,
                        title=f'Intake <img src="http://{base}/title.png">')
    login(client, "klant@example.nl")
    assert fill(client, assignment, 1, hostile).status_code == 303
    os_events.clear()
    assert complete(client, assignment).status_code == 303
    events = list(os_events)

    document = session.exec(select(Document)).one()
    allowed = (pdf.ASSET_DIR, *PROGRAM, os.path.join(app.root_path, "templates"),
               app.config["UPLOAD_FOLDER"],
               os.path.join(os.path.dirname(app.root_path), "translations"))
    assert hits == [] and network(events) == []
    assert [f for f in opened(events) if not under(f, *allowed)] == []

    with app.app_context():
        from app.storage import path_for
        with open(path_for(document.storage_key), "rb") as f:
            data = f.read()
    content = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
                       .split())
    for answer in hostile.values():
        for line in answer.split("\n"):
            assert line in content, line
    assert f'Jan <img src="http://{base}/name.png">' in content
    assert f'Intake <img src="http://{base}/title.png">' in content
    assert SECRET.encode() not in data

