"""Issue 21: resumable uploads, the tus 1.0 protocol (core, creation, termination,
expiration) under /uploads/ against its spec, with a real client (tuspy) and by hand, on a
live server: uploads cut off anywhere and resumed, the protocol's refusals, expiry and the
cleanup, other people's uploads, the checks at creation and at the last byte, and a
finished upload filed by each form that takes one."""
import hashlib
import os
import random
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from helpers import at_once, count_rows, documents, events, find, text_of
from sample_files import REASONS
from sqlmodel import select
from tus_helpers import Portal, pdf_bytes, serving, sha256, token_of
from twostep_helpers import with_app

from app import resumable, storage
from app.db import get_session
from app.messages.cleanup import cleanup_drafts
from app.models import (
    CAT_DOCUMENT,
    CAT_PROVIDED,
    ITEM_APPROVED,
    FirmSettings,
    Message,
    MessageAttachment,
    RequestItem,
    Upload,
    utcnow,
)

MB = 1024 * 1024
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def base(app):
    with serving(app) as url:
        yield url


@pytest.fixture
def portal(base, session):
    """portal(user, language=None): a Portal signed in as `user` (staff with their
    authenticator code)."""
    def sign_in(user, language=None):
        secret = (user.totp_secret or with_app(session, user)) if user.is_staff else None
        return Portal(base, user, secret, language)
    return sign_in


@pytest.fixture
def jan_in(portal, two_dossiers):
    """Jan, signed in; his dossier's message target is `jan_in.target`."""
    jan, _kees, dossier, _other = two_dossiers
    signed_in = portal(jan)
    signed_in.target = f"message:{dossier.id}"
    return signed_in


def tus_path(app, token):
    with app.app_context():
        return os.path.join(resumable.folder(), token)


def upload_row(session, token):
    return find(session, Upload, Upload.token == token)


def file_of(app, document):
    with app.app_context(), open(storage.path_for(document.storage_key), "rb") as f:
        return f.read()


# ---- what the server says it supports

def test_options_lists_version_extensions_and_the_firms_largest_file(session, jan_in):
    answer = jan_in.request("OPTIONS", "/uploads/", {"Tus-Resumable": None})
    assert answer.status_code == 204
    assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert answer.headers["Tus-Extension"] == "creation,termination,expiration"
    assert answer.headers["Tus-Max-Size"] == str(100 * MB)  # MAX_FILE_MB
    session.add(FirmSettings(max_file_mb=5))
    session.commit()
    assert jan_in.request("OPTIONS", "/uploads/").headers["Tus-Max-Size"] == str(5 * MB)


def test_creation_answers_201_with_location_and_expiry(app, session, jan_in):
    before = utcnow()
    answer = jan_in.create(1000, "Akte koop.pdf", jan_in.target)
    assert answer.status_code == 201 and answer.headers["Tus-Resumable"] == "1.0.0"
    url = answer.headers["Location"]
    assert url.startswith("/uploads/") and len(token_of(url)) == 32
    row = upload_row(session, token_of(url))
    assert (row.filename, row.length, row.target) == ("Akte koop.pdf", 1000, jan_in.target)
    assert row.finished_at is None and row.sha256 is None
    assert os.path.getsize(tus_path(app, row.token)) == 0
    # Upload-Expires on creation, HEAD and PATCH: TUS_EXPIRY_HOURS after the last chunk.
    for response in (answer, jan_in.head(url), jan_in.patch(url, 0, b"%PDF")):
        expires = parsedate_to_datetime(response.headers["Upload-Expires"])
        assert before + timedelta(hours=23, minutes=59) < expires
        assert expires < utcnow() + timedelta(hours=24, minutes=1)
    head = jan_in.head(url)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == "4"
    assert head.headers["Upload-Length"] == "1000" and head.headers["Cache-Control"] == "no-store"


# ---- cut off anywhere, resumed where the server stands

