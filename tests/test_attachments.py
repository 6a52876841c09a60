"""Attachments as the manual describes them: upload one or more files to a draft, remove
one with the bin, send them with the message; limits, refused types, safe file names,
files streamed to disk, and drafts never sent cleaned up after a day."""
import hashlib
import io
import os
import re
import time
from datetime import timedelta

import pytest
from helpers import SUBJECT, add_message, attach, documents, login, send_form, text_of
from sample_files import DOCX
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app import storage
from app.models import (
    CAT_ATTACHMENT,
    CAT_PROVIDED,
    AuditEvent,
    Document,
    Message,
    MessageAttachment,
    utcnow,
)
from app.uploads import MAX_NAME_LENGTH, clean_filename

PDF = b"%PDF-1.4 " + bytes(range(256)) * 40  # 10 kB and a bit


def path_of(app, document):
    with app.app_context():
        return storage.path_for(document.storage_key)


def upload(client, dossier, files, action="upload", url=None, **kw):
    return send_form(client, url or f"/dossiers/{dossier.id}/berichten/nieuw", action=action,
                     files=files, **kw)


# ---- uploading to a draft

def test_several_files_upload_to_a_draft_that_keeps_the_text(app, client, session, jan,
                                                            dossier):
    response = upload(client, dossier, [("akte.pdf", PDF), ("notitie.docx", DOCX)],
                      body="Hierbij zend ik de stukken")
    draft = session.exec(select(Message)).one()
    assert response.status_code == 302 and response.location == f"/concepten/{draft.id}"
    assert draft.sent_at is None and draft.sender_id == jan.id
    assert (draft.subject, draft.body) == (SUBJECT, "Hierbij zend ik de stukken")
    pdf, docx = documents(session)
    assert (pdf.filename, pdf.title, pdf.category) == ("akte.pdf", "akte", CAT_ATTACHMENT)
    assert pdf.content_type == "application/pdf" and pdf.uploaded_by_id == jan.id
    assert docx.content_type.endswith("wordprocessingml.document")
    assert pdf.size == len(PDF) and pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    with open(path_of(app, pdf), "rb") as f:
        assert f.read() == PDF
    links = session.exec(select(MessageAttachment)).all()
    assert {(a.message_id, a.document_id) for a in links} == {(draft.id, pdf.id),
                                                              (draft.id, docx.id)}
    page = client.get(response.location)
    html = page.get_data(as_text=True)
    assert "2 bestanden zijn toegevoegd." in text_of(page)
    assert "akte.pdf" in text_of(page) and "notitie.docx" in text_of(page)
    assert f"/concepten/{draft.id}/bijlagen/{pdf.id}/verwijderen" in html  # the bin
    assert ">\r\nHierbij zend ik de stukken</textarea>" in html
    assert f'action="/concepten/{draft.id}"' in html
    # The sender may fetch their own draft's files; nothing is "provided" before sending.
    assert client.get(f"/documenten/{pdf.id}/download").data == PDF
    assert "Door mij aangeleverd (0)" in text_of(page)
    events = session.exec(select(AuditEvent).where(
        AuditEvent.action == "attachment.uploaded")).all()
    assert {e.target_id for e in events} == {pdf.id, docx.id}


def test_limits_are_shown_before_uploading(client, dossier):
    page = text_of(client.get(f"/dossiers/{dossier.id}/berichten/nieuw"))
    assert "max. 100 MB per bestand, 250 MB per bericht" in page
    assert "+ Bijlagen" in page and "Bladeren" in page and "+ Meer toevoegen" in page
    assert "Upload 0 bestanden" in page and "Annuleer" in page
    html = client.get(f"/dossiers/{dossier.id}/berichten/nieuw").get_data(as_text=True)
    assert 'data-upload-many="Upload {n} bestanden"' in html
    assert 'data-upload-one="Upload {n} bestand"' in html
    assert '<dialog id="attach-dialog"' in html
    assert re.search(r'<input[^>]*type="file"[^>]*>', html)  # the plain input, without JS
    assert "<script>" not in html and " hx-on" not in html and "style=" not in html


