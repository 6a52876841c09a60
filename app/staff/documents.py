"""Staff side: publishing documents in a dossier, withdrawing them, and who downloaded what."""
import os
from typing import NamedTuple

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlmodel import select
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from .. import audit, filecheck, firm, storage, uploads
from ..db import get_session
from ..htmx import fragment, is_htmx
from ..messages.forms import upload_limits
from ..models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    Document,
    DocumentDownload,
    User,
    utcnow,
)
from ..notifications import dossier_clients, notify_dossier
from . import bp
from .access import get_staff_document, get_staff_dossier, on_behalf, staff_documents

PUBLISHED = (CAT_CORRESPONDENCE, CAT_DOCUMENT)  # what staff publish, and may withdraw
SECTIONS = (CAT_CORRESPONDENCE, CAT_DOCUMENT, CAT_PROVIDED, CAT_ATTACHMENT)
MAX_TITLE = 255


class PublishForm(FlaskForm):
    category = RadioField(_l("Publish in"), default=CAT_CORRESPONDENCE, choices=[
        SelectChoice(CAT_CORRESPONDENCE, _l("Correspondence")),
        SelectChoice(CAT_DOCUMENT, _l("Documents"))])
    files = MultipleFileField(_l("Choose files"))


class Stored(NamedTuple):
    """A file streamed to disk for publishing, before its row exists."""

    filename: str
    title: str
    content_type: str
    key: str
    sha256: str
    size: int


class Row(NamedTuple):
    """A document in the staff's list: who put it there, and each client account's
    downloads (None: not downloaded)."""

    document: Document
    uploader: str
    marks: list


@bp.route("/dossiers/<int:dossier_id>/documenten", methods=["GET", "POST"])
def dossier_documents(dossier_id):
    """Every document of a dossier with its downloads, and publishing new ones."""
    db = get_session()
    dossier = get_staff_dossier(db, current_user, dossier_id)
    form = PublishForm()
    if request.method == "GET":
        return documents_page(db, dossier, form)
    files = uploads.chosen_files(form.files.data or [])
    if not form.validate_on_submit() or not files:
        if not files:
            form.files.errors = [*form.files.errors, _("Choose one or more files to publish.")]
        return documents_page(db, dossier, form, status=400)
    db.commit()  # end the read transaction: no database lock is held during the disk work
    stored, problems = store_files(files, request.form.getlist("titles"))
    if problems:
        return documents_page(db, dossier, form, problems=problems, status=400)
    try:
        published = publish(db, current_user, dossier, form.category.data, stored)
        db.commit()
    except BaseException:
        db.rollback()
        remove_stored(stored)
        raise
    flash(ngettext("%(num)s document has been published.",
                   "%(num)s documents have been published.", len(published)), "success")
    return redirect(url_for("staff.dossier_documents", dossier_id=dossier.id))


@bp.post("/documenten/<int:document_id>/intrekken")
def withdraw_document(document_id):
    """Intrekken: the clients no longer see the document (it can be published again)."""
    return set_withdrawn(document_id, True)


@bp.post("/documenten/<int:document_id>/publiceren")
def republish_document(document_id):
    """Publish a withdrawn document again; its clients are told as for a new one."""
    return set_withdrawn(document_id, False)


@bp.get("/documenten/<int:document_id>")
def download(document_id):
    """Stream a document to a staff member; a client's download mark is not touched."""
    db = get_session()
    document = get_staff_document(db, current_user, document_id)
    response = storage.send_document(document)  # 404 when its file is gone
    # An identity document (Wwft) says so: who fetched which passport is asked for often.
    audit.record(db, "document.downloaded", actor=current_user, target=document,
                 dossier_id=document.dossier_id, staff=True,
                 range=request.headers.get("Range"),
                 **({"identity": True} if document.identity else {}))
    db.commit()
    return response


# ---- helpers of the views above

