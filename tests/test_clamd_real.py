"""Issue 21, point 3: the clamd hook against a real clamd (Debian's clamav-daemon, started by
the tests with a signature database of their own for the EICAR test file). A clean file
goes through every upload path; EICAR is refused on each with filecheck's message and
nothing of it is kept; with clamd configured but down, uploads are refused and admins see a
notice on the staff start page.

Already proven against a fake clamd (tests/security/test_files.py, not repeated here): the
INSTREAM chunks, every kind of missing verdict, TCP and Unix sockets, the content checked
before the scan, that nothing is scanned without settings."""
import io

import pytest
from clamd_helpers import FOUND, eicar, start_clamd
from helpers import (
    add_message,
    assign,
    csrf_token,
    documents,
    files_on_disk,
    fill,
    login,
    send_form,
    text_of,
)
from sample_files import PDF, REASONS
from sqlmodel import select
from tus_helpers import CHUNK, TUS, metadata, tus_in_process
from twostep_helpers import login_staff

from app import virusscan
from app.api.keys import SCOPES, create_key
from app.models import CAT_CORRESPONDENCE, MessageAttachment, Upload

PATHS = ["message", "draft", "message sent at once", "staff message", "staff publish",
         "approval", "questionnaire", "request", "api multipart", "api raw", "tus",
         "staff tus"]
ONE_UPLOAD = {"steps": [{"title": "Stukken", "questions": [
    {"id": "stuk", "type": "upload", "label": "Kopie legitimatiebewijs", "required": True}]}]}
NOTICE = {"nl": "De virusscanner is niet bereikbaar: uploads worden geweigerd tot hij weer "
                "werkt.",
          "en": "The virus scanner cannot be reached: uploads are refused until it is back."}


def infected():
    """What is refused: the test file itself, and a PDF that carries it."""
    test_file = eicar()
    return [("eicar.txt", test_file), ("besmet.pdf", PDF + test_file + b"\n%%EOF\n")]


@pytest.fixture
def scanning(app, real_clamd):
    """The app scans every upload with the session's real clamd."""
    app.config.update(CLAMD_SOCKET=real_clamd.socket, CLAMD_TIMEOUT=10)
    return real_clamd


@pytest.fixture
def uploads(app, client, session, make, staff):
    """start(path, language) signs in whoever uploads on `path` and returns upload(name,
    data) -> what they are told (the page after the redirect, or the API's problem)."""
    def start(path, language="nl"):
        user = make.user(email=f"klant-{language}@example.nl", language=language)
        lawyer = make.staff(email=f"jansen-{language}@kantoor.test", name="mr. Jansen",
                            language=language)
        dossier = make.dossier(clients=[user], lawyer=lawyer)
        if path.startswith("api"):
            return api_upload(app, session, staff.admin, dossier, path, language)
        if path in ("staff message", "staff publish", "approval", "staff tus"):
            login_staff(client, session, lawyer)
            return staff_upload(client, dossier, user, path)
        login(client, user.email)
        return client_upload(client, session, make, dossier, user, lawyer, path)
    return start


def client_upload(client, session, make, dossier, user, lawyer, path):
    """upload(name, data) on one of the client's paths."""
    new = f"/dossiers/{dossier.id}/berichten/nieuw"
    if path == "message":
        return lambda name, data: text_of(send_form(
            client, new, action="upload", files=[(name, data)], follow_redirects=True),
            unescape=True)
    if path == "draft":
        draft = add_message(session, dossier, user, from_client=True, sent=False)
        return lambda name, data: text_of(send_form(
            client, f"/concepten/{draft.id}", action="upload", files=[(name, data)],
            follow_redirects=True), unescape=True)
    if path == "message sent at once":  # without JavaScript the files come with "Send"
        return lambda name, data: text_of(send_form(
            client, new, files=[(name, data)], follow_redirects=True), unescape=True)
    if path == "tus":
        return by_tus(client, f"message:{dossier.id}", new, {
            "subject": "Stukken", "body": "", "action": "upload"})
    if path == "questionnaire":
        assignment = assign(session, user, dossier, ONE_UPLOAD)
        return lambda name, data: text_of(fill(
            client, assignment, 1, {}, files={"q_stuk": (io.BytesIO(data), name)}),
            unescape=True)
    request = make.document_request(dossier, user, items=["Koopakte"], by=lawyer)
    item = request.items[0]

    def hand_in(name, data):
        return text_of(client.post(
            f"/acties/stukken/{request.id}/{item.id}", content_type="multipart/form-data",
            data={"csrf_token": csrf_token(client), "files": [(io.BytesIO(data), name)]},
            follow_redirects=True), unescape=True)
    return hand_in


