"""Files live outside the web root under generated names; the original name is only shown."""
import errno
import hashlib
import io
import os
import secrets
import tempfile

from flask import Request, abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

# A full disk, or the upload folder's disk quota: nothing can be stored until space is freed.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
TMP_DIR = "tmp"  # under UPLOAD_FOLDER, so that os.replace stays on one file system
TUS_DIR = "tus"  # resumable uploads under way (app/resumable.py), on the same file system
TUS_CHUNK = "application/offset+octet-stream"


class InsufficientStorage(HTTPException):
    """The disk of the upload folder is full (HTTP 507): nothing was stored."""

    code = 507
    description = _l("There is no storage space left on the server right now, so nothing "
                     "has been stored. Try again later; if it keeps happening, tell the firm.")


def is_disk_full(error):
    """True when `error` says the disk (or its quota) is full: an OSError, or a database
    error of SQLite ("database or disk is full") or PostgreSQL (SQLSTATE 53100), as the
    driver raised it or wrapped by SQLAlchemy."""
    if isinstance(error, OSError):
        return error.errno in DISK_FULL
    driver_error = getattr(error, "orig", error)  # SQLAlchemy's DBAPIError wraps the driver's
    return (getattr(driver_error, "sqlstate", None) == "53100"
            or "database or disk is full" in str(driver_error))


def path_for(storage_key):
    """Where the file with this key lives on disk."""
    if not storage_key.isalnum():
        raise ValueError("bad storage key")
    return os.path.join(current_app.config["UPLOAD_FOLDER"], storage_key[:2], storage_key)


def tmp_folder():
    """UPLOAD_FOLDER/tmp: temporary files on the stored files' own file system (it may not
    exist yet)."""
    return os.path.join(current_app.config["UPLOAD_FOLDER"], TMP_DIR)


def stored_paths():
    """The paths of the stored files in UPLOAD_FOLDER, one by one; its tmp folder (uploads
    in progress) aside."""
    root = current_app.config["UPLOAD_FOLDER"]
    for folder, dirs, files in os.walk(root):
        if folder == root:
            dirs[:] = [d for d in dirs if d not in (TMP_DIR, TUS_DIR)]
        for name in files:
            yield os.path.join(folder, name)


# What the browser may show itself (Bekijken), and how such a file starts: one whose bytes
# say otherwise (a web page named .pdf) is never shown, only downloaded.
PREVIEW_TYPES = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff",
                 "image/png": b"\x89PNG\r\n\x1a\n"}
# A shown file's own policy: a sandbox without allow-scripts (no script, an opaque origin).
# Chromium's PDF viewer works in it as it is; its image view needs its inline style and the
# image. object-src 'self' is for browsers whose PDF viewer is a plugin. plugin-types is
# left out: CSP 3 dropped it and Chromium warns about it. tests/browser/test_preview.py.
PREVIEW_CSP = ("sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
               "object-src 'self'; frame-ancestors 'none'")


def send_stored(storage_key, *, content_type, filename, etag, inline=False):
    """A download of a stored file, as an attachment under its original name and never
    cached: the file itself, or with X_ACCEL_REDIRECT set an empty answer that tells nginx
    to send it. `inline`: shown in the browser instead, in a sandbox (PREVIEW_CSP); only
    for a file send_preview checked. Check access, and count the download, before calling
    this."""
    prefix = current_app.config.get("X_ACCEL_REDIRECT")
    if not prefix:
        response = send_file(path_for(storage_key), mimetype=content_type,
                             as_attachment=not inline, download_name=filename,
                             conditional=True, etag=etag, max_age=0)
    else:
        # send_file with an empty body gives the very same Content-Type and (RFC 6266)
        # Content-Disposition; nginx keeps those and answers Range and If-* itself.
        response = send_file(io.BytesIO(), mimetype=content_type, as_attachment=not inline,
                             download_name=filename, conditional=False, etag=False, max_age=0)
        relative = os.path.relpath(path_for(storage_key), current_app.config["UPLOAD_FOLDER"])
        response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + relative
    response.headers["Cache-Control"] = "private, no-store"
    if inline:  # nginx copies both from the app's answer (deploy/nginx, /_protected/)
        response.headers["Content-Security-Policy"] = PREVIEW_CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def send_document(document):
    """send_stored for a Document, or 404 when its file is gone (check access first)."""
    if not os.path.exists(path_for(document.storage_key)):
        abort(404)
    return send_stored(document.storage_key, content_type=document.content_type,
                       filename=document.filename, etag=document.sha256)


def previewable(content_type):
    """True for a type the browser may show itself: a PDF, JPEG or PNG."""
    return content_type in PREVIEW_TYPES


def starts_as(storage_key, content_type):
    """True when the stored file's first bytes are those of `content_type` (one of
    PREVIEW_TYPES); False for any other type, or a file that is gone."""
    magic = PREVIEW_TYPES.get(content_type)
    if magic is None:
        return False
    try:
        with open(path_for(storage_key), "rb") as f:
            return f.read(len(magic)) == magic
    except FileNotFoundError:
        return False


def send_preview(document):
    """send_stored for a Document shown in the browser (Bekijken): a PDF, JPEG or PNG whose
    bytes really are one, inline and sandboxed; anything else, or a file that is gone, is a
    404 (check access first). app/filecheck.py checked it at upload; this checks again,
    for files stored before that and in case of doubt."""
    if not starts_as(document.storage_key, document.content_type):
        abort(404)
    return send_stored(document.storage_key, content_type=document.content_type,
                       filename=document.filename, etag=document.sha256, inline=True)


