"""Backup and restore: a backup taken while the app writes restores whole; a quiet instance
comes back row for row and byte for byte; restore refuses a filled instance and a changed
archive. On whichever database this pass uses (TEST_DATABASE_URL)."""
import hashlib
import io
import os
import stat
import tarfile
import threading

import pytest
from helpers import csrf_token, login
from sqlmodel import SQLModel

from app import storage
from app.models import Document
from app.ops import backup
from app.ops.backup import BackupError, create_backup
from app.ops.restore import restore_backup

from .instance_data import (
    documents_of,
    empty_database,
    every_row,
    fill,
    new_app,
    same_files,
    stored_files,
)


@pytest.fixture
def kind(database_url):
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


@pytest.fixture
def empty_instance(request, database_url, kind, tmp_path):
    """Makes an app on an empty database of this pass's kind, with empty folders."""
    apps = []

    def make(with_tables=False):
        url = empty_database(request, kind, str(tmp_path), database_url)
        app = new_app(url, tmp_path / f"instance{len(apps)}")
        apps.append(app)
        if with_tables:  # as after `flask db upgrade`: tables, no rows
            SQLModel.metadata.create_all(app.extensions["db_engine"])
        return app

    yield make
    for app in apps:
        app.extensions["db_engine"].dispose()


def url_of(app):
    return app.config["SQLALCHEMY_URL"]


class Writer(threading.Thread):
    """Jan, through the app: messages with two attachments sent, and drafts with files
    made and deleted again (which deletes stored files), until stopped."""

    def __init__(self, app, dossier_id):
        super().__init__(daemon=True)
        self.client, self.dossier_id = app.test_client(), dossier_id
        self.done, self.errors = 0, []
        self.halt, self.changed = threading.Event(), threading.Condition()

    def run(self):
        try:
            login(self.client, "jan@example.nl")
            token = csrf_token(self.client)
            while not self.halt.is_set():
                self.write(token)
                with self.changed:
                    self.done += 1
                    self.changed.notify_all()
        except Exception as exc:  # reported by wait_for and the test
            self.errors.append(exc)
            with self.changed:
                self.changed.notify_all()

    def write(self, token):
        sending = self.done % 2 == 0
        files = [(io.BytesIO(b"%PDF-1.4 " + os.urandom(20_000)), f"bijlage-{self.done}-{i}.pdf")
                 for i in range(2)]
        response = self.client.post(
            f"/dossiers/{self.dossier_id}/berichten/nieuw", content_type="multipart/form-data",
            data={"subject": f"Bericht {self.done}", "body": "Zie de bijlagen.",
                  "action": "send" if sending else "upload", "csrf_token": token,
                  "files": files})
        assert response.status_code == 302, response.status_code
        if not sending:  # the draft goes again, and its files with it
            response = self.client.post(response.location + "/verwijderen",
                                        data={"csrf_token": token})
            assert response.status_code == 302, response.status_code

    def wait_for(self, count, seconds=20):
        with self.changed:
            self.changed.wait_for(lambda: self.done >= count or self.errors, seconds)
        assert not self.errors, self.errors
        assert self.done >= count, "the writer got stuck"


def test_a_backup_taken_while_the_app_writes_restores_every_file(
        app, make, tmp_path, empty_instance):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    writer = Writer(app, dossier.id)
    writer.start()
    try:
        writer.wait_for(1)  # a message with files sent before the backup
        waited = []

        def after_snapshot(_keys):
            if not waited:  # a send and a deleted draft land between snapshot and copy
                waited.append(writer.done)
                writer.wait_for(writer.done + 2)

        with app.app_context():
            manifest = create_backup(str(tmp_path / "busy.tar"), after_snapshot=after_snapshot)
    finally:
        writer.halt.set()
        writer.join(20)
    assert not writer.errors, writer.errors
    assert manifest["missing_files"] == [] and len(manifest["files"]) >= 2

    restored = empty_instance()
    with restored.app_context():
        restore_backup(str(tmp_path / "busy.tar"))
    documents = documents_of(url_of(restored))
    assert len(documents) == len(manifest["files"]) == manifest["tables"]["document"]
    assert len(documents) < len(documents_of(url_of(app)))  # written after the snapshot
    with restored.app_context():
        for document in documents:
            with open(storage.path_for(document.storage_key), "rb") as f:
                assert hashlib.file_digest(f, "sha256").hexdigest() == document.sha256


