"""The API's clients (person clients and company accounts) and company clients: listed, read,
created with mail 1 as "Nieuwe cliënt" / "Nieuw bedrijf" do, changed, switched off and on,
invited again. Who may do what is the staff side's (app/staff/access.py)."""
from datetime import datetime
from typing import Literal

from flask import abort, g, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from .. import audit
from .. import models as m
from ..db import INTEGER_MAX, get_session
from ..invitations import DuplicateEmail
from ..staff import client_forms as staff_side
from ..staff.access import (
    get_staff_client,
    manageable_company_ids,
    may_manage_company,
    openable_client_ids,
)
from .paging import ListQuery, page
from .problems import Problem, field_error
from .spec import operation

TAG = "clients"
READ, WRITE = "clients:read", "clients:write"
Language = Literal["nl", "en"]
DUPLICATE = _l("There is already an account with this e-mail address.")


def check_form(form_class, values, *args, names=None):
    """A staff form filled with an API call's `values` and validated: the staff side's
    filters, checks and messages, one definition. A 422 names each wrong field as the API
    calls it (`names`: {form field: API field}); else the form, its data cleaned."""
    form = form_class(*args, meta={"csrf": False}, formdata=MultiDict(
        {key: str(value) for key, value in values.items() if value is not None}))
    if not form.validate():
        names = names or {}
        raise Problem("validation", errors=[
            {"field": names.get(name, name), "detail": str(message)}
            for name, messages in form.errors.items() for message in messages])
    return form


# ---- clients

class Client(BaseModel):
    id: int
    kind: Literal["person", "company_account"]
    name: str
    email: str
    language: str
    phone: str | None = Field(description="In E.164 form, e.g. +31612345678.")
    company_id: int | None
    is_company_main: bool
    active: bool
    activated: bool = Field(description="The client has set a password.")
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None


class ClientList(BaseModel):
    items: list[Client]
    next_cursor: str | None


class ClientQuery(ListQuery):
    model_config = ConfigDict(extra="forbid")
    q: str | None = Field(None, max_length=100,
                          description="Part of the name or e-mail address.")
    kind: Literal["person", "company_account"] | None = None


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    email: str
    language: Language = "nl"
    phone: str | None = Field(None, description="Optional; Dutch numbers without +31 too.")
    company_id: int | None = Field(None, ge=1, le=INTEGER_MAX, description=(
        "Makes the client an account of this company client (it then sees the company's "
        "dossiers); a new company with its main account is POST /companies."))
    is_company_main: bool = Field(False, description="The company's main account (only "
                                  "with company_id, and only when it has none yet).")


class ClientChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(None, description="Leave out to keep. The e-mail address is changed "
                      "only by the client (Mijn gegevens).")
    language: Language = None
    phone: str | None = Field(None, description="null removes the number.")


def client_out(user):
    return Client(id=user.id, kind="company_account" if user.company_id else "person",
                  name=user.name, email=user.email, language=user.language, phone=user.phone,
                  company_id=user.company_id, is_company_main=user.is_company_main,
                  active=user.active, activated=user.password_hash is not None,
                  created_at=user.created_at, updated_at=user.updated_at,
                  last_login_at=user.last_login_at)


def _client(db, client_id):
    """A client account the key's account may manage, else 404."""
    return get_staff_client(db, g.api_user, client_id)


def _phone(form):
    return form.e164 if form.phone.data else None


@operation("GET", "/clients", scope=READ, tag=TAG, query=ClientQuery, response=ClientList,
           summary="Clients and company accounts",
           description="The clients whose page the key's account may open on the staff side.")
def list_clients(query):
    db = get_session()
    select_ = staff_side.client_search(g.api_user, query.q).where(
        m.User.id.in_(openable_client_ids(g.api_user)))
    if query.kind == "person":
        select_ = select_.where(m.User.company_id.is_(None))
    elif query.kind == "company_account":
        select_ = select_.where(m.User.company_id.is_not(None))
    rows, cursor = page(db, select_, m.User, query)
    return ClientList(items=[client_out(u) for u in rows], next_cursor=cursor)


