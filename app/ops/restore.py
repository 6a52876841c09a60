"""Restore: check a backup archive (app/ops/backup.py) member by member, load its database
and files into an empty instance, and verify the result against its manifest."""
import gzip
import json
import os
import shutil
import tarfile

import click
from flask.cli import with_appcontext
from sqlalchemy import inspect

from .. import db, storage
from .backup import (
    CHUNK,
    DATABASE_MEMBERS,
    FORMAT,
    KEY_PATTERN,
    MANIFEST,
    BackupError,
    Hashing,
    archive_path,
    database_contents,
    filled_tables,
    libpq,
    pg_tool,
    run_tool,
    staging_folder,
)


def restore_backup(archive):
    """Bring an archive back into this empty instance: check every checksum, load the
    database, put the files back and verify; returns the manifest."""
    engine = db.engine()
    kind = engine.dialect.name
    filled = filled_tables(engine)
    if filled:
        raise BackupError(
            f"The database is not empty (rows in {', '.join(filled[:5])}). restore only "
            f"fills an empty instance: point DATABASE_URL at a new, empty database.")
    stored = next(storage.stored_paths(), None)
    if stored:
        raise BackupError(f"UPLOAD_FOLDER is not empty ({stored}). restore only fills "
                          f"an empty instance: point UPLOAD_FOLDER at a new, empty folder.")
    tool = pg_tool("pg_restore") if kind == "postgresql" else None  # before the long part
    staging = staging_folder("restore")
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
        reader = Hashing(tar.extractfile(member))
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
        storage.remove_file(target + suffix)
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
        storage.fsync_dir(folder)


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



commands = [restore_command]
