"""Views of the client's home, dossier list and actions."""
from flask import abort, g, has_request_context, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlmodel import func, select

from ..access import get_dossier_for, visible_dossiers
from ..db import get_session
from ..models import (
    Dossier,
    DossierStatus,
    QuestionnaireAssignment,
    QuestionnaireVersion,
)
from . import bp


@bp.before_request
@login_required
def _clients_only():
    if current_user.is_staff:
        abort(404)


def open_actions_query(user):
    """A select of the questionnaires this client still has to fill in."""
    return select(QuestionnaireAssignment).where(
        QuestionnaireAssignment.client_id == user.id,
        QuestionnaireAssignment.completed_at.is_(None))


def open_actions_count(session, user):
    """How many questionnaires this client still has to fill in (shown on every page)."""
    if "open_actions" not in g:
        g.open_actions = session.exec(
            select(func.count()).select_from(open_actions_query(user).subquery())).one()
    return g.open_actions


@bp.app_context_processor
def _actions_badge():
    if has_request_context() and current_user.is_authenticated and not current_user.is_staff:
        return {"open_actions": open_actions_count(get_session(), current_user)}
    return {}


@bp.get("/")
def home():
    """Home: the tiles Dossiers, Acties and Mijn gegevens."""
    db = get_session()
    dossiers = visible_dossiers(current_user).subquery()
    total = db.exec(select(func.count()).select_from(dossiers)).one()
    in_progress = db.exec(
        select(func.count()).select_from(dossiers)
        .join(DossierStatus, DossierStatus.code == dossiers.c.status_code)
        .where(DossierStatus.in_progress)).one()
    return render_template("portal/home.html", total=total, in_progress=in_progress)


@bp.get("/dossiers")
def dossiers():
    """The client's dossiers; with exactly one, straight into it."""
    db = get_session()
    rows = db.exec(visible_dossiers(current_user).order_by(Dossier.number).limit(2)).all()
    if len(rows) == 1:
        return redirect(url_for("portal.dossier", dossier_id=rows[0].id))
    statuses = {s.code: s for s in db.exec(select(DossierStatus))}
    rows = db.exec(visible_dossiers(current_user).order_by(Dossier.number)).all()
    return render_template("portal/dossiers.html", dossiers=rows, statuses=statuses)


@bp.get("/dossiers/<int:dossier_id>")
def dossier(dossier_id):
    """One dossier (its tabs come with the portal issue)."""
    db = get_session()
    item = get_dossier_for(db, current_user, dossier_id)
    status = db.get(DossierStatus, item.status_code)
    return render_template("portal/dossier.html", dossier=item, status=status)


@bp.get("/acties")
def actions():
    """Acties: the questionnaires to fill in."""
    db = get_session()
    query = (open_actions_query(current_user)
             .join(QuestionnaireVersion,
                   QuestionnaireVersion.id == QuestionnaireAssignment.version_id)
             .join(Dossier, Dossier.id == QuestionnaireAssignment.dossier_id)
             .add_columns(QuestionnaireVersion.title, Dossier.number)
             .order_by(QuestionnaireAssignment.created_at))
    rows = db.exec(query).all()
    return render_template("portal/actions.html", actions=rows)
