"""The API's requests for documents (Stukken opvragen): asking a client of a dossier for
documents, adding items, and approving, rejecting or withdrawing what was handed in, as the
staff side does (app/doc_requests.py, app/staff/requests.py)."""
from collections import defaultdict
from datetime import date, datetime
from typing import Literal

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import or_, select

from .. import doc_requests
from ..db import INTEGER_MAX, get_session
from ..forms import multi_line, single_line, strip
from ..models import Document, Dossier, StandardItem
from ..models import DocumentRequest as RequestRow
from ..models import RequestItem as ItemRow
from ..notifications import dossier_clients
from ..staff.access import get_staff_dossier, get_staff_request, staff_documents, staff_requests
from ..staff.request_forms import MAX_EXPLANATION, MAX_ITEMS, MAX_TITLE, deadline_problem
from ..staff.request_steps import reason_problem, request_item, request_rows
from .paging import ListQuery, page
from .problems import Problem, field_error
from .spec import MESSAGES, operation

TAG = "requests"
READ, WRITE = "requests:read", "requests:write"


class DocumentRequestItem(BaseModel):
    id: int
    position: int
    title: str
    explanation: str
    is_identity: bool
    state: Literal["open", "submitted", "approved", "rejected"] = Field(
        description="submitted: handed in, waiting for the firm's check.")
    reason: str | None = Field(description="Why the firm rejected it.")
    revision: int = Field(description="Goes up with every upload and decision: send it with "
                                      "a decision to refuse one taken on an older view.")
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by_id: int | None
    withdrawn_at: datetime | None
    erased_at: datetime | None = Field(description="When its identity documents were erased.")
    document_ids: list[int] = Field(description="The files handed in, newest first.")


class DocumentRequestProgress(BaseModel):
    handed_in: int = Field(description="Items with a file or approved, withdrawn ones aside.")
    total: int
    waiting: int = Field(description="Items waiting for the firm's check.")


class DocumentRequest(BaseModel):
    id: int
    dossier_id: int
    client_id: int
    sent_by_id: int | None
    assignment_id: int | None = Field(description="The questionnaire whose answers made it.")
    deadline: date | None
    overdue: bool
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = Field(description="Every item approved or withdrawn.")
    progress: DocumentRequestProgress
    items: list[DocumentRequestItem]


class DocumentRequestList(BaseModel):
    items: list[DocumentRequest]
    next_cursor: str | None


class DocumentRequestQuery(ListQuery):
    model_config = ConfigDict(extra="forbid")
    dossier_id: int | None = Field(None, ge=1, le=INTEGER_MAX)
    open: bool | None = Field(None, description="true: not completed; false: completed.")


class RequestedItem(BaseModel):
    """An item typed, or one of the firm's list (standard_item_id) alone."""
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, max_length=MAX_TITLE)
    explanation: str | None = Field(None, max_length=MAX_EXPLANATION)
    is_identity: bool | None = Field(None, description="An identity document (Wwft).")
    standard_item_id: int | None = Field(None, ge=1, le=INTEGER_MAX, description=(
        "An item of the firm's list (Instellingen), copied as it is now."))


class DocumentRequestItemsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[RequestedItem] = Field(min_length=1, max_length=MAX_ITEMS)


class DocumentRequestCreate(DocumentRequestItemsCreate):
    model_config = ConfigDict(extra="forbid")
    client_id: int = Field(ge=1, le=INTEGER_MAX, description="A client account of the dossier.")
    deadline: date | None = None


class ItemDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    revision: int | None = Field(None, ge=0, le=INTEGER_MAX, description=(
        "The item's revision as seen; 409 when it changed since. Left out: as it is now."))


class ItemRejection(ItemDecision):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=MAX_EXPLANATION, description="The client reads it.")


