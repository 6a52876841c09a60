"""What a staff member has not seen yet: the messages clients sent that they have not read,
and the questionnaires handed in whose answers they have not opened since."""
from flask import g
from sqlmodel import func, select

from ..models import AuditEvent, Message, MessageRead, QuestionnaireAssignment
from .access import staff_dossier_ids


def client_messages(user):
    """A select of the messages clients sent in the dossiers `user` may see."""
    return select(Message).where(Message.dossier_id.in_(staff_dossier_ids(user)),
                                 Message.from_client, Message.sent_at.is_not(None))


def unread_messages(user):
    """A select of the client messages `user` has not read (MessageRead, as clients)."""
    read = select(MessageRead.message_id).where(MessageRead.user_id == user.id)
    return client_messages(user).where(Message.id.not_in(read))


def unread_count(db, user):
    """How many client messages `user` has not read: the "new" count of the staff menu and
    start page (counted once a request)."""
    if "staff_unread" not in g:
        g.staff_unread = db.exec(
            select(func.count()).select_from(unread_messages(user).subquery())).one()
    return g.staff_unread


def unopened_answers(user):
    """A select of the questionnaires handed in, in the dossiers `user` may see, whose
    answers `user` has not opened since (the audit log's "questionnaire.answers_viewed")."""
    opened = select(AuditEvent.id).where(
        AuditEvent.action == "questionnaire.answers_viewed", AuditEvent.actor_id == user.id,
        AuditEvent.target_type == "questionnaireassignment",
        AuditEvent.target_id == QuestionnaireAssignment.id,
        AuditEvent.at >= QuestionnaireAssignment.completed_at)
    return select(QuestionnaireAssignment).where(
        QuestionnaireAssignment.dossier_id.in_(staff_dossier_ids(user)),
        QuestionnaireAssignment.completed_at.is_not(None), ~opened.exists())
