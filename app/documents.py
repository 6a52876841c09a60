"""The firm's documents in a dossier, for the staff pages and the API alike: storing files
for publishing, publishing, withdrawing, a staff member's download, and who downloaded what."""
import os
from typing import NamedTuple

from flask import request
from flask_babel import gettext as _
from sqlmodel import select

from . import audit, filecheck, firm, storage, uploads
from .models import CAT_CORRESPONDENCE, CAT_DOCUMENT, Document, DocumentDownload, User, utcnow
from .notifications import dossier_clients, notify_dossier

PUBLISHED = (CAT_CORRESPONDENCE, CAT_DOCUMENT)  # what staff publish, and may withdraw
MAX_TITLE = 255


class Stored(NamedTuple):
    """A file streamed to disk for publishing, before its row exists."""

    filename: str
    title: str
    content_type: str
    key: str
    sha256: str
    size: int


def store_files(files, titles):
    """Stream each upload to disk under a new key; returns (stored, problems). With any
    problem nothing is kept: a publication goes out whole or not at all. A problem about a
    file's size is an uploads.SizeProblem."""
    per_file, per_upload = uploads.limits()
    stored, problems, used = [], [], 0
    try:
        for index, upload in enumerate(files):
            name = uploads.clean_filename(upload.filename) or "?"
            title = " ".join((titles[index] if index < len(titles) else "").split())
            problem, item = store_one(upload, name, title, per_file, per_upload - used)
            if problem:
                problems.append(problem)
            else:
                stored.append(item)
                used += item.size
    except BaseException:
        remove_stored(stored)
        raise
    if problems:
        remove_stored(stored)
        return [], problems
    return stored, []


def store_one(upload, name, title, per_file, room):
    """Check and stream one upload; returns (problem, None) or (None, Stored)."""
    content_type = uploads.content_type_for(name)
    if content_type is None:
        return _("“%(name)s” cannot be published: files of this type are not allowed. "
                 "Allowed are: %(types)s.", name=name,
                 types=", ".join(uploads.allowed_extensions())), None
    if len(title) > MAX_TITLE:
        return _("The title of “%(name)s” may be at most %(max)d characters long.",
                 name=name, max=MAX_TITLE), None
    try:
        key, digest, size = uploads.store_one(upload, name, min(per_file, room))
    except filecheck.Refused as refused:
        return _("“%(name)s” cannot be published. %(reason)s", name=name,
                 reason=refused.reason), None
    except storage.TooLarge as error:
        return too_large(name, error.args[0] > per_file), None
    if size == 0:
        storage.remove(key)
        return _("“%(name)s” is empty and cannot be published.", name=name), None
    return None, Stored(name, title or os.path.splitext(name)[0] or name, content_type, key,
                        digest, size)


def remove_stored(stored):
    """Delete the files of a publication that does not go out."""
    for item in stored:
        storage.remove(item.key)


def too_large(name, past_file_limit):
    """Why a file is too large: past the limit per file, or past the room of the upload."""
    settings = firm.current()
    if past_file_limit:
        return uploads.SizeProblem(_(
            "“%(name)s” is larger than %(max)s MB and cannot be published.", name=name,
            max=uploads.megabytes(settings.max_file_mb)))
    return uploads.SizeProblem(_(
        "“%(name)s” cannot be published: the files of one publication may be at most "
        "%(max)s MB together.", name=name, max=uploads.megabytes(settings.max_message_mb)))


def publish(db, user, dossier, category, stored):
    """Add a row for each stored file in `category`, audit each, and tell the dossier's
    clients. Not committed. (A secretary's audit rows name the dossier's lawyer: audit.record.)"""
    documents = []
    for item in stored:
        document = Document(dossier_id=dossier.id, category=category, title=item.title,
                            filename=item.filename, content_type=item.content_type,
                            size=item.size, sha256=item.sha256, storage_key=item.key,
                            uploaded_by_id=user.id)
        db.add(document)
        documents.append(document)
    db.flush()
    for document in documents:
        audit.record(db, "document.published", actor=user, target=document,
                     dossier_id=dossier.id, category=category, title=document.title,
                     size=document.size, sha256=document.sha256)
        # One item per document, so the mail counts them right; items that close together
        # still go out as one mail (app.notifications).
        notify_dossier(db, dossier.id, "document", document)
    return documents


def set_withdrawn(db, user, dossier, document, withdraw):
    """Withdraw a published document (its clients no longer see it) or publish it again
    (they are told as for a new one); True when that changed something (a second click
    changes nothing). Not committed."""
    if (document.withdrawn_at is None) != withdraw:
        return False
    document.withdrawn_at = utcnow() if withdraw else None
    again = {} if withdraw else {"again": True}
    audit.record(db, "document.withdrawn" if withdraw else "document.published",
                 actor=user, target=document, dossier_id=dossier.id,
                 title=document.title, **again)
    if not withdraw:
        notify_dossier(db, dossier.id, "document", document)
    return True


def staff_download(db, user, document, preview=False):
    """The file of a document for a staff member (check access first), audited; a client's
    download mark is not touched. `preview`: shown in the browser (storage.send_preview).
    Not committed."""
    # 404 when the file is gone; a preview also when it is no PDF or image.
    response = storage.send_preview(document) if preview else storage.send_document(document)
    # An identity document (Wwft) says so: who fetched which passport is asked for often.
    audit.record(db, "document.previewed" if preview else "document.downloaded",
                 actor=user, target=document,
                 dossier_id=document.dossier_id, staff=True,
                 range=request.headers.get("Range"),
                 **({"identity": True} if document.identity else {}))
    return response


def downloads(db, dossier, documents):
    """(uploader names, marks) for `documents` of `dossier`: {user id: name} of who put them
    there, and {document id: [(user id, name, DocumentDownload or None)]} for every client
    account of the dossier (by name), then accounts that downloaded but no longer have
    access (they still count as downloads)."""
    ids = [d.id for d in documents]
    found = db.exec(select(DocumentDownload).where(
        DocumentDownload.document_id.in_(ids))).all() if ids else []
    marks = {(m.document_id, m.user_id): m for m in found}
    clients = {u.id: u.name for u in dossier_clients(db, dossier.id)}
    others = {m.user_id for m in found} - set(clients)
    people = {d.uploaded_by_id for d in documents if d.uploaded_by_id} | others
    names = dict(db.exec(select(User.id, User.name).where(User.id.in_(people))).all()) \
        if people else {}
    accounts = sorted(clients.items(), key=lambda item: item[1].lower())
    seen = {}
    for document in documents:
        seen[document.id] = [(user_id, name, marks.get((document.id, user_id)))
                             for user_id, name in accounts]
        seen[document.id] += [(user_id, names.get(user_id, ""), marks[(document.id, user_id)])
                              for user_id in sorted(others) if (document.id, user_id) in marks]
    return names, seen
