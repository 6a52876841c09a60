"""The staff side's clients without the pages: the forms, search, creating a client (mail 1
of the invitation), invitations, deactivating; shared with the API (app/api/clients.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlmodel import and_, or_, select
from wtforms import SubmitField, TelField
from wtforms.validators import Length, Optional, ValidationError

from .. import security
from ..access import visible_dossier_ids
from ..db import like
from ..forms import email_field, language_field, name_field, single_line
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
    OneTimeToken,
    User,
    utcnow,
)
from ..pages import paginate
from ..phone import EXTENSION, NO_EXTENSION, PhoneError, normalise_phone
from .access import (
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