def test_a_quiet_instance_comes_back_row_for_row_and_byte_for_byte(
        app, database_url, tmp_path, empty_instance):
    fill(app, database_url)
    archive = tmp_path / "backup.tar"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output and "6 files" in result.output
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600  # it holds everything
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0].startswith("database.") and names[-1] == "manifest.json"
    assert stored_files(app)  # the set-aside copies are gone again: only tmp/ was used
    assert not os.listdir(os.path.join(app.config["UPLOAD_FOLDER"], storage.TMP_DIR))

    restored = empty_instance(with_tables=True)
    result = restored.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "every checksum and count matches" in result.output
    source, copy = every_row(database_url), every_row(url_of(restored))
    assert all(source.values()), [name for name, rows in source.items() if not rows]
    assert copy == source
    assert same_files(app, restored) and len(stored_files(restored)) == 6


def test_restore_refuses_a_filled_instance_and_a_changed_archive(
        app, make, session, tmp_path, empty_instance):
    dossier = make.dossier()
    with app.app_context():
        key, digest, size = storage.store_bytes(b"%PDF-1.4 brief")
    session.add(Document(dossier_id=dossier.id, category="document", title="Brief",
                         filename="brief.pdf", content_type="application/pdf", size=size,
                         sha256=digest, storage_key=key))
    session.commit()
    archive = tmp_path / "backup.tar"
    with app.app_context():
        create_backup(str(archive))
        with pytest.raises(BackupError, match="exists already"):
            create_backup(str(archive))

    result = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 1 and "The database is not empty" in result.output

    target = empty_instance()
    stray = os.path.join(target.config["UPLOAD_FOLDER"], "ab", "ab" * 16)
    os.makedirs(os.path.dirname(stray))
    open(stray, "wb").close()
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 1 and "UPLOAD_FOLDER is not empty" in result.output
    os.remove(stray)

    data = archive.read_bytes()
    assert data.count(b"%PDF-1.4 brief") == 1
    changed = tmp_path / "changed.tar"
    changed.write_bytes(data.replace(b"%PDF-1.4 brief", b"%PDF-1.4 Brief"))
    result = target.test_cli_runner().invoke(args=["restore", str(changed)])
    assert result.exit_code == 1, result.output
    assert "the checksum does not match the manifest" in result.output
    assert "Nothing was restored" in result.output
    assert backup.filled_tables(target.extensions["db_engine"]) == []
    assert stored_files(target) == {}


def test_a_file_deleted_after_the_snapshot_is_copied_again_one_lost_before_is_reported(
        app, make, session, tmp_path):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    writer = Writer(app, dossier.id)  # not started: its client only does what we ask
    login(writer.client, "jan@example.nl")
    token = csrf_token(writer.client)
    draft = writer.client.post(
        f"/dossiers/{dossier.id}/berichten/nieuw", content_type="multipart/form-data",
        data={"subject": "Concept", "body": "", "action": "upload", "csrf_token": token,
              "files": [(io.BytesIO(b"%PDF-1.4 concept"), "concept.pdf")]}).location
    writer.write(token)  # a message sent, with two files
    lost = documents_of(url_of(app))[-1]
    with app.app_context():
        os.remove(storage.path_for(lost.storage_key))  # gone before the backup began

    seen = []

    def after_snapshot(keys):
        seen.append(keys)
        if len(seen) == 1:  # the client deletes the draft, and its file, right now
            response = writer.client.post(draft + "/verwijderen", data={"csrf_token": token})
            assert response.status_code == 302

    with app.app_context():
        manifest = create_backup(str(tmp_path / "b.tar"), after_snapshot=after_snapshot)
    assert manifest["attempts"] == 2 and len(seen[0]) == 3 and len(seen[1]) == 2
    assert manifest["missing_files"] == [lost.storage_key]
    assert [entry["key"] for entry in manifest["files"]] == sorted(set(seen[1]) - {
        lost.storage_key})


def test_missing_postgresql_programs_are_named(monkeypatch):
    monkeypatch.setenv("PATH", os.devnull)
    with pytest.raises(BackupError, match="pg_dump was not found on PATH"):
        backup.pg_tool("pg_dump")
