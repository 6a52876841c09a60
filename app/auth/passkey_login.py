"""Logging in with a passkey: the second step after the password, or on its own from the
login page ("Inloggen met passkey": no password, the passkey verifies the user itself).
The browser's part is static/js/passkeys.js; without JavaScript the other ways remain."""
from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import audit, passkeys, security, twostep
from ..db import get_session
from ..models import User
from . import bp
from .forms import LoginForm, PasskeyForm
from .login import (
    PASSKEY_PROBLEMS,
    landing_for,
    log_in,
    next_for,
    options_answer,
    remember_language,
    retry_after,
    too_many_attempts,
)


@bp.post("/inloggen/passkey/opties")
def passkey_login_options():
    """The options of a login without a password."""
    if current_user.is_authenticated:
        return jsonify(redirect=landing_for(current_user)), 409
    return options_answer(get_session(), passkeys.LOGIN)


@bp.post("/inloggen/passkey")
def passkey_login():
    """A login without a password: the passkey proves who it is and verifies the user (it
    counts as two-step verification by itself)."""
    if current_user.is_authenticated:
        return redirect(landing_for(current_user))
    form, login_form = PasskeyForm(), LoginForm()
    login_form.next.data = form.next.data
    wait = 0
    if form.validate_on_submit():
        db = get_session()
        ip = request.remote_addr or "?"
        wait = security.wait_seconds(db, "login-ip:" + ip,
                                     current_app.config["LOGIN_MAX_FAILURES_IP"])
        if wait:
            login_form.form_errors.append(too_many_attempts(wait))
            return render_template("auth/login.html", form=login_form), 429, retry_after(wait)
        try:
            passkey = passkeys.authenticate(db, passkeys.LOGIN, form.credential.data)
            user = db.get(User, passkey.user_id)
            if not user.active:
                raise passkeys.PasskeyError("unknown", "account not active")
        except passkeys.PasskeyError as error:  # the challenge stays used
            security.note_event(db, "login-ip:" + ip)
            audit.record(db, "login.passkey_failed", problem=error.problem)
            db.commit()
            login_form.form_errors.append(PASSKEY_PROBLEMS[error.problem])
            return render_template("auth/login.html", form=login_form), 401
        target = log_in(db, user)
        audit.record(db, "login", actor=user, target=user, method=twostep.METHOD_PASSKEY,
                     passkey=passkey.name, browser=request.user_agent.string[:300])
        db.commit()
        return remember_language(redirect(next_for(user, form.next.data) or target),
                                 user.language)
    login_form.form_errors.extend(form.credential.errors)
    if form.csrf_token.errors:
        login_form.form_errors.append(_l("This form has expired. Please send it again."))
    return render_template("auth/login.html", form=login_form), 400


@bp.post("/inloggen/verificatie/passkey/opties")
def second_step_options():
    """The options of the second step by passkey: only the pending user's passkeys."""
    db = get_session()
    user = twostep.pending_user(db)
    if user is None or not user.passkey_enabled:
        return jsonify(redirect=url_for("auth.login")), 409
    return options_answer(db, passkeys.SECOND_STEP, user)
