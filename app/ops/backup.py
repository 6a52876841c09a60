"""Backup and restore: one tar archive with a consistent copy of the database, every stored
file that copy names, and a manifest with checksums (README: Backup and restore).

The database is copied first (SQLite: the backup API; PostgreSQL: pg_dump on an exported
snapshot), then the files it names. Stored files never change once written (every file gets a
new random key), so only a deletion can come between the two: each named file is hard-linked
aside at once, and a file already deleted by then means the copy is out of date: it is
taken again.
"""
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
from flask import current_app
from flask.cli import with_appcontext
from psycopg.conninfo import make_conninfo
from sqlalchemy import column, create_engine, func, inspect, select, table

from .. import db, storage
from ..models import Document, FirmSettings

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
    except OSError as exc:
        if not storage.is_disk_full(exc):
            raise
        # Whatever was written is removed again (the .part archive, the work folders).
        raise BackupError(
            f"The disk is full ({exc.strerror}: {exc.filename or output}). The backup was "
            f"not written and nothing of it was kept. Free space, or write the backup to "
            f"another disk with --output.") from exc


def _create(engine, kind, output, after_snapshot):
    """create_backup once its arguments were checked; returns the manifest."""
    snapshot = _sqlite_snapshot if kind == "sqlite" else _postgres_snapshot
    work = tempfile.mkdtemp(prefix=".backup-", dir=os.path.dirname(output))
    try:
        pins = _staging_folder("backup")
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
    _remove(path)
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
                _remove(path)
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
        _remove(partial)
        raise


def archive_path(key):
    """Where a stored file lives in the archive (as in UPLOAD_FOLDER)."""
    return f"files/{key[:2]}/{key}"


class _Hashing:
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
        reader = _Hashing(f)
        tar.addfile(info, reader)
    return {"size": reader.size, "sha256": reader.digest.hexdigest()}


def _gzip(path, dest):
    """Compress the SQLite copy (the files are mostly PDFs, compressed already: they stay
    as they are)."""
    with open(path, "rb") as src, gzip.open(dest, "wb", compresslevel=6) as out:
        shutil.copyfileobj(src, out, CHUNK)
    return dest


# ---- restore

def restore_backup(archive):
    """Bring an archive back into this empty instance: check every checksum, load the
    database, put the files back and verify; returns the manifest."""
    engine = db.engine()
    kind = engine.dialect.name
    upload = current_app.config["UPLOAD_FOLDER"]
    filled = filled_tables(engine)
    if filled:
        raise BackupError(
            f"The database is not empty (rows in {', '.join(filled[:5])}). restore only "
            f"fills an empty instance: point DATABASE_URL at a new, empty database.")
    stored = _stored_files(upload)
    if stored:
        raise BackupError(f"UPLOAD_FOLDER is not empty ({stored[0]}). restore only fills "
                          f"an empty instance: point UPLOAD_FOLDER at a new, empty folder.")
    tool = pg_tool("pg_restore") if kind == "postgresql" else None  # before the long part
    staging = _staging_folder("restore")
    try:
        try:
            with tarfile.open(archive, "r:") as tar:
                manifest = _read_manifest(tar, kind, _cut_off(archive))
                _extract_checked(tar, manifest, staging)
        except (tarfile.TarError, EOFError) as exc:
            raise BackupError(f"{archive} is damaged or not a complete tar archive ({exc}); "
                              f"nothing was restored.") from exc
        database_path = os.path.join(staging, manifest["database"]["path"])
        if kind == "sqlite":
            _load_sqlite(engine, database_path)
        else:
            _load_postgres(engine, database_path, manifest, tool)
        _put_files_back(staging, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    problems = _verify(engine, manifest)
    if problems:
        raise BackupError("Restored, but the check afterwards found: " + "; ".join(problems))
    return manifest


def _cut_off(archive):
    """True when the file does not end as every complete tar archive does (tarfile writes
    two zero blocks, padded to a whole record): cut off while written or copied."""
    size = os.path.getsize(archive)
    if size % tarfile.BLOCKSIZE or size < 2 * tarfile.BLOCKSIZE:
        return True
    with open(archive, "rb") as f:
        f.seek(size - 2 * tarfile.BLOCKSIZE)
        return f.read() != bytes(2 * tarfile.BLOCKSIZE)


def _read_manifest(tar, kind, cut_off=False):
    """The archive's manifest, checked to fit this instance and this version. A manifest
    that cannot be read from an archive that was cut off, or that holds the portal's
    members, means a damaged backup, not a foreign archive."""
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError, tarfile.TarError) as exc:
        try:
            ours = any(name in DATABASE_MEMBERS.values() or name.startswith("files/")
                       for name in tar.getnames())
        except tarfile.TarError:  # a member's data ends early
            ours = True
        if cut_off or ours:
            raise BackupError(
                f"The backup archive is damaged{' (it was cut off)' if cut_off else ''}: its "
                f"manifest cannot be read ({exc}). Nothing was restored; use another copy of "
                f"the backup.") from exc
        raise BackupError(f"This is not a backup archive of the portal ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"The archive's manifest is not of format {FORMAT}, the one this "
                          f"version reads.")
    try:
        made_on = manifest["database"]["kind"]
        if made_on != kind:
            raise BackupError(
                f"The archive holds a {made_on} database and this instance runs on {kind}. "
                f"Restoring across kinds is not supported: restore into an instance on "
                f"{made_on}, then move with `flask --app wsgi copy-database --to URL`.")
        if manifest["database"]["path"] != DATABASE_MEMBERS[kind]:
            raise BackupError("The manifest names an unexpected database member.")
        for entry in manifest["files"]:
            if (not KEY_PATTERN.match(entry["key"])
                    or entry["path"] != archive_path(entry["key"])):
                raise BackupError(f"The manifest names an unexpected file: {entry['path']!r}.")
        if not (isinstance(manifest["tables"], dict)
                and isinstance(manifest["missing_files"], list)):
            raise TypeError("tables or missing_files")
    except (KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"The archive's manifest is incomplete ({exc!r}).") from exc
    return manifest


