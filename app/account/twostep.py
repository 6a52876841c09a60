"""Views of "2-staps verificatie" in Mijn gegevens: SMS with a recovery code, the
authenticator app, backup codes (the last step of a first set-up), and turning a method off."""
from functools import wraps

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import gettext as _

from .. import audit, passkeys, security, sms, twostep
from ..auth.login import check_code
from ..phone import display_phone
from . import bp
from .common import password_again, signed_in
from .forms import CodeForm, PasswordAgainForm, PhoneForm

_PENDING_PHONE = "sms_setup_phone"


def too_many_sms(refused):
    """What to say when no set-up SMS may go out now (twostep.HOUR or twostep.DAY)."""
    if refused == twostep.DAY:
        return _("Too many text messages have been sent to you or to this number today. "
                 "Try again tomorrow, or set up the authenticator app.")
    return _("Too many text messages have been sent to you or to this number. Wait an hour "
             "and try again.")


def backup_codes_if_none(db, user):
    """Backup codes, the last step of any set-up in the third manual, when the user has no
    unused ones (a first set-up); a method added later keeps those there are. None if so."""
    if twostep.count_codes(db, user, twostep.KIND_BACKUP):
        return None
    audit.record(db, "two_step.backup_codes", actor=user, target=user)
    return twostep.new_codes(db, user, twostep.KIND_BACKUP, twostep.BACKUP_CODE_COUNT)


def changed(db, user, change, **detail):
    """What every change of a two-step setting does besides itself: end the user's other
    sessions, tell the user by mail, and write it in the audit log."""
    security.end_other_logins(db, user)
    twostep.mail_change(db, user, change)
    audit.record(db, f"two_step.{change}", actor=user, target=user, **detail)


@bp.get("/mijn-gegevens/2-staps-verificatie")
def twostep_overview():
    """The two methods, the recovery code and the backup codes, with what can be done."""
    db, user = signed_in()
    return render_template(
        "account/twostep.html",
        phone=display_phone(user.sms_phone) if user.sms_phone else None,
        recovery_codes=twostep.count_codes(db, user, twostep.KIND_RECOVERY),
        passkey_count=passkeys.count(db, user),
        backup_codes=twostep.count_codes(db, user, twostep.KIND_BACKUP))


@bp.route("/mijn-gegevens/2-staps-verificatie/sms", methods=["GET", "POST"])
def sms_setup():
    """SMS, step 1: the mobile number and the password; a code is sent."""
    db, user = signed_in()
    form, status = PhoneForm(), 200
    if form.validate_on_submit() and password_again(db, user, form.password):
        try:
            refused = twostep.send_sms_code(db, user, twostep.SMS_SETUP, form.e164)
        except sms.SmsError:
            form.form_errors.append(_("The SMS could not be sent. Try again in a moment."))
            status = 503
        else:
            if not refused:
                cookie[_PENDING_PHONE] = form.e164
                flash(_("We have sent a code by SMS to %(phone)s.",
                        phone=display_phone(form.e164)), "info")
                return redirect(url_for("account.sms_confirm"))
            form.form_errors.append(too_many_sms(refused))
            status = 429
    if form.errors and status == 200:
        status = 400
    return render_template("account/sms_setup.html", form=form), status


def _with_pending_phone(view):
    """For the views of SMS step 2: the number being set up is passed to the view; without
    one, back to step 1."""
    @wraps(view)
    def wrapped():
        phone = cookie.get(_PENDING_PHONE)
        if not phone:
            return redirect(url_for("account.sms_setup"))
        return view(phone)
    return wrapped


@bp.route("/mijn-gegevens/2-staps-verificatie/sms/code", methods=["GET", "POST"])
@_with_pending_phone
def sms_confirm(phone):
    """SMS, step 2: the code from the SMS; then the recovery code (and on a first set-up the
    backup codes) are shown, once."""
    db, user = signed_in()
    form = CodeForm()
    proved, status, _wait = check_code(
        db, user, form, twostep.METHOD_SMS,
        lambda code: twostep.check_sms_code(db, user, twostep.SMS_SETUP, phone, code)
        or twostep.METHOD_SMS)
    if proved:
        change = "sms_changed" if user.sms_enabled else "sms_on"
        recovery = twostep.enable_sms(db, user, phone)
        codes = backup_codes_if_none(db, user)
        changed(db, user, change, phone=phone)
        db.commit()
        cookie.pop(_PENDING_PHONE, None)
        return render_template("account/new_codes.html", recovery=recovery, codes=codes,
                               done=_("Two-step verification by SMS is on."))
    return render_template("account/sms_confirm.html", form=form,
                           phone=display_phone(phone)), status


@bp.post("/mijn-gegevens/2-staps-verificatie/sms/opnieuw")
@_with_pending_phone
def sms_resend(phone):
    """Send the set-up code again to the number being set up."""
    db, user = signed_in()
    try:
        refused = twostep.send_sms_code(db, user, twostep.SMS_SETUP, phone)
    except sms.SmsError:
        flash(_("The SMS could not be sent. Try again in a moment."), "error")
    else:
        if refused:
            flash(too_many_sms(refused), "error")
        else:
            flash(_("We have sent a code by SMS to %(phone)s.", phone=display_phone(phone)),
                  "info")
    return redirect(url_for("account.sms_confirm"))