@operation("GET", "/clients/<int:client_id>", scope=READ, tag=TAG, response=Client,
           summary="One client")
def get_client(client_id):
    return client_out(_client(get_session(), client_id))


@operation("POST", "/clients", scope=WRITE, tag=TAG, body=ClientCreate, response=Client,
           status=201, summary="Create a client (sends the invitation, mail 1)")
def create_client(body):
    db = get_session()
    form = check_form(staff_side.ClientForm, body.model_dump(include={
        "name", "email", "language", "phone"}))
    company = None
    if body.company_id is not None:
        company = db.get(m.Company, body.company_id)
        if not may_manage_company(db, g.api_user, company):
            raise field_error("company_id", _l("No company with this id that you may manage."))
        if body.is_company_main and db.exec(select(m.User.id).where(
                m.User.company_id == company.id, m.User.is_company_main)).first():
            raise Problem("conflict", _l("This company has a main account already."))
    elif body.is_company_main:
        raise field_error("is_company_main",
                          _l("Only an account of a company can be its main account."))
    try:
        user = staff_side.create_client(
            db, g.api_user, name=form.name.data, email=form.email.data,
            language=form.language.data, phone=_phone(form), company=company,
            company_main=body.is_company_main)
        db.commit()
    except (DuplicateEmail, IntegrityError):
        db.rollback()
        raise Problem("conflict", DUPLICATE) from None
    return client_out(user), {"Location": url_for("api.get_client", client_id=user.id)}


def change_client(db, actor, client, **values):
    """Change the client's name, language or phone (those given); audited. A name typed by
    the firm is shown in mails at once (User.mail_name)."""
    changed = {key: [getattr(client, key), value] for key, value in values.items()
               if getattr(client, key) != value}
    for key, (_before, value) in changed.items():
        setattr(client, key, value)
    if "name" in changed:
        client.name_by_client = False
    if changed:
        audit.record(db, "client.updated", actor=actor, target=client, changed=changed)
    return changed


@operation("PATCH", "/clients/<int:client_id>", scope=WRITE, tag=TAG, body=ClientChange,
           response=Client, summary="Change a client's name, language or phone")
def patch_client(client_id, body):
    db = get_session()
    client = _client(db, client_id)
    given = body.model_dump(exclude_unset=True)
    values = {"name": client.name, "email": client.email, "language": client.language,
              "phone": client.phone, **given}
    form = check_form(staff_side.ClientForm, values)
    cleaned = {"name": form.name.data, "language": form.language.data, "phone": _phone(form)}
    change_client(db, g.api_user, client, **{key: cleaned[key] for key in given})
    db.commit()
    return client_out(client)


@operation("POST", "/clients/<int:client_id>/deactivate", scope=WRITE, tag=TAG,
           response=Client, summary="Deactivate a client's account",
           description="Logged out everywhere at once; it can no longer log in. Again: "
                       "nothing changes.")
def deactivate_client(client_id):
    db = get_session()
    client = _client(db, client_id)
    if client.active:
        staff_side.deactivate_client(db, g.api_user, client)
        db.commit()
    return client_out(client)


@operation("POST", "/clients/<int:client_id>/reactivate", scope=WRITE, tag=TAG,
           response=Client, summary="Reactivate a client's account",
           description="As a new account: mail 1 goes out to set a new password. Again: "
                       "nothing changes.")
def reactivate_client(client_id):
    db = get_session()
    client = _client(db, client_id)
    if not client.active:
        staff_side.reactivate_client(db, g.api_user, client)
        db.commit()
    return client_out(client)


@operation("POST", "/clients/<int:client_id>/invitation", scope=WRITE, tag=TAG,
           response=Client, summary="Send the invitation (mail 1) again",
           description="Older invitation links stop working. 409 for a deactivated account.")
def invite_client(client_id):
    db = get_session()
    client = _client(db, client_id)
    if not client.active:
        raise Problem("conflict", _l("This account is deactivated. Reactivate it before you "
                                     "send an invitation."))
    staff_side.resend_invitation(db, g.api_user, client)
    db.commit()
    return client_out(client)


