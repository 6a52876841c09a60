"""Database <-> storage: every file a row names is there and whole, and no file lingers
that no row names (the `check` command and the orphan cleanup)."""
import hashlib
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, select

from .. import storage
from ..db import engine
from ..models import ApprovalDecision, Document, FirmSettings

BATCH = 500  # keys per IN (...) query
KEY_LENGTH = 32  # secrets.token_hex(16), see app/storage.py
log = logging.getLogger("klantenportaal.integrity")
STAGING_STALE_SECONDS = 24 * 3600


@dataclass
class Report:
    """What `check` found. Paths are absolute; `problems` counts what needs a human."""

    rows: int = 0  # documents and logos checked
    bytes: int = 0
    hashed: bool = True
    missing: list = field(default_factory=list)  # (what, path)
    damaged: list = field(default_factory=list)  # (what, path, why)
    orphans: list = field(default_factory=list)  # (path, size, mtime): no row, past the grace
    stale_temporary: list = field(default_factory=list)  # (path, size, mtime)
    recent: list = field(default_factory=list)  # no row yet, within the grace: in progress
    unexpected: list = field(default_factory=list)  # names the portal never makes
    staging: list = field(default_factory=list)  # (folder, files, mtime) of a backup at work
    stale_staging: list = field(default_factory=list)  # the same, untouched for a day
    removed: list = field(default_factory=list)  # orphans and temporaries deleted
    seconds: float = 0.0

    @property
    def problems(self):
        """How many things are wrong: missing, damaged, orphaned, stale or unexpected files,
        and folders a stopped backup or restore left."""
        return (len(self.missing) + len(self.damaged) + len(self.orphans)
                + len(self.stale_temporary) + len(self.unexpected) + len(self.stale_staging))

    @property
    def ok(self):
        """True when nothing is wrong."""
        return self.problems == 0


def check(db=None, hash_files=True, grace_minutes=None, now=None):
    """Compare the database with UPLOAD_FOLDER: each Document's file present, with its size
    and SHA-256 (streamed), the logo's file present; then every file on disk that no row
    names (orphans), temporary files left over, and files the portal never makes."""
    started, now = time.monotonic(), time.time() if now is None else now
    report = Report(hashed=hash_files)
    with _session(db) as s:
        _check_documents(s, report, hash_files)
        _check_logos(s, report)
        _check_receipts(s, report)
        _confirm_rows(s, report)
        _sort_files(s, report, _cutoff(grace_minutes, now), now)
    report.seconds = time.monotonic() - started
    return report


def remove_orphans(db=None, grace_minutes=None, now=None):
    """Delete the files without a row and the temporary files left over, both older than
    the grace period; returns the paths removed. Unexpected files and the folders of a
    backup or restore are never touched."""
    now = time.time() if now is None else now
    report = Report(hashed=False)
    with _session(db) as s:
        _sort_files(s, report, _cutoff(grace_minutes, now), now)
    removed = []
    for path, _size, _mtime in report.orphans + report.stale_temporary:
        try:
            os.remove(path)
        except FileNotFoundError:  # another cleanup got there first
            continue
        except OSError as error:  # the rest is still worth removing
            log.warning("could not remove %s: %s", path, error)
            continue
        removed.append(path)
    return removed


@contextmanager
def _session(db):
    """The given session (its read transaction ended afterwards), or a new one, closed."""
    if db is not None:
        try:
            yield db
        finally:
            db.rollback()
        return
    with Session(engine(), expire_on_commit=False) as own:
        yield own


def _cutoff(grace_minutes, now):
    """The mtime (epoch) before which a file without a row is an orphan."""
    if grace_minutes is None:
        grace_minutes = current_app.config["ORPHAN_GRACE_MINUTES"]
    return now - grace_minutes * 60


def _check_documents(db, report, hash_files):
    """Each Document's file: present, its size, and (unless told not to) its SHA-256."""
    for doc_id, filename, key, size, sha256 in _documents(db):
        report.rows += 1
        what = f"document {doc_id} ({filename})"
        path = _path(key)
        if path is None:
            report.damaged.append((what, key, "its storage key is not a valid name"))
            continue
        try:
            actual = os.stat(path).st_size
        except FileNotFoundError:
            report.missing.append((what, path))
            continue
        report.bytes += actual
        if actual != size:
            report.damaged.append((what, path, f"{actual} bytes, the row says {size}"))
        elif hash_files and file_sha256(path) != sha256:
            report.damaged.append((what, path, "its SHA-256 differs from the row's"))


