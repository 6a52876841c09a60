"""Views of Mijn gegevens: the page with its sections, language and notifications."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import func, select

from .. import audit, security, twostep
from ..auth.routes import too_many_attempts
from ..db import get_session
from ..models import User
from . import bp
from .forms import LanguageForm, NotificationsForm


@bp.before_request
@login_required
def _signed_in():
    pass


def me(db):
    """The signed-in user, attached to this request's database session."""
    user = current_user._get_current_object()
    db.add(user)
    return user


def password_again(db, user, field):
    """True when `field` holds the user's password; wrong ones are counted and throttled."""
    cfg, key = current_app.config, f"password-again:{user.id}"
    if security.throttled(db, key, cfg["LOGIN_MAX_FAILURES_ACCOUNT"], cfg["LOGIN_WINDOW_MINUTES"]):
        field.errors.append(too_many_attempts())
        return False
    if security.check_password(user, field.data or ""):
        return True
    security.note_event(db, key)
    audit.record(db, "account.password_again_failed", actor=user, target=user)
    db.commit()
    field.errors.append(_("The password is not correct."))
    return False


def _render_index(db, user, language_form=None, notifications_form=None, status=200):
    extra_accounts = None
    if user.is_company_main and user.company_id is not None:
        extra_accounts = db.exec(select(func.count()).select_from(User).where(
            User.company_id == user.company_id, User.active, User.id != user.id)).one()
    return render_template(
        "account/index.html",
        form=language_form or LanguageForm(language=user.language),
        notifications=notifications_form or NotificationsForm(
            documents=user.notify_documents, questionnaires=user.notify_questionnaires,
            messages=user.notify_messages),
        backup_codes_left=twostep.count_codes(db, user, twostep.KIND_BACKUP),
        display_phone=twostep.display_phone, extra_accounts=extra_accounts), status


@bp.route("/mijn-gegevens", methods=["GET", "POST"])
def index():
    """Mijn gegevens: language, two-step verification, notifications and accounts."""
    db = get_session()
    user = me(db)
    form = LanguageForm(language=user.language)
    if form.validate_on_submit():
        user.language = form.language.data
        audit.record(db, "account.language", actor=user, target=user, language=user.language)
        db.commit()
        flash(_("Your language has been saved. It takes effect after you log out."), "success")
        return redirect(url_for("account.index"))
    return _render_index(db, user, language_form=form, status=400 if form.errors else 200)


@bp.post("/mijn-gegevens/notificaties")
def notifications():
    """Save the e-mail notification switches."""
    db = get_session()
    user = me(db)
    form = NotificationsForm()
    if not form.validate_on_submit():
        return _render_index(db, user, notifications_form=form, status=400)
    user.notify_documents = form.documents.data
    user.notify_questionnaires = form.questionnaires.data
    user.notify_messages = form.messages.data
    audit.record(db, "account.notifications", actor=user, target=user,
                 documents=user.notify_documents, questionnaires=user.notify_questionnaires,
                 messages=user.notify_messages)
    db.commit()
    flash(_("Your notification settings have been saved."), "success")
    return redirect(url_for("account.index", _anchor="notificaties"))