def test_sending_files_them_under_door_mij_aangeleverd(app, client, session, make, jan,
                                                      dossier):
    upload(client, dossier, [("akte.pdf", PDF), ("notitie.docx", DOCX)])
    draft = session.exec(select(Message)).one()
    response = send_form(client, f"/concepten/{draft.id}", body="Zie bijlagen")
    assert response.status_code == 302
    assert response.location == f"/dossiers/{dossier.id}/berichten"
    session.refresh(draft)
    assert draft.sent_at is not None and draft.body == "Zie bijlagen"
    assert [d.category for d in documents(session)] == [CAT_PROVIDED, CAT_PROVIDED]
    provided = client.get(f"/dossiers/{dossier.id}/aangeleverd")
    page = text_of(provided)
    # The two files and the message itself, which links to it in Berichten.
    assert "Door mij aangeleverd (3)" in page and "akte.pdf" in page and "notitie.docx" in page
    assert "Door mij aangeleverd (3) Berichten (1)" in page  # own files are not unread
    assert f'href="/berichten/{draft.id}"' in provided.get_data(as_text=True)
    shown = text_of(client.get(f"/berichten/{draft.id}"))
    assert "akte.pdf" in shown and "Aan: mr. P. Jansen" in shown
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent")).one()
    assert sorted(event.detail["attachments"]) == sorted(d.id for d in documents(session))
    # A sent message is no longer a draft: no bins, no more changes.
    pdf = documents(session)[0]
    assert send_form(client, f"/concepten/{draft.id}/bijlagen/{pdf.id}/verwijderen"
                     ).status_code == 404
    assert os.path.exists(path_of(app, pdf))


def test_without_javascript_files_are_sent_with_the_message_at_once(client, session,
                                                                    dossier):
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw",
                         files=[("paspoort.pdf", PDF)])
    assert response.status_code == 302
    message = session.exec(select(Message)).one()
    assert message.sent_at is not None
    [document] = documents(session)
    assert document.category == CAT_PROVIDED and document.filename == "paspoort.pdf"
    assert "paspoort.pdf" in text_of(client.get(f"/dossiers/{dossier.id}/aangeleverd"))


def test_missing_subject_keeps_the_chosen_files_in_a_draft(client, session, dossier):
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", subject="",
                         files=[("paspoort.pdf", PDF)])
    assert response.status_code == 400
    assert "Vul een onderwerp in." in text_of(response) and "paspoort.pdf" in text_of(response)
    draft = session.exec(select(Message)).one()
    assert draft.sent_at is None and [d.filename for d in documents(session)] == [
        "paspoort.pdf"]
    assert f'action="/concepten/{draft.id}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("action", ["send", "upload"])
@pytest.mark.parametrize("field, value, error", [
    ("body", "Beste,\n" + "x" * 3994, "Een bericht mag maximaal 4000 tekens bevatten; uw "
                                       "bericht heeft er 4001."),
    ("subject", "o" * 201, "Het onderwerp mag maximaal 200 tekens lang zijn."),
])
def test_too_long_text_with_files_keeps_the_files_and_the_text(client, session, dossier,
                                                               action, field, value, error):
    """Without JavaScript the files travel with the text: a refused text must not lose them."""
    typed = {"subject": SUBJECT, "body": "Hierbij mijn stukken.", field: value}
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", action=action,
                         files=[("paspoort.pdf", PDF), ("akte.pdf", PDF)], **typed)
    assert response.status_code == 400
    page, html = text_of(response), response.get_data(as_text=True)
    assert error in page and "2 bestanden zijn toegevoegd." in page
    draft = session.exec(select(Message)).one()
    assert draft.sent_at is None
    assert sorted(d.filename for d in documents(session)) == ["akte.pdf", "paspoort.pdf"]
    assert [d.category for d in documents(session)] == [CAT_ATTACHMENT, CAT_ATTACHMENT]
    # Everything typed comes back, and the form now posts to the draft holding the files.
    if field == "body":
        assert ">\r\n" + value + "</textarea>" in html
    else:
        assert f'value="{value}"' in html
    assert f'action="/concepten/{draft.id}"' in html
    assert "paspoort.pdf" in text_of_attachments(html) and "akte.pdf" in text_of_attachments(
        html)
    # Shortened, it goes out with the files kept.
    response = send_form(client, f"/concepten/{draft.id}", subject=SUBJECT, body="Korter.")
    assert response.status_code == 302
    session.refresh(draft)
    assert draft.sent_at is not None and draft.body == "Korter."
    assert {d.category for d in documents(session)} == {CAT_PROVIDED}


