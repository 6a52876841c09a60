"""Backup: one tar archive with a consistent copy of the database, every stored file that
copy names, and a manifest with checksums; the archive format restore.py reads."""
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone

import click
from flask.cli import with_appcontext
from psycopg.conninfo import make_conninfo
from sqlalchemy import column, create_engine, func, inspect, select, table

from .. import db, storage
from ..models import ApprovalDecision, Document, FirmSettings

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3.gz", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
# How often the database is copied again when files it names were deleted meanwhile.
ATTEMPTS = 5
KEY_PATTERN = re.compile(r"[0-9A-Za-z]+\Z")


class BackupError(click.ClickException):
    """A backup or restore that cannot be done, with the reason for whoever runs it."""


# ---- backup

def create_backup(output, after_snapshot=None):
    """Write a backup archive to `output` (which must not exist); returns its manifest.
    `after_snapshot(keys)` runs between copying the database and setting its files aside
    (the tests delete a file there, as the app may at that moment)."""
    output = os.path.abspath(output)
    if os.path.exists(output):
        raise BackupError(f"{output} exists already; choose another --output.")
    if not os.access(os.path.dirname(output), os.W_OK):
        raise BackupError(f"Cannot write in {os.path.dirname(output)}.")
    engine = db.engine()
    kind = engine.dialect.name
    if kind not in DATABASE_MEMBERS:
        raise BackupError(f"Backups of a {kind} database are not supported.")
    try:
        return _create(engine, kind, output, after_snapshot)
    except (OSError, sqlite3.Error) as exc:  # sqlite3: the copy of the database did not fit
        if not storage.is_disk_full(exc):
            raise
        reason = (f"{exc.strerror}: {exc.filename or output}" if isinstance(exc, OSError)
                  else f"{exc}: {output}")
        # Whatever was written is removed again (the .part archive, the work folders).
        raise BackupError(
            f"The disk is full ({reason}). The backup was not written and nothing of it was "
            f"kept. Free space, or write the backup to another disk with --output.") from exc


def _create(engine, kind, output, after_snapshot):
    """create_backup once its arguments were checked; returns the manifest."""
    snapshot = _sqlite_snapshot if kind == "sqlite" else _postgres_snapshot
    work = tempfile.mkdtemp(prefix=".backup-", dir=os.path.dirname(output))
    try:
        pins = staging_folder("backup")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    try:
        for attempt in range(1, ATTEMPTS + 1):
            with snapshot(engine, work) as (conn, dump, about):
                tables, revision, named = database_contents(conn)
                if after_snapshot is not None:
                    after_snapshot(sorted(named))
                gone = _pin(named, pins)
                # A file whose row is still there was lost before this backup began: copying
                # again would not bring it back. Any other was deleted after the snapshot.
                if gone - _still_named(engine, gone) and attempt < ATTEMPTS:
                    _empty_folder(pins)
                    continue
                database_path = dump()
                break
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "database": {"kind": kind, "path": DATABASE_MEMBERS[kind],
                         "alembic_revision": revision, **about},
            "tables": tables,
            "files": [],
            "missing_files": sorted(gone),
            "attempts": attempt,
        }
        _write_archive(output, manifest, database_path, named, gone, pins)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(pins, ignore_errors=True)
    return manifest


def database_contents(conn):
    """(rows per table, Alembic revision, {storage key: recorded sha256 or None}) of the
    database on `conn`."""
    names = sorted(inspect(conn).get_table_names())
    tables = {name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
              for name in names}
    named = {}
    if "document" in names:
        named.update(conn.execute(select(Document.storage_key, Document.sha256)).all())
    if "firmsettings" in names:
        for key in conn.execute(select(FirmSettings.logo_key)
                                .where(FirmSettings.logo_key.is_not(None))).scalars():
            named.setdefault(key, None)
    if "approvaldecision" in names:  # receipts of approvals, sealed copies of approved PDFs
        for receipt, digest, sealed in conn.execute(select(
                ApprovalDecision.receipt_key, ApprovalDecision.receipt_sha256,
                ApprovalDecision.sealed_key).where(ApprovalDecision.receipt_key.is_not(None))):
            named.setdefault(receipt, digest)
            if sealed:
                named.setdefault(sealed, None)
    return tables, schema_revision(conn, names), named


