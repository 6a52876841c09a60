"""Views of the Berichten tab of a dossier."""
from flask import abort
from flask_login import current_user, login_required
from sqlmodel import and_

from ..access import get_dossier_for, visible_messages
from ..db import get_session
from ..models import Message, MessageRead
from ..portal.routes import render_dossier_tab
from . import bp


@bp.before_request
@login_required
def _clients_only():
    if current_user.is_staff:
        abort(404)


@bp.get("/dossiers/<int:dossier_id>/berichten")
def tab(dossier_id):
    """The Berichten tab: incoming ("Van") and outgoing ("Aan") messages, unread in bold."""
    db = get_session()
    dossier = get_dossier_for(db, current_user, dossier_id)
    rows = db.execute(
        visible_messages(current_user)
        .where(Message.dossier_id == dossier.id, Message.sent_at.is_not(None))
        .outerjoin(MessageRead, and_(MessageRead.message_id == Message.id,
                                     MessageRead.user_id == current_user.id))
        .add_columns(MessageRead.read_at)
        .order_by(Message.sent_at.desc())).all()
    return render_dossier_tab(db, dossier, "berichten", "messages/_list.html", messages=rows)