def _documents(db):
    """(id, filename, key, size, sha256) of every Document, read BATCH rows at a time."""
    last = 0
    while True:
        rows = db.execute(select(Document.id, Document.filename, Document.storage_key,
                                      Document.size, Document.sha256)
                               .where(Document.id > last).order_by(Document.id)
                               .limit(BATCH)).all()
        # Hashing a terabyte takes hours: no transaction may stay open that long (it
        # would hold PostgreSQL's vacuum back and let SQLite's WAL grow).
        db.rollback()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _check_logos(db, report):
    """The firm's logo: its file present (the row keeps no size or hash)."""
    for key in db.exec(select(FirmSettings.logo_key)
                            .where(FirmSettings.logo_key.is_not(None))).all():
        report.rows += 1
        path = _path(key)
        if path is None:
            report.damaged.append(("the logo", key, "its storage key is not a valid name"))
        elif not os.path.isfile(path):
            report.missing.append(("the logo", path))
        else:
            report.bytes += os.path.getsize(path)


def _check_receipts(db, report):
    """The receipts of approvals and the sealed copies of approved PDFs: their files
    present (a receipt's SHA-256 is checked with the documents' when hashing)."""
    rows = db.exec(select(ApprovalDecision.id, ApprovalDecision.receipt_key,
                          ApprovalDecision.sealed_key)
                   .where(ApprovalDecision.receipt_key.is_not(None))).all()
    for decision_id, *keys in rows:
        for key in filter(None, keys):
            report.rows += 1
            what = f"the receipt of approval decision {decision_id}"
            path = _path(key)
            if path is None:
                report.damaged.append((what, key, "its storage key is not a valid name"))
            elif not os.path.isfile(path):
                report.missing.append((what, path))
            else:
                report.bytes += os.path.getsize(path)


def _confirm_rows(db, report):
    """Drop the problems of rows deleted while the check ran (a draft discarded, a logo
    replaced: the row goes first, its file right after the commit)."""
    if not (report.missing or report.damaged):
        return
    db.rollback()  # a fresh snapshot
    keys = _referenced(db, [_key_of(item[1]) for item in report.missing + report.damaged])
    report.missing = [item for item in report.missing if _key_of(item[1]) in keys]
    report.damaged = [item for item in report.damaged if _key_of(item[1]) in keys]


def _key_of(path):
    """The storage key in a path (or the key itself)."""
    return os.path.basename(path)


def _sort_files(db, report, cutoff, now):
    """Walk UPLOAD_FOLDER: stored files that no row names, temporary files, and others;
    those older than `cutoff` are orphans or stale, the younger ones only noted."""
    root = current_app.config["UPLOAD_FOLDER"]
    tmp_dir = storage.tmp_folder()
    stored = {}  # key -> (path, size, mtime)
    for folder, dirs, names in os.walk(root):
        if folder == tmp_dir:
            _note_staging(report, folder, dirs, now)
            dirs.clear()
        if folder == os.path.join(root, storage.TUS_DIR):
            dirs.clear()  # resumable uploads: their own cleanup (app/resumable.py)
            continue
        for name in names:
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except FileNotFoundError:  # removed while we walked
                continue
            entry = (path, info.st_size, info.st_mtime)
            if name.endswith(".part") or folder == tmp_dir:
                (report.stale_temporary if info.st_mtime < cutoff else report.recent).append(
                    entry)
            elif _is_stored_name(root, folder, name):
                stored[name] = entry
            else:
                report.unexpected.append(entry)
    db.rollback()  # names committed while we walked count as referenced
    known = _referenced(db, list(stored))
    for key, entry in sorted(stored.items()):
        if key not in known:
            (report.orphans if entry[2] < cutoff else report.recent).append(entry)


def _note_staging(report, tmp_dir, folders, now):
    """Folders in UPLOAD_FOLDER/tmp are a backup's or restore's (backup.py, restore.py):
    never removed here, since a backup's hard links keep their files' old mtimes however new
    the backup is. A folder untouched for a day is left by one that stopped."""
    for name in sorted(folders):
        path = os.path.join(tmp_dir, name)
        try:
            mtime = os.stat(path).st_mtime
        except FileNotFoundError:
            continue
        files = sum(len(names) for _folder, _dirs, names in os.walk(path))
        entry = (path, files, mtime)
        (report.stale_staging if mtime < now - STAGING_STALE_SECONDS
         else report.staging).append(entry)


def _is_stored_name(root, folder, name):
    """True for a file where app/storage.py puts one: <root>/<first two>/<key>."""
    return (len(name) == KEY_LENGTH and name.isalnum() and name.isascii()
            and folder == os.path.join(root, name[:2]))


