"""Views of Mijn gegevens: the page with its sections, language and notifications."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from .. import audit, twostep
from ..db import get_session
from ..phone import display_phone
from . import bp
from .accounts import count_extra_accounts
from .common import me
from .forms import LanguageForm, NotificationsForm
from .profile import open_sessions, pending_email_change


@bp.before_request
@login_required
def _signed_in():
    pass


def _render_index(db, user, language_form=None, notifications_form=None, status=200):
    """Mijn gegevens with its sections; a form given is shown with what was typed."""
    extra_accounts = None
    if not user.is_staff and user.is_company_main and user.company_id is not None:
        extra_accounts = count_extra_accounts(db, user)
    return render_template(
        "account/index.html",
        form=language_form or LanguageForm(language=user.language),
        notifications=notifications_form or NotificationsForm(
            documents=user.notify_documents, questionnaires=user.notify_questionnaires,
            messages=user.notify_messages),
        backup_codes_left=twostep.count_codes(db, user, twostep.KIND_BACKUP),
        display_phone=display_phone, extra_accounts=extra_accounts,
        pending_email=pending_email_change(db, user),
        open_sessions=len(open_sessions(db, user))), status


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
