"""Resumable uploads (tus 1.0: core, creation, termination, expiration; app/tus.py answers
the protocol). An upload belongs to one user and one target: a message in a dossier, a
publication in a dossier, or an item of a request for documents. Its bytes go straight to
UPLOAD_FOLDER/tus/<token> in large blocks, hashed as they arrive; once complete the file
gets the checks of every upload (app/filecheck.py) and waits there until the form that
chose it files it (`chosen`, `Finished.take`). A refused file is removed at once, one never
filed when it expires (`remove_expired`, from the hourly cleanup).
"""
import base64
import binascii
import fcntl
import hashlib
import os
import secrets
from collections import OrderedDict
from datetime import timedelta

from flask import abort, current_app, request
from flask_babel import gettext as _
from sqlalchemy import delete, func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import select
from werkzeug.exceptions import ClientDisconnected

from . import filecheck, quota, storage, uploads
from .access import get_dossier_for, get_request_for
from .doc_requests import takes_files, why_no_files
from .models import RequestItem, Upload, utcnow
from .staff.access import get_staff_dossier

TARGETS = ("message", "publish", "item")
FIELD = "tus"  # the form field that names finished uploads
_hashes = OrderedDict()  # token -> (offset, sha256 so far) of this process's recent chunks
HASHES_KEPT = 64


class Problem(Exception):
    """An upload refused: `status` for the answer, `message` for the user."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def folder():
    """UPLOAD_FOLDER/tus, where uploads under way live."""
    return os.path.join(current_app.config["UPLOAD_FOLDER"], storage.TUS_DIR)


def path_of(upload):
    """Where the bytes of `upload` are."""
    return os.path.join(folder(), upload.token)


def expires(now=None):
    """When an upload touched now expires."""
    return (now or utcnow()) + timedelta(hours=current_app.config["TUS_EXPIRY_HOURS"])


def parse_metadata(header):
    """Upload-Metadata ("key base64value,key2 base64value2") as {key: text}; Problem on a
    value that is not base64 of UTF-8."""
    values = {}
    for pair in (header or "").split(","):
        key, _sep, value = pair.strip().partition(" ")
        if not key:
            continue
        try:
            values[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise Problem(400, _("The upload could not be started. Reload the page and try "
                                 "again.")) from None
    return values


def check_target(db, user, target):
    """404 unless `user` may upload for `target` now; Problem when an item takes no files."""
    kind, _sep, number = (target or "").partition(":")
    if kind not in TARGETS or not number.isdigit() or len(number) > 18:
        abort(404)
    number = int(number)
    if kind == "item":
        item = db.get(RequestItem, number)
        if item is None or user.is_staff:
            abort(404)
        get_request_for(db, user, item.request_id)
        if not takes_files(item):
            raise Problem(409, str(why_no_files(item)))
    elif user.is_staff:
        get_staff_dossier(db, user, number)
    elif kind == "publish":
        abort(404)
    else:
        get_dossier_for(db, user, number)


def open_uploads(db, user):
    """(how many, bytes announced) of `user`'s uploads not yet filed."""
    return db.exec(select(func.count(), func.coalesce(func.sum(Upload.length), 0))
                   .where(Upload.user_id == user.id)).one()


def create(db, user, length, metadata):
    """Start an upload of `length` bytes (Upload-Length) with Upload-Metadata `metadata`
    (filename, target): checked as the form checks a file (type, size, the day's quota)
    before a byte is sent. Returns the Upload, committed. Raises Problem or aborts 404."""
    values = parse_metadata(metadata)
    target = values.get("target", "")
    check_target(db, user, target)
    name = uploads.clean_filename(values.get("filename", ""))
    if uploads.content_type_for(name) is None:
        raise Problem(415, _("“%(name)s” has not been added: files of this type are not "
                             "allowed. Allowed are: %(types)s.", name=name or "?",
                             types=", ".join(uploads.allowed_extensions())))
    if length == 0:
        raise Problem(400, _("“%(name)s” is empty and has not been added.", name=name))
    per_file = uploads.limits()[0]
    if length > per_file:
        raise Problem(413, _("“%(name)s” is larger than %(max)s MB and has not been added.",
                             name=name, max=uploads.megabytes(per_file / uploads.MB)))
    quota.lock_uploads(db, user)  # two starts at once are counted one after the other
    count, announced = open_uploads(db, user)
    if count >= current_app.config["TUS_MAX_OPEN"]:
        raise Problem(429, _("You have too many uploads under way. Wait until they are "
                             "done, or reload the page, and try again."))
    room = quota.room(db, user)
    if room is not None and length > room - announced:
        raise Problem(413, _("“%(name)s” has not been added. %(reason)s", name=name,
                             reason=quota.day_message()))
    upload = Upload(token=secrets.token_hex(16), user_id=user.id, target=target,
                    filename=name, length=length, expires_at=expires())
    try:
        os.makedirs(folder(), exist_ok=True)
        fd = os.open(path_of(upload), os.O_WRONLY | os.O_CREAT | os.O_EXCL, storage.FILE_MODE)
        os.close(fd)
    except OSError as error:
        if storage.is_disk_full(error):
            raise storage.InsufficientStorage() from error
        raise
    db.add(upload)
    try:
        db.commit()
    except BaseException:
        storage.remove_file(path_of(upload))
        raise
    return upload


