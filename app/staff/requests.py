"""Staff side: requests for documents ("Stukken opvragen"). Ask a client of a dossier for
documents, follow what was handed in, approve or reject each item, add or withdraw items,
and the overview of every open request. The logic is app/doc_requests.py; who may see
which request, and which identity documents, is app/staff/access.py."""
from collections import defaultdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import case
from sqlmodel import select

from .. import doc_requests
from ..db import as_record_id, get_session
from ..forms import claim_form_key, multi_line, require_button, strip
from ..htmx import fragment, is_htmx
from ..models import (
    ITEM_APPROVED,
    ITEM_OPEN,
    ITEM_REJECTED,
    ITEM_SUBMITTED,
    Document,
    DocumentRequest,
    Dossier,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    RequestItem,
    User,
)
from ..notifications import dossier_clients
from ..pages import asked_page, page_size, paginate
from . import bp
from .access import (
    get_staff_dossier,
    get_staff_request,
    staff_documents,
    staff_requests,
)
from .request_forms import (
    Items,
    ItemsForm,
    RequestForm,
    standard_items,
    today,
)
from .request_steps import by_id, overdue, reason_problem, request_item, request_rows, sees_identity

# The states of an item as staff read them (the wording).
STATES = {ITEM_OPEN: _l("To provide"), ITEM_SUBMITTED: _l("Provided, waiting for review"),
          ITEM_APPROVED: _l("Approved"), ITEM_REJECTED: _l("Rejected")}


# ---- the overview and a dossier's requests

@bp.get("/stukken")
def requests_overview():
    """Every open request in the dossiers this staff member may see, overdue ones first."""
    db = get_session()
    query = staff_requests(current_user).where(DocumentRequest.completed_at.is_(None))
    day = today()
    order = (case((DocumentRequest.deadline < day, 0), else_=1),
             DocumentRequest.deadline.is_(None), DocumentRequest.deadline,
             DocumentRequest.created_at, DocumentRequest.id)
    rows, page = paginate(db, query, order, asked_page(), page_size())
    return render_template("staff/requests.html", rows=request_rows(db, rows), page=page)


@bp.get("/dossiers/<int:dossier_id>/stukken")
def dossier_requests(dossier_id):
    """The requests of one dossier, open ones first, and the way to ask for documents."""
    db = get_session()
    dossier = get_staff_dossier(db, current_user, dossier_id)
    found = db.exec(select(DocumentRequest).where(DocumentRequest.dossier_id == dossier.id)
                    .order_by(DocumentRequest.completed_at.is_not(None),
                              DocumentRequest.created_at.desc(), DocumentRequest.id.desc())
                    ).all()
    return render_template("staff/request_dossier.html", dossier=dossier,
                           rows=request_rows(db, found),
                           has_clients=bool(dossier_clients(db, dossier.id)))


# ---- Stukken opvragen

@bp.route("/dossiers/<int:dossier_id>/stukken/opvragen", methods=["GET", "POST"])
def request_new(dossier_id):
    """Stukken opvragen: ask a client account of the dossier for documents, from the firm's
    list or typed, with an optional deadline. The client hears of it in one mail."""
    db = get_session()
    dossier = get_staff_dossier(db, current_user, dossier_id)
    clients = sorted(dossier_clients(db, dossier.id), key=lambda u: (u.name.lower(), u.id))
    posted = request.method == "POST"
    form = RequestForm(clients, formdata=request.form if posted else None)
    if not posted and len(clients) == 1:
        form.client.data = clients[0].id
    items = Items(standard_items(db), request.form if posted else None)
    page = dict(template="staff/request_new.html", dossier=dossier, form=form, items=items,
                action=url_for(".request_new", dossier_id=dossier.id),
                cancel=url_for(".dossier_requests", dossier_id=dossier.id),
                today_iso=today().isoformat())
    chosen, shown = _chosen_items(form, items, page)
    if shown is not None:
        return shown
    client = form.chosen_client()
    new = doc_requests.new_request(db, dossier=dossier, client=client, sent_by=current_user,
                                   items=chosen, deadline=form.deadline_date)
    target = url_for(".document_request", request_id=new.id)
    done = claim_form_key(db, current_user, form.form_key.data, target)
    if done is not None:
        db.rollback()  # the other request of a double click sent it
        return redirect(done, 303)
    db.commit()
    flash(ngettext("%(num)s document has been asked of %(name)s. It is under Actions in the "
                   "client portal, and the client gets an e-mail that there is something new.",
                   "%(num)s documents have been asked of %(name)s. They are under Actions in "
                   "the client portal, and the client gets an e-mail that there is something "
                   "new.", len(chosen), name=client.name), "success")
    return redirect(target, 303)


