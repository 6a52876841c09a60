"""Views of "Accounts | Extra accounts": the main account of a company client adds, views
and deletes the company's extra accounts."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlmodel import func, select

from .. import audit, security, twostep
from ..db import get_session
from ..invitations import DuplicateEmail, create_user, send_invitation
from ..models import KIND_CLIENT, Company, User
from . import bp
from .common import me
from .forms import ExtraAccountDeleteForm, ExtraAccountForm


def main_account(db):
    """The signed-in user if it is the main account of a company client, else 404."""
    user = me(db)
    if user.is_staff or not user.is_company_main or user.company_id is None:
        abort(404)
    return user


def extra_accounts_query(main):
    """A select of the live extra accounts of `main`'s company."""
    return select(User).where(User.company_id == main.company_id, User.kind == KIND_CLIENT,
                              User.active, User.id != main.id, ~User.is_company_main)


def count_extra_accounts(db, main):
    """How many extra accounts the list of `main` shows (the very same query)."""
    return db.exec(select(func.count()).select_from(
        extra_accounts_query(main).subquery())).one()


def get_extra_account_for(db, main, account_id):
    """The extra account if it is one of `main`'s company, else 404."""
    account = db.exec(extra_accounts_query(main).where(User.id == account_id)).first()
    if account is None:
        abort(404)
    return account


def add_extra_account(db, main, *, name, email, language):
    """Create an extra account of `main`'s company (or bring back one deleted before) and
    send it mail 1. Raises DuplicateEmail when the address belongs to another account."""
    email = security.normalise_email(email)
    earlier = db.exec(select(User).where(User.email == email)).first()
    if earlier is None:
        user = create_user(db, email=email, name=name, language=language,
                           company=db.get(Company, main.company_id), actor=main)
    elif (not earlier.active and earlier.company_id == main.company_id
          and not earlier.is_company_main and earlier.kind == KIND_CLIENT):
        user = earlier
        user.active, user.name, user.language, user.first_login_at = (
            True, name.strip(), language, None)
        audit.record(db, "user.reactivated", actor=main, target=user)
    else:
        raise DuplicateEmail(email)
    send_invitation(db, user, actor=main)
    return user


def delete_extra_account(db, main, account):
    """End an extra account at once: no password, no codes, no open links or sessions."""
    account.active = False
    account.password_hash = None
    twostep.reset(db, account)
    security.void_tokens(db, account)
    security.end_all_logins(db, account)
    audit.record(db, "company.account_deleted", actor=main, target=account,
                 email=account.email)


@bp.route("/mijn-gegevens/accounts", methods=["GET", "POST"])
def accounts():
    """Accounts | Extra accounts: the list, and the form to add one."""
    db = get_session()
    main = main_account(db)
    form = ExtraAccountForm(language=main.language)
    if form.validate_on_submit():
        try:
            account = add_extra_account(db, main, name=form.name.data, email=form.email.data,
                                        language=form.language.data)
        except DuplicateEmail:
            db.rollback()
            form.email.errors.append(_("There is already an account with this e-mail "
                                       "address."))
        else:
            db.commit()
            flash(_("The account of %(name)s has been added. An e-mail has been sent to "
                    "%(email)s to set up the account.", name=account.name,
                    email=account.email), "success")
            return redirect(url_for("account.accounts"))
    company = db.get(Company, main.company_id)
    rows = db.exec(extra_accounts_query(main).order_by(User.name, User.id)).all()
    return render_template("account/accounts.html", form=form, company=company,
                           accounts=rows), 400 if form.errors else 200


@bp.get("/mijn-gegevens/accounts/<int:account_id>")
def account_detail(account_id):
    """The recorded details of one extra account."""
    db = get_session()
    account = get_extra_account_for(db, main_account(db), account_id)
    return render_template("account/account_detail.html", account=account)


@bp.route("/mijn-gegevens/accounts/<int:account_id>/verwijderen", methods=["GET", "POST"])
def account_delete(account_id):
    """Ask to confirm, then delete the extra account; its open sessions end at once."""
    db = get_session()
    main = main_account(db)
    account = get_extra_account_for(db, main, account_id)
    form = ExtraAccountDeleteForm()
    if form.validate_on_submit():
        delete_extra_account(db, main, account)
        db.commit()
        flash(_("The account of %(name)s has been deleted.", name=account.name), "success")
        return redirect(url_for("account.accounts"))
    return render_template("account/account_delete.html", account=account,
                           form=form), 400 if form.errors else 200