def _requests(db, found):
    """The DocumentRequest of each row of `found`, in a constant number of queries."""
    rows = request_rows(db, found)
    ids = [r.id for r in found]
    items, files = defaultdict(list), defaultdict(list)
    if ids:
        for item in db.exec(select(ItemRow).where(ItemRow.request_id.in_(ids))
                            .order_by(ItemRow.position, ItemRow.id)):
            items[item.request_id].append(item)
        item_ids = [item.id for group in items.values() for item in group]
        if item_ids:
            for document in db.exec(staff_documents(g.api_user)
                                    .where(Document.request_item_id.in_(item_ids))
                                    .order_by(Document.created_at.desc(), Document.id.desc())):
                files[document.request_item_id].append(document.id)
    return [DocumentRequest(
        id=r.id, dossier_id=r.dossier_id, client_id=r.client_id, sent_by_id=r.sent_by_id,
        assignment_id=r.assignment_id, deadline=r.deadline, overdue=row["overdue"],
        created_at=r.created_at, updated_at=r.updated_at, completed_at=r.completed_at,
        progress=DocumentRequestProgress(handed_in=row["handed_in"], total=row["total"],
                                         waiting=row["waiting"]),
        items=[DocumentRequestItem(
            id=i.id, position=i.position, title=i.title, explanation=i.explanation,
            is_identity=i.is_identity, state=i.state, reason=i.reason, revision=i.revision,
            submitted_at=i.submitted_at, decided_at=i.decided_at,
            decided_by_id=i.decided_by_id, withdrawn_at=i.withdrawn_at,
            erased_at=i.erased_at, document_ids=files[i.id]) for i in items[r.id]])
        for r, row in zip(found, rows, strict=True)]


def _one(db, doc_request):
    db.refresh(doc_request)
    return _requests(db, [doc_request])[0]


def _location(doc_request):
    return {"Location": url_for("api.get_request", request_id=doc_request.id)}


@operation("GET", "/requests", scope=READ, tag=TAG, query=DocumentRequestQuery,
           response=DocumentRequestList, summary="Requests for documents",
           description="updated_since also keeps those with an item added, handed in, "
                       "decided or withdrawn since.")
def list_requests(query):
    db = get_session()
    found = staff_requests(g.api_user)
    if query.dossier_id is not None:
        found = found.where(RequestRow.dossier_id == query.dossier_id)
    if query.open is not None:
        found = found.where(RequestRow.completed_at.is_(None) if query.open
                            else RequestRow.completed_at.is_not(None))
    if query.updated_since is not None:
        since = query.updated_since
        found = found.where(or_(RequestRow.updated_at >= since, RequestRow.id.in_(
            select(ItemRow.request_id).where(or_(
                ItemRow.created_at >= since, ItemRow.submitted_at >= since,
                ItemRow.decided_at >= since, ItemRow.withdrawn_at >= since)))))
        query = query.model_copy(update={"updated_since": None})
    rows, cursor = page(db, found, RequestRow, query)
    return DocumentRequestList(items=_requests(db, rows), next_cursor=cursor)


@operation("GET", "/requests/<int:request_id>", scope=READ, tag=TAG,
           response=DocumentRequest, summary="A request for documents, with its items")
def get_request(request_id):
    db = get_session()
    return _requests(db, [get_staff_request(db, g.api_user, request_id)])[0]


def _items(db, asked):
    """The items of the call as app.doc_requests takes them, or a 422 naming each wrong
    field."""
    ids = {item.standard_item_id for item in asked if item.standard_item_id is not None}
    standard = {s.id: s for s in db.exec(select(StandardItem).where(
        StandardItem.id.in_(ids)))} if ids else {}
    items, errors = [], []
    for n, item in enumerate(asked):
        where = f"items.{n}"
        if item.standard_item_id is not None:
            chosen = standard.get(item.standard_item_id)
            if item.title is not None or item.explanation is not None \
                    or item.is_identity is not None:
                errors.append({"field": where, "detail": str(_l(
                    "Give a title or a standard_item_id, not both."))})
            elif chosen is None:
                errors.append({"field": f"{where}.standard_item_id",
                               "detail": str(_l("No item of the firm's list has this id."))})
            else:
                items.append({"title": chosen.title, "explanation": chosen.explanation,
                              "is_identity": chosen.is_identity})
            continue
        title = single_line(item.title or "")
        if not title:
            errors.append({"field": f"{where}.title", "detail": str(MESSAGES["missing"])})
            continue
        items.append({"title": title, "explanation": strip(multi_line(item.explanation or "")),
                      "is_identity": bool(item.is_identity)})
    if errors:
        raise Problem("validation", errors=errors)
    return items


