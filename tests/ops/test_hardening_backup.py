"""Issue 14, point 16 (backups): a backup onto a full disk ends with a clear message and
leaves nothing behind; a cut-off or damaged archive is reported as damaged, not as "not a
backup of the portal"; a foreign tar archive still is."""
import io
import os
import tarfile

import pytest
from sqlmodel import SQLModel

from app import storage
from app.models import Document

from .instance_data import empty_database, new_app


@pytest.fixture
def kind(database_url):
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


@pytest.fixture
def with_files(app, make, session):
    """A dossier with one stored file of 1.5 MB (random: it does not compress)."""
    dossier = make.dossier()
    with app.app_context():
        key, digest, size = storage.store_bytes(b"%PDF-1.4 " + os.urandom(1536 * 1024))
    session.add(Document(dossier_id=dossier.id, category="document", title="Akte",
                         filename="akte.pdf", content_type="application/pdf", size=size,
                         sha256=digest, storage_key=key))
    session.commit()


@pytest.fixture
def usb_stick(tmp_path):
    """A real 1 MB tmpfs to write the backup to."""
    folder = tmp_path / "usb"
    folder.mkdir()
    if os.system(f"mount -t tmpfs -o size=1m tmpfs {folder} 2>/dev/null") != 0:
        pytest.skip("needs root to mount a small tmpfs")
    yield folder
    os.system(f"umount -l {folder}")


def test_a_backup_onto_a_full_disk_ends_with_a_clear_message(app, with_files, usb_stick):
    result = app.test_cli_runner().invoke(
        args=["backup", "--output", str(usb_stick / "backup.tar")])
    assert result.exit_code == 1, result.output
    assert "Error: The disk is full" in result.output
    assert "The backup was not written and nothing of it was kept" in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert os.listdir(usb_stick) == []  # no .part, no work folder
    assert not os.listdir(os.path.join(app.config["UPLOAD_FOLDER"], storage.TMP_DIR))


@pytest.fixture
def archive(app, with_files, tmp_path):
    path = tmp_path / "backup.tar"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def target(request, database_url, kind, tmp_path):
    """An empty instance (tables, no rows) to restore into."""
    url = empty_database(request, kind, str(tmp_path), database_url)
    restored = new_app(url, tmp_path / "restored")
    SQLModel.metadata.create_all(restored.extensions["db_engine"])
    yield restored
    restored.extensions["db_engine"].dispose()


def restore(target, path):
    result = target.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("where", ["in the stored file", "in the manifest's header",
                                   "in the manifest"])
def test_a_cut_off_archive_is_reported_as_damaged(archive, target, tmp_path, where):
    data = archive.read_bytes()
    with tarfile.open(archive) as tar:
        manifest = tar.getmember("manifest.json")
    cut_at = {"in the stored file": len(data) // 2,
              "in the manifest's header": manifest.offset + 200,
              "in the manifest": manifest.offset_data + 50}[where]
    cut = tmp_path / "cut.tar"
    cut.write_bytes(data[:cut_at])
    output = restore(target, cut)
    assert "damaged" in output and "othing was restored" in output
    assert "not a backup archive of the portal" not in output


def test_a_damaged_header_is_reported_as_damaged(archive, target, tmp_path):
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        last = tar.getmember("manifest.json")
    data[last.offset:last.offset + 100] = bytes(100)  # the manifest's header wiped out
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    output = restore(target, damaged)
    assert "The backup archive is damaged" in output
    assert "not a backup archive of the portal" not in output


def test_a_foreign_tar_archive_is_still_not_a_backup(target, tmp_path):
    other = tmp_path / "foto's.tar"
    with tarfile.open(other, "w") as tar:
        info = tarfile.TarInfo("vakantie.jpg")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"jpg"))
    assert "This is not a backup archive of the portal" in restore(target, other)
