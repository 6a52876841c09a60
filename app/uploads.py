"""Uploaded files: safe display names, allowed types, size limits, and storing them checked:
a message's attachments, and the files handed in for a request for documents."""
import os
import unicodedata

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _

from . import audit, filecheck, firm, quota, storage
from .models import CAT_ATTACHMENT, Document, MessageAttachment

MAX_NAME_LENGTH = 150
MAX_EXTENSION_LENGTH = 16
# Characters that some file systems refuse; they are replaced, never passed on.
_RESERVED = set('<>:"/\\|?*')
MB = 1024 * 1024


class SizeProblem(str):
    """A problem with an upload (a message for the user) that is about its size: the API
    answers it with 413 rather than 422."""


def clean_filename(name):
    """The name to show and to download under: path parts, control and format characters
    removed, unicode letters kept, whitespace collapsed, at most MAX_NAME_LENGTH long."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Category C: control, format (bidi overrides), surrogates, private use, unassigned.
    name = "".join("_" if ch in _RESERVED else ch for ch in name
                   if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        if len(ext) > MAX_EXTENSION_LENGTH:
            stem, ext = name, ""
        name = stem[:MAX_NAME_LENGTH - len(ext)].rstrip(" .") + ext
    return name


def content_type_for(filename):
    """The content type of an allowed file name, or None when the type is refused."""
    extension = os.path.splitext(filename)[1].lower()
    return current_app.config["ALLOWED_UPLOAD_TYPES"].get(extension)


def allowed_extensions():
    """The allowed extensions, for hints, the file chooser's accept and the dialog."""
    return sorted(current_app.config["ALLOWED_UPLOAD_TYPES"])


def limits():
    """(bytes per file, bytes per message): the firm's settings, else MAX_FILE_MB and
    MAX_MESSAGE_FILES_MB."""
    settings = firm.current()
    return int(settings.max_file_mb * MB), int(settings.max_message_mb * MB)


def megabytes(value):
    """A limit in MB as people write it in their language: 100, or 0,5."""
    return format_decimal(value, "#,##0.###")


def chosen_files(files):
    """The uploads that hold a file (a form sent without a choice has one empty part); the
    resumable uploads a form names come from resumable.chosen."""
    return [f for f in files if f and f.filename]


def max_files():
    """How many files one message may carry (MAX_FILES_PER_MESSAGE)."""
    return current_app.config["MAX_FILES_PER_MESSAGE"]


def too_many(count, files):
    """The message for the user when `files` more would take a message holding `count`
    past max_files(), else None."""
    if count + len(files) <= max_files():
        return None
    return _("You chose %(chosen)s files; a message may carry at most %(max)s files. No file "
             "has been added: choose fewer files, or send the rest in another message.",
             chosen=len(files), max=max_files())


def store_uploads(db, user, message, files, used, room=None, count=0):
    """Store each upload (streamed to disk first) and attach it to `message`; `used` and
    `count` are the size and number of the files the message holds already, `room` what
    the uploader may still store today (quota.room; None: no limit). Returns (documents,
    problems): the documents are added to the session, not committed; the problems are
    messages for the user. Nothing is kept when there are too many files. Raises
    quota.Exceeded (a parallel upload took the day's room) or storage.InsufficientStorage
    (a full disk), keeping no file."""
    problem = too_many(count, files)
    if problem is not None:
        return [], [problem]
    per_file, per_message = limits()
    documents, problems = [], []
    try:
        store_each(user, files, documents, problems, per_file, room, per_message, used)
        for document in documents:
            document.dossier_id, document.category = message.dossier_id, CAT_ATTACHMENT
            db.add(document)
        db.flush()
        if documents:
            quota.charge(db, user)
    except BaseException:
        discard(documents)
        raise
    for document in documents:
        db.add(MessageAttachment(message_id=message.id, document_id=document.id))
        audit.record(db, "attachment.uploaded", actor=user, target=document,
                     dossier_id=message.dossier_id, message_id=message.id,
                     size=document.size, sha256=document.sha256)
    return documents, problems


def store_files(user, files, room=None):
    """Stream uploads that are no message's attachments (the files handed in for an item
    of a request for documents) to disk, checked as attachments are; `room` as for
    store_uploads. Returns (documents, problems): Documents not added to any session, for
    the caller to file (or to discard). Nothing is kept when there are too many files.
    Raises storage.InsufficientStorage (a full disk), keeping no file."""
    if len(files) > max_files():
        return [], [_("You chose %(chosen)s files; you can upload at most %(max)s files at "
                      "once. No file has been added: choose fewer files, and upload the rest "
                      "afterwards.", chosen=len(files), max=max_files())]
    documents, problems = [], []
    try:
        store_each(user, files, documents, problems, limits()[0], room)
    except BaseException:
        discard(documents)
        raise
    return documents, problems


def discard(documents):
    """Remove the files of documents that were stored but will not be kept."""
    for document in documents:
        storage.remove(document.storage_key)


def store_one(upload, name, limit):
    """Store one upload of at most `limit` bytes, checked: a form's file is streamed to disk
    (filecheck.store), a finished resumable upload (app/resumable.py, checked already) is
    taken. Returns (key, sha256, size); raises filecheck.Refused or storage.TooLarge."""
    if hasattr(upload, "take"):
        return upload.take(limit)
    return filecheck.store(upload.stream, name, limit)


def store_each(user, files, documents, problems, per_file, room=None, per_total=None,
               used=0):
    """Stream each upload to disk, its content checked, and make its Document (no dossier,
    category or session yet) in `documents`; a refused one becomes a message in
    `problems`. `per_total` caps the files together (a message's room, `used` of it taken
    already; None: each file only `per_file`), `room` what the uploader may still store
    today."""
    for upload in files:
        name = clean_filename(upload.filename)
        content_type = content_type_for(name)
        if content_type is None:
            problems.append(_("“%(name)s” has not been added: files of this type are not "
                              "allowed. Allowed are: %(types)s.", name=name or "?",
                              types=", ".join(allowed_extensions())))
            continue
        limit = per_file if per_total is None else min(per_file, per_total - used)
        try:
            allowed = limit if room is None else min(limit, room)
            key, digest, size = store_one(upload, name, allowed)
        except filecheck.Refused as refused:
            problems.append(_("“%(name)s” has not been added. %(reason)s", name=name,
                              reason=refused.reason))
            continue
        except storage.TooLarge as error:
            if room is not None and room < limit:
                problems.append(SizeProblem(_("“%(name)s” has not been added. %(reason)s",
                                              name=name, reason=quota.day_message())))
            elif error.args[0] > per_file:
                problems.append(SizeProblem(_("“%(name)s” is larger than %(max)s MB and has "
                                              "not been added.", name=name,
                                              max=megabytes(firm.current().max_file_mb))))
            else:
                problems.append(SizeProblem(_(
                    "“%(name)s” has not been added: the attachments of one message may be "
                    "at most %(max)s MB together.", name=name,
                    max=megabytes(firm.current().max_message_mb))))
            continue
        if size == 0:
            storage.remove(key)
            problems.append(_("“%(name)s” is empty and has not been added.", name=name))
            continue
        used += size
        if room is not None:
            room -= size
        documents.append(Document(title=os.path.splitext(name)[0] or name, filename=name,
                                  content_type=content_type, size=size, sha256=digest,
                                  storage_key=key, uploaded_by_id=user.id))
