"""Views of "Accounts | Extra accounts": the main account of a company client adds, views
and deletes the company's extra accounts."""
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select

from .. import audit, security
from ..db import one_or_404
from ..forms import ButtonForm
from ..invitations import create_user, deactivate, reactivate, send_invitation
from ..models import KIND_CLIENT, AccountInvitation, Company, User
from . import bp
from .common import signed_in
from .forms import ExtraAccountForm


def main_account():
    """This request's database session, and the signed-in user if it is the main account of
    a company client (else 404)."""
    db, user = signed_in()
    if user.is_staff or not user.is_company_main or user.company_id is None:
        abort(404)
    return db, user


def _live_extra_accounts(main):
    """A select of the live extra accounts of `main`'s company."""
    return select(User).where(User.company_id == main.company_id, User.kind == KIND_CLIENT,
                              User.active, User.id != main.id, ~User.is_company_main)


def extra_accounts_query(main):
    """A select of the extra accounts listed by name: those still waiting for their first
    login since an addition here are listed as invitations instead (pending_invitations)."""
    waiting = select(AccountInvitation.user_id).where(AccountInvitation.user_id.is_not(None))
    return _live_extra_accounts(main).where(
        (User.first_login_at.is_not(None)) | (User.id.not_in(waiting)))


def pending_invitations(db, main):
    """The additions of `main`'s company still waiting: for an address that got no account,
    or for an account that has not logged in yet."""
    waiting = _live_extra_accounts(main).where(User.first_login_at.is_(None))
    return db.exec(select(AccountInvitation).where(
        AccountInvitation.company_id == main.company_id,
        AccountInvitation.user_id.is_(None)
        | AccountInvitation.user_id.in_(waiting.with_only_columns(User.id)))
        .order_by(AccountInvitation.name, AccountInvitation.id)).all()


def list_entries(db, main):
    """What the list shows, the same for an account and an invitation: name, e-mail address,
    status and the addresses of its pages."""
    entries = [SimpleNamespace(
        name=u.name, email=u.email, active=u.first_login_at is not None,
        view=url_for("account.account_detail", account_id=u.id),
        delete=url_for("account.account_delete", account_id=u.id))
        for u in db.exec(extra_accounts_query(main))]
    entries += [SimpleNamespace(
        name=i.name, email=i.email, active=False,
        view=url_for("account.invitation_detail", invitation_id=i.id),
        delete=url_for("account.invitation_delete", invitation_id=i.id))
        for i in pending_invitations(db, main)]
    return sorted(entries, key=lambda e: (e.name.lower(), e.email))


def count_extra_accounts(db, main):
    """How many extra accounts the list of `main` shows (the very same entries)."""
    return len(list_entries(db, main))


def get_extra_account_for(db, main, account_id):
    """The extra account if the list of `main` shows it by name, else 404."""
    return one_or_404(db, extra_accounts_query(main).where(User.id == account_id))


def get_invitation_for(db, main, invitation_id):
    """The waiting addition if the list of `main` shows it, else 404."""
    found = next((i for i in pending_invitations(db, main) if i.id == invitation_id), None)
    if found is None:
        abort(404)
    return found


def invitation_view(invitation):
    """An invitation as the detail page shows an account that has not logged in yet."""
    return SimpleNamespace(name=invitation.name, email=invitation.email,
                           language=invitation.language, created_at=invitation.created_at,
                           first_login_at=None, last_login_at=None, two_step_enabled=False)


def add_extra_account(db, main, *, name, email, language):
    """Ask for an extra account of `main`'s company. A new address gets one and mail 1; so
    does an account this very main account deleted, brought back as a new one. Any other
    known address gets nothing, but is listed as invited all the same (no enumeration)."""
    email = security.normalise_email(email)
    company = db.get(Company, main.company_id)
    if (any(i.email == email for i in pending_invitations(db, main))
            or db.exec(_live_extra_accounts(main).where(User.email == email)).first()):
        return  # listed already: nothing new to send
    earlier = db.exec(select(User).where(User.email == email)).first()
    user = None
    if earlier is None:
        user = create_user(db, email=email, name=name, language=language, company=company,
                           actor=main)
        send_invitation(db, user, actor=main)
    elif (not earlier.active and earlier.deactivated_by_id == main.id
          and earlier.company_id == company.id and not earlier.is_company_main
          and earlier.kind == KIND_CLIENT):
        user = earlier
        user.name, user.language, user.name_by_client = name.strip(), language, True
        reactivate(db, user, actor=main)
    db.add(AccountInvitation(company_id=company.id, user_id=user.id if user else None,
                             added_by_id=main.id, email=email, name=name.strip(),
                             language=language))
    audit.record(db, "company.account_added", actor=main, target=company, email=email,
                 account_id=user.id if user else None)


