"""The API's dossiers: list, read, create and change them, share them with clients and
companies, and their progress steps ("Voortgang"); the dossier statuses. Who may do what is
the staff side's (app/staff/access.py); the changes are app/staff/dossier_changes.py's."""
from datetime import datetime
from typing import Annotated

from flask import Response, abort, g, url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import false

from .. import models as m
from ..access import visible_dossier_ids
from ..db import INTEGER_MAX, get_session
from ..staff import dossier_changes as changes
from ..staff.access import get_staff_dossier, lawyers_for, may_manage_client, may_manage_company
from ..staff.dossier_forms import DossierForm, StepForm
from .clients import check_form
from .paging import ListQuery, page
from .problems import Problem, field_error
from .spec import operation

TAG = "dossiers"
READ, WRITE = "dossiers:read", "dossiers:write"
NUMBER_TAKEN = _l("There is already a dossier with this number.")
NO_CLIENT = _l("No client account with this id that you may link.")
NO_COMPANY = _l("No company with this id that you may link.")
RecordId = Annotated[int, Field(ge=1, le=INTEGER_MAX)]


# ---- dossiers

class Dossier(BaseModel):
    id: int
    number: str
    description: str
    status: str = Field(description="The code of a status (GET /statuses).")
    status_label: str = Field(description="In the language of Accept-Language (nl, en).")
    lawyer_id: int | None = Field(description="The handling lawyer.")
    client_ids: list[int] = Field(description="Client accounts it is shared with.")
    company_ids: list[int] = Field(description="Company clients it is shared with (every "
                                   "account of the company sees it).")
    created_at: datetime
    updated_at: datetime


class DossierList(BaseModel):
    items: list[Dossier]
    next_cursor: str | None


class DossierQuery(ListQuery):
    model_config = ConfigDict(extra="forbid")
    status: str | None = Field(None, max_length=40, description="A status code.")
    lawyer_id: int | None = Field(None, ge=1, le=INTEGER_MAX)
    client_id: int | None = Field(None, ge=1, le=INTEGER_MAX, description=(
        "Dossiers this client sees (shared with it or with its company)."))
    q: str | None = Field(None, max_length=100, description=(
        "Part of the number, the description, or a linked client's or company's name."))


class DossierCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str
    description: str
    status: str = Field(description="A status code (GET /statuses).")
    lawyer_id: int = Field(ge=1, le=INTEGER_MAX, description=(
        "A lawyer the key's account may act for."))
    client_ids: list[RecordId] = Field([], max_length=100, description=(
        "Client accounts to share it with."))
    company_ids: list[RecordId] = Field([], max_length=100, description=(
        "Company clients to share it with."))


class DossierChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = None
    description: str = None
    status: str = None
    lawyer_id: int = Field(None, ge=1, le=INTEGER_MAX)