def store_bytes(data):
    """Write `data` under a new random key; returns (key, sha256, size). Raises
    InsufficientStorage on a full disk, keeping nothing."""
    key = secrets.token_hex(16)
    path = path_for(key)
    tmp = path + ".part"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # a crash never leaves half a file under the real name
    except BaseException as error:
        remove_file(tmp)  # half a file on a full disk keeps it full
        if is_disk_full(error):
            raise InsufficientStorage() from error
        raise
    return key, hashlib.sha256(data).hexdigest(), len(data)


CHUNK_SIZE = 64 * 1024
FILE_MODE = 0o640


class TooLarge(Exception):
    """The stream grew past the size it was allowed."""


def store_stream(stream, max_size=None, check=None):
    """Copy a file-like object to a new key in chunks, hashing as it goes; returns
    (key, sha256, size). Raises TooLarge, keeping nothing, past `max_size` bytes, and
    InsufficientStorage when the disk is full (now, or while the request was read).
    `check(path, size)` sees the complete temporary file first; whatever it raises
    refuses the file, which is then removed (app/filecheck.py)."""
    if getattr(stream, "disk_full", False):  # its spool file hit a full disk (SpoolFile)
        raise InsufficientStorage()
    key = secrets.token_hex(16)
    path = path_for(key)
    tmp_dir = tmp_folder()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.makedirs(tmp_dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
    except OSError as error:
        if is_disk_full(error):
            raise InsufficientStorage() from error
        raise
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as f:
            # mkstemp makes it 0600. Readable by the folder's group too, so that nginx, given
            # that group, can send it (X_ACCEL_REDIRECT, docs/deploy.md); others still cannot.
            os.fchmod(f.fileno(), FILE_MODE)
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
    except BaseException as error:
        remove_file(tmp)
        if is_disk_full(error):
            raise InsufficientStorage() from error
        raise
    fsync_dir(os.path.dirname(path))
    return key, digest.hexdigest(), size


def adopt(path):
    """Give the complete, checked file at `path` (on UPLOAD_FOLDER's file system) a new
    storage key, moving it; returns the key. Raises FileNotFoundError when it is gone."""
    key = secrets.token_hex(16)
    target = path_for(key)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.replace(path, target)
    fsync_dir(os.path.dirname(target))
    return key


# An upload's first bytes stay in memory, the rest goes to disk (Werkzeug's own threshold).
SPOOL_IN_MEMORY = 500 * 1024


class SpoolFile(tempfile.SpooledTemporaryFile):
    """A spooled upload that, when the disk fills up while the request is read, lets go of
    what it wrote at once (freeing the space) and swallows the rest: the form's text is
    still parsed, and `disk_full` tells whoever reads the file (store_stream)."""

    disk_full = False

    def write(self, data):
        """Write, or after a full disk drop, `data`."""
        if not self.disk_full:
            try:
                return super().write(data)
            except OSError as error:
                self._give_up(error)
        return len(data)

    def seek(self, *args):
        """Seek (the parser's seek(0) also writes out what is still buffered)."""
        if not self.disk_full:
            try:
                return super().seek(*args)
            except OSError as error:
                self._give_up(error)
        return self._file.seek(*args)

    def _give_up(self, error):
        """Re-raise anything but a full disk; on a full disk close the file, freeing it."""
        if not is_disk_full(error):
            raise error
        self.disk_full = True
        try:
            self._file.close()
        except OSError:  # its last buffered bytes cannot be written either
            pass
        self._file = io.BytesIO()  # empty, so that seek and read still work


class UploadRequest(Request):
    """Flask's request, whose form parser spools each uploaded file to a temporary file in
    UPLOAD_FOLDER/tmp: on the files' own disk, never whole in memory, and not in the
    system's temporary folder (often a tmpfs, which is memory too). Every spool file is
    closed when the request ends, also those a failed parse (client gone) never handed on."""

    @property
    def max_content_length(self):
        """MAX_CONTENT_LENGTH, except for a chunk of a resumable upload: that is written
        straight to its file, never parsed, and app/resumable.py holds it to the upload's
        own length."""
        if self.method == "PATCH" and self.mimetype == TUS_CHUNK:
            return None
        return super().max_content_length

    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):
        tmp_dir = tmp_folder()
        try:
            os.makedirs(tmp_dir, exist_ok=True)
        except OSError as error:
            if not is_disk_full(error):
                raise
        # Unnamed once rolled over to disk: it disappears with the request, even on a crash.
        spool = SpoolFile(max_size=SPOOL_IN_MEMORY, mode="rb+", dir=tmp_dir)
        self.__dict__.setdefault("_spool_files", []).append(spool)
        return spool

    def close(self):
        """Close the request's files, and every spool file made for it (PITFALLS 12)."""
        try:
            super().close()
        finally:
            for spool in self.__dict__.pop("_spool_files", ()):
                spool.close()


def remove(storage_key):
    """Delete the file with this key; a file that is gone already is fine."""
    remove_file(path_for(storage_key))


def remove_file(path):
    """Delete the file at `path`; a file that is gone already is fine."""
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def fsync_dir(path):
    """Make the names in folder `path` durable: a new name is on disk only once the
    folder's entry is too."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
