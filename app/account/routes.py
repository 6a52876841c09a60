"""Views of Mijn gegevens: the page with its sections, language and notifications."""
from flask import render_template
from flask_babel import gettext as _
from flask_login import login_required

from .. import twostep
from ..phone import display_phone
from . import bp
from .accounts import count_extra_accounts
from .common import saved, signed_in
from .forms import LanguageForm, NotificationsForm, StaffNotificationsForm
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
        notifications=notifications_form or notifications_form_for(
            user, documents=user.notify_documents, questionnaires=user.notify_questionnaires,
            messages=user.notify_messages),
        backup_codes_left=twostep.count_codes(db, user, twostep.KIND_BACKUP),
        display_phone=display_phone, extra_accounts=extra_accounts,
        pending_email=pending_email_change(db, user),
        open_sessions=len(open_sessions(db, user))), status


def notifications_form_for(user, **data):
    """The notification switches: a staff member's are about what clients do."""
    return (StaffNotificationsForm if user.is_staff else NotificationsForm)(**data)


@bp.route("/mijn-gegevens", methods=["GET", "POST"])
def index():
    """Mijn gegevens: language, two-step verification, notifications and accounts."""
    db, user = signed_in()
    form = LanguageForm(language=user.language)
    if form.validate_on_submit():
        user.language = form.language.data
        return saved(db, user, "account.language",
                     _("Your language has been saved. It takes effect after you log out."),
                     language=user.language)
    return _render_index(db, user, language_form=form, status=400 if form.errors else 200)


@bp.post("/mijn-gegevens/notificaties")
def notifications():
    """Save the e-mail notification switches."""
    db, user = signed_in()
    form = notifications_form_for(user)
    if not form.validate_on_submit():
        return _render_index(db, user, notifications_form=form, status=400)
    if "documents" in form:
        user.notify_documents = form.documents.data
    user.notify_questionnaires = form.questionnaires.data
    user.notify_messages = form.messages.data
    return saved(db, user, "account.notifications",
                 _("Your notification settings have been saved."), anchor="notificaties",
                 documents=user.notify_documents, questionnaires=user.notify_questionnaires,
                 messages=user.notify_messages)
