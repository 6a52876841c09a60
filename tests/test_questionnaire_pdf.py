"""The PDF of a completed questionnaire: answers printed as text, nothing fetched."""
import builtins
import http.server
import io
import os
import threading
import urllib.request
from datetime import datetime, timezone

import pytest
from helpers import assign, complete, completed_questionnaire, fill, login, pdf_text
from pypdf import PdfReader
from sqlmodel import select

from app import pdf
from app.models import Document, QuestionnaireAssignment
from app.questionnaires import completion

INJECTION = '<img src="file:///etc/passwd">'


@pytest.fixture
def web_server():
    """A web server on loopback that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def opened(monkeypatch):
    """Every path this process opens with open() while the test runs."""
    paths = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        paths.append(os.path.realpath(file) if isinstance(file, (str, os.PathLike)) else file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    return paths


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly (and count) if anything tries urllib or an HTTP connection."""
    tries = []

    def refuse(*args, **kwargs):
        tries.append(args)
        raise AssertionError("the PDF renderer tried the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(http.client.HTTPConnection, "connect", refuse)
    return tries


@pytest.mark.parametrize("uri", [
    "file:///etc/passwd", "/etc/passwd", "../../../../etc/passwd", "etc/passwd",
    "http://127.0.0.1/latest/meta-data/", "https://example.com/logo.png", "//example.com/x",
    "data:image/png;base64,iVBORw0KGgo=", "questionnaire.css/../../../../etc/passwd",
    "./questionnaire.css", "QUESTIONNAIRE.CSS", "", None,
])
def test_link_callback_maps_everything_else_to_a_path_that_does_not_exist(uri):
    path = pdf.link_callback(uri, None)
    assert path == pdf.REFUSED
    assert not os.path.exists(path)


def test_link_callback_gives_the_bundled_stylesheet():
    path = pdf.link_callback("questionnaire.css", None)
    assert os.path.isfile(path)
    assert os.path.dirname(path) == pdf.ASSET_DIR


def test_markup_that_names_files_and_urls_renders_without_fetching(
        app, web_server, opened, no_network, monkeypatch):
    base, hits = web_server
    asked, real_callback = [], pdf.link_callback

    def spy(uri, relative=None):
        result = real_callback(uri, relative)
        asked.append((uri, result))
        return result

    monkeypatch.setattr(pdf, "link_callback", spy)
    # Markup as it would be if a template forgot to escape: the renderer must hold anyway.
    html = f"""<html><head><link rel="stylesheet" href="questionnaire.css">
      <link rel="stylesheet" href="{base}/style.css">
      <style>@import url({base}/import.css);
        @font-face {{ font-family: x; src: url(/etc/passwd); }}
        p {{ background-image: url({base}/background.png); }}</style></head>
      <body><p>Gewone tekst</p>
      <img src="file:///etc/passwd"><img src="/etc/passwd"><img src="{base}/pixel.png">
      <a href="{base}/link">link</a></body></html>"""
    with app.app_context():
        data = pdf.html_to_pdf(html)
    assert "Gewone tekst" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert hits == [] and no_network == []
    assert "/etc/passwd" not in opened
    assert ("questionnaire.css", pdf.ASSETS["questionnaire.css"]) in asked
    refused = [uri for uri, result in asked if result == pdf.REFUSED]
    assert "file:///etc/passwd" in refused and f"{base}/pixel.png" in refused


def test_an_injected_answer_prints_as_text_and_nothing_is_fetched(
        app, client, session, make, web_server, opened, no_network):
    base, hits = web_server
    user = make.user(email="klant@example.nl")
    dossier = make.dossier(clients=[user], number="2026-0666")
    definition = {"steps": [{"title": "Vragen", "questions": [
        {"id": "naam", "type": "text", "label": "Naam", "required": True},
        {"id": "opmerking", "type": "textarea", "label": "Opmerking"}]}]}
    assignment = assign(session, user, dossier, definition)
    login(client, "klant@example.nl")
    remote = f'<img src="{base}/steal.png"><link rel="stylesheet" href="{base}/x.css">'
    assert fill(client, assignment, 1, {"naam": INJECTION,
                                        "opmerking": remote}).status_code == 303
    assert complete(client, assignment).status_code == 303

    session.expire_all()
    document = session.get(Document, session.get(QuestionnaireAssignment,
                                                 assignment.id).document_id)
    content = pdf_text(app, document)
    assert f"Naam {INJECTION}" in content
    assert f"{base}/steal.png" in content
    assert hits == [] and no_network == []
    assert "/etc/passwd" not in opened


def test_a_pdf_of_a_hundred_questions(app, client, session, make):
    user = make.user(email="klant@example.nl")
    dossier = make.dossier(clients=[user])
    definition = {"steps": [
        {"title": f"Deel {s + 1}", "questions": [
            {"id": f"v{s * 10 + n}", "type": "text", "label": f"Vraag {s * 10 + n + 1}"}
            for n in range(10)]}
        for s in range(10)]}
    assignment = assign(session, user, dossier, definition)
    login(client, "klant@example.nl")
    for step in range(1, 11):
        answers = {f"v{(step - 1) * 10 + n}": f"Antwoord {(step - 1) * 10 + n + 1}"
                   for n in range(10)}
        assert fill(client, assignment, step, answers).status_code == 303
    assert complete(client, assignment).status_code == 303
    document = session.exec(select(Document)).one()
    content = pdf_text(app, document)
    assert "Vraag 1 Antwoord 1" in content and "Vraag 100 Antwoord 100" in content
    assert "Deel 10" in content


@pytest.mark.parametrize("language, moment, expected", [
    # The one date-time format of app/dates.py. Summer time in Amsterdam: 12:05 UTC is
    # 14:05 there; winter time: 23:30 UTC on 31 December is 00:30 on 1 January there.
    ("nl", datetime(2026, 3, 31, 12, 5, 9, tzinfo=timezone.utc),
     ["Voltooid op 31 maart 2026 om 14:05"]),
    ("nl", datetime(2026, 12, 31, 23, 30, 9, tzinfo=timezone.utc),
     ["Voltooid op 1 januari 2027 om 00:30"]),
    ("en", datetime(2026, 3, 31, 12, 5, 9, tzinfo=timezone.utc),
     ["Completed on 31 March 2026 at 14:05"]),
])
def test_the_pdf_shows_the_date_and_time_of_completion(app, client, session, make,
                                                       monkeypatch, language, moment,
                                                       expected):
    monkeypatch.setattr(completion, "utcnow", lambda: moment)
    assignment = completed_questionnaire(client, session, make, language)
    session.expire_all()
    done = session.get(QuestionnaireAssignment, assignment.id)
    assert done.completed_at == moment
    content = pdf_text(app, session.get(Document, done.document_id))
    for phrase in expected:
        assert phrase in content, (phrase, content)