def schema_revision(conn, names=None):
    """The Alembic revision of the database on `conn` (None: never migrated)."""
    names = inspect(conn).get_table_names() if names is None else names
    if "alembic_version" not in names:
        return None
    return conn.execute(select(table("alembic_version", column("version_num")))).scalar()


def filled_tables(engine):
    """The tables of `engine`'s database that hold rows (Alembic's own table aside)."""
    with engine.connect() as conn:
        tables, _revision, _named = database_contents(conn)
    return [name for name, count in tables.items() if count and name != "alembic_version"]


@contextmanager
def _sqlite_snapshot(engine, work):
    """Copy the live SQLite file with SQLite's backup API in one step: one state of the
    database, read while the app goes on writing (in WAL mode readers block no writer)."""
    path = os.path.join(work, "snapshot.sqlite3")
    storage.remove_file(path)
    source = sqlite3.connect(engine.url.database, timeout=60)
    try:
        target = sqlite3.connect(path)
        try:
            source.backup(target)  # pages=-1: every page in one step, under one read lock
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
    finally:
        source.close()
    copy = create_engine("sqlite:///" + path)
    try:
        with copy.connect() as conn:
            yield conn, lambda: _gzip(path, os.path.join(work, DATABASE_MEMBERS["sqlite"])), {}
    finally:
        copy.dispose()


@contextmanager
def _postgres_snapshot(engine, work):
    """A REPEATABLE READ transaction whose snapshot pg_dump shares (--snapshot): the dump
    and the list of files come from the same state of the database."""
    pg_dump, tool_major = pg_tool("pg_dump")
    conninfo, env = libpq(engine.url)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        server_major = conn.dialect.server_version_info[0]
        if tool_major < server_major:
            raise BackupError(
                f"{pg_dump} is version {tool_major}, the server {server_major}: pg_dump "
                f"cannot dump a newer server. Install the client programs of version "
                f"{server_major} (Debian: apt install postgresql-client-{server_major}) or put "
                f"their folder (/usr/lib/postgresql/{server_major}/bin) first in PATH.")
        with conn.begin():
            snapshot_id = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()

            def dump():
                path = os.path.join(work, DATABASE_MEMBERS["postgresql"])
                storage.remove_file(path)
                run_tool([pg_dump, "--format=custom", f"--snapshot={snapshot_id}",
                          "--no-password", f"--file={path}", f"--dbname={conninfo}"], env)
                return path

            yield conn, dump, {"server_major": server_major, "pg_dump_major": tool_major}


def _pin(named, folder):
    """Hard-link every named file into `folder`, so that deleting the original does not
    take it from this backup; returns the keys whose file is gone already."""
    gone = set()
    for key in named:
        if not KEY_PATTERN.match(key):
            gone.add(key)
            continue
        # ".pin": the draft cleanup's sweep for orphans takes names that look like keys.
        try:
            os.link(storage.path_for(key), os.path.join(folder, key + ".pin"))
        except FileNotFoundError:
            gone.add(key)
        except OSError as exc:
            raise BackupError(f"Cannot hard-link {storage.path_for(key)} into {folder}: "
                              f"{exc}. The backup needs hard links in UPLOAD_FOLDER.") from exc
    return gone


def _still_named(engine, keys):
    """Which of `keys` the live database still names."""
    keys, found = sorted(keys), set()
    if not keys:
        return found
    with engine.connect() as conn:
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            found.update(conn.execute(select(Document.storage_key)
                                      .where(Document.storage_key.in_(part))).scalars())
            found.update(conn.execute(select(FirmSettings.logo_key)
                                      .where(FirmSettings.logo_key.in_(part))).scalars())
            for key in (ApprovalDecision.receipt_key, ApprovalDecision.sealed_key):
                found.update(conn.execute(select(key).where(key.in_(part))).scalars())
    return found