def store_files(files, titles):
    """Stream each upload to disk under a new key; returns (stored, problems). With any
    problem nothing is kept: a publication goes out whole or not at all."""
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
        key, digest, size = filecheck.store(upload.stream, name, min(per_file, room))
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
        return _("“%(name)s” is larger than %(max)s MB and cannot be published.", name=name,
                 max=uploads.megabytes(settings.max_file_mb))
    return _("“%(name)s” cannot be published: the files of one publication may be at most "
             "%(max)s MB together.", name=name,
             max=uploads.megabytes(settings.max_message_mb))


def publish(db, user, dossier, category, stored):
    """Add a row for each stored file in `category`, audit each, and tell the dossier's
    clients. Not committed."""
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
                     size=document.size, sha256=document.sha256, **on_behalf(user, dossier))
        # One item per document, so the mail counts them right; items that close together
        # still go out as one mail (app.notifications).
        notify_dossier(db, dossier.id, "document", document)
    return documents


def set_withdrawn(document_id, withdraw):
    """Withdraw a published document or publish it again (a second click changes nothing),
    then show the list."""
    db = get_session()
    document = publishable(db, document_id)
    dossier = get_staff_dossier(db, current_user, document.dossier_id)
    if (document.withdrawn_at is None) == withdraw:
        document.withdrawn_at = utcnow() if withdraw else None
        again = {} if withdraw else {"again": True}
        audit.record(db, "document.withdrawn" if withdraw else "document.published",
                     actor=current_user, target=document, dossier_id=dossier.id,
                     title=document.title, **again, **on_behalf(current_user, dossier))
        if not withdraw:
            notify_dossier(db, dossier.id, "document", document)
        db.commit()
    if withdraw:
        return changed(db, dossier, _("“%(title)s” has been withdrawn: clients no longer "
                                      "see it.", title=document.title))
    return changed(db, dossier, _("“%(title)s” has been published again.",
                                  title=document.title))


def publishable(db, document_id):
    """A document the staff member published (or could have), else 404."""
    document = get_staff_document(db, current_user, document_id)
    if document.category not in PUBLISHED:
        abort(404)
    return document


def changed(db, dossier, notice):
    """After withdrawing or publishing again: the list for htmx, else back to the page."""
    if is_htmx():
        return fragment("staff/_documents.html", dossier=dossier, notice=notice,
                        sections=document_sections(db, current_user, dossier))
    flash(notice, "success")
    return redirect(url_for("staff.dossier_documents", dossier_id=dossier.id))


def documents_page(db, dossier, form, problems=(), status=200):
    """The documents page: the publishing form, then every document of the dossier."""
    response = make_response(render_template(
        "staff/documents.html", dossier=dossier, form=form, problems=problems,
        sections=document_sections(db, current_user, dossier), **upload_limits()))
    response.status_code = status
    return response


def document_sections(db, user, dossier):
    """[(category, rows)] of every document of the dossier the staff member may see, newest
    first, each with every client account's downloads."""
    documents = db.exec(staff_documents(user).where(Document.dossier_id == dossier.id)
                             .order_by(Document.created_at.desc(), Document.id.desc())).all()
    ids = [d.id for d in documents]
    downloads = db.exec(select(DocumentDownload).where(
        DocumentDownload.document_id.in_(ids))).all() if ids else []
    marks = {(m.document_id, m.user_id): m for m in downloads}
    clients = {u.id: u.name for u in dossier_clients(db, dossier.id)}
    # Accounts that downloaded but no longer have access still count as downloads.
    others = {m.user_id for m in downloads} - set(clients)
    people = {d.uploaded_by_id for d in documents if d.uploaded_by_id} | others
    names = dict(db.exec(select(User.id, User.name).where(User.id.in_(people))).all()) \
        if people else {}
    accounts = sorted(clients.items(), key=lambda item: item[1].lower())
    rows = {category: [] for category in SECTIONS}
    for document in documents:
        seen = [(name, marks.get((document.id, user_id))) for user_id, name in accounts]
        seen += [(names.get(user_id, ""), marks[(document.id, user_id)])
                 for user_id in sorted(others) if (document.id, user_id) in marks]
        rows.setdefault(document.category, []).append(
            Row(document, names.get(document.uploaded_by_id, ""), seen))
    return [(category, rows[category]) for category in rows]
