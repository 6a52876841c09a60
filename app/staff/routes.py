"""Views of the staff side: the gate in front of every staff URL, and the start page."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import func, select

from .. import virusscan
from ..db import get_session
from ..htmx import hx_redirect, is_htmx
from ..models import (
    ROLE_ADMIN,
    Dossier,
    DossierStatus,
    QuestionnaireAssignment,
)
from ..outbox import failed_count
from . import bp
from .access import staff_dossier_ids, staff_dossiers
from .unseen import unread_count


@bp.before_request
@login_required
def _staff_only():
    # Clients never learn that staff URLs exist.
    if not current_user.is_staff:
        abort(404)
    # Staff always use two-step verification: without it, they set it up first.
    if not current_user.two_step_enabled:
        target = url_for("account.twostep_overview")
        if is_htmx():
            return hx_redirect(target)
        flash(_("Set up two-step verification before you use the staff side."), "warning")
        return redirect(target)


def count(db, query):
    """The number of rows of a select."""
    return db.exec(select(func.count()).select_from(query.subquery())).one()


def overview_counts(db, user):
    """The figures of the start page for `user`: dossiers (and in progress), unread client
    messages and open questionnaires, all within the dossiers `user` may see."""
    ids = staff_dossier_ids(user)
    return {
        "dossiers": count(db, staff_dossiers(user)),
        "in_progress": count(db, staff_dossiers(user).join(
            DossierStatus, DossierStatus.code == Dossier.status_code)
            .where(DossierStatus.in_progress)),
        "unread": unread_count(db, user),
        "questionnaires": count(db, select(QuestionnaireAssignment.id).where(
            QuestionnaireAssignment.dossier_id.in_(ids),
            QuestionnaireAssignment.completed_at.is_(None))),
    }


@bp.get("/")
def index():
    """The staff start page: figures for this staff member, and recent dossiers."""
    db = get_session()
    recent = db.exec(staff_dossiers(current_user)
                     .order_by(Dossier.updated_at.desc(), Dossier.id.desc()).limit(5)).all()
    admin = current_user.role == ROLE_ADMIN
    return render_template("staff/index.html", counts=overview_counts(db, current_user),
                           recent=recent,
                           failed_mails=failed_count(db) if admin else 0,
                           # A PING of at most virusscan.PING_TIMEOUT: uploads are refused
                           # while a configured clamd is down.
                           scanner_down=admin and virusscan.configured()
                           and not virusscan.available())
