"""Views of "Passkeys" under 2-staps verificatie: the list of the user's passkeys, adding
one (a name and the password, then the browser's own dialog) and removing one (the password,
or one of the user's passkeys). A passkey is a two-step method like the others: adding or
removing one ends the other sessions, sends a notice mail and is audited."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from .. import passkeys, twostep
from ..auth.forms import PasskeyForm
from ..auth.login import PASSKEY_PROBLEMS, check_passkey, options_answer
from ..models import Passkey
from . import bp
from .common import password_again, signed_in
from .forms import AddPasskeyForm, NewPasskeyForm, PasswordAgainForm
from .twostep import backup_codes_if_none, changed

_NOT_ADDED = {
    "expired": PASSKEY_PROBLEMS["expired"],
    "unknown": PASSKEY_PROBLEMS["invalid"],
    "invalid": PASSKEY_PROBLEMS["invalid"],
}


def _overview(db, user, form, status=200):
    return render_template("account/passkeys.html", form=form,
                           passkeys=passkeys.passkeys_of(db, user),
                           usable=passkeys.usable_here(),
                           address=passkeys.public_address()), status


@bp.route("/mijn-gegevens/2-staps-verificatie/passkeys", methods=["GET", "POST"])
def passkeys_overview():
    """The user's passkeys, and step 1 of adding one: a name and the password; then the
    page that opens the browser's dialog (a fresh challenge, valid for minutes)."""
    db, user = signed_in()
    form = AddPasskeyForm()
    if passkeys.usable_here() and form.validate_on_submit() and \
            password_again(db, user, form.password):
        options = passkeys.registration_options(db, user)
        db.commit()
        return render_template("account/passkey_create.html", options=options,
                               name=form.name.data.strip())
    return _overview(db, user, form, 400 if form.errors else 200)


@bp.post("/mijn-gegevens/2-staps-verificatie/passkeys/nieuw")
def passkey_add():
    """Step 2: the browser's answer. The passkey is kept; a first two-step method ends on
    the backup codes, as any first set-up does."""
    db, user = signed_in()
    form = NewPasskeyForm()
    if form.validate_on_submit():
        try:
            passkey = passkeys.register(db, user, form.credential.data, form.name.data)
        except passkeys.PasskeyError as error:
            db.commit()  # the challenge stays used
            retry = AddPasskeyForm(formdata=None, name=form.name.data)
            retry.form_errors.append(_NOT_ADDED[error.problem])
            return _overview(db, user, retry, 400)
        codes = backup_codes_if_none(db, user)
        changed(db, user, "passkey_added", passkey=passkey.name)
        db.commit()
        done = _("Your passkey “%(name)s” has been added. From now on you can log in with it.",
                 name=passkey.name)
        if codes:
            return render_template("account/new_codes.html", codes=codes, done=done)
        flash(done, "success")
        return redirect(url_for("account.passkeys_overview"))
    retry = AddPasskeyForm(formdata=None, name=form.name.data)
    retry.form_errors.extend(form.credential.errors or [PASSKEY_PROBLEMS["expired"]])
    return _overview(db, user, retry, 400)


@bp.post("/mijn-gegevens/2-staps-verificatie/passkeys/bevestigen")
def passkey_confirm_options():
    """The options to confirm a change with one of the user's own passkeys."""
    db, user = signed_in()
    if not user.passkey_enabled:
        abort(404)
    return options_answer(db, passkeys.CONFIRM, user)


@bp.route("/mijn-gegevens/2-staps-verificatie/passkeys/<int:passkey_id>/verwijderen",
          methods=["GET", "POST"])
def passkey_remove(passkey_id):
    """Remove one passkey, after the password or a passkey of the user confirms it."""
    db, user = signed_in()
    passkey = db.exec(select(Passkey).where(Passkey.id == passkey_id,
                                            Passkey.user_id == user.id)).first()
    if passkey is None:
        abort(404)
    last_one = not (user.totp_enabled or user.sms_enabled) and passkeys.count(db, user) == 1
    if user.is_staff and last_one:
        flash(_("Staff always use two-step verification. Set up another method first if you "
                "want to remove this passkey."), "error")
        return redirect(url_for("account.passkeys_overview"))
    form, confirm = PasswordAgainForm(), PasskeyForm()
    by_passkey = "credential" in request.form
    if by_passkey:
        confirmed = check_passkey(db, user, confirm, passkeys.CONFIRM)[0] is not None
    else:
        confirmed = form.validate_on_submit() and password_again(db, user, form.password)
    if confirmed:
        name = passkey.name
        passkeys.remove(db, user, passkey)
        twostep.forget_codes_if_off(db, user)
        changed(db, user, "passkey_removed", passkey=name)
        db.commit()
        flash(_("The passkey “%(name)s” has been removed.", name=name), "success")
        return redirect(url_for("account.passkeys_overview"))
    errors = form.errors or confirm.errors or confirm.form_errors
    return render_template("account/passkey_remove.html", form=form, confirm=confirm,
                           passkey=passkey, last_one=last_one), 400 if errors else 200

