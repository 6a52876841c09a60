"""Aan te leveren stukken on the client's side: a request's page with its items, and the
upload of files for one item, saved at once (with htmx only that item is swapped)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import and_, case, func
from sqlmodel import select

from .. import doc_requests, quota, resumable, storage, uploads
from ..access import get_request_for, open_requests, visible_documents
from ..dates import local
from ..db import get_session, one_or_404
from ..forms import FormKeyField, claim_form_key
from ..htmx import fragment, is_htmx
from ..models import (
    ITEM_OPEN,
    ITEM_REJECTED,
    Document,
    DocumentRequest,
    Dossier,
    RequestItem,
    utcnow,
)
from . import bp


class ItemUploadForm(FlaskForm):
    """The files for one item; its key makes a double click hand them in once."""

    files = MultipleFileField(_l("Choose files"))
    form_key = FormKeyField()


def figures(requests):
    """A select of `requests` (a select of DocumentRequest) with, per request, its number of
    active items, of those handed in or approved (doc_requests.progress) and of those the
    client must (again) hand in."""
    return (requests
            .outerjoin(RequestItem, and_(RequestItem.request_id == DocumentRequest.id,
                                         RequestItem.withdrawn_at.is_(None)))
            .add_columns(func.count(RequestItem.id),
                         func.sum(case((RequestItem.state != ITEM_OPEN, 1), else_=0)),
                         func.sum(case((RequestItem.state.in_((ITEM_OPEN, ITEM_REJECTED)), 1),
                                       else_=0)),
                         func.sum(case((RequestItem.state == ITEM_REJECTED, 1), else_=0)))
            .group_by(DocumentRequest.id))


class Figures:
    """What the Acties list and a request's page say of a request: "2 van 5 aangeleverd",
    how many were rejected, and whether its deadline has passed with files still due."""

    def __init__(self, doc_request, asked, handed_in, due, rejected):
        self.request, self.asked, self.handed_in = doc_request, asked, int(handed_in or 0)
        self.due, self.rejected = int(due or 0), int(rejected or 0)
        deadline = doc_request.deadline
        self.overdue = bool(deadline and self.due and local(utcnow()).date() > deadline)


def open_request_rows(db, user):
    """The requests `user` still has to hand in for (Acties): (Figures, dossier number), the
    nearest deadline first, then the oldest."""
    query = (figures(open_requests(user))
             .join(Dossier, Dossier.id == DocumentRequest.dossier_id)
             .add_columns(Dossier.number).group_by(Dossier.number)
             .order_by(DocumentRequest.deadline.is_(None), DocumentRequest.deadline,
                       DocumentRequest.created_at, DocumentRequest.id))
    # execute, not exec: SQLModel would keep only the first column of these rows.
    return [(Figures(*row[:5]), row[5]) for row in db.execute(query).all()]


def figures_of(db, doc_request):
    """The Figures of one request."""
    row = db.execute(figures(select(DocumentRequest).where(
        DocumentRequest.id == doc_request.id))).one()
    return Figures(doc_request, *row[1:])


def handed_in(db, user, items):
    """{item id: [documents handed in for it, oldest first]} as far as `user` may see them."""
    ids = [item.id for item in items]
    documents = db.exec(visible_documents(user).where(Document.request_item_id.in_(ids))
                        .order_by(Document.created_at, Document.id)).all() if ids else []
    found = {item_id: [] for item_id in ids}
    for document in documents:
        found[document.request_item_id].append(document)
    return found


def _request_and_item(request_id, item_id):
    """(db, request, item) of the current client, else 404; a withdrawn item is found (its
    page says it is no longer asked for)."""
    db = get_session()
    doc_request = get_request_for(db, current_user, request_id)
    item = one_or_404(db, select(RequestItem).where(RequestItem.id == item_id,
                                                    RequestItem.request_id == doc_request.id))
    return db, doc_request, item


@bp.get("/acties/stukken/<int:request_id>")
def document_request(request_id):
    """A request for documents: each item with its state, its files and an upload; a
    request that is done still opens, to read."""
    db = get_session()
    doc_request = get_request_for(db, current_user, request_id)
    items = doc_requests.active_items(db, doc_request)
    dossier = db.get(Dossier, doc_request.dossier_id)
    return render_template("portal/request.html", doc_request=doc_request, items=items,
                           dossier=dossier, figures=figures_of(db, doc_request),
                           files=handed_in(db, current_user, items), form=ItemUploadForm())


@bp.post("/acties/stukken/<int:request_id>/<int:item_id>")
def hand_in(request_id, item_id):
    """Upload files for one item: stored first, then filed in one commit; with htmx the
    item is swapped, without the page comes back (PRG)."""
    db, doc_request, item = _request_and_item(request_id, item_id)
    form = ItemUploadForm()
    if not form.validate_on_submit():
        return _answer(db, doc_request, item, [_("This form has expired. Please upload the "
                                                 "files again.")])
    files = (uploads.chosen_files(form.files.data or [])
             + resumable.chosen(db, current_user, f"item:{item.id}"))
    if not files:
        return _answer(db, doc_request, item, [_("Choose one or more files to upload.")])
    if not doc_requests.takes_files(item):
        return _answer(db, doc_request, item, [str(doc_requests.why_no_files(item))])
    room = quota.room(db, current_user)
    db.commit()  # no transaction (on SQLite: no write lock) while the files stream to disk
    stored = 0
    try:
        documents, problems = uploads.store_files(current_user, files, room)
        if documents:
            stored = _file(db, doc_request, item, form, documents)
    except (doc_requests.Refused, quota.Exceeded) as refused:
        problems.append(str(getattr(refused, "message", refused)))
    except storage.InsufficientStorage:
        problems = [_("There is no storage space left on the server right now, so your "
                      "files have not been stored. Try again later.")]
    return _answer(db, doc_request, item, problems, stored)


def _file(db, doc_request, item, form, documents):
    """Hand the stored `documents` in for `item` and commit; returns how many. On any
    failure (Refused: withdrawn or approved meanwhile; quota.Exceeded; a full disk as
    storage.InsufficientStorage) nothing is kept, the files neither."""
    try:
        result = url_for("portal.document_request", request_id=doc_request.id)
        if claim_form_key(db, current_user, form.form_key.data, result) is not None:
            # The other request of a double click handed the same files in.
            db.rollback()
            uploads.discard(documents)
            return len(documents)
        doc_requests.hand_in(db, current_user, item, documents)
        quota.charge(db, current_user)
        db.commit()
    except BaseException as error:
        db.rollback()
        uploads.discard(documents)
        if isinstance(error, Exception) and storage.is_disk_full(error):
            raise storage.InsufficientStorage() from error
        raise
    return len(documents)


def _answer(db, doc_request, item, problems, stored=0):
    """After an upload: for htmx the item again, saying what happened (and the request's
    status, out of band); else the same flashed on the request's page (PRG)."""
    done = ngettext("%(num)s file has been provided for “%(title)s”.",
                    "%(num)s files have been provided for “%(title)s”.", stored,
                    title=item.title) if stored else None
    if is_htmx():
        db.expire_all()
        doc_request = db.get(DocumentRequest, doc_request.id)
        item = db.get(RequestItem, item.id)
        return fragment("portal/_request_item.html", doc_request=doc_request, item=item,
                        files=handed_in(db, current_user, [item]), form=ItemUploadForm(),
                        figures=figures_of(db, doc_request), problems=problems, done=done,
                        alone=True)
    if problems:
        flash(_("Not everything has been stored for “%(title)s”:", title=item.title), "error")
    for problem in problems:
        flash(problem, "error")
    if done:
        flash(done, "success")
    return redirect(url_for("portal.document_request", request_id=doc_request.id))