def find(db, user, token):
    """`user`'s upload with this token: 404 for none (or another user's), 410 Gone when it
    expired and awaits the cleanup."""
    upload = db.exec(select(Upload).where(Upload.token == token,
                                          Upload.user_id == user.id)).first()
    if upload is None:
        abort(404)
    if upload.expires_at <= utcnow():
        abort(410)
    return upload


def offset_of(upload):
    """How many bytes of `upload` have arrived: the size of its file (404 when it is gone)."""
    try:
        return os.path.getsize(path_of(upload))
    except FileNotFoundError:
        abort(404)


class Busy(Exception):
    """Another request writes to this upload right now."""


def write(upload, offset, stream, content_length):
    """Append the body of a PATCH (`stream`, `content_length` bytes or up to its end when
    None) to the upload's file at `offset`, which must be where it stands; returns the new
    offset. What arrived before the client went away is kept, so it can resume there.
    Raises Problem (409 for a wrong offset, 413 past Upload-Length) or Busy."""
    block = current_app.config["TUS_BLOCK_BYTES"]
    try:
        fd = os.open(path_of(upload), os.O_WRONLY)
    except FileNotFoundError:
        abort(404)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy() from None
        size = os.fstat(fd).st_size
        if offset != size:
            raise Problem(409, _("The upload is not where it was expected. It goes on from "
                                 "where the server stands."))
        remaining = upload.length - size
        if content_length is not None and content_length > remaining:
            raise Problem(413, _("The upload sent more than the file holds."))
        digest = _digest_at(upload, size)
        os.lseek(fd, size, os.SEEK_SET)
        start = size
        try:
            while remaining > 0:
                data = stream.read(min(block, remaining))
                if not data:
                    break
                _write_all(fd, data)
                if digest is not None:
                    digest.update(data)
                size += len(data)
                remaining -= len(data)
            if remaining == 0 and content_length is None and stream.read(1):
                # A body (chunked) longer than the file: none of it is kept, or the upload
                # would look complete (HEAD) without ever being finished.
                os.ftruncate(fd, start)
                size, digest = start, None
                raise Problem(413, _("The upload sent more than the file holds."))
        except OSError as error:
            if storage.is_disk_full(error):
                os.ftruncate(fd, size)  # drop a half-written block: it is sent again
                raise storage.InsufficientStorage() from error
            if not _client_gone(error):
                raise
        except Exception as error:
            if not _client_gone(error):
                raise
        finally:
            _remember(upload.token, size, digest)
        return size
    finally:
        os.close(fd)  # also releases the lock


def _write_all(fd, data):
    """os.write until every byte of `data` is written."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _client_gone(error):
    """True for the ways a request's body ends early (the client went away)."""
    return isinstance(error, (ClientDisconnected, ConnectionError, TimeoutError)) or (
        type(error).__name__ in ("NoMoreData", "ChunkMissingTerminator", "InvalidChunkSize"))


def _digest_at(upload, offset):
    """The SHA-256 of the first `offset` bytes, as this process left it; None when another
    process wrote them (then `finish` hashes the file)."""
    kept = _hashes.pop(upload.token, None)
    if offset == 0:
        return hashlib.sha256()
    if kept is not None and kept[0] == offset:
        return kept[1]
    return None


def _remember(token, offset, digest):
    if digest is None:
        return
    _hashes[token] = (offset, digest)
    while len(_hashes) > HASHES_KEPT:
        _hashes.popitem(last=False)


