"""Views of the profile in Mijn gegevens: the name, the e-mail address (changed only once a
link mailed to the new address is opened), the recent logins and the open sessions."""
import re
from datetime import timedelta
from types import SimpleNamespace

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from .. import audit, security
from ..forms import ButtonForm
from ..models import TOKEN_EMAIL, AuditEvent, LoginSession, OneTimeToken, User, utcnow
from ..outbox import public_url, queue_mail
from . import bp
from .common import password_again, saved, signed_in
from .forms import EmailChangeForm, NameForm

RECENT_LOGINS = 10
# (pattern, name) in the order they must be tried: Edge and Opera also say "Chrome", and
# Chrome also says "Safari".
_BROWSERS = [(r"Edg(e|A|iOS)?/", "Edge"), (r"OPR/|Opera", "Opera"),
             (r"Firefox/|FxiOS/", "Firefox"), (r"Chromium/", "Chromium"),
             (r"Chrome/|CriOS/", "Chrome"), (r"Safari/", "Safari")]
_SYSTEMS = [(r"iPhone|iPad|iPod", "iOS"), (r"Android", "Android"), (r"Windows", "Windows"),
            (r"CrOS", "ChromeOS"), (r"Mac OS X|Macintosh", "macOS"), (r"Linux", "Linux")]


# ---- plain functions

def browser_name(user_agent):
    """A browser's User-Agent header as people name it: "Firefox on Windows"."""
    ua = user_agent or ""
    browser = next((name for pattern, name in _BROWSERS if re.search(pattern, ua)), None)
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, ua)), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")


def open_sessions(db, user):
    """The user's login sessions that are still live, the most recently used first."""
    cfg, now = current_app.config, utcnow()
    return db.exec(select(LoginSession).where(
        LoginSession.user_id == user.id,
        LoginSession.last_seen_at > now - timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
        LoginSession.created_at > now - timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]))
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())).all()


def recent_logins(db, user, limit=RECENT_LOGINS):
    """The user's latest successful logins from the audit log, newest first."""
    return db.exec(select(AuditEvent).where(AuditEvent.actor_id == user.id,
                                            AuditEvent.action == "login")
                   .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)).all()


def pending_email_change(db, user):
    """The e-mail-change link of `user` still waiting to be opened, or None."""
    return db.exec(select(OneTimeToken).where(
        OneTimeToken.user_id == user.id, OneTimeToken.purpose == TOKEN_EMAIL,
        OneTimeToken.used_at.is_(None), OneTimeToken.expires_at > utcnow())
        .order_by(OneTimeToken.id.desc())).first()


def email_taken(db, email, user):
    """True when `email` is the address of an account other than `user`'s."""
    return db.exec(select(User.id).where(User.email == email,
                                         User.id != user.id)).first() is not None


def _to(address, user):
    """`user` as a mail recipient at another address (queue_mail writes to user.email); a
    name the client typed is not shown there (that address is not proved: User.mail_name)."""
    return SimpleNamespace(email=address, name=user.name, language=user.language,
                           mail_name=None if user.name_by_client else user.name)


def request_email_change(db, user, new_email):
    """Mail a link that sets `new_email` to that address; earlier change links stop working."""
    _close_email_links(db, user)
    hours = current_app.config["EMAIL_CHANGE_TOKEN_HOURS"]
    raw = security.issue_token(db, user, TOKEN_EMAIL, hours)
    token = db.exec(select(OneTimeToken).where(
        OneTimeToken.token_hash == security.sha256(raw))).one()
    token.new_email = new_email
    queue_mail(db, _to(new_email, user), "email_change",
               _l("Confirm your new e-mail address for the client portal"),
               link=public_url("account.confirm_email", token=raw), hours=hours)
    audit.record(db, "account.email_change_requested", actor=user, target=user,
                 new_email=new_email)
    return raw


def _close_email_links(db, user):
    db.exec(update(OneTimeToken)
            .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == TOKEN_EMAIL,
                   OneTimeToken.used_at.is_(None))
            .values(used_at=utcnow()).execution_options(synchronize_session=False))


def confirm_email_change(db, user, token):
    """Use up the link and set the address it confirms; tell the old address. Returns None,
    or what stopped it (nothing changed then): "used" or "taken"."""
    if not security.claim_token(db, token):  # a parallel request got there first
        return "used"
    if email_taken(db, token.new_email, user):
        return "taken"
    old = user.email
    user.email = token.new_email
    # Links mailed to the old address (a password link, say) must not outlive the change.
    security.void_tokens(db, user)
    queue_mail(db, _to(old, user), "email_changed",
               _l("The e-mail address of your account has been changed"))
    audit.record(db, "account.email_changed", actor=user, target=user, old_email=old,
                 new_email=user.email)
    return None