def _write_archive(output, manifest, database_path, named, gone, pins):
    """Stream the database, the set-aside files and the manifest (last: it holds their
    checksums) into `output`, under a temporary name until complete."""
    partial = output + ".part"
    # Owner-only: the archive holds everything the portal keeps confidential.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT,
                              copybufsize=CHUNK) as tar:
                manifest["database"].update(
                    _add(tar, manifest["database"]["path"], database_path))
                for key in sorted(set(named) - gone):
                    entry = {"key": key, "path": archive_path(key),
                             **_add(tar, archive_path(key), os.path.join(pins, key + ".pin"))}
                    manifest["files"].append(entry)
                    if named[key] not in (None, entry["sha256"]):
                        manifest.setdefault("damaged_files", []).append(key)
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(data), 0o600
                info.mtime = int(datetime.now(timezone.utc).timestamp())
                tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        storage.remove_file(partial)
        raise


def archive_path(key):
    """Where a stored file lives in the archive (as in UPLOAD_FOLDER)."""
    return f"files/{key[:2]}/{key}"


class Hashing:
    """A reader that hashes and counts what passes through it."""

    def __init__(self, f):
        self.f, self.digest, self.size = f, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.f.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add(tar, name, path):
    """Stream the file at `path` into the archive as `name`; returns its size and sha256."""
    with open(path, "rb") as f:
        stat = os.fstat(f.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        reader = Hashing(f)
        tar.addfile(info, reader)
    return {"size": reader.size, "sha256": reader.digest.hexdigest()}


def _gzip(path, dest):
    """Compress the SQLite copy (the files are mostly PDFs, compressed already: they stay
    as they are)."""
    with open(path, "rb") as src, gzip.open(dest, "wb", compresslevel=6) as out:
        shutil.copyfileobj(src, out, CHUNK)
    return dest


# ---- helpers (restore.py uses them too)

def pg_tool(name):
    """The path of a PostgreSQL client program on PATH and its major version."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH. Install the PostgreSQL client programs of the "
            f"server's version (Debian: apt install postgresql-client) or put their folder "
            f"(e.g. /usr/lib/postgresql/16/bin) first in PATH.")
    found = subprocess.run([path, "--version"], capture_output=True, text=True)
    version = re.search(r"\b(\d+)(?:\.\d+)*\b", found.stdout)  # "pg_dump (PostgreSQL) 15.2"
    if found.returncode or version is None:
        raise BackupError(f"{path} --version did not say its version: {found.stderr.strip()}")
    return path, int(version.group(1))


def libpq(url):
    """A libpq connection string for `url` without the password, and an environment that
    hands the password over (never on a command line, where `ps` shows it)."""
    params = {"host": url.host, "port": url.port, "user": url.username,
              "dbname": url.database}
    for key, value in url.query.items():
        params[key] = value if isinstance(value, str) else value[-1]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return make_conninfo(**{k: str(v) for k, v in params.items() if v is not None}), env


def run_tool(args, env):
    """Run a PostgreSQL client program; its own message when it fails."""
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{os.path.basename(args[0])} failed: {done.stderr.strip()}")


def staging_folder(purpose):
    """A new folder under UPLOAD_FOLDER/tmp: on the files' own file system, so that hard
    links and renames to and from it work."""
    parent = storage.tmp_folder()
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=f"{purpose}-", dir=parent)


def _empty_folder(folder):
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))


def _size(size):
    """A size for people: 1.4 GB."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024


# ---- commands

@click.command("backup")
@with_appcontext
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="The archive to write (default: klantenportaal-backup-<time>.tar here).")
def backup_command(output):
    """Write a consistent backup (database, stored files, manifest) into one tar archive,
    while the portal keeps running."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    output = output or f"klantenportaal-backup-{stamp}.tar"
    manifest = create_backup(output)
    for key in manifest["missing_files"]:
        click.echo(f"Warning: the database names file {key}, but it was missing on disk "
                   f"already; the backup records it as missing.", err=True)
    for key in manifest.get("damaged_files", []):
        click.echo(f"Warning: stored file {key} does not match the checksum recorded when "
                   f"it was uploaded; it was backed up as it is.", err=True)
    total = sum(entry["size"] for entry in manifest["files"])
    click.echo(f"Backup written to {output}: the {manifest['database']['kind']} database "
               f"({sum(manifest['tables'].values())} rows) and {len(manifest['files'])} "
               f"files ({_size(total)}), {_size(os.path.getsize(output))} in all.")


commands = [backup_command]