@bp.route("/stukken/<int:request_id>/toevoegen", methods=["GET", "POST"])
def request_add(request_id):
    """Ask for more documents in a request (it opens again if it was done)."""
    db, doc_request, dossier = _request_or_404(request_id)
    posted = request.method == "POST"
    form = ItemsForm(formdata=request.form if posted else None)
    items = Items(standard_items(db), request.form if posted else None)
    page = dict(template="staff/request_add.html", dossier=dossier, form=form, items=items,
                doc_request=doc_request, client=db.get(User, doc_request.client_id),
                action=url_for(".request_add", request_id=doc_request.id),
                cancel=url_for(".document_request", request_id=doc_request.id))
    chosen, shown = _chosen_items(form, items, page)
    if shown is not None:
        return shown
    target = url_for(".document_request", request_id=doc_request.id)
    if claim_form_key(db, current_user, form.form_key.data, target) is not None:
        db.rollback()
        return redirect(target, 303)
    doc_requests.add_items(db, doc_request, chosen, current_user)
    db.commit()
    flash(ngettext("%(num)s document has been added to the request. The client gets an "
                   "e-mail that there is something new.",
                   "%(num)s documents have been added to the request. The client gets an "
                   "e-mail that there is something new.", len(chosen)), "success")
    return redirect(target, 303)


def _chosen_items(form, items, page):
    """(the items chosen, None) when the form was sent and is valid; else (None, the page
    of `page` to show: as opened, with more rows, or with what is wrong)."""
    if request.method != "POST" or "more" in request.form:
        if request.method == "POST":
            items.more()
        return None, _form_page(**page)
    valid = form.validate_on_submit()
    chosen = items.check()
    if not valid or chosen is None:
        return None, _form_page(**page, status=400)
    return chosen, None


def _form_page(template, status=200, **context):
    """A form that asks for documents; "More rows" with htmx gets only the rows."""
    if is_htmx() and "more" in request.form:
        return fragment("staff/_request_rows.html", **context)
    return render_template(template, dossier_part="staff.dossier_requests", **context), status


# ---- one request: its items, decisions, withdrawing

def _request_or_404(request_id):
    """(db, request, dossier) for a request the staff member may see, else 404."""
    db = get_session()
    doc_request = get_staff_request(db, current_user, request_id)
    return db, doc_request, db.get(Dossier, doc_request.dossier_id)


def _item_or_404(request_id, item_id):
    """(db, request, dossier, item): an item of a request the staff member may see, else
    404; an identity document only for who may see identity documents of the dossier."""
    db, doc_request, dossier = _request_or_404(request_id)
    return db, doc_request, dossier, request_item(db, doc_request, dossier, item_id)


@bp.get("/stukken/<int:request_id>")
def document_request(request_id):
    """A request: each item's state, explanation and files, with approve, reject and
    withdraw."""
    db, doc_request, dossier = _request_or_404(request_id)
    return render_template("staff/request.html", **request_context(db, doc_request, dossier))


def request_context(db, doc_request, dossier, **extra):
    """What the request page and its items part show; `extra` adds a notice or the typed
    reason and problem of a rejection."""
    items = db.exec(select(RequestItem).where(RequestItem.request_id == doc_request.id)
                    .order_by(RequestItem.position, RequestItem.id)).all()
    files = defaultdict(list)
    ids = [item.id for item in items]
    if ids:
        for document in db.exec(staff_documents(current_user)
                                .where(Document.request_item_id.in_(ids))
                                .order_by(Document.created_at.desc(), Document.id.desc())):
            files[document.request_item_id].append(document)
    people = by_id(db, User, {doc_request.client_id, doc_request.sent_by_id}
                    | {item.decided_by_id for item in items} - {None})
    active = [item for item in items if item.withdrawn_at is None]
    context = dict(
        doc_request=doc_request, dossier=dossier, dossier_part="staff.dossier_requests",
        client=people.get(doc_request.client_id), sender=people.get(doc_request.sent_by_id),
        people=people, active=active, withdrawn=[i for i in items if i.withdrawn_at],
        files=files, states=STATES, identity_allowed=sees_identity(db, dossier),
        handed_in=sum(item.state != ITEM_OPEN for item in active),
        waiting=sum(item.state == ITEM_SUBMITTED for item in active),
        overdue=overdue(doc_request), questionnaire=_questionnaire_title(db, doc_request),
        reasons={}, problems={}, notice=None, notice_error=False, notice_item=None,
        swapped=False)
    context.update(extra)
    return context


