"""Upload questions: the file is streamed to disk first, then filed as a Document in the
dossier (Door mij aangeleverd) when the step is saved."""
import os
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .. import audit, filecheck, firm, quota, storage
from ..models import CAT_PROVIDED, Document, utcnow
from ..uploads import (
    allowed_extensions,
    clean_filename,
    content_type_for,
    megabytes,
)


@dataclass
class Stored:
    """A file on disk that no Document names yet."""

    key: str
    sha256: str
    size: int
    filename: str
    content_type: str


def chosen(upload):
    """True when the form part holds a file (a form sent without a choice has an empty one)."""
    return upload is not None and bool(upload.filename)


def store_upload(upload, room=None):
    """(Stored, None) for an acceptable file, or (None, a message for the user). `room` is
    what the uploader may still store today (quota.room; None: no limit)."""
    name = clean_filename(upload.filename)
    content_type = content_type_for(name)
    if content_type is None:
        return None, _l("Files of this type are not allowed. Allowed are: %(types)s.",
                        types=", ".join(allowed_extensions()))
    limit_mb = firm.current().max_file_mb
    limit = int(limit_mb * 1024 * 1024)
    try:
        key, digest, size = filecheck.store(upload.stream, name,
                                            limit if room is None else min(limit, room))
    except filecheck.Refused as refused:
        return None, refused.reason
    except storage.TooLarge:
        if room is not None and room < limit:
            return None, quota.day_message()
        return None, _l("The file is larger than %(max)s MB. Choose a smaller file.",
                        max=megabytes(limit_mb))
    except storage.InsufficientStorage:  # the other answers are still saved
        return None, _l("There is no storage space left on the server right now, so the "
                        "file has not been stored. Your other answers have been saved; try "
                        "again later.")
    if size == 0:
        storage.remove(key)
        return None, _l("The file is empty. Choose another file.")
    return Stored(key, digest, size, name, content_type), None


def discard(stored):
    """Remove files that were stored but will not be filed."""
    for item in stored:
        storage.remove(item.key)


def file_document(db, user, assignment, question, stored, previous=None):
    """Add the Document of a stored upload; the file it replaces is withdrawn. Returns the
    answer to save: {"document": id, "filename": name}."""
    document = Document(dossier_id=assignment.dossier_id, category=CAT_PROVIDED,
                        title=question["label"][:255],
                        filename=stored.filename or os.path.basename(stored.key),
                        content_type=stored.content_type, size=stored.size,
                        sha256=stored.sha256, storage_key=stored.key,
                        uploaded_by_id=user.id)
    db.add(document)
    db.flush()
    if previous and previous.get("document"):
        old = db.get(Document, previous["document"])
        if (old is not None and old.dossier_id == assignment.dossier_id
                and old.uploaded_by_id == user.id and old.withdrawn_at is None):
            old.withdrawn_at = utcnow()
    audit.record(db, "document.uploaded", actor=user, target=document,
                 dossier_id=assignment.dossier_id, assignment_id=assignment.id,
                 question=question["id"], size=stored.size, sha256=stored.sha256)
    return {"document": document.id, "filename": document.filename}