@bp.route("/mijn-gegevens/2-staps-verificatie/app", methods=["GET", "POST"])
def app_setup():
    """The authenticator app: the password first; then a QR code and the secret as text
    (fresh for this set-up, kept with this login only), confirmed by a first code; a first
    set-up ends on the backup codes."""
    db, user = signed_in()
    if user.totp_enabled:
        flash(_("Your authenticator app has already been set up."), "info")
        return redirect(url_for("account.twostep_overview"))
    secret = twostep.pending_totp_secret(db)
    if secret is None or "password" in request.form:
        return _start_app_setup(db, user)
    form = CodeForm()
    proved, status, _wait = check_code(
        db, user, form, twostep.METHOD_APP,
        lambda code: twostep.METHOD_APP if twostep.confirm_totp(db, user, code) else "invalid")
    if proved:
        codes = backup_codes_if_none(db, user)
        changed(db, user, "app_on")
        db.commit()
        done = _("Your authenticator app has been set up. From now on you log in with a code "
                 "from the app.")
        if codes:
            return render_template("account/new_codes.html", codes=codes, done=done)
        flash(done, "success")
        return redirect(url_for("account.twostep_overview"))
    return render_template("account/app_setup.html", form=form,
                           qr=twostep.qr_svg(twostep.totp_uri(user, secret)),
                           secret=twostep.grouped_secret(secret)), status


def _start_app_setup(db, user):
    """Ask for the password; once given, this login gets a fresh secret to set up."""
    form = PasswordAgainForm()
    if form.validate_on_submit() and password_again(db, user, form.password):
        twostep.start_totp_setup(db)
        db.commit()
        return redirect(url_for("account.app_setup"))
    return _password_first(form, _("Set up the authenticator app"),
                           _("Enter your password to see the QR code for your app."),
                           _("Continue"))


def _password_first(form, title, intro, button, replaces=None):
    """The page that asks for the password before a two-step change; 400 with errors."""
    return render_template("account/password_first.html", form=form, title=title,
                           intro=intro, button=button, replaces=replaces), \
        400 if form.errors else 200


@bp.route("/mijn-gegevens/2-staps-verificatie/uitzetten/<any(sms, app):method>",
          methods=["GET", "POST"])
def turn_off(method):
    """Turn one method off, after asking for the password again."""
    db, user = signed_in()
    if method not in twostep.methods_of(user):
        return redirect(url_for("account.twostep_overview"))
    last_one = len(twostep.methods_of(user)) == 2  # the other entry is "code"
    if user.is_staff and last_one:
        flash(_("Staff always use two-step verification. Set up the other method first if "
                "you want to turn this one off."), "error")
        return redirect(url_for("account.twostep_overview"))
    form = PasswordAgainForm()
    if form.validate_on_submit() and password_again(db, user, form.password):
        twostep.disable(db, user, method)
        changed(db, user, f"{method}_off")
        db.commit()
        flash(_("Two-step verification by SMS has been turned off.") if method == "sms"
              else _("Two-step verification with the authenticator app has been turned off."),
              "success")
        return redirect(url_for("account.twostep_overview"))
    return render_template("account/turn_off.html", form=form, method=method,
                           last_one=last_one), 400 if form.errors else 200


@bp.route("/mijn-gegevens/2-staps-verificatie/back-upcodes", methods=["GET", "POST"])
def backup_codes():
    """Make a new set of backup codes (the old ones stop working) after asking for the
    password, and show them, once."""
    db, user = signed_in()
    if not user.two_step_enabled:
        flash(_("Set up two-step verification first."), "error")
        return redirect(url_for("account.twostep_overview"))
    version = twostep.codes_version(db, user, twostep.KIND_BACKUP)
    # The form names the set it replaces: reloading the page of new codes (which sends the
    # form again) or an old tab must not silently replace the codes just saved.
    if request.method == "POST" and request.form.get("replaces") != version:
        flash(_("Your backup codes have not been replaced, because new ones were made after "
                "this page was opened. Make new backup codes only if you have lost the ones "
                "you have."), "info")
        return redirect(url_for("account.twostep_overview"))
    form = PasswordAgainForm()
    if not (form.validate_on_submit() and password_again(db, user, form.password)):
        return _password_first(form, _("Make new backup codes"),
                               _("New codes replace the codes you have now."),
                               _("Make new backup codes"), replaces=version)
    codes = twostep.new_codes(db, user, twostep.KIND_BACKUP, twostep.BACKUP_CODE_COUNT)
    changed(db, user, "backup_codes")
    db.commit()
    return render_template("account/new_codes.html", codes=codes, replaced=True)


@bp.post("/mijn-gegevens/2-staps-verificatie/codes/<any(download, printen):how>")
def codes_copy(how):
    """The codes just shown, as a text file or as a page to print (the Print button without
    JavaScript): only unused codes of this user that the page posted back, so nothing but
    that page ever holds them in plain text."""
    db, user = signed_in()
    posted = request.form.getlist
    codes = twostep.unused_among(db, user, twostep.KIND_BACKUP,
                                 posted("code")[:twostep.BACKUP_CODE_COUNT])
    recovery = (twostep.unused_among(db, user, twostep.KIND_RECOVERY, posted("recovery")[:1])
                or [None])[0]
    if not codes and not recovery:
        abort(404)
    if how == "printen":
        return render_template("account/new_codes.html", codes=codes, recovery=recovery,
                               printing=True)
    text = render_template("account/codes.txt", codes=codes, recovery=recovery, user=user)
    if not recovery:
        filename = _("backup-codes")
    elif codes:
        filename = _("recovery-code-and-backup-codes")
    else:
        filename = _("recovery-code")
    return Response(text, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="{filename}.txt"'})
