"""Who on the staff side may see and act on what: one home for the staff's access rules.

An admin sees every dossier; a lawyer or notary the dossiers they handle; a secretary the
dossiers of the lawyers who delegated to them, and acts on their behalf ("namens").
Anything a staff member may not see is a 404, exactly as on the client side.
"""
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlmodel import select

from ..models import (
    CAT_ATTACHMENT,
    ROLE_ADMIN,
    ROLE_LAWYER,
    ROLE_SECRETARY,
    Delegation,
    Document,
    Dossier,
    DossierClient,
    DossierCompany,
    Message,
    MessageAttachment,
    Questionnaire,
    QuestionnaireAssignment,
    User,
)


def lawyers_for(session, user):
    """The lawyers `user` may act for: themselves (a lawyer), their delegators (a secretary),
    every lawyer (an admin)."""
    query = select(User).where(User.role == ROLE_LAWYER, User.active)
    if user.role == ROLE_LAWYER:
        query = query.where(User.id == user.id)
    elif user.role == ROLE_SECRETARY:
        query = query.where(User.id.in_(select(Delegation.lawyer_id)
                                        .where(Delegation.secretary_id == user.id)))
    elif user.role != ROLE_ADMIN:
        return []
    return list(session.exec(query.order_by(User.name)))


def staff_dossier_ids(user):
    """A select of the ids of the dossiers a staff member may see."""
    if user.role == ROLE_ADMIN:
        return select(Dossier.id)
    if user.role == ROLE_LAWYER:
        return select(Dossier.id).where(Dossier.lawyer_id == user.id)
    if user.role == ROLE_SECRETARY:
        return select(Dossier.id).where(Dossier.lawyer_id.in_(
            select(Delegation.lawyer_id).where(Delegation.secretary_id == user.id)))
    return select(Dossier.id).where(Dossier.id.is_(None))


def staff_dossiers(user):
    """A select of the dossiers a staff member may see."""
    return select(Dossier).where(Dossier.id.in_(staff_dossier_ids(user)))


def get_staff_dossier(session, user, dossier_id):
    """The dossier if the staff member may see it, else 404."""
    dossier = session.exec(staff_dossiers(user).where(Dossier.id == dossier_id)).first()
    if dossier is None:
        abort(404)
    return dossier


def staff_documents(user):
    """A select of the documents (published, handed in or attached to a sent message) in
    the dossiers a staff member may see; the attachments of someone's draft stay private."""
    sent = (select(MessageAttachment.document_id)
            .join(Message, Message.id == MessageAttachment.message_id)
            .where((Message.sent_at.is_not(None)) | (Message.sender_id == user.id)))
    return select(Document).where(
        Document.dossier_id.in_(staff_dossier_ids(user)),
        (Document.category != CAT_ATTACHMENT) | (Document.id.in_(sent)))


def get_staff_document(session, user, document_id):
    """A document (published, handed in or attached) in a dossier the staff member may see,
    drafts' attachments excepted, else 404."""
    document = session.exec(staff_documents(user).where(Document.id == document_id)).first()
    if document is None:
        abort(404)
    return document


def get_staff_message(session, user, message_id):
    """A sent message (or the staff member's own draft) in a dossier they may see, else 404."""
    message = session.exec(select(Message).where(
        Message.id == message_id,
        Message.dossier_id.in_(staff_dossier_ids(user)),
        (Message.sent_at.is_not(None)) | (Message.sender_id == user.id))).first()
    if message is None:
        abort(404)
    return message


def get_staff_assignment(session, user, assignment_id):
    """A questionnaire sent in a dossier the staff member may see, else 404."""
    assignment = session.exec(select(QuestionnaireAssignment).where(
        QuestionnaireAssignment.id == assignment_id,
        QuestionnaireAssignment.dossier_id.in_(staff_dossier_ids(user)))).first()
    if assignment is None:
        abort(404)
    return assignment


def admin_only(view):
    """Only an admin may use this view; anyone else gets a 404."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != ROLE_ADMIN:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


# ---- clients (added for the client screens)

def get_staff_client(session, user_id):
    """A client account (person or company account); staff accounts and unknown ids are 404.

    Every staff member may see the firm's client list (they link clients to dossiers), so
    this needs no staff member; what lies inside a dossier follows the dossier rules."""
    client = session.get(User, user_id)
    if client is None or client.is_staff:
        abort(404)
    return client


def client_dossier_ids(client):
    """A select of the ids of the dossiers a client reaches: directly or through its company."""
    own = select(DossierClient.dossier_id).where(DossierClient.user_id == client.id)
    if client.company_id is None:
        return own
    return own.union(select(DossierCompany.dossier_id)
                     .where(DossierCompany.company_id == client.company_id))


def may_manage_client(session, user, client):
    """True when `user` may deactivate or reactivate `client`: an admin, or a staff member who
    sees at least one dossier of that client (directly or through its company)."""
    if user.role == ROLE_ADMIN:
        return True
    shared = select(Dossier.id).where(Dossier.id.in_(staff_dossier_ids(user)),
                                      Dossier.id.in_(client_dossier_ids(client)))
    return session.exec(shared.limit(1)).first() is not None


def get_staff_questionnaire(session, user, questionnaire_id):
    """A questionnaire definition, else 404. Every staff member may build, preview and send
    the firm's questionnaires (they hold no client data); sending still needs the dossier."""
    questionnaire = session.get(Questionnaire, questionnaire_id) if user.is_staff else None
    if questionnaire is None:
        abort(404)
    return questionnaire