def finish(db, upload):
    """The last byte arrived: check the file as every upload (app/filecheck.py) and mark it
    finished, committed. A refused file is removed with its row; raises Problem saying why."""
    path = path_of(upload)
    kept = _hashes.pop(upload.token, None)
    digest = kept[1].hexdigest() if kept and kept[0] == upload.length else None
    extension = os.path.splitext(upload.filename)[1].lower()
    try:
        filecheck.check(path, extension, upload.length)
    except filecheck.Refused as refused:
        current_app.logger.info("upload refused: %s (claimed %s)", refused.code,
                                extension or "no extension")
        remove(db, upload)
        raise Problem(422, _("“%(name)s” has not been added. %(reason)s",
                             name=upload.filename, reason=refused.reason)) from None
    upload.sha256 = digest or _hash_file(path)
    upload.finished_at = utcnow()
    db.add(upload)
    db.commit()


def _hash_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while data := f.read(1024 * 1024):
            digest.update(data)
    return digest.hexdigest()


def touch(db, upload):
    """A chunk arrived: the upload expires TUS_EXPIRY_HOURS from now (committed); 404 when
    it was terminated (or expired and removed) while the chunk arrived."""
    until = expires()
    touched = db.execute(update(Upload).where(Upload.id == upload.id).values(expires_at=until))
    db.commit()
    if touched.rowcount != 1:
        _hashes.pop(upload.token, None)
        abort(404)
    set_committed_value(upload, "expires_at", until)


def remove(db, upload):
    """Termination, or a refused file: the row and the bytes go (committed)."""
    _hashes.pop(upload.token, None)
    db.delete(upload)
    db.commit()
    storage.remove_file(path_of(upload))


def remove_expired(db, now=None):
    """Remove the uploads that expired (rows and files), and files in the folder that no row
    names and that were left untouched for TUS_EXPIRY_HOURS; returns how many files went."""
    now = now or utcnow()
    expired = db.exec(select(Upload).where(Upload.expires_at <= now)).all()
    tokens = [upload.token for upload in expired]
    if tokens:
        db.execute(delete(Upload).where(Upload.token.in_(tokens)))
        db.commit()
    removed = 0
    for token in tokens:
        removed += _remove_token(token)
    try:
        names = os.listdir(folder())
    except FileNotFoundError:
        return removed
    known = set(db.exec(select(Upload.token).where(Upload.token.in_(names))).all()) \
        if names else set()
    db.rollback()
    cutoff = now.timestamp() - current_app.config["TUS_EXPIRY_HOURS"] * 3600
    for name in names:
        path = os.path.join(folder(), name)
        try:
            old = os.stat(path).st_mtime < cutoff
        except FileNotFoundError:
            continue
        if name not in known and old:
            removed += _remove_token(name)
    return removed


def _remove_token(token):
    path = os.path.join(folder(), token)
    existed = os.path.exists(path)
    storage.remove_file(path)
    return int(existed)


class Finished:
    """A finished, checked upload chosen in a form, as app/uploads.py stores a file: it has
    a `filename`, and `take` files it instead of streaming it again."""

    def __init__(self, db, upload):
        self.db, self.id, self.token = db, upload.id, upload.token
        self.filename, self.length, self.sha256 = upload.filename, upload.length, upload.sha256

    def take(self, limit):
        """Claim the upload in the caller's transaction (its row goes with that commit; a
        second form naming it finds nothing) and move its file to a new storage key;
        returns (key, sha256, size). Raises storage.TooLarge past `limit`, or
        filecheck.Refused("gone") when it was filed already or its file is gone."""
        if self.length > limit:
            raise storage.TooLarge(self.length)
        claimed = self.db.execute(delete(Upload).where(Upload.id == self.id,
                                                       Upload.finished_at.is_not(None)))
        if claimed.rowcount != 1:
            raise filecheck.Refused("gone")
        source = os.path.join(folder(), self.token)
        try:
            key = storage.adopt(source)
        except FileNotFoundError:
            raise filecheck.Refused("gone") from None
        return key, self.sha256, self.length


def chosen(db, user, target):
    """The finished uploads of `user` for `target` that the form names (field "tus"), in
    the order named; names of others, unknown or unfinished ones are passed over."""
    tokens = [t for t in request.form.getlist(FIELD) if t.isalnum() and len(t) <= 64][:100]
    if not tokens:
        return []
    found = {u.token: u for u in db.exec(select(Upload).where(
        Upload.token.in_(tokens), Upload.user_id == user.id, Upload.target == target,
        Upload.finished_at.is_not(None))).all()}
    return [Finished(db, found[t]) for t in dict.fromkeys(tokens) if t in found]