def delete_extra_account(db, main, account):
    """End an extra account at once: no password, no codes, no open links or sessions; only
    this main account may bring it back (as a new one, through mail 1)."""
    deactivate(db, account, main, action="company.account_deleted")
    db.exec(delete(AccountInvitation).where(AccountInvitation.user_id == account.id))


def withdraw_invitation(db, main, invitation):
    """Take back a waiting addition; the account it made, if any, is deleted with it."""
    if invitation.user_id is not None:
        delete_extra_account(db, main, db.get(User, invitation.user_id))
    else:
        db.delete(invitation)
        audit.record(db, "company.invitation_withdrawn", actor=main,
                     target=db.get(Company, main.company_id), email=invitation.email)


def too_many_additions(db, main):
    """True when `main` reached today's cap of additions; otherwise this one is counted."""
    key, limit = f"extra-accounts:{main.id}", current_app.config["EXTRA_ACCOUNTS_MAX_PER_DAY"]
    if security.throttled(db, key, limit, 24 * 60):
        return True
    security.note_event(db, key)
    return False


@bp.route("/mijn-gegevens/accounts", methods=["GET", "POST"])
def accounts():
    """Accounts | Extra accounts: the list, and the form to add one."""
    db, main = main_account()
    form = ExtraAccountForm(language=main.language)
    status = 200
    if form.validate_on_submit():
        if too_many_additions(db, main):
            db.rollback()
            form.form_errors.append(_(
                "You have added %(num)s accounts today, the most there may be in a day. Try "
                "again tomorrow.", num=current_app.config["EXTRA_ACCOUNTS_MAX_PER_DAY"]))
            status = 429
        else:
            add_extra_account(db, main, name=form.name.data, email=form.email.data,
                              language=form.language.data)
            try:
                db.commit()
            except IntegrityError:  # the same new address, added by a parallel request
                db.rollback()
            # The same words for every address: whether it has an account is not told.
            flash(_("%(name)s has been added to the list. An e-mail to set up the account "
                    "is sent to %(email)s, unless that address cannot be given an account.",
                    name=form.name.data, email=security.normalise_email(form.email.data)),
                  "success")
            return redirect(url_for("account.accounts"))
    elif form.errors:
        status = 400
    company = db.get(Company, main.company_id)
    return render_template("account/accounts.html", form=form, company=company,
                           accounts=list_entries(db, main)), status


@bp.get("/mijn-gegevens/accounts/<int:account_id>")
def account_detail(account_id):
    """The recorded details of one extra account."""
    db, main = main_account()
    account = get_extra_account_for(db, main, account_id)
    return render_template("account/account_detail.html", account=account,
                           delete=url_for("account.account_delete", account_id=account.id))


@bp.route("/mijn-gegevens/accounts/<int:account_id>/verwijderen", methods=["GET", "POST"])
def account_delete(account_id):
    """Ask to confirm, then delete the extra account; its open sessions end at once."""
    db, main = main_account()
    account = get_extra_account_for(db, main, account_id)
    return _confirm_delete(db, account, lambda: delete_extra_account(db, main, account))


@bp.get("/mijn-gegevens/accounts/uitgenodigd/<int:invitation_id>")
def invitation_detail(invitation_id):
    """The details of an extra account that has not logged in yet, as they were typed."""
    db, main = main_account()
    invitation = get_invitation_for(db, main, invitation_id)
    return render_template("account/account_detail.html", account=invitation_view(invitation),
                           delete=url_for("account.invitation_delete",
                                          invitation_id=invitation.id))


@bp.route("/mijn-gegevens/accounts/uitgenodigd/<int:invitation_id>/verwijderen",
          methods=["GET", "POST"])
def invitation_delete(invitation_id):
    """Ask to confirm, then take back an extra account that has not logged in yet."""
    db, main = main_account()
    invitation = get_invitation_for(db, main, invitation_id)
    return _confirm_delete(db, invitation_view(invitation),
                           lambda: withdraw_invitation(db, main, invitation))


def _confirm_delete(db, shown, delete_it):
    """The page that asks to confirm deleting `shown` (an account or an invitation as
    shown); once confirmed, `delete_it()` and back to the list."""
    form = ButtonForm()
    if form.validate_on_submit():
        delete_it()
        db.commit()
        flash(_("The account of %(name)s has been deleted.", name=shown.name), "success")
        return redirect(url_for("account.accounts"))
    return render_template("account/account_delete.html", account=shown,
                           form=form), 400 if form.errors else 200