@operation("POST", "/dossiers/<int:dossier_id>/requests", scope=WRITE, tag=TAG,
           body=DocumentRequestCreate, response=DocumentRequest, status=201,
           summary="Ask a client of the dossier for documents",
           description="As Stukken opvragen on the staff side: the request is under the "
                       "client's Actions and the client gets one mail about it.")
def create_request(dossier_id, body):
    db = get_session()
    dossier = get_staff_dossier(db, g.api_user, dossier_id)
    client = next((u for u in dossier_clients(db, dossier.id) if u.id == body.client_id), None)
    if client is None:
        raise field_error("client_id", _l("Choose the client the request is for."))
    if body.deadline is not None and deadline_problem(body.deadline):
        raise field_error("deadline", deadline_problem(body.deadline))
    items = _items(db, body.items)
    doc_request = doc_requests.new_request(db, dossier=dossier, client=client,
                                           sent_by=g.api_user, items=items,
                                           deadline=body.deadline)
    db.commit()
    return _one(db, doc_request), _location(doc_request)


@operation("POST", "/requests/<int:request_id>/items", scope=WRITE, tag=TAG,
           body=DocumentRequestItemsCreate, response=DocumentRequest,
           summary="Ask for more documents in a request",
           description="A completed request is open again; the client hears of it.")
def add_items(request_id, body):
    db = get_session()
    doc_request = get_staff_request(db, g.api_user, request_id)
    items = _items(db, body.items)
    doc_requests.add_items(db, doc_request, items, g.api_user)
    db.commit()
    return _one(db, doc_request)


def _decide(request_id, item_id, body, approve, reason=None):
    """Approve or reject an item as the staff side does; 409 when it changed meanwhile."""
    db = get_session()
    doc_request = get_staff_request(db, g.api_user, request_id)
    item = request_item(db, doc_request, db.get(Dossier, doc_request.dossier_id), item_id)
    if reason is not None:
        reason = strip(multi_line(reason))
    problem = reason_problem(reason or "", approve)
    if problem:
        raise field_error("reason", problem)
    revision = item.revision if body.revision is None else body.revision
    try:
        doc_requests.decide(db, g.api_user, item, revision, approve, reason or None)
    except doc_requests.Refused as refused:
        db.rollback()
        raise Problem("conflict", str(refused)) from None
    db.commit()
    return _one(db, doc_request)


@operation("POST", "/requests/<int:request_id>/items/<int:item_id>/approve", scope=WRITE,
           tag=TAG, body=ItemDecision, response=DocumentRequest, summary="Approve an item",
           description="The last approval completes the request.")
def approve_item(request_id, item_id, body):
    return _decide(request_id, item_id, body, approve=True)


@operation("POST", "/requests/<int:request_id>/items/<int:item_id>/reject", scope=WRITE,
           tag=TAG, body=ItemRejection, response=DocumentRequest,
           summary="Reject what was handed in for an item",
           description="The client reads the reason and may hand in again; 409 when "
                       "nothing waits for a check.")
def reject_item(request_id, item_id, body):
    return _decide(request_id, item_id, body, approve=False, reason=body.reason)


@operation("POST", "/requests/<int:request_id>/items/<int:item_id>/withdraw", scope=WRITE,
           tag=TAG, response=DocumentRequest, summary="Withdraw an item",
           description="The client is no longer asked for it; files handed in stay. 409 "
                       "when it was approved or withdrawn already.")
def withdraw_item(request_id, item_id):
    db = get_session()
    doc_request = get_staff_request(db, g.api_user, request_id)
    item = request_item(db, doc_request, db.get(Dossier, doc_request.dossier_id), item_id)
    try:
        doc_requests.withdraw(db, g.api_user, item)
    except doc_requests.Refused as refused:
        db.rollback()
        raise Problem("conflict", str(refused)) from None
    db.commit()
    return _one(db, doc_request)