def text_of_attachments(html):
    """The text of the draft's attachment list."""
    return re.search(r'<div id="attachments".*?</div>', html, re.S)[0]


def test_a_company_colleague_sees_sent_files_but_not_draft_files(app, session, make, lawyer):
    company = make.company()
    make.user(email="anna@bedrijf.nl", company=company, company_main=True)
    make.user(email="piet@bedrijf.nl", company=company)
    dossier = make.dossier(companies=[company], lawyer=lawyer)
    anna = app.test_client()
    login(anna, "anna@bedrijf.nl")
    upload(anna, dossier, [("concept.pdf", PDF)])
    piet = app.test_client()
    login(piet, "piet@bedrijf.nl")
    [document] = documents(session)
    assert piet.get(f"/documenten/{document.id}/download").status_code == 404
    draft = session.exec(select(Message)).one()
    assert send_form(anna, f"/concepten/{draft.id}").status_code == 302
    assert piet.get(f"/documenten/{document.id}/download").data == PDF
    assert "concept.pdf" in text_of(piet.get(f"/dossiers/{dossier.id}/aangeleverd"))


# ---- the bin, and deleting a draft

def test_the_bin_removes_a_file_from_the_draft_and_deletes_it(app, client, session, dossier):
    upload(client, dossier, [("akte.pdf", PDF), ("notitie.docx", DOCX)])
    draft = session.exec(select(Message)).one()
    pdf, docx = documents(session)
    pdf_id, docx_id, pdf_path = pdf.id, docx.id, path_of(app, pdf)
    url = f"/concepten/{draft.id}/bijlagen/{pdf_id}/verwijderen"
    response = send_form(client, url, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="attachments"')
    assert "“akte.pdf” is verwijderd." in text_of(response) and "notitie.docx" in html
    assert "akte.pdf</a>" not in html
    assert [d.id for d in documents(session)] == [docx_id]
    assert not os.path.exists(pdf_path)
    assert [(a.message_id, a.document_id) for a in session.exec(
        select(MessageAttachment)).all()] == [(draft.id, docx_id)]
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "attachment.removed")).one().target_id == pdf_id
    assert send_form(client, url).status_code == 404  # gone is gone


def test_the_bin_without_javascript_keeps_what_was_typed(app, client, session, dossier):
    upload(client, dossier, [("akte.pdf", PDF)])
    draft = session.exec(select(Message)).one()
    [pdf] = documents(session)
    pdf_path = path_of(app, pdf)
    response = send_form(client, f"/concepten/{draft.id}/bijlagen/{pdf.id}/verwijderen",
                         body="Later getypt", action=None)
    assert response.status_code == 302 and response.location == f"/concepten/{draft.id}"
    session.refresh(draft)
    assert draft.body == "Later getypt" and documents(session) == []
    assert not os.path.exists(pdf_path)
    assert "“akte.pdf” is verwijderd." in text_of(client.get(response.location))