def staff_upload(client, dossier, user, path):
    """upload(name, data) on one of the staff's paths."""
    if path == "staff tus":
        return by_tus(client, f"publish:{dossier.id}",
                      f"/kantoor/dossiers/{dossier.id}/documenten",
                      {"category": CAT_CORRESPONDENCE})
    url = {"staff message": f"/kantoor/dossiers/{dossier.id}/berichten",
           "staff publish": f"/kantoor/dossiers/{dossier.id}/documenten",
           "approval": f"/kantoor/dossiers/{dossier.id}/goedkeuring/nieuw"}[path]
    fields = {"staff message": {"subject": "Stukken", "body": "Zie bijlage"},
              "staff publish": {"category": CAT_CORRESPONDENCE},
              "approval": {"client": str(user.id), "title": "", "deadline": "", "note": ""}
              }[path]
    field = "file" if path == "approval" else "files"

    def upload(name, data):
        return text_of(client.post(url, content_type="multipart/form-data", data={
            "csrf_token": csrf_token(client), **fields, field: (io.BytesIO(data), name)},
            follow_redirects=True), unescape=True)
    return upload


def by_tus(client, target, url, fields):
    """upload(name, data) as a resumable upload (app/tus.py): checked and scanned at its last
    PATCH (a refusal is that answer's text), then filed by posting the form at `url` that
    names it."""
    def upload(name, data):
        answer, token = tus_in_process(client, csrf_token(client), data, name, target)
        if answer.status_code != 204:
            return answer.get_data(as_text=True)
        return text_of(client.post(url, data={
            "csrf_token": csrf_token(client), **fields, "tus": token}, follow_redirects=True),
            unescape=True)
    return upload


def api_upload(app, session, admin, dossier, path, language):
    """upload(name, data) on POST /api/v1/dossiers/<id>/documents, multipart or the raw
    body, acting for the firm's admin."""
    with app.test_request_context():
        _row, key = create_key(session, name="Dossiersysteem", acts_as=admin,
                               scopes=list(SCOPES))
        session.commit()
    client = app.test_client()
    url = f"/api/v1/dossiers/{dossier.id}/documents"
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": language}

    def upload(name, data):
        if path == "api multipart":
            answer = client.post(url, headers=headers, content_type="multipart/form-data",
                                 data={"file": (io.BytesIO(data), name)})
        else:
            answer = client.post(f"{url}?filename={name}", data=data, headers={
                **headers, "Content-Type": "application/octet-stream"})
        if answer.status_code == 201:
            return "published"
        return " ".join(error["detail"] for error in answer.json["errors"])
    return upload


def attachments(session):
    session.expire_all()
    return session.exec(select(MessageAttachment)).all()


# ---- the hook itself

def test_scan_file_says_clean_or_names_the_signature(app, scanning, tmp_path):
    clean, whole, inside = tmp_path / "brief.pdf", tmp_path / "eicar.com", tmp_path / "x.pdf"
    clean.write_bytes(PDF)
    whole.write_bytes(eicar())
    inside.write_bytes(infected()[1][1])
    with app.app_context():
        assert virusscan.available()
        assert virusscan.scan_file(str(clean)) is None
        assert virusscan.scan_file(str(whole)) in FOUND
        assert virusscan.scan_file(str(inside)) in FOUND


# ---- every upload path

@pytest.mark.parametrize("path", PATHS)
def test_eicar_is_refused_on_every_path_and_a_clean_file_passes(app, session, scanning,
                                                                 uploads, path):
    upload = uploads(path)
    before = files_on_disk(app)
    for name, data in infected():
        told = upload(name, data)
        assert REASONS["virus"][0] in told, told
        # A question takes one file: its reason stands under it, naming the question.
        assert name in told or (path == "questionnaire"
                                and "Kopie legitimatiebewijs: " + REASONS["virus"][0] in told)
        assert documents(session) == [] and attachments(session) == []
        assert files_on_disk(app) == before
    told = upload("brief.pdf", PDF)
    assert REASONS["virus"][0] not in told
    assert [d.filename for d in documents(session)] == ["brief.pdf"]


@pytest.mark.parametrize("path", ["message", "staff publish", "api raw", "tus"])
def test_the_refusal_is_in_english_for_english_users(app, session, scanning, uploads, path):
    told = uploads(path, "en")("eicar.txt", eicar())
    assert "eicar.txt" in told and REASONS["virus"][1] in told, told
    assert documents(session) == [] and files_on_disk(app) == []


