"""Staff side: the firm's clients: search, create (mail 1 of the invitation), one client's
page, resend the invitation, deactivate and reactivate (who may: app/staff/access.py)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlmodel import and_, or_, select
from wtforms import SubmitField, TelField
from wtforms.validators import Length, Optional, ValidationError

from .. import security
from ..access import visible_dossier_ids
from ..db import get_session, like
from ..forms import email_field, language_field, name_field, require_button, single_line
from ..htmx import page_or_fragment
from ..invitations import (
    DuplicateEmail,
    create_company,
    create_user,
    deactivate,
    reactivate,
    send_invitation,
)
from ..models import (
    KIND_CLIENT,
    TOKEN_INVITE,
    Company,
    Dossier,
    DossierStatus,
    OneTimeToken,
    User,
    utcnow,
)
from ..pages import asked_page, page_size, paginate
from ..phone import EXTENSION, NO_EXTENSION, PhoneError, display_phone, normalise_phone
from . import bp
from .access import (
    get_staff_client,
    may_manage_company,
    openable_client_ids,
    staff_dossier_ids,
)

# ---- forms

class ClientForm(FlaskForm):
    name = name_field()
    email = email_field()
    language = language_field(default="nl")
    phone = TelField(_l("Phone number (optional)"), filters=[single_line], validators=[
        Optional(), Length(max=40)])
    submit = SubmitField(_l("Create client and send invitation"))

    def validate_phone(self, field):
        try:
            self.e164 = normalise_phone(field.data)
        except PhoneError as problem:
            raise ValidationError(NO_EXTENSION if problem.reason == EXTENSION else _l(
                "Enter a valid phone number, like 020 1234567 or 06 12345678.")) from None


class CompanyClientForm(ClientForm):
    company_name = name_field(_l("Company name"), _l("Enter the name of the company."))
    name = name_field(_l("Name of the main account"),
                      _l("Enter the name of the person who uses the main account."))


# ---- what the views do, as plain functions

def client_search(user, q=""):
    """A select of the firm's client accounts whose name or e-mail matches `q`; the company
    name is searched only for the clients `user` may open (it would tell who works where)."""
    query = (select(User).outerjoin(Company, Company.id == User.company_id)
             .where(User.kind == KIND_CLIENT))
    q = (q or "").strip()[:100]
    if q:
        pattern = like(q)
        query = query.where(or_(User.name.ilike(pattern, escape="\\"),
                                User.email.ilike(pattern, escape="\\"),
                                and_(Company.name.ilike(pattern, escape="\\"),
                                     User.id.in_(openable_client_ids(user)))))
    return query


def search_clients(db, user, q="", page=1, size=25):
    """One page of client_search(user, q), by name."""
    return paginate(db, client_search(user, q), (User.name, User.id), page, size)


def openable_among(db, user, users):
    """The ids of these client accounts whose page `user` may open."""
    ids = [u.id for u in users]
    if not ids:
        return set()
    return set(db.exec(openable_client_ids(user).where(User.id.in_(ids))).all())


def create_client(db, actor, *, name, email, language, phone=None, company_name=None,
                  company=None, company_main=False):
    """Create a person client, a company client with its main account (`company_name`), or
    an account of an existing `company` (the API), and queue mail 1 of the invitation, all
    in the caller's transaction. Raises DuplicateEmail."""
    if db.exec(select(User).where(User.email == security.normalise_email(email))).first():
        raise DuplicateEmail(email)  # before the company row, so nothing is made half
    if company_name:
        company, company_main = create_company(db, name=company_name, actor=actor), True
    user = create_user(db, email=email, name=name, language=language, company=company,
                       company_main=company is not None and company_main, actor=actor)
    user.phone = phone
    send_invitation(db, user, actor=actor)
    return user


def resend_invitation(db, actor, client):
    """Void the client's open invitation links and queue a new mail 1."""
    for token in db.exec(select(OneTimeToken).where(OneTimeToken.user_id == client.id,
                                                    OneTimeToken.purpose == TOKEN_INVITE,
                                                    OneTimeToken.used_at.is_(None))):
        token.used_at = utcnow()
    send_invitation(db, client, actor=actor)


def deactivate_client(db, actor, client):
    """Switch the account off: its sessions end at once, its open links, password and
    two-step die with it."""
    deactivate(db, client, actor)


def reactivate_client(db, actor, client):
    """Switch the account on again as a new one: mail 1 goes out, and the person sets a new
    password (and two-step) as the first time; nothing of before comes back."""
    reactivate(db, client, actor)


def last_invitation(db, client):
    """The newest invitation link of the client, or None."""
    return db.exec(select(OneTimeToken).where(OneTimeToken.user_id == client.id,
                                              OneTimeToken.purpose == TOKEN_INVITE)
                   .order_by(OneTimeToken.created_at.desc(), OneTimeToken.id.desc())).first()


def invitation_state(token, now=None):
    """"open", "used" or "expired" for an invitation link (None: never invited)."""
    if token is None:
        return None
    if token.used_at is not None:
        return "used"
    return "expired" if token.expires_at <= (now or utcnow()) else "open"


