"""The API's requests for approval (Ter goedkeuring): publishing a file for a client's
approval, new versions, withdrawing, what the client decided, and the sealed receipt of an
approval; as the staff side does (app/approvals.py, app/staff/approvals.py)."""
from collections import defaultdict
from datetime import date, datetime
from typing import Literal

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from .. import approvals, documents
from ..db import INTEGER_MAX, get_session
from ..forms import multi_line, single_line, strip
from ..models import Approval as ApprovalRow
from ..models import ApprovalDecision as DecisionRow
from ..models import ApprovalVersion as VersionRow
from ..notifications import dossier_clients
from ..staff.access import get_staff_approval, get_staff_dossier, on_behalf, staff_approvals
from ..staff.approval_steps import approved_decision, overdue, publish_once, send_receipt
from ..staff.request_forms import deadline_problem
from .files import UploadQuery, fields, received_files, sent_files, upload_body
from .paging import ListQuery, page
from .problems import field_error
from .spec import MESSAGES, operation

TAG = "approvals"
READ, WRITE = "approvals:read", "approvals:write"
STATE = Literal["open", "approved", "refused", "void"]


class ApprovalDecision(BaseModel):
    id: int
    approved: bool
    decided_at: datetime
    client_id: int | None
    client_name: str
    client_email: str
    ip: str
    user_agent: str
    confirmed_with: str = Field(description="How the client confirmed an approval: password, "
                                            "app, sms, recovery or backup; \"\" for a refusal.")
    filename: str
    sha256: str = Field(description="Of the exact file decided on.")
    message_id: int | None = Field(description="The message with the comments of a refusal.")
    receipt_available: bool = Field(description="An approval has a sealed receipt: "
                                    "/approvals/{id}/decisions/{decision_id}/receipt.")


class ApprovalVersion(BaseModel):
    id: int
    number: int
    document_id: int
    filename: str
    size: int
    sha256: str
    published_by_id: int | None
    created_at: datetime
    state: STATE = Field(description="void: a newer version was published, or withdrawn.")
    decided_at: datetime | None
    decision: ApprovalDecision | None


class Approval(BaseModel):
    id: int
    dossier_id: int
    client_id: int
    sent_by_id: int | None
    title: str
    note: str
    deadline: date | None
    state: STATE = Field(description="Its newest version's; void once withdrawn.")
    overdue: bool
    created_at: datetime
    updated_at: datetime
    versions: list[ApprovalVersion] = Field(description="Oldest first.")


class ApprovalList(BaseModel):
    items: list[Approval]
    next_cursor: str | None


class ApprovalQuery(ListQuery):
    model_config = ConfigDict(extra="forbid")
    dossier_id: int | None = Field(None, ge=1, le=INTEGER_MAX)
    state: STATE | None = None


class ApprovalPublish(UploadQuery):
    """The text fields of a publication for approval: form parts of a multipart call, else
    the query."""
    model_config = ConfigDict(extra="forbid")
    client_id: int | None = Field(None, ge=1, le=INTEGER_MAX, description=(
        "Required: the client account of the dossier whose approval is asked."))
    title: str | None = Field(None, max_length=documents.MAX_TITLE,
                              description="Else the file's name without its extension.")
    note: str | None = Field(None, max_length=approvals.MAX_NOTE,
                             description="The firm's note to the client.")
    deadline: date | None = None


def _approvals(db, found):
    """The Approval of each row of `found`, in a constant number of queries."""
    ids = [a.id for a in found]
    versions, decisions = defaultdict(list), {}
    if ids:
        for version in db.exec(select(VersionRow).where(VersionRow.approval_id.in_(ids))
                               .order_by(VersionRow.number)):
            versions[version.approval_id].append(version)
        decisions = {d.version_id: d for d in db.exec(select(DecisionRow).where(
            DecisionRow.approval_id.in_(ids)))}
    return [Approval(
        id=a.id, dossier_id=a.dossier_id, client_id=a.client_id, sent_by_id=a.sent_by_id,
        title=a.title, note=a.note, deadline=a.deadline, state=a.state, overdue=overdue(a),
        created_at=a.created_at, updated_at=a.updated_at,
        versions=[_version(v, decisions.get(v.id)) for v in versions[a.id]]) for a in found]


def _version(version, decision):
    return ApprovalVersion(
        id=version.id, number=version.number, document_id=version.document_id,
        filename=version.filename, size=version.size, sha256=version.sha256,
        published_by_id=version.published_by_id, created_at=version.created_at,
        state=version.state, decided_at=version.decided_at,
        decision=None if decision is None else ApprovalDecision(
            id=decision.id, approved=decision.approved, decided_at=decision.decided_at,
            client_id=decision.client_id, client_name=decision.client_name,
            client_email=decision.client_email, ip=decision.ip,
            user_agent=decision.user_agent, confirmed_with=decision.confirmed_with,
            filename=decision.filename, sha256=decision.sha256,
            message_id=decision.message_id, receipt_available=decision.approved))


