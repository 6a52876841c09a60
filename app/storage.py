"""Files live outside the web root under generated names; the original name is only shown."""
import hashlib
import io
import os
import secrets
import tempfile

from flask import Request, current_app, send_file


def path_for(storage_key):
    """Where the file with this key lives on disk."""
    if not storage_key.isalnum():
        raise ValueError("bad storage key")
    return os.path.join(current_app.config["UPLOAD_FOLDER"], storage_key[:2], storage_key)


def send_stored(storage_key, *, content_type, filename, etag):
    """A download of a stored file, as an attachment under its original name and never
    cached: the file itself, or with X_ACCEL_REDIRECT set an empty answer that tells nginx
    to send it. Check access, and count the download, before calling this."""
    prefix = current_app.config.get("X_ACCEL_REDIRECT")
    if not prefix:
        response = send_file(path_for(storage_key), mimetype=content_type, as_attachment=True,
                             download_name=filename, conditional=True, etag=etag, max_age=0)
    else:
        # send_file with an empty body gives the very same Content-Type and (RFC 6266)
        # Content-Disposition; nginx keeps those and answers Range and If-* itself.
        response = send_file(io.BytesIO(), mimetype=content_type, as_attachment=True,
                             download_name=filename, conditional=False, etag=False, max_age=0)
        relative = os.path.relpath(path_for(storage_key), current_app.config["UPLOAD_FOLDER"])
        response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + relative
    response.headers["Cache-Control"] = "private, no-store"
    return response


def store_bytes(data):
    """Write `data` under a new random key; returns (key, sha256, size)."""
    key = secrets.token_hex(16)
    path = path_for(key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)  # a crash never leaves half a file under the real name
    return key, hashlib.sha256(data).hexdigest(), len(data)


CHUNK_SIZE = 64 * 1024
FILE_MODE = 0o640
TMP_DIR = "tmp"  # under UPLOAD_FOLDER, so that os.replace stays on one file system


class TooLarge(Exception):
    """The stream grew past the size it was allowed."""


def store_stream(stream, max_size=None, check=None):
    """Copy a file-like object to a new key in chunks, hashing as it goes; returns
    (key, sha256, size). Raises TooLarge, keeping nothing, past `max_size` bytes.
    `check(path, size)` sees the complete temporary file first; whatever it raises
    refuses the file, which is then removed (app/filecheck.py)."""
    key = secrets.token_hex(16)
    path = path_for(key)
    tmp_dir = os.path.join(current_app.config["UPLOAD_FOLDER"], TMP_DIR)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.makedirs(tmp_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
    # mkstemp makes it 0600. Readable by the folder's group too, so that nginx, given that
    # group, can send it (X_ACCEL_REDIRECT, docs/deploy.md); others still cannot.
    os.fchmod(fd, FILE_MODE)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as f:
            while chunk := stream.read(CHUNK_SIZE):
                size += len(chunk)
                if max_size is not None and size > max_size:
                    raise TooLarge(size)
                digest.update(chunk)
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        if check is not None:
            check(tmp, size)
        os.replace(tmp, path)  # only a complete, synced, checked file gets the real name
    except BaseException:
        _unlink(tmp)
        raise
    _fsync_dir(os.path.dirname(path))
    return key, digest.hexdigest(), size


# An upload's first bytes stay in memory, the rest goes to disk (Werkzeug's own threshold).
SPOOL_IN_MEMORY = 500 * 1024


class UploadRequest(Request):
    """Flask's request, whose form parser spools each uploaded file to a temporary file in
    UPLOAD_FOLDER/tmp: on the files' own disk, never whole in memory, and not in the
    system's temporary folder (often a tmpfs, which is memory too)."""

    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):
        tmp_dir = os.path.join(current_app.config["UPLOAD_FOLDER"], TMP_DIR)
        os.makedirs(tmp_dir, exist_ok=True)
        # Unnamed once rolled over to disk: it disappears with the request, even on a crash.
        return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="rb+",
                                             dir=tmp_dir)


def remove(storage_key):
    """Delete the file with this key; a file that is gone already is fine."""
    _unlink(path_for(storage_key))


def _unlink(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _fsync_dir(path):
    # The new name is durable only once the directory entry is on disk too.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