def test_the_bin_only_takes_files_of_that_draft(app, client, session, jan, lawyer, dossier):
    first = add_message(session, dossier, jan, from_client=True, sent=False)
    first_file = attach(app, session, first, by=jan)
    second = add_message(session, dossier, jan, from_client=True, sent=False)
    incoming = add_message(session, dossier, lawyer)
    staff_file = attach(app, session, incoming)
    for document in (first_file, staff_file):
        url = f"/concepten/{second.id}/bijlagen/{document.id}/verwijderen"
        for headers in ({}, {"HX-Request": "true"}):
            assert send_form(client, url, headers=headers).status_code == 404
    assert len(documents(session)) == 2
    assert all(os.path.exists(path_of(app, d)) for d in documents(session))


def test_deleting_a_draft_removes_its_files(app, client, session, dossier):
    upload(client, dossier, [("akte.pdf", PDF)])
    draft = session.exec(select(Message)).one()
    [pdf] = documents(session)
    pdf_path = path_of(app, pdf)
    response = send_form(client, f"/concepten/{draft.id}/verwijderen")
    assert response.status_code == 302
    assert "Het concept is verwijderd." in text_of(client.get(response.location))
    assert session.exec(select(Message)).all() == [] and documents(session) == []
    assert not os.path.exists(pdf_path)


def test_upload_without_a_file_chosen_only_saves_the_draft(client, session, dossier):
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", action="upload",
                         files=[("", b"")])
    assert response.status_code == 302
    assert documents(session) == [] and session.exec(select(Message)).one().body
    assert "Uw concept is bewaard." in text_of(client.get(response.location))


# ---- limits and types

@pytest.fixture
def small_limits(app):
    app.config.update(MAX_FILE_MB=0.01, MAX_MESSAGE_FILES_MB=0.025)


MAX_FILE = int(0.01 * 1024 * 1024)  # 10485 bytes


def test_a_file_too_large_is_refused_with_a_message(app, client, session, dossier, small_limits):
    big = b"x" * (MAX_FILE + 1)
    response = upload(client, dossier, [("groot.pdf", big), ("klein.pdf", b"%PDF small")])
    page = text_of(client.get(response.location))
    assert "“groot.pdf” is groter dan 0,01 MB en is niet toegevoegd." in page
    assert "1 bestand is toegevoegd." in page
    assert "max. 0,01 MB per bestand, 0,025 MB per bericht" in page
    assert [d.filename for d in documents(session)] == ["klein.pdf"]  # the rest is kept
    leftovers = [n for _, _, names in os.walk(app.config["UPLOAD_FOLDER"]) for n in names]
    assert len(leftovers) == 1  # nothing half-written stays behind
    exactly = upload(client, dossier, [("precies.pdf", b"%PDF" + b"y" * (MAX_FILE - 4))],
                     url=response.location)
    assert "toegevoegd" in text_of(client.get(exactly.location))
    assert [d.filename for d in documents(session)] == ["klein.pdf", "precies.pdf"]


def test_files_over_the_per_message_limit_are_refused(client, session, dossier, small_limits):
    part = b"%PDF" + b"z" * (9 * 1024 - 4)
    response = upload(client, dossier, [("een.pdf", part), ("twee.pdf", part)])
    assert [d.filename for d in documents(session)] == ["een.pdf", "twee.pdf"]
    later = upload(client, dossier, [("drie.pdf", part)], url=response.location)
    page = text_of(client.get(later.location))
    assert ("“drie.pdf” is niet toegevoegd: de bijlagen van één bericht mogen samen "
            "maximaal 0,025 MB zijn.") in page
    assert len(documents(session)) == 2
    # Removing one makes room again.
    draft = session.exec(select(Message)).one()
    send_form(client, f"/concepten/{draft.id}/bijlagen/{documents(session)[0].id}/verwijderen")
    upload(client, dossier, [("drie.pdf", part)], url=f"/concepten/{draft.id}")
    assert [d.filename for d in documents(session)] == ["twee.pdf", "drie.pdf"]


def test_sending_with_a_refused_file_does_not_send(client, session, dossier, small_limits):
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw",
                         files=[("groot.pdf", b"x" * 20 * 1024)])
    message = session.exec(select(Message)).one()
    assert message.sent_at is None and response.location == f"/concepten/{message.id}"
    page = text_of(client.get(response.location))
    assert "Uw bericht is nog niet verstuurd." in page and "groot.pdf" in page


