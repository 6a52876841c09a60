"""Staff side: staff accounts (admin: add, role, deactivate, reactivate) and delegations:
which secretary may act for which lawyer."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import func, select
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from .. import audit, security
from ..db import get_session, one_or_404, record_id
from ..forms import email_field, language_field, name_field, require_button
from ..invitations import DuplicateEmail, create_user, send_invitation
from ..models import (
    KIND_STAFF,
    ROLE_ADMIN,
    ROLE_LAWYER,
    ROLE_SECRETARY,
    STAFF_ROLES,
    Delegation,
    Dossier,
    User,
)
from . import bp
from .access import admin_only

ROLE_LABELS = {ROLE_ADMIN: _l("Admin"), ROLE_LAWYER: _l("Lawyer or notary"),
               ROLE_SECRETARY: _l("Secretary")}


def _role_choices():
    return [SelectChoice(role, ROLE_LABELS[role]) for role in STAFF_ROLES]


class StaffForm(FlaskForm):
    name = name_field()
    email = email_field()
    role = RadioField(_l("Role"), choices=_role_choices(),
                      validators=[DataRequired(_l("Choose a role."))])
    language = language_field()


class RoleForm(FlaskForm):
    role = RadioField(_l("Role"), choices=_role_choices(),
                      validators=[DataRequired(_l("Choose a role."))])


class DelegationForm(FlaskForm):
    lawyer_id = SelectField(_l("Lawyer or notary"), coerce=int)
    secretary_id = SelectField(_l("Secretary"), coerce=int)


# ---- staff accounts (admin)

def staff_query():
    """A select of every staff account, deactivated ones included."""
    return select(User).where(User.kind == KIND_STAFF)


def get_staff_account(db, user_id):
    """A staff account, else 404."""
    return one_or_404(db, staff_query().where(User.id == user_id))


def _posted_account(user_id):
    """For a button on one staff account: the database session and the account (404
    without it, then 400 without a valid button)."""
    db = get_session()
    user = get_staff_account(db, user_id)
    require_button()
    return db, user


def handled_dossiers(db, user):
    """How many dossiers `user` is the handling lawyer of."""
    return db.exec(select(func.count()).select_from(Dossier)
                   .where(Dossier.lawyer_id == user.id)).one()


@bp.route("/medewerkers", methods=["GET", "POST"])
@admin_only
def staff_accounts():
    """The staff accounts, and the form to add a staff member (who gets mail 1)."""
    db = get_session()
    form = StaffForm(language="nl")
    if form.validate_on_submit():
        try:
            user = create_user(db, email=form.email.data, name=form.name.data,
                               language=form.language.data, kind=KIND_STAFF,
                               role=form.role.data, actor=current_user)
        except DuplicateEmail:
            db.rollback()
            form.email.errors.append(_("There is already an account with this e-mail "
                                       "address."))
        else:
            send_invitation(db, user, actor=current_user)
            db.commit()
            flash(_("The account of %(name)s has been added. An e-mail has been sent to "
                    "%(email)s to set up the account.", name=user.name, email=user.email),
                  "success")
            return redirect(url_for("staff.staff_accounts"))
    rows = db.exec(staff_query().order_by(User.active.desc(), User.name, User.id)).all()
    return render_template("staff/staff_accounts.html", form=form, accounts=rows,
                           roles=ROLE_LABELS), 400 if form.errors else 200


@bp.get("/medewerkers/<int:user_id>")
@admin_only
def staff_account(user_id):
    """One staff member: role, status, delegations, and what an admin can change."""
    db = get_session()
    user = get_staff_account(db, user_id)
    return _account_page(db, user, RoleForm(role=user.role))


def _account_page(db, user, role_form):
    """The page of one staff account; 400 when the role form has errors."""
    delegations = db.exec(select(Delegation).where(
        (Delegation.lawyer_id == user.id) | (Delegation.secretary_id == user.id))).all()
    people = _names(db, {d.lawyer_id for d in delegations} | {d.secretary_id
                                                              for d in delegations})
    return render_template(
        "staff/staff_account.html", account=user, role_form=role_form, roles=ROLE_LABELS,
        delegations=delegations, people=people, handled=handled_dossiers(db, user),
        is_self=user.id == current_user.id), 400 if role_form.errors else 200


def _names(db, ids):
    """{user id: name} of these users."""
    if not ids:
        return {}
    return {u.id: u.name for u in db.exec(select(User).where(User.id.in_(ids)))}


@bp.post("/medewerkers/<int:user_id>/rol")
@admin_only
def staff_account_role(user_id):
    """Change a staff member's role; a lawyer who still handles dossiers keeps theirs."""
    db = get_session()
    user = get_staff_account(db, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _account_page(db, user, form)
    if user.id == current_user.id:
        form.role.errors.append(_("You cannot change your own role."))
        return _account_page(db, user, form)
    new, old = form.role.data, user.role
    if new == old:
        return redirect(url_for("staff.staff_account", user_id=user.id))
    if old == ROLE_LAWYER and handled_dossiers(db, user):
        form.role.errors.append(_("%(name)s still handles dossiers. Give those dossiers "
                                  "another handling lawyer first.", name=user.name))
        return _account_page(db, user, form)
    # Delegations only mean something between a lawyer and a secretary.
    column = Delegation.lawyer_id if old == ROLE_LAWYER else Delegation.secretary_id
    ended = db.exec(select(Delegation).where(column == user.id)).all() \
        if old in (ROLE_LAWYER, ROLE_SECRETARY) else []
    for delegation in ended:
        db.delete(delegation)
    user.role = new
    audit.record(db, "staff.role_changed", actor=current_user, target=user, old=old, new=new,
                 delegations_ended=[[d.lawyer_id, d.secretary_id] for d in ended])
    db.commit()
    flash(_("The role of %(name)s is now: %(role)s.", name=user.name,
            role=ROLE_LABELS[new]), "success")
    return redirect(url_for("staff.staff_account", user_id=user.id))


@bp.post("/medewerkers/<int:user_id>/deactiveren")
@admin_only
def staff_account_deactivate(user_id):
    """Deactivate a staff account: its sessions and open links end at once."""
    db, user = _posted_account(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("staff.staff_account", user_id=user.id))
    if user.active:
        user.active = False
        security.end_all_logins(db, user)
        security.void_tokens(db, user)
        audit.record(db, "staff.deactivated", actor=current_user, target=user)
        db.commit()
        message = _("The account of %(name)s has been deactivated: they can no longer log "
                    "in.", name=user.name)
        handled = handled_dossiers(db, user)
        if handled:
            message += " " + ngettext("They still handle %(num)s dossier: give it another "
                                      "handling lawyer.",
                                      "They still handle %(num)s dossiers: give those "
                                      "another handling lawyer.", handled)
        flash(message, "success")
    return redirect(url_for("staff.staff_account", user_id=user.id))


@bp.post("/medewerkers/<int:user_id>/activeren")
@admin_only
def staff_account_reactivate(user_id):
    """Reactivate a staff account: they can log in again with their password."""
    db, user = _posted_account(user_id)
    if not user.active:
        user.active = True
        audit.record(db, "staff.reactivated", actor=current_user, target=user)
        db.commit()
        flash(_("The account of %(name)s has been reactivated.", name=user.name), "success")
    return redirect(url_for("staff.staff_account", user_id=user.id))


@bp.post("/medewerkers/<int:user_id>/uitnodiging")
@admin_only
def staff_account_invite(user_id):
    """Send mail 1 again to a staff member who has not set a password yet."""
    db, user = _posted_account(user_id)
    if user.active and not user.password_hash:
        send_invitation(db, user, actor=current_user)
        db.commit()
        flash(_("The invitation has been sent again to %(email)s.", email=user.email),
              "success")
    return redirect(url_for("staff.staff_account", user_id=user.id))


# ---- delegations

def _active(db, role):
    return db.exec(select(User).where(User.kind == KIND_STAFF, User.role == role,
                                      User.active).order_by(User.name, User.id)).all()


def delegations_query(user):
    """A select of the delegations `user` may see: all (admin), their own (lawyer,
    secretary)."""
    query = select(Delegation)
    if user.role == ROLE_LAWYER:
        query = query.where(Delegation.lawyer_id == user.id)
    elif user.role == ROLE_SECRETARY:
        query = query.where(Delegation.secretary_id == user.id)
    elif user.role != ROLE_ADMIN:
        query = query.where(Delegation.lawyer_id.is_(None))
    return query


def may_manage_delegations(user):
    """An admin sets any delegation; a lawyer grants their own."""
    return user.role in (ROLE_ADMIN, ROLE_LAWYER)


@bp.route("/delegaties", methods=["GET", "POST"])
def delegations():
    """Who acts for whom; an admin or a lawyer grants a delegation here."""
    db = get_session()
    form = None
    if may_manage_delegations(current_user):
        form = DelegationForm()
        lawyers = _active(db, ROLE_LAWYER) if current_user.role == ROLE_ADMIN \
            else [current_user]
        form.lawyer_id.choices = [SelectChoice(u.id, u.name) for u in lawyers]
        form.secretary_id.choices = [SelectChoice(u.id, f"{u.name} ({u.email})")
                                     for u in _active(db, ROLE_SECRETARY)]
        if current_user.role == ROLE_LAWYER:
            form.lawyer_id.data = current_user.id  # a lawyer grants for themself only
        if form.validate_on_submit():
            if grant(db, form.lawyer_id.data, form.secretary_id.data):
                db.commit()
                flash(_("%(secretary)s may now act on behalf of %(lawyer)s.",
                        secretary=db.get(User, form.secretary_id.data).name,
                        lawyer=db.get(User, form.lawyer_id.data).name), "success")
                return redirect(url_for("staff.delegations"))
            form.secretary_id.errors.append(_("This secretary already acts on behalf of "
                                              "this lawyer."))
    elif request.method == "POST":
        abort(404)
    rows = db.exec(delegations_query(current_user)
                   .order_by(Delegation.lawyer_id, Delegation.secretary_id)).all()
    people = _names(db, {d.lawyer_id for d in rows} | {d.secretary_id for d in rows})
    return render_template("staff/staff_delegations.html", form=form, delegations=rows,
                           people=people), 400 if form is not None and form.errors else 200


def grant(db, lawyer_id, secretary_id):
    """Let the secretary act for the lawyer; False when that was so already."""
    if db.get(Delegation, (lawyer_id, secretary_id)) is not None:
        return False
    db.add(Delegation(lawyer_id=lawyer_id, secretary_id=secretary_id))
    audit.record(db, "delegation.granted", actor=current_user,
                 target=db.get(User, secretary_id), lawyer_id=lawyer_id,
                 secretary_id=secretary_id)
    return True


@bp.post("/delegaties/intrekken")
def delegation_revoke():
    """End a delegation: an admin any, a lawyer their own; else 404."""
    db = get_session()
    if not may_manage_delegations(current_user):
        abort(404)
    require_button()
    lawyer_id = request.form.get("lawyer_id", type=record_id)
    secretary_id = request.form.get("secretary_id", type=record_id)
    delegation = one_or_404(db, delegations_query(current_user).where(
        Delegation.lawyer_id == lawyer_id, Delegation.secretary_id == secretary_id))
    db.delete(delegation)
    secretary = db.get(User, secretary_id)
    audit.record(db, "delegation.revoked", actor=current_user, target=secretary,
                 lawyer_id=lawyer_id, secretary_id=secretary_id)
    db.commit()
    flash(_("%(secretary)s no longer acts on behalf of %(lawyer)s.", secretary=secretary.name,
            lawyer=db.get(User, lawyer_id).name), "success")
    return redirect(url_for("staff.delegations"))
