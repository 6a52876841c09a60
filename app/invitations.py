"""Creating client accounts and inviting them (mail 1 of the manual); switching accounts
off, and on again as new ones."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import select

from . import audit, security, twostep
from .models import KIND_CLIENT, TOKEN_INVITE, Company, User
from .outbox import public_url, queue_mail


class DuplicateEmail(ValueError):
    """An account with this e-mail address exists already."""


def create_user(db, *, email, name, language="nl", kind=KIND_CLIENT, role=None,
                company=None, company_main=False, actor=None):
    """Add a user; the e-mail address must be new."""
    email = security.normalise_email(email)
    if db.exec(select(User).where(User.email == email)).first() is not None:
        raise DuplicateEmail(email)
    user = User(email=email, name=name.strip(), language=language, kind=kind, role=role,
                company_id=company.id if company else None, is_company_main=company_main,
                name_by_client=actor is not None and actor.kind == KIND_CLIENT)
    db.add(user)
    db.flush()
    audit.record(db, "user.created", actor=actor, target=user, kind=kind, role=role)
    return user


def create_company(db, *, name, actor=None):
    """Add a company client (rechtspersoon)."""
    company = Company(name=name.strip())
    db.add(company)
    db.flush()
    audit.record(db, "company.created", actor=actor, target=company)
    return company


def send_invitation(db, user, actor=None):
    """Queue mail 1: the link that starts setting up the account."""
    raw = security.issue_token(db, user, TOKEN_INVITE,
                               current_app.config["INVITE_TOKEN_HOURS"])
    queue_mail(db, user, "invitation", _l("Your account for our client portal"),
               link=public_url("auth.invitation", token=raw),
               days=current_app.config["INVITE_TOKEN_HOURS"] // 24)
    audit.record(db, "invitation.sent", actor=actor, target=user)
    return raw


def deactivate(db, user, actor, action="user.deactivated"):
    """Switch an account off at once: no password, no two-step, no open links or sessions;
    who did it is kept, since only the firm may switch on what the firm switched off."""
    user.active, user.deactivated_by_id = False, actor.id if actor is not None else None
    user.password_hash = None
    twostep.reset(db, user)
    security.void_tokens(db, user)
    security.end_all_logins(db, user)
    audit.record(db, action, actor=actor, target=user, email=user.email)


def reactivate(db, user, actor):
    """Switch an account on again as a new one: whatever password, two-step, links or
    sessions it had are gone, and mail 1 invites it to set it up again."""
    user.active, user.deactivated_by_id, user.first_login_at = True, None, None
    user.password_hash = None
    twostep.reset(db, user)
    security.void_tokens(db, user)
    security.end_all_logins(db, user)
    audit.record(db, "user.reactivated", actor=actor, target=user, email=user.email)
    send_invitation(db, user, actor=actor)