def visible_client_dossiers(db, staff, client):
    """The dossiers of `client` that `staff` may see, newest number first."""
    return db.exec(select(Dossier).where(Dossier.id.in_(visible_dossier_ids(client)),
                                         Dossier.id.in_(staff_dossier_ids(staff)))
                   .order_by(Dossier.number.desc())).all()


# ---- views

@bp.get("/clienten")
def clients():
    """The firm's clients: search on name, e-mail address or company; paginated."""
    db = get_session()
    q = request.args.get("q", "")
    rows, page = search_clients(db, current_user, q, asked_page(), page_size())
    return page_or_fragment("staff/clients.html", "staff/_clients.html", clients=rows,
                            page=page, q=q.strip(),
                            openable=openable_among(db, current_user, rows))


def _new_client_page(form, company):
    """The form to create a client, with what was typed and its problems."""
    return render_template("staff/client_new.html", form=form, company=company), \
        400 if form.errors else 200


def _create(form, company):
    """Handle the form to create a person or company client."""
    if not form.validate_on_submit():
        return _new_client_page(form, company)
    db = get_session()
    try:
        user = create_client(db, current_user, name=form.name.data, email=form.email.data,
                             language=form.language.data,
                             phone=form.e164 if form.phone.data else None,
                             company_name=form.company_name.data if company else None)
        db.commit()
    except (DuplicateEmail, IntegrityError):
        db.rollback()
        form.email.errors.append(_("There is already an account with this e-mail address."))
        return _new_client_page(form, company)
    flash(_("%(name)s has been added. An invitation has been sent to %(email)s.",
            name=user.name, email=user.email), "success")
    return redirect(url_for("staff.client", user_id=user.id))


@bp.route("/clienten/nieuw", methods=["GET", "POST"])
def client_new():
    """Create a person client; this sends mail 1 of the invitation."""
    return _create(ClientForm(), company=False)


@bp.route("/clienten/nieuw-bedrijf", methods=["GET", "POST"])
def company_new():
    """Create a company client with its main account; this sends mail 1 to that account."""
    return _create(CompanyClientForm(), company=True)


@bp.get("/clienten/<int:user_id>")
def client(user_id):
    """One client: details, company and its accounts, dossiers, invitation status."""
    db = get_session()
    found = get_staff_client(db, current_user, user_id)
    company = db.get(Company, found.company_id) if found.company_id else None
    accounts = (db.exec(select(User).where(User.company_id == company.id)
                        .order_by(User.is_company_main.desc(), User.name, User.id)).all()
                if company else [])
    invitation = last_invitation(db, found)
    statuses = {s.code: s for s in db.exec(select(DossierStatus))}
    return render_template(
        "staff/client.html", client=found, company=company, accounts=accounts,
        dossiers=visible_client_dossiers(db, current_user, found), statuses=statuses,
        invitation=invitation, invitation_state=invitation_state(invitation),
        phone=display_phone(found.phone) if found.phone else None,
        openable=openable_among(db, current_user, accounts),
        for_company=company is not None and may_manage_company(db, current_user, company))


@bp.post("/clienten/<int:user_id>/uitnodiging")
def client_invite(user_id):
    """Send mail 1 again (older invitation links stop working)."""
    db = get_session()
    found = get_staff_client(db, current_user, user_id)
    require_button()
    if not found.active:
        flash(_("This account is deactivated. Reactivate it before you send an invitation."),
              "error")
        return redirect(url_for("staff.client", user_id=found.id))
    resend_invitation(db, current_user, found)
    db.commit()
    flash(_("A new invitation has been sent to %(email)s.", email=found.email), "success")
    return redirect(url_for("staff.client", user_id=found.id))


def _managed_client(db, user_id):
    """The client if the staff member may switch the account off or on, else 404."""
    found = get_staff_client(db, current_user, user_id)
    require_button()
    return found


@bp.post("/clienten/<int:user_id>/deactiveren")
def client_deactivate(user_id):
    """Deactivate the account: logged out everywhere at once, and it cannot log in."""
    db = get_session()
    found = _managed_client(db, user_id)
    if found.active:
        deactivate_client(db, current_user, found)
        db.commit()
    flash(_("The account of %(name)s has been deactivated. It has been logged out "
            "everywhere and can no longer log in.", name=found.name), "success")
    return redirect(url_for("staff.client", user_id=found.id))


@bp.post("/clienten/<int:user_id>/activeren")
def client_reactivate(user_id):
    """Reactivate the account through a new invitation (mail 1); old links, password and
    two-step are not restored."""
    db = get_session()
    found = _managed_client(db, user_id)
    if not found.active:
        reactivate_client(db, current_user, found)
        db.commit()
    flash(_("The account of %(name)s is active again. An invitation has been sent to "
            "%(email)s to set a new password.", name=found.name, email=found.email),
          "success")
    return redirect(url_for("staff.client", user_id=found.id))
