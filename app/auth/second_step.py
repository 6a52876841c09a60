"""The second step of logging in: a passkey, a code from the authenticator app, an SMS code,
or a recovery or backup code. Until it passes, the browser is not logged in."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import audit, passkeys, sms, twostep
from ..db import get_session
from . import bp
from .forms import CodeForm, PasskeyForm
from .login import (
    check_code,
    check_passkey,
    landing_for,
    log_in,
    next_for,
    remember_language,
    retry_after,
)


def begin(db, user, next_url):
    """The password was right: remember that, and ask for the second step."""
    twostep.start_pending(user, next_url)
    audit.record(db, "login.password_ok", actor=user, target=user)
    methods = twostep.methods_of(user)
    # A passkey is offered first, but not where no browser would accept it.
    method = methods[1] if methods[0] == twostep.METHOD_PASSKEY and \
        not passkeys.usable_here() else methods[0]
    if method == twostep.METHOD_SMS:
        _send_code(db, user)
    db.commit()
    return redirect(url_for("auth.second_step", method=method))


def _send_code(db, user):
    """Send a login code by SMS and say what happened."""
    try:
        refused = twostep.send_sms_code(db, user, twostep.SMS_LOGIN, user.sms_phone)
    except sms.SmsError:
        flash(_("The SMS could not be sent. Try again in a moment, or log in another way."),
              "error")
        return
    if refused == twostep.DAY:
        flash(_("Too many text messages have been sent today. Try again tomorrow, or log in "
                "another way."), "error")
    elif refused:
        flash(_("Too many text messages have been sent. Wait an hour, or log in another "
                "way."), "error")
    else:
        flash(_("We have sent a code by SMS to your mobile number ending in %(digits)s.",
                digits=twostep.phone_ending(user.sms_phone)), "info")


def _start_again():
    flash(_("Your login has expired. Please log in again."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/inloggen/verificatie/<any(passkey, app, sms, code):method>", methods=["GET", "POST"])
def second_step(method):
    """Ask for the code of the second step, by the chosen method."""
    if current_user.is_authenticated:
        return redirect(landing_for(current_user))
    db = get_session()
    user = twostep.pending_user(db)
    if user is None:
        return _start_again()
    methods = twostep.methods_of(user)
    if method not in methods:
        return redirect(url_for("auth.second_step", method=methods[0]))
    if method == twostep.METHOD_PASSKEY:
        form = PasskeyForm()
        proved, status, wait = check_passkey(db, user, form, passkeys.SECOND_STEP,
                                             failure_event="login.two_step_failed")
    else:
        form = CodeForm()
        proved, status, wait = check_code(
            db, user, form, method, lambda code: twostep.verify_login(db, user, method, code),
            wrong_status=401, failure_event="login.two_step_failed")
    if proved:
        return _finish(db, user, proved)
    return render_template("auth/second_step.html", form=form, method=method, methods=methods,
                           digits=twostep.phone_ending(user.sms_phone)), status, \
        retry_after(wait)


@bp.post("/inloggen/verificatie/sms/versturen")
def send_login_code():
    """Send a (new) login code by SMS."""
    db = get_session()
    user = twostep.pending_user(db)
    if user is None:
        return _start_again()
    if not user.sms_enabled:
        abort(404)
    _send_code(db, user)
    return redirect(url_for("auth.second_step", method=twostep.METHOD_SMS))


def _finish(db, user, proved):
    """The second step passed: log in for real, and say what a used code means."""
    next_url = next_for(user, (twostep.pending() or {}).get("next"))
    target = log_in(db, user)  # clears the pending state with the old session
    audit.record(db, "login", actor=user, target=user, method=proved,
                 browser=request.user_agent.string[:300])
    if proved == twostep.KIND_RECOVERY:
        twostep.mail_change(db, user, "recovery_used")
        flash(_("You have logged in with your recovery code, which cannot be used again. "
                "Set up two-step verification again now."), "warning")
        next_url, target = None, url_for("account.twostep_overview")
    elif proved == twostep.KIND_BACKUP:
        left = twostep.count_codes(db, user, twostep.KIND_BACKUP)
        flash(ngettext("You have logged in with a backup code. You have %(num)s backup code "
                       "left.",
                       "You have logged in with a backup code. You have %(num)s backup codes "
                       "left.", left), "warning" if left < 3 else "info")
    db.commit()
    return remember_language(redirect(next_url or target), user.language)

