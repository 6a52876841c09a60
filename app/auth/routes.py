"""Views of login, logout, the invitation and (forgotten) passwords."""
import math
import secrets
from types import SimpleNamespace

from flask import (
    abort,
    after_this_request,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user
from sqlmodel import select

from .. import audit, security, webhooks
from ..db import get_session
from ..models import KIND_CLIENT, TOKEN_INVITE, TOKEN_PASSWORD, User
from ..outbox import public_url, queue_mail
from . import bp, second_step
from .forms import EmailForm, LoginForm, PasswordForm
from .login import (
    landing_for,
    log_in,
    next_for,
    remember_language,
    retry_after,
    safe_next,
    speak,
    too_many_attempts,
)


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    """The login page, with the way to (re)set a password."""
    if current_user.is_authenticated:
        return redirect(landing_for(current_user))
    form = LoginForm(next=request.args.get("next"))
    status, wait = 200, 0
    if form.validate_on_submit():
        db = get_session()
        email = security.normalise_email(form.email.data)
        ip = request.remote_addr or "?"
        wait = security.login_wait(db, email, ip)
        if wait:  # not counted, not even checked: the pause ends by itself
            form.form_errors.append(too_many_attempts(wait))
            status = 429
        else:
            user = db.exec(select(User).where(User.email == email)).first()
            if security.check_password(user, form.password.data) and user.active:
                security.forget_events(db, "login:" + email)
                if user.two_step_enabled:  # not logged in until the second step passes
                    return second_step.begin(db, user, safe_next(form.next.data))
                target = log_in(db, user)
                audit.record(db, "login", actor=user, target=user,
                             browser=request.user_agent.string[:300])
                db.commit()
                return remember_language(redirect(next_for(user, form.next.data) or target),
                                         user.language)
            security.note_event(db, "login:" + email)
            security.note_event(db, "login-ip:" + ip)
            audit.record(db, "login.failed", target=user, email=email)
            db.commit()
            form.form_errors.append(_("The e-mail address or the password is not correct."))
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status, retry_after(wait)


@bp.post("/uitloggen")
@login_required
def logout():
    """End this login session for real (the cookie is dead afterwards)."""
    db = get_session()
    language = current_user.language
    audit.record(db, "logout", actor=current_user, target=current_user)
    security.end_login(db, g.login_token)
    db.commit()
    logout_user()
    cookie.clear()
    speak(language)
    flash(_("You are logged out."), "info")
    # A language chosen in Mijn gegevens takes effect now, as the manual says.
    return remember_language(redirect(url_for("auth.login")), language)


@bp.post("/taal")
def language():
    """Choose the language of the login page (signed-in users choose it in Mijn gegevens)."""
    return remember_language(redirect(url_for("auth.login")), request.form.get("lang"))


def _send_password_link(db, user, keep=True):
    """Queue mail 2: the link to set a password. With keep=False the same work is done and
    nothing is kept (for an address without an account, see forgot_password)."""
    hours = current_app.config["PASSWORD_TOKEN_HOURS"]
    if keep:
        raw = security.issue_token(db, user, TOKEN_PASSWORD, hours)
    else:  # the mail is written to the database too, and taken back
        raw, undo = secrets.token_urlsafe(32), db.begin_nested()
    queue_mail(db, user, "set_password", _l("Set your password for the client portal"),
               link=public_url("auth.set_password", token=raw), hours=hours)
    db.flush()
    if not keep:
        undo.rollback()


def _speak_language_of(db, token):
    """Pages reached from a mail link speak the language the mail was written in, and so do
    the pages after them (Check your e-mail, the login page): it is kept as if chosen there."""
    user = db.get(User, token.user_id) if token is not None else None
    if user is not None and user.language in current_app.config["LANGUAGES"]:
        speak(user.language)
        after_this_request(lambda response: remember_language(response, user.language))


def _link_problem(problem):
    """The page shown for an invalid, used or expired link."""
    return render_template("auth/link_problem.html", problem=problem), 400


def _valid_link(db, token, purpose):
    """The link of a mail with this token, whose language the page then speaks; an invalid,
    used or expired link ends the request with the page that says so."""
    link, problem = security.find_token(db, token, purpose)
    _speak_language_of(db, link)
    if problem:
        abort(make_response(_link_problem(problem)))
    return link


@bp.route("/welkom/<token>", methods=["GET", "POST"])
def invitation(token):
    """Mail 1's link: the client confirms the e-mail address and gets mail 2."""
    db = get_session()
    invite = _valid_link(db, token, TOKEN_INVITE)
    form = EmailForm()
    key = f"invite:{invite.id}"
    if security.throttled(db, key, current_app.config["LOGIN_MAX_FAILURES_ACCOUNT"],
                          current_app.config["LOGIN_WINDOW_MINUTES"]):
        form.form_errors.append(too_many_attempts())
        return render_template("auth/invitation.html", form=form), 429
    if form.validate_on_submit():
        user = db.get(User, invite.user_id)
        if security.normalise_email(form.email.data) == user.email:
            if not security.claim_token(db, invite):  # a parallel request got there first
                return _link_problem("used")
            _send_password_link(db, user)
            audit.record(db, "invitation.confirmed", actor=user, target=user)
            db.commit()
            return redirect(url_for("auth.link_sent"))
        security.note_event(db, key)
        db.commit()
        form.email.errors.append(_("This is not the e-mail address of this invitation. "
                                   "Enter the address at which you received it."))
    return render_template("auth/invitation.html", form=form), 400 if form.errors else 200


@bp.route("/wachtwoord-instellen", methods=["GET", "POST"])
def forgot_password():
    """"Instellen wachtwoord" on the login page: mail 2 for a known address, same answer for any."""
    form = EmailForm()
    if form.validate_on_submit():
        db = get_session()
        email = security.normalise_email(form.email.data)
        ip = request.remote_addr or "?"
        limit = current_app.config["RESET_MAX_PER_HOUR"]
        # One address asking for many addresses is told to wait; that says nothing about them.
        wait = security.wait_seconds(db, "reset-ip:" + ip, limit * 10)
        if wait:
            minutes = math.ceil(wait / 60)
            form.form_errors.append(ngettext(
                "Too many requests. Wait %(num)s minute and try again.",
                "Too many requests. Wait %(num)s minutes and try again.", minutes))
            return render_template("auth/forgot_password.html", form=form), 429, \
                retry_after(wait)
        security.note_event(db, "reset-ip:" + ip)
        # Per address, throttled and unknown addresses get the very same answer as known
        # ones; the cap keeps anyone from flooding a mailbox.
        if not security.throttled(db, "reset:" + email, limit, 60):
            security.note_event(db, "reset:" + email)
            user = db.exec(select(User).where(User.email == email)).first()
            if user is None or not user.active:
                # The same work as for a known address (the mail is written, then dropped),
                # so that the time of the answer does not tell whether the address is known.
                _send_password_link(db, SimpleNamespace(email=email, name=email,
                                                        language=None), keep=False)
                user = None
            else:
                _send_password_link(db, user)
            audit.record(db, "password.link_requested", actor=user, target=user, email=email)
        db.commit()
        return redirect(url_for("auth.link_sent"))
    return render_template("auth/forgot_password.html", form=form), 400 if form.errors else 200


@bp.get("/wachtwoord-instellen/verstuurd")
def link_sent():
    """The answer after asking for a link, whatever the address."""
    return render_template("auth/link_sent.html",
                           hours=current_app.config["PASSWORD_TOKEN_HOURS"])


@bp.route("/wachtwoord/<token>", methods=["GET", "POST"])
def set_password(token):
    """Mail 2's link: set the password, log in (after the second step if on), and mail 3."""
    db = get_session()
    link = _valid_link(db, token, TOKEN_PASSWORD)
    user = db.get(User, link.user_id)
    form = PasswordForm(email=user.email)
    if form.validate_on_submit():
        if not security.claim_token(db, link):  # a parallel request got there first
            return _link_problem("used")
        if user.kind == KIND_CLIENT and user.password_changed_at is None:  # the first one
            webhooks.emit(db, "client.activated", {"client_id": user.id})
        security.set_password(user, form.password.data)
        security.void_tokens(db, user)  # every other open link
        security.end_all_logins(db, user)
        # The owner proved the mailbox: failed logins of someone else no longer hold them up.
        # (Wrong two-step codes still count: a link must not buy more guesses at those.)
        security.forget_events(db, "login:" + user.email)
        queue_mail(db, user, "password_set", _l("Your password has been set"))
        audit.record(db, "password.set", actor=user, target=user)
        if user.two_step_enabled:
            # A mailed link proves the mailbox, not the second factor: ask for it as at login.
            response = second_step.begin(db, user, None)  # commits
            flash(_("Your password has been set. Complete the second step to log in."),
                  "success")
            return response
        target = log_in(db, user)
        db.commit()
        flash(_("Your password has been set. You are now logged in."), "success")
        return redirect(target)
    return render_template("auth/set_password.html", form=form,
                           rule=f"{security.PASSWORD_RULE} {security.PASSWORD_ALSO}"), \
        400 if form.errors else 200