def _extract_checked(tar, manifest, staging):
    """Copy every member into `staging`, checking its size and sha256 against the manifest;
    any difference stops the restore before anything was loaded."""
    database = manifest["database"]
    expected = {database["path"]: (database["path"], database["size"], database["sha256"])}
    for entry in manifest["files"]:
        # Not the bare key: the draft cleanup's sweep takes such names for orphans.
        expected[entry["path"]] = (entry["key"] + ".restoring", entry["size"],
                                   entry["sha256"])
    members = {m.name: m for m in tar.getmembers() if m.name != MANIFEST}
    if set(members) != set(expected):
        odd = sorted(set(members) ^ set(expected))
        raise BackupError(f"The archive does not match its manifest ({', '.join(odd[:5])}).")
    for name, member in members.items():
        staged, size, sha256 = expected[name]
        if not member.isreg():
            raise BackupError(f"{name} in the archive is not a regular file.")
        reader = _Hashing(tar.extractfile(member))
        with open(os.path.join(staging, staged), "wb") as out:
            shutil.copyfileobj(reader, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        if (reader.size, reader.digest.hexdigest()) != (size, sha256):
            raise BackupError(f"{name}: the checksum does not match the manifest; the archive "
                              f"is damaged or was changed. Nothing was restored.")


def _load_sqlite(engine, staged):
    """Put the database file in place of the empty one."""
    target = engine.url.database
    engine.dispose()  # no connection of this process keeps the old file open
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    partial = target + ".restoring"
    with gzip.open(staged, "rb") as src, open(partial, "wb") as out:
        shutil.copyfileobj(src, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())
    # The empty database's journal must not be replayed onto the restored file.
    for suffix in ("-wal", "-shm", "-journal"):
        _remove(target + suffix)
    os.replace(partial, target)


def _load_postgres(engine, staged, manifest, tool):
    """pg_restore into the configured database, in one transaction."""
    pg_restore, tool_major = tool
    made_by = manifest["database"].get("pg_dump_major", 0)
    if tool_major < made_by:
        raise BackupError(f"The archive was made by pg_dump {made_by}; {pg_restore} is "
                          f"version {tool_major} and cannot read it. Install the client "
                          f"programs of version {made_by} or newer.")
    conninfo, env = libpq(engine.url)
    # A database that `flask db upgrade` made has tables, all empty (checked before): the
    # archive's tables replace them.
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        for name in inspect(conn).get_table_names():
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {quote(name)} CASCADE")
    engine.dispose()
    run_tool([pg_restore, "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "--no-password", f"--dbname={conninfo}", staged], env)


def _put_files_back(staging, manifest):
    """Move the checked files from the staging folder to their places (same file system)."""
    folders = set()
    for entry in manifest["files"]:
        path = storage.path_for(entry["key"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.replace(os.path.join(staging, entry["key"] + ".restoring"), path)
        folders.add(os.path.dirname(path))
    for folder in folders:  # the new names are durable only once their folders are synced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _verify(engine, manifest):
    """What differs between the restored instance and the manifest (nothing: [])."""
    with engine.connect() as conn:
        tables, revision, named = database_contents(conn)
    problems = [f"{name} has {tables.get(name)} rows, the backup {count}"
                for name, count in manifest["tables"].items() if tables.get(name) != count]
    if revision != manifest["database"]["alembic_revision"]:
        problems.append(f"schema revision {revision}, the backup's "
                        f"{manifest['database']['alembic_revision']}")
    for entry in manifest["files"]:
        path = storage.path_for(entry["key"])
        if not os.path.isfile(path) or os.path.getsize(path) != entry["size"]:
            problems.append(f"{path} is missing or has the wrong size")
    unaccounted = set(named) - {e["key"] for e in manifest["files"]} \
        - set(manifest["missing_files"])
    if unaccounted:
        problems.append(f"{len(unaccounted)} files named by the database are not in the backup")
    return problems


def _stored_files(upload):
    """Files in UPLOAD_FOLDER outside its tmp folder (uploads in progress live there)."""
    found = []
    for folder, dirs, files in os.walk(upload):
        if folder == upload and storage.TMP_DIR in dirs:
            dirs.remove(storage.TMP_DIR)
        found += [os.path.join(folder, name) for name in files]
        if found:
            break
    return found


# ---- shared helpers

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


def _staging_folder(purpose):
    """A new folder under UPLOAD_FOLDER/tmp: on the files' own file system, so that hard
    links and renames to and from it work."""
    parent = os.path.join(current_app.config["UPLOAD_FOLDER"], storage.TMP_DIR)
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=f"{purpose}-", dir=parent)


def _empty_folder(folder):
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


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


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def restore_command(archive):
    """Restore a backup archive into this empty instance (stop the portal first)."""
    manifest = restore_backup(archive)
    for key in manifest["missing_files"]:
        click.echo(f"Warning: file {key} was already missing when the backup was made.",
                   err=True)
    click.echo(f"Restored the backup of {manifest['created_at']}: "
               f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables "
               f"and {len(manifest['files'])} files; every checksum and count matches.")


commands = [backup_command, restore_command]
