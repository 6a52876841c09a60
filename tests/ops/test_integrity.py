"""`flask check`: the database against the stored files (present, size, SHA-256), orphans
and temporary files left by a crash, and their removal by the hourly cleanup."""
import hashlib
import os
import time

import pytest
from sqlmodel import select

from app import storage
from app.messages import cleanup
from app.models import CAT_DOCUMENT, Document, FirmSettings
from app.ops import integrity

HOUR = 3600


@pytest.fixture
def dossier(make):
    return make.dossier()


def add_document(app, session, dossier, data=b"%PDF-1.4 akte", filename="akte.pdf"):
    """A stored file with its row, as a publication makes it."""
    with app.app_context():
        key, digest, size = storage.store_bytes(data)
    document = Document(dossier_id=dossier.id, category=CAT_DOCUMENT, title="Akte",
                        filename=filename, content_type="application/pdf", size=size,
                        sha256=digest, storage_key=key)
    session.add(document)
    session.commit()
    return document


def path_of(app, key):
    with app.app_context():
        return storage.path_for(key)


def stored_without_row(app, data=b"%PDF-1.4 wees"):
    """A file a crash left between storing it and committing its row."""
    with app.app_context():
        key, _digest, _size = storage.store_bytes(data)
    return path_of(app, key)


def temporary(app, name="tmpabc.part", folder=storage.TMP_DIR):
    """A temporary file of a copy that never finished."""
    path = os.path.join(app.config["UPLOAD_FOLDER"], folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"%PDF half")
    return path


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def check(app, **kw):
    with app.app_context():
        return integrity.check(**kw)


def run(app, *args):
    return app.test_cli_runner().invoke(args=["check", *args])


def test_a_whole_installation_passes(app, session, dossier, monkeypatch):
    monkeypatch.setattr(integrity, "BATCH", 1)  # rows are read a batch at a time
    big = b"%PDF" + os.urandom(3 * 1024 * 1024)  # hashed in chunks, as a 1 GB file is
    documents = [add_document(app, session, dossier), add_document(app, session, dossier, big)]
    with app.app_context():
        logo_key, _digest, _size = storage.store_bytes(b"\x89PNG\r\n\x1a\nlogo")
    session.add(FirmSettings(id=1, logo_key=logo_key, logo_type="image/png"))
    session.commit()
    for path in [path_of(app, d.storage_key) for d in documents] + [path_of(app, logo_key)]:
        age(path, 3 * HOUR)  # old enough to be an orphan, were no row naming it

    report = check(app)
    assert report.ok and report.rows == 3 and report.bytes > len(big)
    assert integrity.file_sha256(path_of(app, documents[1].storage_key)) == \
        hashlib.sha256(big).hexdigest()
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "Checked 3 stored files (3.0 MB, sizes and SHA-256)" in result.output
    assert "OK: no problems found." in result.output


def test_a_missing_file_fails_the_check(app, session, dossier):
    document = add_document(app, session, dossier)
    os.remove(path_of(app, document.storage_key))
    report = check(app)
    assert report.missing == [(f"document {document.id} (akte.pdf)",
                               path_of(app, document.storage_key))]
    result = run(app)
    assert result.exit_code == 1
    assert "Missing: the row names a file that is not there (1):" in result.output
    assert f"document {document.id} (akte.pdf)" in result.output
    assert "1 problem found." in result.output


def test_a_missing_logo_fails_the_check(app, session):
    session.add(FirmSettings(id=1, logo_key="ab" * 16, logo_type="image/png"))
    session.commit()
    assert check(app).missing == [("the logo", path_of(app, "ab" * 16))]
    assert run(app).exit_code == 1


def test_a_file_of_another_size_fails_the_check(app, session, dossier):
    document = add_document(app, session, dossier)
    with open(path_of(app, document.storage_key), "ab") as f:
        f.write(b" and more")
    [(what, _path, why)] = check(app).damaged
    assert what == f"document {document.id} (akte.pdf)"
    assert why == f"{document.size + 9} bytes, the row says {document.size}"
    assert run(app, "--quick").exit_code == 1


def test_a_file_with_other_content_fails_the_check_unless_quick(app, session, dossier):
    document = add_document(app, session, dossier, b"%PDF-1.4 akte")
    with open(path_of(app, document.storage_key), "wb") as f:
        f.write(b"%PDF-1.4 AKTE")  # the same size
    [(_what, _path, why)] = check(app).damaged
    assert why == "its SHA-256 differs from the row's"
    result = run(app)
    assert result.exit_code == 1 and "Damaged" in result.output
    quick = run(app, "--quick")  # sizes only: it cannot see this
    assert quick.exit_code == 0 and "sizes only" in quick.output