def _questionnaire_title(db, doc_request):
    """The title of the questionnaire whose answers made the request, or None."""
    if doc_request.assignment_id is None:
        return None
    return db.exec(select(QuestionnaireVersion.title).join(
        QuestionnaireAssignment, QuestionnaireAssignment.version_id == QuestionnaireVersion.id)
        .where(QuestionnaireAssignment.id == doc_request.assignment_id)).first()


@bp.post("/stukken/<int:request_id>/onderdelen/<int:item_id>/goedkeuren")
def approve_item(request_id, item_id):
    """Approve an item as the staff member saw it (its revision)."""
    return _decide(request_id, item_id, approve=True)


@bp.post("/stukken/<int:request_id>/onderdelen/<int:item_id>/afkeuren")
def reject_item(request_id, item_id):
    """Reject an item with a reason, which the client sees; the client may hand in again."""
    return _decide(request_id, item_id, approve=False)


def _decide(request_id, item_id, approve):
    """Approve or reject; a refused decision (the item changed meanwhile) says so and shows
    the item as it is now."""
    db, doc_request, dossier, item = _item_or_404(request_id, item_id)
    require_button()
    revision = as_record_id(request.form.get("revision", ""))
    if revision is None:
        abort(400)
    reason = strip(multi_line(request.form.get("reason", "")))
    problem = reason_problem(reason, approve)
    if problem:
        return _items_part(db, doc_request, dossier, item, status=400,
                           problems={item.id: problem}, reasons={item.id: reason})
    try:
        doc_requests.decide(db, current_user, item, revision, approve, reason or None)
    except doc_requests.Refused as refused:
        db.rollback()
        return _items_part(db, doc_request, dossier, item, status=409, notice=str(refused),
                           notice_error=True, reasons={item.id: reason})
    db.commit()
    if approve:
        notice = _("“%(title)s” has been approved.", title=item.title)
    else:
        notice = _("“%(title)s” has been rejected. The client sees your reason and can hand "
                   "in a new file.", title=item.title)
    if doc_request.completed_at is not None:
        notice += " " + _("Every document has been approved: the request is done and has "
                          "left the client's Actions.")
    return _items_part(db, doc_request, dossier, item, notice=notice)


def _items_part(db, doc_request, dossier, item, status=200, notice=None, notice_error=False,
                **extra):
    """After a decision: the items part for htmx (its own message inside); without
    JavaScript the page with the problem (a 400), or back to the item with a message."""
    if is_htmx():
        return fragment("staff/_request_items.html", **request_context(
            db, doc_request, dossier, notice=notice, notice_error=notice_error,
            notice_item=item.id, swapped=True, **extra))
    if status == 400:
        return render_template("staff/request.html", **request_context(
            db, doc_request, dossier, **extra)), 400
    flash(notice, "error" if notice_error else "success")
    return redirect(url_for(".document_request", request_id=doc_request.id,
                            _anchor=f"item-{item.id}"), 303)


@bp.route("/stukken/<int:request_id>/onderdelen/<int:item_id>/intrekken",
          methods=["GET", "POST"])
def withdraw_item(request_id, item_id):
    """Withdraw an item after a confirmation: the client is no longer asked for it; files
    handed in for it stay in the dossier."""
    db, doc_request, dossier, item = _item_or_404(request_id, item_id)
    back = url_for(".document_request", request_id=doc_request.id)
    if request.method == "GET":
        return render_template("staff/request_withdraw.html", doc_request=doc_request,
                               dossier=dossier, item=item, back=back,
                               dossier_part="staff.dossier_requests")
    require_button()
    try:
        doc_requests.withdraw(db, current_user, item)
    except doc_requests.Refused as refused:
        db.rollback()
        flash(str(refused), "error")
        return redirect(back, 303)
    db.commit()
    flash(_("“%(title)s” has been withdrawn: the client is no longer asked for it.",
            title=item.title), "success")
    return redirect(back, 303)