# ---- company clients

class Company(BaseModel):
    id: int
    name: str
    account_ids: list[int] = Field(description="Its accounts (clients), oldest first.")
    main_account_id: int | None
    created_at: datetime
    updated_at: datetime


class CompanyList(BaseModel):
    items: list[Company]
    next_cursor: str | None


class MainAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    email: str
    language: Language = "nl"
    phone: str | None = None


class CompanyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="The company's name.")
    main_account: MainAccount = Field(description="It gets mail 1 of the invitation.")


class CompanyChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = None


class CompanyNameForm(FlaskForm):
    company_name = staff_side.CompanyClientForm.company_name


def companies_out(db, companies):
    """The Company of each, their accounts in one query."""
    accounts = {c.id: [] for c in companies}
    mains = {}
    if accounts:
        for user_id, company_id, main in db.exec(
                select(m.User.id, m.User.company_id, m.User.is_company_main)
                .where(m.User.company_id.in_(accounts)).order_by(m.User.id)):
            accounts[company_id].append(user_id)
            if main:
                mains.setdefault(company_id, user_id)
    return [Company(id=c.id, name=c.name, account_ids=accounts[c.id],
                    main_account_id=mains.get(c.id), created_at=c.created_at,
                    updated_at=c.updated_at) for c in companies]


def _company(db, company_id):
    """A company the key's account may manage, else 404."""
    company = db.get(m.Company, company_id)
    if not may_manage_company(db, g.api_user, company):
        abort(404)
    return company


@operation("GET", "/companies", scope=READ, tag=TAG, query=ListQuery, response=CompanyList,
           summary="Company clients",
           description="Those the key's account may manage: with a dossier it sees, or in "
                       "no dossier yet (every one for an admin).")
def list_companies(query):
    db = get_session()
    rows, cursor = page(db, select(m.Company).where(
        m.Company.id.in_(manageable_company_ids(g.api_user))), m.Company, query)
    return CompanyList(items=companies_out(db, rows), next_cursor=cursor)


@operation("GET", "/companies/<int:company_id>", scope=READ, tag=TAG, response=Company,
           summary="One company client")
def get_company(company_id):
    db = get_session()
    return companies_out(db, [_company(db, company_id)])[0]


@operation("POST", "/companies", scope=WRITE, tag=TAG, body=CompanyCreate, response=Company,
           status=201, summary="Create a company client and its main account (mail 1)")
def create_company(body):
    db = get_session()
    account = body.main_account
    form = check_form(staff_side.CompanyClientForm, {
        "company_name": body.name, "name": account.name, "email": account.email,
        "language": account.language, "phone": account.phone}, names={
        "company_name": "name", "name": "main_account.name", "email": "main_account.email",
        "language": "main_account.language", "phone": "main_account.phone"})
    try:
        user = staff_side.create_client(
            db, g.api_user, name=form.name.data, email=form.email.data,
            language=form.language.data, phone=_phone(form),
            company_name=form.company_name.data)
        db.commit()
    except (DuplicateEmail, IntegrityError):
        db.rollback()
        raise Problem("conflict", DUPLICATE) from None
    company = db.get(m.Company, user.company_id)
    return companies_out(db, [company])[0], {
        "Location": url_for("api.get_company", company_id=company.id)}


def rename_company(db, actor, company, name):
    """Change a company client's name; audited."""
    if name != company.name:
        audit.record(db, "company.renamed", actor=actor, target=company,
                     changed={"name": [company.name, name]})
        company.name = name


@operation("PATCH", "/companies/<int:company_id>", scope=WRITE, tag=TAG, body=CompanyChange,
           response=Company, summary="Rename a company client")
def patch_company(company_id, body):
    db = get_session()
    company = _company(db, company_id)
    if "name" in body.model_fields_set:
        form = check_form(CompanyNameForm, {"company_name": body.name},
                          names={"company_name": "name"})
        rename_company(db, g.api_user, company, form.company_name.data)
        db.commit()
    return companies_out(db, [company])[0]