def _referenced(db, keys):
    """Those of `keys` that a Document, the firm's logo or an approval's receipt (or sealed
    copy) names."""
    # Every column that names a stored file belongs here: the cleanup deletes what this
    # does not know (as it once did the logo).
    keys = list(dict.fromkeys(keys))
    found = set()
    for start in range(0, len(keys), BATCH):
        chunk = keys[start:start + BATCH]
        found.update(db.exec(select(Document.storage_key)
                                  .where(Document.storage_key.in_(chunk))).all())
        found.update(db.exec(select(FirmSettings.logo_key)
                                  .where(FirmSettings.logo_key.in_(chunk))).all())
        for column in (ApprovalDecision.receipt_key, ApprovalDecision.sealed_key):
            found.update(db.exec(select(column).where(column.in_(chunk))).all())
    db.rollback()
    return found


def _path(key):
    """path_for(key), or None for a key that cannot be a file name."""
    try:
        return storage.path_for(key)
    except (ValueError, AttributeError):
        return None


def file_sha256(path):
    """The SHA-256 of a file, read in chunks (files of a gigabyte exist)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# ---- the command

def _size(n):
    """A byte count as people read it."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024


def _count(n, noun):
    """"1 file", "2 files"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _age(mtime, now):
    """How long ago, roughly."""
    minutes = max(0, now - mtime) / 60
    if minutes < 120:
        return f"{minutes:.0f} minutes old"
    if minutes < 48 * 60:
        return f"{minutes / 60:.0f} hours old"
    return f"{minutes / 1440:.0f} days old"


def report_lines(report, grace_minutes, now=None):
    """The report as lines of text for the terminal."""
    now = now or time.time()
    lines = [f"Checked {report.rows} stored files ({_size(report.bytes)}"
             f"{', sizes and SHA-256' if report.hashed else ', sizes only'}) "
             f"in {report.seconds:.1f} s."]

    def section(title, items, show):
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines.extend("  " + show(item) for item in items)

    section("Removed, older than the grace period", report.removed, lambda path: path)
    section("Missing: the row names a file that is not there", report.missing,
            lambda item: f"{item[0]}: {item[1]}")
    section("Damaged: the file is not the one the row describes", report.damaged,
            lambda item: f"{item[0]}: {item[2]} ({item[1]})")
    on_disk = lambda item: f"{item[0]} ({_size(item[1])}, {_age(item[2], now)})"  # noqa: E731
    section(f"Orphans: no row names them, older than {grace_minutes} minutes",
            report.orphans, on_disk)
    section(f"Temporary files left over, older than {grace_minutes} minutes",
            report.stale_temporary, on_disk)
    section("Unexpected files: the portal never makes these; look at them yourself",
            report.unexpected, on_disk)
    section("Folders of a backup or restore untouched for a day: remove them when none runs",
            report.stale_staging,
            lambda item: f"{item[0]} ({_count(item[1], 'file')}, {_age(item[2], now)})")
    if report.recent:
        lines.append(f"{_count(len(report.recent), 'file')} without a row younger than "
                     f"{grace_minutes} minutes: uploads under way, not counted as problems.")
    if report.staging:
        lines.append(f"{_count(len(report.staging), 'folder')} of a backup or restore at "
                     f"work in {os.path.dirname(report.staging[0][0])}: not checked.")
    lines.append("OK: no problems found." if report.ok
                 else f"{_count(report.problems, 'problem')} found.")
    return lines


@click.command("check")
@with_appcontext
@click.option("--quick", is_flag=True, help="Check presence and size only, not SHA-256.")
@click.option("--remove-orphans", "remove_orphans_", is_flag=True,
              help="Delete orphans and left-over temporary files older than the grace period.")
@click.option("--grace-minutes", type=click.FloatRange(min=0), default=None,
              help="Files without a row younger than this may belong to an upload under way "
                   "(default: ORPHAN_GRACE_MINUTES).")
def check_command(quick, remove_orphans_, grace_minutes):
    """Check the database against the stored files; exit 1 on any problem."""
    if grace_minutes is None:
        grace_minutes = current_app.config["ORPHAN_GRACE_MINUTES"]
    now = time.time()
    removed = remove_orphans(grace_minutes=grace_minutes, now=now) if remove_orphans_ else []
    report = check(hash_files=not quick, grace_minutes=grace_minutes, now=now)
    report.removed = removed
    for line in report_lines(report, f"{grace_minutes:g}", now):
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


commands = [check_command]
