"""Access control in one place: which records a user may see, fetched with the check."""
from sqlmodel import or_, select

from .db import one_or_404
from .models import (
    APPROVAL_OPEN,
    CAT_ATTACHMENT,
    Approval,
    Document,
    DocumentRequest,
    Dossier,
    DossierClient,
    DossierCompany,
    Message,
    MessageAttachment,
    QuestionnaireAssignment,
)


def visible_dossier_ids(user):
    """A select of the ids of the dossiers a client reaches: directly or through its company.
    None for a staff account (the staff's rules: app/staff/access.staff_dossier_ids)."""
    if user.is_staff:
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


def get_dossier_for(db, user, dossier_id):
    """The dossier if `user` may see it, else 404 (never 403: do not confirm it exists)."""
    return one_or_404(db, visible_dossiers(user).where(Dossier.id == dossier_id))


def visible_messages(user):
    """A select of the messages a user may see: sent ones in their dossiers, and own drafts."""
    return select(Message).where(
        Message.dossier_id.in_(visible_dossier_ids(user)),
        or_(Message.sent_at.is_not(None), Message.sender_id == user.id))


def get_message_for(db, user, message_id):
    """The message if `user` may see it, else 404."""
    return one_or_404(db, visible_messages(user).where(Message.id == message_id))


def documents_in(dossier_ids, message_ids):
    """A select of the documents in these dossiers (a select of their ids); an attachment
    only when its message is one of `message_ids` (a select too)."""
    attached = select(MessageAttachment.document_id).where(
        MessageAttachment.message_id.in_(message_ids))
    return select(Document).where(
        Document.dossier_id.in_(dossier_ids),
        or_(Document.category != CAT_ATTACHMENT, Document.id.in_(attached)))


def visible_documents(user):
    """A select of the documents a user may see: published in their dossiers and not
    withdrawn, or attached to a message they may see; an identity document only by the
    client who handed it in (not by the other clients of the dossier)."""
    return documents_in(visible_dossier_ids(user),
                        visible_messages(user).with_only_columns(Message.id)).where(
        Document.withdrawn_at.is_(None),
        or_(Document.identity.is_(False), Document.uploaded_by_id == user.id))


def get_document_for(db, user, document_id):
    """The document if `user` may see it, else 404."""
    return one_or_404(db, visible_documents(user).where(Document.id == document_id))


def get_draft_for(db, user, message_id):
    """The user's own unsent message (a draft) in a dossier they may see, else 404."""
    return one_or_404(db, visible_messages(user).where(
        Message.id == message_id, Message.sent_at.is_(None), Message.sender_id == user.id))


def message_documents(user, message_id):
    """A select of the documents attached to a message, as far as `user` may see them."""
    return (visible_documents(user)
            .join(MessageAttachment, MessageAttachment.document_id == Document.id)
            .where(MessageAttachment.message_id == message_id))


def get_attachment_for(db, user, message, document_id):
    """A document attached to `message` that `user` may see, else 404."""
    return one_or_404(db, message_documents(user, message.id).where(Document.id == document_id))


def visible_assignments(user):
    """A select of the questionnaires sent to `user`, in dossiers they may still see."""
    return select(QuestionnaireAssignment).where(
        QuestionnaireAssignment.client_id == user.id,
        QuestionnaireAssignment.dossier_id.in_(visible_dossier_ids(user)))


def get_assignment_for(db, user, assignment_id):
    """A questionnaire sent to `user` in a dossier they may see, else 404."""
    return one_or_404(db, visible_assignments(user).where(
        QuestionnaireAssignment.id == assignment_id))


def open_assignments(user):
    """A select of the questionnaires `user` still has to fill in, in dossiers they may
    still see: the Acties list and the Acties count on every page both use this."""
    return visible_assignments(user).where(QuestionnaireAssignment.completed_at.is_(None))


def visible_requests(user):
    """A select of the requests for documents sent to `user`, in dossiers they may still see."""
    return select(DocumentRequest).where(
        DocumentRequest.client_id == user.id,
        DocumentRequest.dossier_id.in_(visible_dossier_ids(user)))


def get_request_for(db, user, request_id):
    """A request for documents sent to `user` in a dossier they may see, else 404."""
    return one_or_404(db, visible_requests(user).where(DocumentRequest.id == request_id))


def visible_approvals(user):
    """A select of the requests for approval sent to `user`, in dossiers they may still see."""
    return select(Approval).where(Approval.client_id == user.id,
                                  Approval.dossier_id.in_(visible_dossier_ids(user)))


def get_approval_for(db, user, approval_id):
    """A request for approval sent to `user` in a dossier they may see, else 404."""
    return one_or_404(db, visible_approvals(user).where(Approval.id == approval_id))


def open_approvals(user):
    """A select of the requests for approval waiting for `user`'s decision (Acties)."""
    return visible_approvals(user).where(Approval.state == APPROVAL_OPEN)


def open_requests(user):
    """A select of the requests for documents of `user` not done yet (an item not approved):
    the Acties list and the Acties count on every page both use this."""
    return visible_requests(user).where(DocumentRequest.completed_at.is_(None))