@pytest.mark.parametrize("name, data", infected())
def test_eicar_by_tus_is_refused_at_the_last_patch(app, client, session, make, scanning,
                                                   name, data):
    """A resumable upload is scanned once whole: its first chunk is taken, the last PATCH
    answers 422 with the virus message, and the upload's row and file are gone at once; a
    form naming it files nothing. A clean file then passes."""
    user = make.user(email="klant@example.nl")
    dossier = make.dossier(clients=[user])
    login(client, user.email)
    headers = {**TUS, "X-CSRFToken": csrf_token(client)}
    created = client.post("/uploads/", headers={
        **headers, "Upload-Length": str(len(data)),
        "Upload-Metadata": metadata(name, f"message:{dossier.id}")})
    url = created.headers["Location"]
    half = len(data) // 2
    for offset, chunk, status in ((0, data[:half], 204), (half, data[half:], 422)):
        answer = client.patch(url, data=chunk, headers={
            **headers, "Content-Type": CHUNK, "Upload-Offset": str(offset)})
        assert answer.status_code == status
    assert answer.get_data(as_text=True) == f"“{name}” is niet toegevoegd. " + \
        REASONS["virus"][0]
    assert session.exec(select(Upload)).all() == []
    assert files_on_disk(app) == []  # UPLOAD_FOLDER/tus included
    assert client.head(url, headers=headers).status_code == 404
    new = f"/dossiers/{dossier.id}/berichten/nieuw"
    client.post(new, data={"csrf_token": csrf_token(client), "subject": "Stukken",
                           "body": "", "action": "upload", "tus": url.rsplit("/", 1)[-1]})
    assert documents(session) == [] and attachments(session) == []

    answer, token = tus_in_process(client, csrf_token(client), PDF, "brief.pdf",
                                   f"message:{dossier.id}")
    assert answer.status_code == 204
    client.post(new, data={"csrf_token": csrf_token(client), "subject": "Stukken",
                           "body": "", "action": "upload", "tus": token})
    assert [d.filename for d in documents(session)] == ["brief.pdf"]


# ---- clamd configured but down

def test_a_stopped_clamd_refuses_uploads_and_admins_see_a_notice(app, session, staff,
                                                                uploads):
    own = start_clamd()  # a clamd of this test's own, to stop and start again
    try:
        app.config.update(CLAMD_SOCKET=own.socket, CLAMD_TIMEOUT=5)
        upload = uploads("message")
        assert REASONS["virus"][0] in upload("eicar.txt", eicar())
        own.stop()
        told = upload("brief.pdf", PDF)
        assert "“brief.pdf” is niet toegevoegd. " + REASONS["unscanned"][0] in told
        assert documents(session) == [] and files_on_disk(app) == []

        admin = app.test_client()
        login_staff(admin, session, staff.admin)
        assert NOTICE["nl"] in text_of(admin.get("/kantoor/"), unescape=True)
        lawyer = app.test_client()
        login_staff(lawyer, session, staff.lawyer)
        page = text_of(lawyer.get("/kantoor/"), unescape=True)
        assert "Ingelogd als mr. Jansen" in page and "virusscanner" not in page

        own.start()  # back: the notice goes, uploads pass again
        assert NOTICE["nl"] not in text_of(admin.get("/kantoor/"), unescape=True)
        upload("brief.pdf", PDF)
        assert [d.filename for d in documents(session)] == ["brief.pdf"]
    finally:
        own.close()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_notice_when_nothing_listens_on_the_socket(app, client, session, make, tmp_path,
                                                       language):
    app.config.update(CLAMD_SOCKET=str(tmp_path / "nobody.sock"))
    admin = make.staff(role="admin", email="beheer@kantoor.test", language=language)
    login_staff(client, session, admin)
    assert NOTICE[language] in text_of(client.get("/kantoor/"), unescape=True)


def test_no_notice_without_a_configured_scanner(app, client, session, staff, monkeypatch):
    def refuse():
        raise AssertionError("clamd asked although none is configured")
    monkeypatch.setattr(virusscan, "available", refuse)
    login_staff(client, session, staff.admin)
    page = text_of(client.get("/kantoor/"), unescape=True)
    assert "Ingelogd als Admin" in page and "virusscanner" not in page


def test_no_notice_while_clamd_answers(app, client, session, staff, scanning):
    login_staff(client, session, staff.admin)
    page = text_of(client.get("/kantoor/"), unescape=True)
    assert "Ingelogd als Admin" in page and "virusscanner" not in page