@pytest.mark.parametrize("name", ["setup.exe", "script.js", "pagina.html", "passwd",
                                  "../../etc/passwd", "foto.pdf.exe"])
def test_refused_types(client, session, dossier, name):
    response = upload(client, dossier, [(name, b"MZ binary")], body="Tekst blijft")
    page = text_of(client.get(response.location))
    assert "is niet toegevoegd: dit type bestand is niet toegestaan." in page
    assert "Toegestaan zijn: .csv, .doc, .docx" in page
    assert documents(session) == []
    assert session.exec(select(Message)).one().body == "Tekst blijft"


def test_the_request_limit_fits_a_whole_message():
    from app.config import Default
    assert Default.MAX_CONTENT_LENGTH > Default.MAX_MESSAGE_FILES_MB * 1024 * 1024
    assert Default.MAX_FILE_MB == 100 and Default.MAX_MESSAGE_FILES_MB == 250


# ---- file names

@pytest.mark.parametrize("raw, clean", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\win.ini", "win.ini"),
    ("C:\\Users\\jan\\Ω.pdf", "Ω.pdf"),
    ("Ω.pdf", "Ω.pdf"),
    ("Brief über € 100.pdf", "Brief über € 100.pdf"),
    ("a\x00b\x1fc\x7f.pdf", "abc.pdf"),
    ("rapport\u202efdp.exe", "rapportfdp.exe"),  # no right-to-left override tricks
    ("  veel   ruimte \t\n.pdf  ", "veel ruimte .pdf"),
    ("...", ""),
    ("  ..  ", ""),
    (".bashrc", "bashrc"),
    ('a<b>:"c|d?*.pdf', "a_b___c_d__.pdf"),
    ("cafe\u0301.pdf", "café.pdf"),
])
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_clean_filename_caps_the_length_and_keeps_the_extension():
    name = clean_filename("é" * 300 + ".pdf")
    assert len(name) == MAX_NAME_LENGTH and name.endswith("é.pdf")
    assert len(clean_filename("x" * 300)) == MAX_NAME_LENGTH
    odd = clean_filename("a" * 200 + "." + "b" * 100)
    assert len(odd) == MAX_NAME_LENGTH


def test_sanitised_names_are_stored_and_used_for_download(client, session, dossier):
    upload(client, dossier, [("../../etc/passwd.pdf", PDF), ("Ω\x07 ρ.pdf", PDF),
                             ("n" * 300 + ".pdf", PDF)])
    names = [d.filename for d in documents(session)]
    assert names == ["passwd.pdf", "Ω ρ.pdf", "n" * (MAX_NAME_LENGTH - 4) + ".pdf"]
    omega = documents(session)[1]
    download = client.get(f"/documenten/{omega.id}/download")
    assert download.data == PDF
    assert "filename*=UTF-8''%CE%A9%20%CF%81.pdf" in download.headers["Content-Disposition"]
    # Every stored file lives under a generated name, never under the one sent.
    for document in documents(session):
        assert re.fullmatch(r"[0-9a-f]{32}", document.storage_key)


# ---- streaming to disk