@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_an_upload_cut_off_at_random_offsets_resumes_and_is_filed(app, session, jan_in,
                                                                 two_dossiers, seed):
    """Each cut is either a connection dropped in the middle of a PATCH (raw socket: the
    bytes that arrived stay) or tuspy stopping after a chunk; a new tuspy Uploader with the
    same URL asks HEAD and goes on from there."""
    app.config["TUS_BLOCK_BYTES"] = 64 * 1024  # many blocks, so cuts fall inside and between
    rng = random.Random(seed)
    data = pdf_bytes(rng.randrange(600_000, 1_500_000), seed)
    uploader = jan_in.uploader(data, f"scan {seed}.pdf", jan_in.target,
                               chunk_size=rng.randrange(50_000, 400_000))
    url = uploader.create_url()
    offset = 0
    for cut in sorted(rng.sample(range(1, len(data)), 4)):
        if cut <= offset:
            continue
        if rng.random() < 0.5:  # the network goes away in the middle of a PATCH
            jan_in.cut_off(url, offset, data[offset:cut], len(data) - offset)
            assert jan_in.wait_for_offset(url, cut) == cut
        else:  # tuspy sends chunks up to `cut`, then the tab is closed
            resumed = jan_in.uploader(data, url=url, chunk_size=uploader.chunk_size,
                                      retries=3, retry_delay=0.1)
            assert resumed.offset == offset
            resumed.upload(stop_at=cut)
            assert resumed.offset == cut == jan_in.offset(url)
        offset = cut
    last = jan_in.uploader(data, url=url, retries=5, retry_delay=0.2)
    assert last.offset == offset  # HEAD told it
    last.upload()
    assert last.offset == len(data)
    head = jan_in.head(url)
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(data))

    token = token_of(url)
    row = upload_row(session, token)
    assert row.finished_at is not None and row.sha256 == sha256(data)
    with open(tus_path(app, token), "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == sha256(data)

    # Filed by the message form that names it: a draft with the file as its attachment.
    _jan, _kees, dossier, _other = two_dossiers
    answer = jan_in.post(f"/dossiers/{dossier.id}/berichten/nieuw", {
        "subject": "Scan", "body": "", "action": "upload", "tus": token})
    assert answer.status_code == 302 and "/concepten/" in answer.headers["Location"]
    [document] = documents(session)
    assert (document.filename, document.size) == (f"scan {seed}.pdf", len(data))
    assert document.sha256 == sha256(data) and file_of(app, document) == data
    assert upload_row(session, token) is None and not os.path.exists(tus_path(app, token))


def test_what_arrived_before_the_client_vanished_is_kept(app, session, jan_in):
    """Headers and part of the body, then the socket closes: the bytes received are on
    disk, also those of a block not yet full (TUS_BLOCK_BYTES)."""
    data = pdf_bytes(3 * MB, 7)
    url = jan_in.create(len(data), "groot.pdf", jan_in.target).headers["Location"]
    sent = 1_500_001  # not a whole number of blocks
    jan_in.cut_off(url, 0, data[:sent], len(data))
    assert jan_in.wait_for_offset(url, sent) == sent
    with open(tus_path(app, token_of(url)), "rb") as f:
        assert f.read() == data[:sent]
    # Twice more, from where it stands.
    jan_in.cut_off(url, sent, data[sent:sent + 10], len(data) - sent)
    assert jan_in.wait_for_offset(url, sent + 10) == sent + 10
    answer = jan_in.patch(url, sent + 10, data[sent + 10:])
    assert answer.status_code == 204 and answer.headers["Upload-Offset"] == str(len(data))
    assert upload_row(session, token_of(url)).sha256 == sha256(data)


def test_cut_off_and_resumed_on_gunicorn(session, make, threaded_server):
    """The same on real gunicorn (4 workers of 4 threads), where a PATCH that resumes may
    reach another worker than the one that wrote the bytes before it."""
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    signed_in = Portal(threaded_server.base, jan)
    data = pdf_bytes(5 * MB + 123, 11)
    url = signed_in.create(len(data), "gunicorn.pdf", f"message:{dossier.id}") \
        .headers["Location"]
    for cut in (700_001, 2 * MB + 5, 4 * MB + 999):
        offset = signed_in.offset(url)
        signed_in.cut_off(url, offset, data[offset:cut], len(data) - offset)
        assert signed_in.wait_for_offset(url, cut) == cut
    last = signed_in.uploader(data, url=url, retries=5, retry_delay=0.2)
    last.upload()
    assert upload_row(session, token_of(url)).sha256 == sha256(data)


# ---- the protocol's refusals

def test_a_wrong_offset_is_409_and_changes_nothing(app, session, jan_in):
    url = jan_in.create(100, "brief.pdf", jan_in.target).headers["Location"]
    assert jan_in.patch(url, 5, b"x" * 10).status_code == 409
    assert jan_in.patch(url, 0, b"%PDF-1.4 ").status_code == 204
    for wrong in (0, 8, 10, 100):
        answer = jan_in.patch(url, wrong, b"y" * 5)
        assert answer.status_code == 409, wrong
        assert "De upload staat niet waar hij werd verwacht." in answer.text
    assert jan_in.offset(url) == 9
    with open(tus_path(app, token_of(url)), "rb") as f:
        assert f.read() == b"%PDF-1.4 "


def test_a_patch_without_the_tus_content_type_is_415(jan_in):
    url = jan_in.create(100, "brief.pdf", jan_in.target).headers["Location"]
    for content_type in ("application/octet-stream", "multipart/form-data; boundary=x",
                         None):
        answer = jan_in.patch(url, 0, b"%PDF-1.4 ", **{"Content-Type": content_type})
        assert answer.status_code == 415, content_type
    assert jan_in.offset(url) == 0


def test_a_request_without_tus_resumable_is_412(session, jan_in):
    no_version = {"Tus-Resumable": None}
    assert jan_in.create(100, "brief.pdf", jan_in.target, **no_version).status_code == 412
    assert count_rows(session, Upload) == 0
    url = jan_in.create(100, "brief.pdf", jan_in.target).headers["Location"]
    old = {"Tus-Resumable": "0.2.2"}
    for answer in (jan_in.head(url, **no_version), jan_in.head(url, **old),
                   jan_in.patch(url, 0, b"%PDF", **no_version),
                   jan_in.request("DELETE", url, no_version)):
        assert answer.status_code == 412
        assert answer.headers["Tus-Version"] == "1.0.0"
    assert jan_in.offset(url) == 0 and upload_row(session, token_of(url)) is not None


def test_a_body_longer_than_the_upload_is_413_and_nothing_of_it_is_kept(app, session,
                                                                        jan_in):
    url = jan_in.create(100, "brief.pdf", jan_in.target).headers["Location"]
    path = tus_path(app, token_of(url))
    answer = jan_in.patch(url, 0, b"%PDF-1.4 " + b"x" * 141)  # Content-Length 150
    assert answer.status_code == 413 and "meer dan het bestand bevat" in answer.text
    assert jan_in.offset(url) == 0 and os.path.getsize(path) == 0
    assert jan_in.patch(url, 0, b"%PDF-1.4 " + b"x" * 41).status_code == 204

    def longer():  # chunked: no Content-Length to refuse it by beforehand
        yield b"y" * 30
        yield b"z" * 60
    # None of it stays: else HEAD would say 100 of 100 for an upload never finished.
    answer = jan_in.patch(url, 50, longer())
    assert answer.status_code == 413
    assert jan_in.offset(url) == 50 and os.path.getsize(path) == 50
    data = b"%PDF-1.4 " + b"x" * 41 + b"y" * 50
    assert jan_in.patch(url, 50, data[50:]).status_code == 204
    assert upload_row(session, token_of(url)).sha256 == sha256(data)


@contextmanager
def paused_patch(portal, url, data, first=100_000):
    """A PATCH of `data` from offset 0 in a thread, its body paused after `first` bytes
    until the `with` block ends; yields the dict its answer lands in ("answer"), once the
    server has written some of it."""
    go_on, landed = threading.Event(), {}

    def slowly():
        yield data[:first]
        go_on.wait(20)
        yield data[first:]

    thread = threading.Thread(target=lambda: landed.update(answer=portal.patch(url, 0,
                                                                              slowly())))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while portal.offset(url) == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert portal.offset(url) > 0  # the server writes while the body is on its way
        yield landed
    finally:
        go_on.set()
        thread.join(30)


def test_two_patches_at_once_on_one_upload_one_is_423(app, session, jan_in):
    """A PATCH whose body is slow holds the upload's lock (flock); a second PATCH meanwhile
    is refused with 423 and changes nothing; the first one then finishes. Meanwhile the
    database is not locked: another upload starts at once (SQLite too)."""
    app.config["TUS_BLOCK_BYTES"] = 16 * 1024
    data = pdf_bytes(400_000, 3)
    url = jan_in.create(len(data), "traag.pdf", jan_in.target).headers["Location"]
    with paused_patch(jan_in, url, data) as first:
        standing = jan_in.offset(url)
        assert jan_in.patch(url, standing, data[standing:]).status_code == 423
        assert jan_in.patch(url, 0, data).status_code == 423
        started = time.monotonic()
        assert jan_in.create(100, "ander.pdf", jan_in.target).status_code == 201
        assert time.monotonic() - started < 5
    assert first["answer"].status_code == 204
    assert first["answer"].headers["Upload-Offset"] == str(len(data))
    assert upload_row(session, token_of(url)).sha256 == sha256(data)


# ---- expiry, and the hourly cleanup

def test_an_expired_upload_is_410_until_the_cleanup_removes_it(app, session, jan_in):
    url = jan_in.create(100, "brief.pdf", jan_in.target).headers["Location"]
    assert jan_in.patch(url, 0, b"%PDF-1.4 ").status_code == 204
    token = token_of(url)
    row = upload_row(session, token)
    row.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    for answer in (jan_in.head(url), jan_in.patch(url, 9, b"x"),
                   jan_in.request("DELETE", url)):
        assert answer.status_code == 410
        assert "Upload-Expires" not in answer.headers
    assert upload_row(session, token) is not None and os.path.exists(tus_path(app, token))

    with app.app_context():
        assert cleanup_drafts(get_session()) == (0, 1)  # the hourly job of the worker
    assert upload_row(session, token) is None and not os.path.exists(tus_path(app, token))
    assert jan_in.head(url).status_code == 404
    assert jan_in.patch(url, 9, b"x").status_code == 404


def test_the_cleanup_keeps_uploads_under_way_and_removes_old_stray_files(app, session,
                                                                        jan_in):
    url = jan_in.create(100, "brief.pdf", jan_in.target).headers["Location"]
    with app.app_context():
        folder = resumable.folder()
    old, young = os.path.join(folder, "a" * 32), os.path.join(folder, "b" * 32)
    for path in (old, young):
        with open(path, "wb") as f:
            f.write(b"zwerver")
    two_days_ago = time.time() - 48 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    with app.app_context():
        assert resumable.remove_expired(get_session()) == 1
    assert not os.path.exists(old) and os.path.exists(young)
    assert jan_in.offset(url) == 0
    # A day later the upload under way has expired too.
    with app.app_context():
        assert resumable.remove_expired(get_session(), utcnow() + timedelta(hours=25)) == 2
    assert jan_in.head(url).status_code == 404


# ---- termination

def test_delete_terminates_an_upload(app, session, jan_in):
    url = jan_in.create(100, "brief.pdf", jan_in.target).headers["Location"]
    assert jan_in.patch(url, 0, b"%PDF-1.4 ").status_code == 204
    token = token_of(url)
    answer = jan_in.request("DELETE", url)
    assert answer.status_code == 204 and answer.headers["Tus-Resumable"] == "1.0.0"
    assert upload_row(session, token) is None and not os.path.exists(tus_path(app, token))
    assert jan_in.head(url).status_code == 404
    assert jan_in.request("DELETE", url).status_code == 404
    assert jan_in.patch(url, 9, b"x").status_code == 404


def test_terminated_while_a_patch_is_under_way(app, session, jan_in):
    """DELETE while a PATCH's body still arrives: the upload goes at once, and the PATCH
    then answers 404 (its bytes went to the removed file, nothing is left behind)."""
    app.config["TUS_BLOCK_BYTES"] = 16 * 1024
    data = pdf_bytes(400_000, 8)
    url = jan_in.create(len(data), "weg.pdf", jan_in.target).headers["Location"]
    with paused_patch(jan_in, url, data) as patch:
        assert jan_in.request("DELETE", url).status_code == 204
    assert patch["answer"].status_code == 404
    assert count_rows(session, Upload) == 0
    with app.app_context():
        assert os.listdir(resumable.folder()) == []


# ---- whose upload it is

def test_another_users_upload_is_404_to_them(app, session, make, staff, portal, jan_in,
                                             two_dossiers, base):
    _jan, kees, _dossier, _other = two_dossiers
    url = jan_in.create(100, "brief.pdf", jan_in.target).headers["Location"]
    assert jan_in.patch(url, 0, b"%PDF").status_code == 204
    for other in (portal(kees), portal(staff.lawyer), portal(staff.admin)):
        assert other.head(url).status_code == 404
        assert other.patch(url, 4, b"-1.4 ").status_code == 404
        assert other.request("DELETE", url).status_code == 404
        assert other.request("DELETE", url + "x").status_code == 404
    nobody = Portal(base)
    nobody.token = jan_in.token  # even with a token that would pass
    for answer in (nobody.head(url), nobody.patch(url, 4, b"-1.4 "),
                   nobody.request("DELETE", url), nobody.create(100, "x.pdf", jan_in.target)):
        assert not 200 <= answer.status_code < 300, answer.status_code
    assert jan_in.offset(url) == 4 and os.path.getsize(tus_path(app, token_of(url))) == 4


def test_staff_without_two_step_get_404(session, base, staff, two_dossiers):
    _jan, _kees, dossier, _other = two_dossiers
    lawyer = Portal(base)
    lawyer.log_in(staff.lawyer.email)
    answer = lawyer.create(100, "brief.pdf", f"publish:{dossier.id}")
    assert answer.status_code == 404  # two-step first, as for every staff page
    assert count_rows(session, Upload) == 0


# ---- creation refused, in the user's language

def test_creation_refuses_a_type_a_size_and_an_empty_file(session, jan_in, portal, make,
                                                          two_dossiers):
    target = jan_in.target
    answer = jan_in.create(100, "setup.exe", target)
    assert answer.status_code == 415
    assert answer.text.startswith("“setup.exe” is niet toegevoegd: dit type bestand is niet "
                                  "toegestaan. Toegestaan zijn: .csv, .doc")
    assert jan_in.create(100, "zonder punt", target).status_code == 415
    answer = jan_in.create(0, "leeg.pdf", target)
    assert (answer.status_code, answer.text) == (400, "“leeg.pdf” is leeg en is niet "
                                                      "toegevoegd.")
    session.add(FirmSettings(max_file_mb=1))
    session.commit()
    assert jan_in.create(MB, "net.pdf", target).status_code == 201
    answer = jan_in.create(MB + 1, "groot.pdf", target)
    assert (answer.status_code, answer.text) == (413, "“groot.pdf” is groter dan 1 MB en is "
                                                      "niet toegevoegd.")
    assert jan_in.create(100, "x.pdf", target, **{"Upload-Length": "-1"}).status_code == 400
    assert jan_in.create(100, "x.pdf", target, **{"Upload-Length": None}).status_code == 400
    bad_metadata = jan_in.create(100, "x.pdf", target, **{"Upload-Metadata": "filename !!"})
    assert bad_metadata.status_code == 400
    assert "Het uploaden kon niet beginnen." in bad_metadata.text
    assert count_rows(session, Upload) == 1

    # In English for an English client.
    _jan, kees, _dossier, other = two_dossiers
    kees.language = "en"
    session.commit()
    english = portal(kees)
    answer = english.create(100, "setup.exe", f"message:{other.id}")
    assert answer.text.startswith("“setup.exe” has not been added: files of this type are "
                                  "not allowed.")
    answer = english.create(MB + 1, "big.pdf", f"message:{other.id}")
    assert answer.text == "“big.pdf” is larger than 1 MB and has not been added."


def test_the_days_quota_counts_uploads_under_way(session, make, jan_in, two_dossiers):
    jan, _kees, dossier, _other = two_dossiers
    session.add(FirmSettings(upload_mb_per_day=1))
    session.commit()
    assert jan_in.create(700 * 1024, "een.pdf", jan_in.target).status_code == 201
    answer = jan_in.create(400 * 1024, "twee.pdf", jan_in.target)
    assert answer.status_code == 413
    assert answer.text == ("“twee.pdf” is niet toegevoegd. U hebt vandaag het maximum van 1 "
                           "MB aan bestanden geüpload. Het bestand is niet bewaard; probeer "
                           "het morgen opnieuw of neem contact op met het kantoor.")
    assert jan_in.create(300 * 1024, "drie.pdf", jan_in.target).status_code == 201
    # What was stored today counts as well.
    for row in session.exec(select(Upload)).all():
        session.delete(row)
    session.commit()
    make.document(dossier, by=jan, data=b"%PDF-1.4 " + bytes(900 * 1024))
    assert jan_in.create(200 * 1024, "vier.pdf", jan_in.target).status_code == 413
    assert jan_in.create(100 * 1024, "vijf.pdf", jan_in.target).status_code == 201


def test_too_many_open_uploads_is_429(app, session, jan_in):
    app.config["TUS_MAX_OPEN"] = 3
    urls = [jan_in.create(100, f"{n}.pdf", jan_in.target).headers["Location"]
            for n in range(3)]
    answer = jan_in.create(100, "vier.pdf", jan_in.target)
    assert answer.status_code == 429
    assert answer.text.startswith("U heeft te veel uploads tegelijk lopen.")
    assert jan_in.request("DELETE", urls[0]).status_code == 204
    assert jan_in.create(100, "vier.pdf", jan_in.target).status_code == 201


def test_creation_for_a_target_the_user_may_not_use(session, make, staff, portal, jan_in,
                                                    two_dossiers):
    jan, kees, dossier, other = two_dossiers
    own = make.document_request(dossier, jan, items=["Paspoort", "Akte", "Loonstrook"],
                                by=staff.lawyer)
    theirs = make.document_request(other, kees, items=["Paspoort"], by=staff.other_lawyer)
    for target in (f"message:{other.id}", f"publish:{dossier.id}", f"item:{theirs.items[0].id}",
                   "message:999999", "item:999999", f"message:{dossier.id}x", "message:",
                   f"dossier:{dossier.id}", "", "message:" + "9" * 19):
        assert jan_in.create(100, "brief.pdf", target).status_code == 404, target
    assert jan_in.create(100, "brief.pdf", f"item:{own.items[0].id}").status_code == 201
    # An item withdrawn or approved takes no files: 409, with the reason.
    withdrawn, approved = (session.get(RequestItem, item.id) for item in own.items[1:])
    withdrawn.withdrawn_at = utcnow()
    approved.state = ITEM_APPROVED
    session.commit()
    for item, reason in ((withdrawn, "Het kantoor vraagt dit stuk niet meer"),
                         (approved, "Dit stuk is al goedgekeurd")):
        answer = jan_in.create(100, "brief.pdf", f"item:{item.id}")
        assert answer.status_code == 409
        assert answer.text == f"{reason}; uw bestand is niet bewaard."

    # Staff: their own dossiers only (message or publish), and never a client's item.
    lawyer = portal(staff.lawyer)
    assert lawyer.create(100, "brief.pdf", f"publish:{dossier.id}").status_code == 201
    assert lawyer.create(100, "brief.pdf", f"message:{dossier.id}").status_code == 201
    for target in (f"publish:{other.id}", f"message:{other.id}", f"item:{own.items[0].id}"):
        assert lawyer.create(100, "brief.pdf", target).status_code == 404, target
    idle = portal(staff.idle_secretary)
    assert idle.create(100, "brief.pdf", f"publish:{dossier.id}").status_code == 404
    assert count_rows(session, Upload) == 3


# ---- checked at the last byte

def test_a_file_refused_at_the_last_patch_goes_with_its_row(app, session, jan_in):
    url = jan_in.create(len(HTML_AS_PDF), "nep.pdf", jan_in.target).headers["Location"]
    assert jan_in.patch(url, 0, HTML_AS_PDF[:20]).status_code == 204  # not checked yet
    answer = jan_in.patch(url, 20, HTML_AS_PDF[20:])
    assert answer.status_code == 422
    assert answer.text == "“nep.pdf” is niet toegevoegd. " + REASONS["web page"][0]
    token = token_of(url)
    assert upload_row(session, token) is None and not os.path.exists(tus_path(app, token))
    assert jan_in.head(url).status_code == 404
    assert documents(session) == []


# ---- filed by each form

def test_filed_with_a_clients_message(app, session, jan_in, two_dossiers):
    jan, _kees, dossier, _other = two_dossiers
    data = pdf_bytes(250_000, 21)
    token = token_of(jan_in.upload(data, "akte.pdf", jan_in.target))
    answer = jan_in.post(f"/dossiers/{dossier.id}/berichten/nieuw", {
        "subject": "Akte", "body": "Zie bijlage", "action": "send", "tus": token})
    assert answer.status_code in (302, 303), answer.text[-2000:]
    message = find(session, Message, Message.dossier_id == dossier.id)
    assert message.sent_at is not None and message.sender_id == jan.id
    [document] = documents(session)
    assert session.exec(select(MessageAttachment)).one().document_id == document.id
    assert (document.filename, document.uploaded_by_id) == ("akte.pdf", jan.id)
    assert document.sha256 == sha256(data) and file_of(app, document) == data
    assert [e.target_id for e in events(session, "attachment.uploaded")] == [document.id]
    assert upload_row(session, token) is None and not os.path.exists(tus_path(app, token))


def test_filed_with_a_staff_message(app, session, staff, portal, two_dossiers):
    _jan, _kees, dossier, _other = two_dossiers
    lawyer = portal(staff.lawyer)
    data = pdf_bytes(120_000, 22)
    token = token_of(lawyer.upload(data, "brief.pdf", f"message:{dossier.id}"))
    answer = lawyer.post(f"/kantoor/dossiers/{dossier.id}/berichten", {
        "subject": "Stukken", "body": "Zie bijlage", "tus": token})
    assert answer.status_code in (302, 303), answer.text[-2000:]
    message = find(session, Message, Message.dossier_id == dossier.id)
    assert message.sent_at is not None and message.sender_id == staff.lawyer.id
    [document] = documents(session)
    assert document.sha256 == sha256(data) and file_of(app, document) == data
    assert session.exec(select(MessageAttachment)).one().message_id == message.id
    assert upload_row(session, token) is None


def test_filed_with_a_staff_publication_with_titles(app, session, staff, portal,
                                                     two_dossiers):
    _jan, _kees, dossier, _other = two_dossiers
    lawyer = portal(staff.lawyer)
    first, second = pdf_bytes(90_000, 23), pdf_bytes(80_000, 24)
    tokens = [token_of(lawyer.upload(data, name, f"publish:{dossier.id}"))
              for data, name in ((first, "akte.pdf"), (second, "kaart.pdf"))]
    answer = lawyer.post(f"/kantoor/dossiers/{dossier.id}/documenten", [
        ("category", CAT_DOCUMENT), ("tus", tokens[0]), ("tus", tokens[1]),
        ("titles", "Akte van levering"), ("titles", "")])
    assert answer.status_code == 302, answer.text[-2000:]
    published = documents(session)
    assert [(d.title, d.filename, d.category) for d in published] == [
        ("Akte van levering", "akte.pdf", CAT_DOCUMENT), ("kaart", "kaart.pdf", CAT_DOCUMENT)]
    assert [file_of(app, d) for d in published] == [first, second]
    assert [d.sha256 for d in published] == [sha256(first), sha256(second)]
    assert count_rows(session, Upload) == 0
    assert len(events(session, "document.published")) == 2


def test_filed_with_a_request_item(app, session, make, staff, jan_in, two_dossiers):
    jan, _kees, dossier, _other = two_dossiers
    request = make.document_request(dossier, jan, items=["Koopakte"], by=staff.lawyer)
    item = request.items[0]
    data = pdf_bytes(60_000, 25)
    token = token_of(jan_in.upload(data, "koopakte.pdf", f"item:{item.id}"))
    answer = jan_in.post(f"/acties/stukken/{request.id}/{item.id}", {"tus": token})
    assert answer.status_code == 302, answer.text[-2000:]
    [document] = documents(session)
    assert (document.category, document.request_item_id) == (CAT_PROVIDED, item.id)
    assert document.sha256 == sha256(data) and file_of(app, document) == data
    assert upload_row(session, token) is None


def test_a_form_ignores_uploads_of_others_and_for_other_targets(app, session, make, staff,
                                                                portal, jan_in,
                                                                two_dossiers):
    jan, kees, dossier, other = two_dossiers
    second = make.dossier(clients=[jan], lawyer=staff.lawyer)
    request = make.document_request(dossier, jan, items=["Koopakte"], by=staff.lawyer)
    item = request.items[0]
    keesje = token_of(portal(kees).upload(pdf_bytes(1000, 1), "kees.pdf",
                                          f"message:{other.id}"))
    elsewhere = token_of(jan_in.upload(pdf_bytes(1000, 2), "ander.pdf",
                                       f"message:{second.id}"))
    for_item = token_of(jan_in.upload(pdf_bytes(1000, 3), "item.pdf", f"item:{item.id}"))
    unfinished = token_of(jan_in.create(1000, "half.pdf", jan_in.target).headers["Location"])
    answer = jan_in.post(f"/dossiers/{dossier.id}/berichten/nieuw", [
        ("subject", "Stukken"), ("body", ""), ("action", "upload"),
        *(("tus", t) for t in (keesje, elsewhere, for_item, unfinished, "../etc", "x" * 99))])
    assert answer.status_code in (200, 302)
    assert documents(session) == []
    for token in (keesje, elsewhere, for_item, unfinished):
        assert upload_row(session, token) is not None
    # Nor does the item take the message's upload.
    answer = jan_in.post(f"/acties/stukken/{request.id}/{item.id}", {"tus": elsewhere})
    assert "Kies één of meer bestanden om te uploaden." in text_of(
        jan_in.http.get(jan_in.url(answer.headers["Location"])).text)
    assert documents(session) == []


def test_a_token_named_twice_files_once(app, session, jan_in, two_dossiers):
    _jan, _kees, dossier, _other = two_dossiers
    token = token_of(jan_in.upload(pdf_bytes(5000, 4), "een keer.pdf", jan_in.target))
    form = {"subject": "Dubbel", "body": "", "action": "upload", "tus": token}
    first = jan_in.post(f"/dossiers/{dossier.id}/berichten/nieuw", form)
    assert first.status_code == 302
    jan_in.post(first.headers["Location"], form)
    assert [d.filename for d in documents(session)] == ["een keer.pdf"]
    assert upload_row(session, token) is None


def test_a_token_named_in_two_requests_at_once_files_once(app, session, make, staff, jan_in,
                                                         two_dossiers):
    jan, _kees, dossier, _other = two_dossiers
    request = make.document_request(dossier, jan, items=["Koopakte"], by=staff.lawyer)
    item = request.items[0]
    token = token_of(jan_in.upload(pdf_bytes(200_000, 5), "koopakte.pdf", f"item:{item.id}"))
    answers = at_once(4, lambda: jan_in.post(f"/acties/stukken/{request.id}/{item.id}",
                                             {"tus": token}))
    assert all(answer.status_code == 302 for answer in answers)
    assert [d.filename for d in documents(session)] == ["koopakte.pdf"]
    assert upload_row(session, token) is None


def test_the_quota_still_applies_when_filing(app, session, make, jan_in, two_dossiers):
    jan, _kees, dossier, _other = two_dossiers
    session.add(FirmSettings(upload_mb_per_day=1))
    session.commit()
    token = token_of(jan_in.upload(pdf_bytes(700 * 1024, 6), "laat.pdf", jan_in.target))
    # Meanwhile a file of another way in took most of the day's room.
    make.document(dossier, by=jan, data=b"%PDF-1.4 " + bytes(600 * 1024))
    answer = jan_in.post(f"/dossiers/{dossier.id}/berichten/nieuw", {
        "subject": "Laat", "body": "", "action": "upload", "tus": token})
    page = text_of(jan_in.http.get(jan_in.url(answer.headers["Location"])).text,
                   unescape=True)
    assert "“laat.pdf” is niet toegevoegd. U hebt vandaag het maximum van 1 MB" in page
    assert [d.filename for d in documents(session)] == ["brief.pdf"]
    assert upload_row(session, token) is not None  # still there, for tomorrow