# ---- views

@bp.route("/mijn-gegevens/naam", methods=["GET", "POST"])
def change_name():
    """Change the name the portal and its mails address you by."""
    db, user = signed_in()
    form = NameForm(name=user.name)
    if form.validate_on_submit():
        old, user.name = user.name, form.name.data
        user.name_by_client = not user.is_staff  # see User.mail_name
        return saved(db, user, "account.name", _("Your name has been saved."),
                     anchor="profiel", old_name=old, new_name=user.name)
    return render_template("account/name.html", form=form), 400 if form.errors else 200


@bp.route("/mijn-gegevens/e-mailadres", methods=["GET", "POST"])
def change_email():
    """Ask for a new e-mail address (and the password); a link goes to the new address."""
    db, user = signed_in()
    form, status = EmailChangeForm(), 200
    if form.validate_on_submit():
        new_email = security.normalise_email(form.email.data)
        cfg, key = current_app.config, f"email-change:{user.id}"
        if new_email == user.email:
            form.email.errors.append(_("This is already your e-mail address."))
        elif not password_again(db, user, form.password):
            pass  # the message is on the password field
        elif security.throttled(db, key, cfg["EMAIL_CHANGE_MAX_PER_HOUR"], 60):
            form.form_errors.append(_("You have asked for too many links. Wait an hour and "
                                      "try again."))
            status = 429
        else:
            # Each try counts, a refused one too: the answer says whether an address is used.
            security.note_event(db, key)
            if email_taken(db, new_email, user):
                db.commit()
                form.email.errors.append(_("This e-mail address cannot be used. Choose "
                                           "another address."))
            else:
                request_email_change(db, user, new_email)
                db.commit()
                flash(_("We have sent a link to %(email)s. Your e-mail address changes once "
                        "you open that link.", email=new_email), "success")
                return redirect(url_for("account.index", _anchor="profiel"))
    if form.errors and status == 200:
        status = 400
    return render_template("account/email.html", form=form,
                           pending=pending_email_change(db, user)), status


@bp.route("/mijn-gegevens/e-mailadres/<token>", methods=["GET", "POST"])
def confirm_email(token):
    """The link from the mail to the new address: confirm, and the address changes."""
    db, user = signed_in()
    link, problem = security.find_token(db, token, TOKEN_EMAIL)
    if link is not None and link.user_id != user.id:
        abort(404)  # someone else's link changes nothing, for nobody
    if problem:
        return render_template("account/email_link_problem.html", problem=problem), 400
    form = ButtonForm()
    if form.validate_on_submit():
        old = user.email
        try:
            problem = confirm_email_change(db, user, link)
            db.commit()  # a refused link is used up too
        except IntegrityError:  # another account took the address a moment ago
            db.rollback()
            problem = "taken"
        if problem:
            return render_template("account/email_link_problem.html", problem=problem), 409
        flash(_("Your e-mail address has been changed to %(email)s. A notice has been sent "
                "to %(old)s.", email=user.email, old=old), "success")
        return redirect(url_for("account.index", _anchor="profiel"))
    return render_template("account/email_confirm.html", form=form, new_email=link.new_email,
                           hours=current_app.config["EMAIL_CHANGE_TOKEN_HOURS"]), \
        400 if request.method == "POST" else 200


@bp.get("/mijn-gegevens/inlogactiviteit")
def logins():
    """The open sessions, with a button to end the others, and the recent logins."""
    db, user = signed_in()
    return render_template(
        "account/logins.html", sessions=open_sessions(db, user),
        logins=recent_logins(db, user), browser_name=browser_name,
        this_session=security.sha256(g.get("login_token") or ""),
        form=ButtonForm())


@bp.post("/mijn-gegevens/inlogactiviteit/elders-uitloggen")
def end_other_sessions():
    """Log out on every other device and browser; this one stays logged in."""
    db, user = signed_in()
    form = ButtonForm()
    if not form.validate_on_submit():
        flash(_("This form has expired. Please send it again."), "error")
        return redirect(url_for("account.logins"))
    ended = len(open_sessions(db, user)) - 1
    security.end_other_logins(db, user)
    return saved(db, user, "account.other_sessions_ended",
                 _("You have been logged out everywhere else.") if ended > 0
                 else _("You were not logged in anywhere else."), endpoint="account.logins")