class ChunkRecorder(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.reads = []

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


def test_store_stream_copies_in_chunks_and_hashes(app):
    data = os.urandom(300 * 1024)
    stream = ChunkRecorder(data)
    with app.app_context():
        key, digest, size = storage.store_stream(stream, max_size=len(data))
        path = storage.path_for(key)
    assert stream.reads and all(0 < n <= storage.CHUNK_SIZE for n in stream.reads)
    assert size == len(data) and digest == hashlib.sha256(data).hexdigest()
    with open(path, "rb") as f:
        assert f.read() == data
    with app.app_context():
        with pytest.raises(storage.TooLarge):
            storage.store_stream(io.BytesIO(data), max_size=len(data) - 1)
    tmp = os.path.join(app.config["UPLOAD_FOLDER"], storage.TMP_DIR)
    assert os.listdir(tmp) == []  # the refused one left nothing behind
    with app.app_context():
        storage.remove(key)
        storage.remove(key)  # twice is fine
    assert not os.path.exists(path)


def test_a_failed_commit_removes_the_stored_files(app, client, session, dossier, monkeypatch):
    from app import uploads

    real = uploads.store_uploads

    def store_then_break(db, *args):
        found, problems = real(db, *args)
        assert len(found) == 2
        found[1].dossier_id = 999999  # the commit fails on the foreign key
        return found, problems

    monkeypatch.setattr(uploads, "store_uploads", store_then_break)
    with pytest.raises(IntegrityError):
        upload(client, dossier, [("a.pdf", PDF), ("b.pdf", PDF)])
    files = [n for _, _, names in os.walk(app.config["UPLOAD_FOLDER"]) for n in names]
    assert files == [] and documents(session) == []
    assert session.exec(select(Message)).one().body  # the text was saved before


# ---- cleaning up drafts never sent

def test_cleanup_removes_stale_drafts_with_their_files(app, session, make, jan, lawyer,
                                                      dossier):
    stale = add_message(session, dossier, jan, from_client=True, sent=False)
    stale_file = attach(app, session, stale, by=jan)
    fresh = add_message(session, dossier, jan, from_client=True, sent=False)
    fresh_file = attach(app, session, fresh, by=jan)
    sent = add_message(session, dossier, jan, from_client=True)
    sent_file = attach(app, session, sent, category=CAT_PROVIDED, by=jan)
    stale.created_at = utcnow() - timedelta(hours=25)
    sent.created_at = utcnow() - timedelta(days=30)
    session.commit()
    paths = {d.id: path_of(app, d) for d in (stale_file, fresh_file, sent_file)}
    # A file a crash left without a row (stored, never committed), and a half-written one.
    with app.app_context():
        orphan_key, _, _ = storage.store_bytes(b"orphan")
        young_key, _, _ = storage.store_bytes(b"young orphan")
        orphan, young = storage.path_for(orphan_key), storage.path_for(young_key)
    part = os.path.join(app.config["UPLOAD_FOLDER"], storage.TMP_DIR, "x.part")
    os.makedirs(os.path.dirname(part), exist_ok=True)
    open(part, "wb").close()
    two_days_ago = (utcnow() - timedelta(days=2)).timestamp()
    for path in (orphan, part, paths[stale_file.id], paths[sent_file.id]):
        os.utime(path, (two_days_ago, two_days_ago))

    stale_id, stale_file_id = stale.id, stale_file.id
    result = app.test_cli_runner().invoke(args=["cleanup-drafts"])
    assert result.exit_code == 0, result.output
    assert "1 drafts and 3 files removed" in result.output

    session.expire_all()
    assert session.get(Message, stale_id) is None
    assert session.get(Document, stale_file_id) is None
    assert not os.path.exists(paths[stale_file_id])
    assert not os.path.exists(orphan) and not os.path.exists(part)
    for kept in (fresh_file, sent_file):
        assert session.get(Document, kept.id) is not None and os.path.exists(paths[kept.id])
    assert session.get(Message, fresh.id) and session.get(Message, sent.id)
    assert os.path.exists(young)  # younger than a day: perhaps still being committed
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "draft.expired")).one().target_id == stale_id


def test_cleanup_age_is_configurable(app, session, jan, dossier):
    from app.messages.cleanup import cleanup_drafts

    draft = add_message(session, dossier, jan, from_client=True, sent=False)
    draft.created_at = utcnow() - timedelta(hours=2)
    session.commit()
    with app.app_context():
        from app.db import get_session
        assert cleanup_drafts(get_session()) == (0, 0)
        assert cleanup_drafts(get_session(), max_age_hours=1) == (1, 0)