def _one(db, approval):
    db.refresh(approval)
    return _approvals(db, [approval])[0]


@operation("GET", "/approvals", scope=READ, tag=TAG, query=ApprovalQuery,
           response=ApprovalList, summary="Requests for approval")
def list_approvals(query):
    db = get_session()
    found = staff_approvals(g.api_user)
    if query.dossier_id is not None:
        found = found.where(ApprovalRow.dossier_id == query.dossier_id)
    if query.state is not None:
        found = found.where(ApprovalRow.state == query.state)
    rows, cursor = page(db, found, ApprovalRow, query)
    return ApprovalList(items=_approvals(db, rows), next_cursor=cursor)


@operation("GET", "/approvals/<int:approval_id>", scope=READ, tag=TAG, response=Approval,
           summary="A request for approval, its versions and the client's decisions")
def get_approval(approval_id):
    db = get_session()
    return _approvals(db, [get_staff_approval(db, g.api_user, approval_id)])[0]


def _one_file():
    if len(sent_files()) > 1:
        raise field_error("file", _l("Send one file per call."))


@operation("POST", "/dossiers/<int:dossier_id>/approvals", scope=WRITE, tag=TAG,
           query=ApprovalPublish, request_body=upload_body(ApprovalPublish, multiple=False),
           response=Approval, status=201, errors=(413, 507),
           summary="Publish a file for a client's approval",
           description="As Ter goedkeuring publiceren on the staff side: the file goes into "
                       "Documenten and, as version 1, to one client account of the dossier, "
                       "who is notified.")
def publish_approval(dossier_id, query):
    db = get_session()
    dossier = get_staff_dossier(db, g.api_user, dossier_id)
    asked = fields(ApprovalPublish)
    if asked.client_id is None:
        raise field_error("client_id", MESSAGES["missing"])
    client = next((u for u in dossier_clients(db, dossier.id) if u.id == asked.client_id),
                  None)
    if client is None:
        raise field_error("client_id", _l("Choose the client the request is for."))
    if asked.deadline is not None and deadline_problem(asked.deadline):
        raise field_error("deadline", deadline_problem(asked.deadline))
    _one_file()
    stored = received_files("file", single_line(asked.title or ""))

    def send(document):
        approval = approvals.new_approval(
            db, dossier=dossier, client=client, sent_by=g.api_user, document=document,
            title=document.title, note=strip(multi_line(asked.note or "")),
            deadline=asked.deadline, detail=on_behalf(g.api_user, dossier))
        return url_for("api.get_approval", approval_id=approval.id), approval

    target, approval = publish_once(db, g.api_user, dossier, stored, send)
    return _one(db, approval), {"Location": target}


@operation("POST", "/approvals/<int:approval_id>/versions", scope=WRITE, tag=TAG,
           query=UploadQuery, request_body=upload_body(multiple=False), response=Approval,
           status=201, errors=(413, 507), summary="Publish a new version",
           description="The file goes into Documenten; earlier versions become void (an "
                       "approval of one too) and the client is asked again.")
def publish_version(approval_id, query):
    db = get_session()
    approval = get_staff_approval(db, g.api_user, approval_id)
    dossier = get_staff_dossier(db, g.api_user, approval.dossier_id)
    _one_file()
    stored = received_files("file", approval.title)

    def add_version(document):
        return None, approvals.new_version(db, g.api_user, approval, document,
                                           detail=on_behalf(g.api_user, dossier))

    publish_once(db, g.api_user, dossier, stored, add_version)
    return _one(db, approval), {"Location": url_for("api.get_approval",
                                                    approval_id=approval.id)}


@operation("POST", "/approvals/<int:approval_id>/withdraw", scope=WRITE, tag=TAG,
           response=Approval, summary="Withdraw a request for approval",
           description="The client is no longer asked; decisions taken and their receipts "
                       "stay. Withdrawing again changes nothing.")
def withdraw_approval(approval_id):
    db = get_session()
    approval = get_staff_approval(db, g.api_user, approval_id)
    dossier = get_staff_dossier(db, g.api_user, approval.dossier_id)
    if approvals.withdraw(db, g.api_user, approval, detail=on_behalf(g.api_user, dossier)):
        db.commit()
    return _one(db, approval)


@operation("GET", "/approvals/<int:approval_id>/decisions/<int:decision_id>/receipt",
           scope=READ, tag=TAG, summary="The sealed receipt of an approval",
           content={"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
           description="The PDF the firm's staff download, sealed with the firm's seal; "
                       "audited. 404 for a refusal (it has no receipt).")
def approval_receipt(approval_id, decision_id):
    db = get_session()
    approval = get_staff_approval(db, g.api_user, approval_id)
    decision = approved_decision(db, approval, decision_id)
    return send_receipt(db, g.api_user, approval, decision)
