"""Staff side: publishing documents in a dossier, withdrawing them, and who downloaded what."""
from typing import NamedTuple

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from .. import resumable, uploads
from ..db import get_session
from ..documents import (
    PUBLISHED,
    downloads,
    publish,
    remove_stored,
    staff_download,
    store_files,
)
from ..documents import set_withdrawn as change_withdrawn
from ..htmx import fragment, is_htmx
from ..messages.forms import upload_limits
from ..models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    Document,
)
from . import bp
from .access import get_staff_document, get_staff_dossier, staff_documents

SECTIONS = (CAT_CORRESPONDENCE, CAT_DOCUMENT, CAT_PROVIDED, CAT_ATTACHMENT)


class PublishForm(FlaskForm):
    category = RadioField(_l("Publish in"), default=CAT_CORRESPONDENCE, choices=[
        SelectChoice(CAT_CORRESPONDENCE, _l("Correspondence")),
        SelectChoice(CAT_DOCUMENT, _l("Documents"))])
    files = MultipleFileField(_l("Choose files"))


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
    files = (uploads.chosen_files(form.files.data or [])
             + resumable.chosen(db, current_user, f"publish:{dossier.id}"))
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
    response = staff_download(db, current_user, document)
    db.commit()
    return response


@bp.get("/documenten/<int:document_id>/bekijken")
def preview_document(document_id):
    """Bekijken: a PDF or image shown in the browser (sandboxed; anything else 404),
    audited as a staff download is; a client's download mark is not touched."""
    db = get_session()
    document = get_staff_document(db, current_user, document_id)
    response = staff_download(db, current_user, document, preview=True)
    db.commit()
    return response


# ---- helpers of the views above

def set_withdrawn(document_id, withdraw):
    """Withdraw a published document or publish it again (a second click changes nothing),
    then show the list."""
    db = get_session()
    document = publishable(db, document_id)
    dossier = get_staff_dossier(db, current_user, document.dossier_id)
    if change_withdrawn(db, current_user, dossier, document, withdraw):
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
    names, marks = downloads(db, dossier, documents)
    rows = {category: [] for category in SECTIONS}
    for document in documents:
        seen = [(name, mark) for _user_id, name, mark in marks[document.id]]
        rows.setdefault(document.category, []).append(
            Row(document, names.get(document.uploaded_by_id, ""), seen))
    return [(category, rows[category]) for category in rows]