def test_orphans_fail_the_check_once_past_the_grace(app, session, dossier):
    add_document(app, session, dossier)
    old, young = stored_without_row(app), stored_without_row(app)
    age(old, 2 * HOUR)
    age(young, 10 * 60)  # perhaps its row is being committed right now

    report = check(app)
    assert [path for path, _size, _mtime in report.orphans] == [old]
    assert [path for path, _size, _mtime in report.recent] == [young]
    result = run(app)
    assert result.exit_code == 1
    assert "Orphans: no row names them, older than 60 minutes (1):" in result.output
    assert old in result.output and young not in result.output
    assert "1 file without a row younger than 60 minutes" in result.output
    assert run(app, "--grace-minutes", "5").exit_code == 1  # now both
    assert len(check(app, grace_minutes=5).orphans) == 2


def test_remove_orphans_deletes_only_what_is_past_the_grace(app, session, dossier):
    document = add_document(app, session, dossier)
    kept = path_of(app, document.storage_key)
    old, young = stored_without_row(app), stored_without_row(app)
    stale_part, fresh_part = temporary(app, "a.part"), temporary(app, "b.part")
    half_stored = temporary(app, "cd" * 16 + ".part", folder="cd")  # from store_bytes
    stray = temporary(app, "notes.txt", folder="")
    for path in (kept, old, stale_part, half_stored, stray):
        age(path, 2 * HOUR)

    result = run(app, "--remove-orphans")
    assert "Removed, older than the grace period (3):" in result.output
    assert result.exit_code == 1  # the unexpected file stays for a person to look at
    assert "Unexpected files" in result.output and stray in result.output
    for path in (old, stale_part, half_stored):
        assert not os.path.exists(path)
    for path in (kept, young, fresh_part, stray):
        assert os.path.exists(path)
    os.remove(stray)
    assert run(app, "--remove-orphans").exit_code == 0


def test_stale_temporary_files_fail_the_check(app):
    part = temporary(app, "tmpxyz.part")
    age(part, 2 * HOUR)
    report = check(app)
    assert [path for path, _size, _mtime in report.stale_temporary] == [part]
    result = run(app)
    assert result.exit_code == 1 and "Temporary files left over" in result.output


def test_the_hourly_cleanup_removes_orphans_but_never_the_logo(app, session, dossier):
    with app.app_context():
        logo_key, _digest, _size = storage.store_bytes(b"\x89PNG\r\n\x1a\nlogo")
    session.add(FirmSettings(id=1, logo_key=logo_key, logo_type="image/png"))
    session.commit()
    document = add_document(app, session, dossier)
    old, young = stored_without_row(app), stored_without_row(app)
    part = temporary(app)
    logo, stored = path_of(app, logo_key), path_of(app, document.storage_key)
    for path in (old, part, logo, stored):
        age(path, 2 * HOUR)
    age(young, 30 * 60)

    assert cleanup.cleanup_if_due(app) == (0, 2)
    assert not os.path.exists(old) and not os.path.exists(part)
    assert os.path.exists(logo) and os.path.exists(stored) and os.path.exists(young)
    app.config["ORPHAN_GRACE_MINUTES"] = 20
    app.extensions["draft_cleanup"]["last"] -= cleanup.CLEANUP_EVERY_SECONDS
    assert cleanup.cleanup_if_due(app) == (0, 1)
    assert not os.path.exists(young)
    assert session.exec(select(FirmSettings)).one().logo_key == logo_key
    assert check(app).ok


def test_folders_of_a_backup_are_left_alone(app, session, dossier):
    """app/ops/backup.py hard-links the files it copies into a folder in UPLOAD_FOLDER/tmp:
    the links keep the files' old mtimes, so they are no stale temporary files."""
    document = add_document(app, session, dossier)
    stored = path_of(app, document.storage_key)
    age(stored, 5 * HOUR)
    pins = os.path.join(app.config["UPLOAD_FOLDER"], storage.TMP_DIR, "backup-x1")
    os.makedirs(pins)
    os.link(stored, os.path.join(pins, document.storage_key + ".pin"))

    with app.app_context():
        assert integrity.remove_orphans() == []
        report = integrity.check()
    assert report.ok and report.staging == [(pins, 1, os.stat(pins).st_mtime)]
    result = run(app)
    assert result.exit_code == 0 and "1 folder of a backup or restore at work" in result.output

    age(pins, 30 * HOUR)  # a backup that stopped a day ago and left its folder
    result = run(app, "--remove-orphans")
    assert result.exit_code == 1
    assert "Folders of a backup or restore untouched for a day" in result.output
    assert os.path.exists(os.path.join(pins, document.storage_key + ".pin"))