def test_saving_a_draft_again_keeps_it_from_the_cleanup(app, client, session, dossier):
    from app.messages.cleanup import cleanup_drafts

    upload(client, dossier, [("akte.pdf", PDF)])
    draft = session.exec(select(Message)).one()
    draft.created_at = utcnow() - timedelta(days=2)
    session.commit()
    send_form(client, f"/concepten/{draft.id}", action="save", body="Verder getypt")
    with app.app_context():
        from app.db import get_session
        assert cleanup_drafts(get_session()) == (0, 0)
    session.refresh(draft)
    assert draft.body == "Verder getypt" and len(documents(session)) == 1


def test_a_large_upload_streams_through_to_disk(app, client, session, dossier):
    data = b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024 + 8)  # past what Werkzeug keeps in memory
    upload(client, dossier, [("scan.pdf", data)])
    [document] = documents(session)
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    with open(path_of(app, document), "rb") as f:
        assert f.read() == data


def test_uploads_spool_to_the_upload_folder_not_to_memory(app, client, session, dossier,
                                                          monkeypatch):
    """Werkzeug's parser writes each file part to our spool: past 500 kB it is a file in
    UPLOAD_FOLDER/tmp (never the whole file in memory, nor a tmpfs /tmp)."""
    seen = {}
    real = storage.store_stream

    def spy(stream, max_size=None, check=None):
        spooled = stream._file
        seen[len(seen)] = (stream._rolled, os.readlink(f"/proc/self/fd/{spooled.fileno()}")
                           if stream._rolled else None)
        return real(stream, max_size, check)

    monkeypatch.setattr(storage, "store_stream", spy)
    upload(client, dossier, [("groot.pdf", b"%PDF" + os.urandom(storage.SPOOL_IN_MEMORY)),
                             ("klein.pdf", PDF)])
    spool_dir = os.path.join(app.config["UPLOAD_FOLDER"], storage.TMP_DIR)
    assert seen[0][0] and seen[0][1].startswith(spool_dir + "/")
    assert seen[0][1].endswith("(deleted)")  # unnamed: gone with the request, even on a crash
    assert seen[1] == (False, None)  # a small file stays in memory
    assert len(documents(session)) == 2 and os.listdir(spool_dir) == []


def test_a_request_over_the_server_limit_gets_a_clear_answer(app, client, session, dossier):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    response = upload(client, dossier, [("scan.pdf", b"x" * 60_000)])
    assert response.status_code == 413
    assert "Het bestand is te groot" in text_of(response)
    assert documents(session) == []


def test_the_mail_sender_loop_cleans_up_drafts_once_an_hour(app, monkeypatch):
    """`send-mail --loop` and the dev server's sender thread run the cleanup as a step."""
    from app import worker
    from app.messages import cleanup

    calls = []
    now = [1000.0]
    monkeypatch.setattr(cleanup, "cleanup_drafts", lambda session: calls.append(now[0])
                        or (0, 0))
    monkeypatch.setattr(cleanup, "clock", lambda: now[0])
    app.config["MAIL_POLL_SECONDS"] = 0.01
    thread = worker.start_sender_thread(app)
    try:
        wait_for(lambda: len(calls) == 1)
        time.sleep(0.3)  # some thirty rounds within the same hour: no second run
        assert calls == [1000.0]
        now[0] += cleanup.CLEANUP_EVERY_SECONDS
        wait_for(lambda: len(calls) == 2)
    finally:
        thread.stop()
    assert calls == [1000.0, 1000.0 + cleanup.CLEANUP_EVERY_SECONDS]


def test_cleanup_if_due_removes_stale_drafts(app, session, jan, dossier):
    from app.messages import cleanup

    draft = add_message(session, dossier, jan, from_client=True, sent=False)
    draft.created_at = utcnow() - timedelta(hours=25)
    session.commit()
    draft_id = draft.id
    assert cleanup.cleanup_if_due(app) == (1, 0)
    assert cleanup.cleanup_if_due(app) is None  # not due again within the hour
    session.expire_all()
    assert session.get(Message, draft_id) is None


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)