class ClientLink(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_id: int = Field(ge=1, le=INTEGER_MAX)


class CompanyLink(BaseModel):
    model_config = ConfigDict(extra="forbid")
    company_id: int = Field(ge=1, le=INTEGER_MAX)


def dossiers_out(db, dossiers):
    """The Dossier of each: statuses and linked ids in one query each, whatever the count."""
    labels = {s.code: changes.status_label(s) for s in changes.all_statuses(db)}
    parties = changes.linked_parties(db, [d.id for d in dossiers])
    return [Dossier(id=d.id, number=d.number, description=d.description,
                    status=d.status_code, status_label=labels.get(d.status_code, ""),
                    lawyer_id=d.lawyer_id,
                    client_ids=sorted(u.id for u in parties[d.id][0]),
                    company_ids=sorted(c.id for c in parties[d.id][1]),
                    created_at=d.created_at, updated_at=d.updated_at) for d in dossiers]


def _dossier(db, dossier_id):
    """A dossier the key's account may see, else 404."""
    return get_staff_dossier(db, g.api_user, dossier_id)


def _one(db, dossier):
    return dossiers_out(db, [dossier])[0]


def _checked(db, values):
    """The staff's dossier form filled with `values` (the API's names) and validated."""
    return check_form(DossierForm, {
        "number": values["number"], "description": values["description"],
        "status": values["status"], "lawyer": values["lawyer_id"]},
        changes.all_statuses(db), lawyers_for(db, g.api_user), names={"lawyer": "lawyer_id"})


def _fields(form):
    return {"number": form.number.data, "description": form.description.data,
            "status": form.status.data, "lawyer_id": form.lawyer.data}


def _commit_or_taken(db):
    """Commit; a 409 when another dossier got the number just now."""
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Problem("conflict", NUMBER_TAKEN) from None


@operation("GET", "/dossiers", scope=READ, tag=TAG, query=DossierQuery, response=DossierList,
           summary="Dossiers", description="The dossiers the key's account may see.")
def list_dossiers(query):
    db = get_session()
    select_ = changes.dossier_search(g.api_user, query.q, query.status, query.lawyer_id)
    if query.client_id is not None:
        client = db.get(m.User, query.client_id)
        select_ = select_.where(m.Dossier.id.in_(visible_dossier_ids(client))
                                if client is not None else false())
    rows, cursor = page(db, select_, m.Dossier, query)
    return DossierList(items=dossiers_out(db, rows), next_cursor=cursor)


@operation("GET", "/dossiers/<int:dossier_id>", scope=READ, tag=TAG, response=Dossier,
           summary="One dossier")
def get_dossier(dossier_id):
    db = get_session()
    return _one(db, _dossier(db, dossier_id))


@operation("POST", "/dossiers", scope=WRITE, tag=TAG, body=DossierCreate, response=Dossier,
           status=201, summary="Create a dossier",
           description="For a lawyer the key's account may act for, shared at once with the "
                       "clients and companies given (those the account may link).")
def create_dossier(body):
    db = get_session()
    form = _checked(db, body.model_dump())
    parties, errors = [], []
    for index, client_id in enumerate(body.client_ids):
        client = db.get(m.User, client_id)
        if may_manage_client(db, g.api_user, client):
            parties.append(client)
        else:
            errors.append({"field": f"client_ids.{index}", "detail": str(NO_CLIENT)})
    for index, company_id in enumerate(body.company_ids):
        company = db.get(m.Company, company_id)
        if may_manage_company(db, g.api_user, company):
            parties.append(company)
        else:
            errors.append({"field": f"company_ids.{index}", "detail": str(NO_COMPANY)})
    if errors:
        raise Problem("validation", errors=errors)
    if changes.number_taken(db, form.number.data):
        raise Problem("conflict", NUMBER_TAKEN)
    dossier = changes.create_dossier(db, g.api_user, **_fields(form))
    for party in parties:
        changes.link(db, g.api_user, dossier, party)
    _commit_or_taken(db)
    return _one(db, dossier), {"Location": url_for("api.get_dossier", dossier_id=dossier.id)}


@operation("PATCH", "/dossiers/<int:dossier_id>", scope=WRITE, tag=TAG, body=DossierChange,
           response=Dossier, summary="Change a dossier's number, description, status or lawyer",
           description="As the staff's form: the handling lawyer must be one the key's "
                       "account may act for. Who hands the dossier to a lawyer it does not "
                       "work for no longer sees it afterwards.")
def patch_dossier(dossier_id, body):
    db = get_session()
    dossier = _dossier(db, dossier_id)
    form = _checked(db, {"number": dossier.number, "description": dossier.description,
                         "status": dossier.status_code, "lawyer_id": dossier.lawyer_id,
                         **body.model_dump(exclude_unset=True)})
    if changes.number_taken(db, form.number.data, dossier.id):
        raise Problem("conflict", NUMBER_TAKEN)
    changes.update_dossier(db, g.api_user, dossier, **_fields(form))
    _commit_or_taken(db)
    return _one(db, dossier)


@operation("POST", "/dossiers/<int:dossier_id>/clients", scope=WRITE, tag=TAG,
           body=ClientLink, response=Dossier, summary="Share a dossier with a client account",
           description="Only a client the key's account may manage; again: nothing changes.")
def link_client(dossier_id, body):
    db = get_session()
    dossier = _dossier(db, dossier_id)
    client = db.get(m.User, body.client_id)
    if not may_manage_client(db, g.api_user, client):
        raise field_error("client_id", NO_CLIENT)
    changes.link(db, g.api_user, dossier, client)
    db.commit()
    return _one(db, dossier)


@operation("DELETE", "/dossiers/<int:dossier_id>/clients/<int:client_id>", scope=WRITE,
           tag=TAG, status=204, summary="Stop sharing a dossier with a client account",
           description="404 when the dossier is not shared with that account.")
def unlink_client(dossier_id, client_id):
    db = get_session()
    dossier = _dossier(db, dossier_id)
    client = db.get(m.User, client_id)
    if client is None or not changes.unlink(db, g.api_user, dossier, client):
        abort(404)
    db.commit()
    return Response(status=204)


@operation("POST", "/dossiers/<int:dossier_id>/companies", scope=WRITE, tag=TAG,
           body=CompanyLink, response=Dossier, summary="Share a dossier with a company client",
           description="Every account of the company sees it. Only a company the key's "
                       "account may manage; again: nothing changes.")
def link_company(dossier_id, body):
    db = get_session()
    dossier = _dossier(db, dossier_id)
    company = db.get(m.Company, body.company_id)
    if not may_manage_company(db, g.api_user, company):
        raise field_error("company_id", NO_COMPANY)
    changes.link(db, g.api_user, dossier, company)
    db.commit()
    return _one(db, dossier)


@operation("DELETE", "/dossiers/<int:dossier_id>/companies/<int:company_id>", scope=WRITE,
           tag=TAG, status=204, summary="Stop sharing a dossier with a company client",
           description="404 when the dossier is not shared with that company.")
def unlink_company(dossier_id, company_id):
    db = get_session()
    dossier = _dossier(db, dossier_id)
    company = db.get(m.Company, company_id)
    if company is None or not changes.unlink(db, g.api_user, dossier, company):
        abort(404)
    db.commit()
    return Response(status=204)


# ---- progress steps

class Step(BaseModel):
    id: int
    position: int = Field(description="0 is the first step.")
    title_nl: str
    title_en: str = Field(description="Empty: English readers see the Dutch title.")
    done_at: datetime | None


class StepList(BaseModel):
    items: list[Step] = Field(description="Every step, in order.")


class StepCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title_nl: str
    title_en: str = ""


class StepChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title_nl: str = None
    title_en: str = None
    done: bool = Field(None, description="Done now (true) or not done (false).")
    position: int = Field(None, ge=0, le=INTEGER_MAX,
                          description="The new place, 0 first; past the end: the last.")


def step_out(step):
    return Step(id=step.id, position=step.position, title_nl=step.title_nl,
                title_en=step.title_en, done_at=step.done_at)


def _step(dossier_id, step_id):
    """(db, dossier, step) of a dossier the key's account may see, else 404."""
    db = get_session()
    dossier = _dossier(db, dossier_id)
    return db, dossier, changes.get_step(db, dossier, step_id)


def _titles(values):
    """The staff's step form filled with the titles and validated."""
    return check_form(StepForm, {"title_nl": values["title_nl"],
                                 "title_en": values["title_en"]})


@operation("GET", "/dossiers/<int:dossier_id>/steps", scope=READ, tag=TAG, response=StepList,
           summary="A dossier's progress steps")
def list_steps(dossier_id):
    db = get_session()
    dossier = _dossier(db, dossier_id)
    return StepList(items=[step_out(s) for s in changes.steps_of(db, dossier)])


@operation("GET", "/dossiers/<int:dossier_id>/steps/<int:step_id>", scope=READ, tag=TAG,
           response=Step, summary="One progress step")
def get_step(dossier_id, step_id):
    return step_out(_step(dossier_id, step_id)[2])


@operation("POST", "/dossiers/<int:dossier_id>/steps", scope=WRITE, tag=TAG, body=StepCreate,
           response=Step, status=201, summary="Add a progress step at the end")
def create_step(dossier_id, body):
    db = get_session()
    dossier = _dossier(db, dossier_id)
    form = _titles(body.model_dump())
    step = changes.add_step(db, g.api_user, dossier, title_nl=form.title_nl.data,
                            title_en=form.title_en.data)
    db.commit()
    return step_out(step), {"Location": url_for("api.get_step", dossier_id=dossier.id,
                                                step_id=step.id)}


@operation("PATCH", "/dossiers/<int:dossier_id>/steps/<int:step_id>", scope=WRITE, tag=TAG,
           body=StepChange, response=Step,
           summary="Rename a progress step, mark it done or not, or move it")
def patch_step(dossier_id, step_id, body):
    db, dossier, step = _step(dossier_id, step_id)
    given = body.model_fields_set
    if given & {"title_nl", "title_en"}:
        form = _titles({"title_nl": step.title_nl, "title_en": step.title_en,
                        **body.model_dump(include={"title_nl", "title_en"}, exclude_unset=True)})
        changes.rename_step(db, g.api_user, dossier, step, title_nl=form.title_nl.data,
                            title_en=form.title_en.data)
    if "done" in given and body.done != (step.done_at is not None):
        changes.toggle_step(db, g.api_user, dossier, step)
    if "position" in given:
        changes.place_step(db, g.api_user, dossier, step, body.position)
    db.commit()
    return step_out(step)


@operation("DELETE", "/dossiers/<int:dossier_id>/steps/<int:step_id>", scope=WRITE, tag=TAG,
           status=204, summary="Delete a progress step")
def delete_step(dossier_id, step_id):
    db, dossier, step = _step(dossier_id, step_id)
    changes.delete_step(db, g.api_user, dossier, step)
    db.commit()
    return Response(status=204)


# ---- statuses

class Status(BaseModel):
    code: str
    label_nl: str
    label_en: str
    in_progress: bool = Field(description="Counts as \"in behandeling\".")
    closed: bool


class StatusList(BaseModel):
    items: list[Status] = Field(description="Every status, in the firm's order.")


@operation("GET", "/statuses", scope=READ, tag=TAG, response=StatusList,
           summary="The dossier statuses")
def list_statuses():
    return StatusList(items=[
        Status(code=s.code, label_nl=s.label_nl, label_en=s.label_en,
               in_progress=s.in_progress, closed=s.closed)
        for s in changes.all_statuses(get_session())])
