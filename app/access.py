"""Access control in one place: which records a user may see, fetched with the check."""
from flask import abort
from sqlmodel import and_, or_, select

from .models import (
    CAT_ATTACHMENT,
    Document,
    Dossier,
    DossierClient,
    DossierCompany,
    Message,
    MessageAttachment,
    QuestionnaireAssignment,
)


def visible_dossier_ids(user):
    """A select of the ids of the dossiers a client may see: their own and their company's."""
    if user.is_staff:
        # The staff side (its own issue) widens this by role and delegation.
        return select(Dossier.id).where(Dossier.id.is_(None))
    own = select(DossierClient.dossier_id).where(DossierClient.user_id == user.id)
    if user.company_id is None:
        return own
    company = select(DossierCompany.dossier_id).where(
        DossierCompany.company_id == user.company_id)
    return own.union(company)


def visible_dossiers(user):
    """A select of the dossiers a user may see."""
    return select(Dossier).where(Dossier.id.in_(visible_dossier_ids(user)))


def get_dossier_for(session, user, dossier_id):
    """The dossier if `user` may see it, else 404 (never 403: do not confirm it exists)."""
    dossier = session.exec(visible_dossiers(user).where(Dossier.id == dossier_id)).first()
    if dossier is None:
        abort(404)
    return dossier


def visible_messages(user):
    """A select of the messages a user may see: sent ones in their dossiers, and own drafts."""
    return select(Message).where(
        Message.dossier_id.in_(visible_dossier_ids(user)),
        or_(Message.sent_at.is_not(None), Message.sender_id == user.id))


def get_message_for(session, user, message_id):
    """The message if `user` may see it, else 404."""
    message = session.exec(visible_messages(user).where(Message.id == message_id)).first()
    if message is None:
        abort(404)
    return message


def visible_documents(user):
    """A select of the documents a user may see: published in their dossiers, or attached
    to a message they may see."""
    attached = (select(MessageAttachment.document_id)
                .where(MessageAttachment.message_id.in_(visible_messages(user)
                                                        .with_only_columns(Message.id))))
    return select(Document).where(
        Document.dossier_id.in_(visible_dossier_ids(user)),
        Document.withdrawn_at.is_(None),
        or_(Document.category != CAT_ATTACHMENT,
            and_(Document.category == CAT_ATTACHMENT, Document.id.in_(attached))))


def get_document_for(session, user, document_id):
    """The document if `user` may see it, else 404."""
    document = session.exec(visible_documents(user).where(Document.id == document_id)).first()
    if document is None:
        abort(404)
    return document


def get_draft_for(session, user, message_id):
    """The user's own unsent message (a draft) in a dossier they may see, else 404."""
    message = session.exec(visible_messages(user).where(
        Message.id == message_id, Message.sent_at.is_(None),
        Message.sender_id == user.id)).first()
    if message is None:
        abort(404)
    return message


def message_documents(user, message_id):
    """A select of the documents attached to a message, as far as `user` may see them."""
    return (visible_documents(user)
            .join(MessageAttachment, MessageAttachment.document_id == Document.id)
            .where(MessageAttachment.message_id == message_id))


def get_attachment_for(session, user, message, document_id):
    """A document attached to `message` that `user` may see, else 404."""
    document = session.exec(message_documents(user, message.id)
                            .where(Document.id == document_id)).first()
    if document is None:
        abort(404)
    return document


def visible_assignments(user):
    """A select of the questionnaires sent to `user`, in dossiers they may still see."""
    return select(QuestionnaireAssignment).where(
        QuestionnaireAssignment.client_id == user.id,
        QuestionnaireAssignment.dossier_id.in_(visible_dossier_ids(user)))


def get_assignment_for(session, user, assignment_id):
    """A questionnaire sent to `user` in a dossier they may see, else 404."""
    assignment = session.exec(visible_assignments(user).where(
        QuestionnaireAssignment.id == assignment_id)).first()
    if assignment is None:
        abort(404)
    return assignment


def open_assignments(user):
    """A select of the questionnaires `user` still has to fill in, in dossiers they may
    still see: the Acties list and the Acties count on every page both use this."""
    return visible_assignments(user).where(QuestionnaireAssignment.completed_at.is_(None))
