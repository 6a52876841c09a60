"""Staff side: the firm's clients: search, create (mail 1 of the invitation), one client's
page, resend the invitation, deactivate and reactivate (who may: app/staff/access.py)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from ..db import get_session
from ..forms import require_button
from ..htmx import page_or_fragment
from ..invitations import (
    DuplicateEmail,
)
from ..models import (
    Company,
    DossierStatus,
    User,
)
from ..pages import asked_page, page_size
from ..phone import display_phone
from . import bp
from .access import (
    get_staff_client,
    may_manage_company,
)
from .client_forms import (
    ClientForm,
    CompanyClientForm,
    create_client,
    deactivate_client,
    invitation_state,
    last_invitation,
    openable_among,
    reactivate_client,
    resend_invitation,
    search_clients,
    visible_client_dossiers,
)


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
