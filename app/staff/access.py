"""Who on the staff side may see and act on what: an admin every dossier, a lawyer the ones
they handle, a secretary those of the lawyers who delegated to them (acting "namens"); the
rest is a 404. Linking a client or company needs the right to manage it (get_linkable)."""
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlmodel import and_, or_, select

from ..access import documents_in
from ..db import one_or_404
from ..models import (
    KIND_CLIENT,
    ROLE_ADMIN,
    ROLE_LAWYER,
    ROLE_SECRETARY,
    Approval,
    Company,
    Delegation,
    Document,
    DocumentRequest,
    Dossier,
    DossierClient,
    DossierCompany,
    Message,
    Questionnaire,
    QuestionnaireAssignment,
    User,
)


def lawyers_for(db, user):
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
    return list(db.exec(query.order_by(User.name)))


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


def get_staff_dossier(db, user, dossier_id):
    """The dossier if the staff member may see it, else 404."""
    return one_or_404(db, staff_dossiers(user).where(Dossier.id == dossier_id))


def sent_or_own(user):
    """The condition on a message that a staff member may see it: sent, or their own draft
    (someone else's draft and its attachments stay private)."""
    return Message.sent_at.is_not(None) | (Message.sender_id == user.id)


def identity_dossier_ids(user):
    """A select of the ids of the dossiers whose identity documents (Wwft) a staff member may
    see: every one for an admin; for others only those whose handling lawyer they are or
    have a delegation from. Written out on its own: it must stay this narrow even if the
    staff's view of dossiers (staff_dossier_ids) is ever widened."""
    if user.role == ROLE_ADMIN:
        return select(Dossier.id)
    lawyers = select(Delegation.lawyer_id).where(Delegation.secretary_id == user.id)
    if user.role == ROLE_LAWYER:
        return select(Dossier.id).where(Dossier.lawyer_id == user.id)
    if user.role == ROLE_SECRETARY:
        return select(Dossier.id).where(Dossier.lawyer_id.in_(lawyers))
    return select(Dossier.id).where(Dossier.id.is_(None))


def staff_documents(user):
    """A select of the documents (published, handed in or attached to a sent message) in
    the dossiers a staff member may see; the attachments of someone's draft stay private,
    identity documents are seen only as identity_dossier_ids says."""
    return documents_in(staff_dossier_ids(user), select(Message.id).where(sent_or_own(user))
                        ).where(or_(Document.identity.is_(False),
                                    Document.dossier_id.in_(identity_dossier_ids(user))))


def get_staff_document(db, user, document_id):
    """A document (published, handed in or attached) in a dossier the staff member may see,
    drafts' attachments excepted, else 404."""
    return one_or_404(db, staff_documents(user).where(Document.id == document_id))


def get_staff_message(db, user, message_id):
    """A sent message (or the staff member's own draft) in a dossier they may see, else 404."""
    return one_or_404(db, select(Message).where(
        Message.id == message_id, Message.dossier_id.in_(staff_dossier_ids(user)),
        sent_or_own(user)))


def get_staff_assignment(db, user, assignment_id):
    """A questionnaire sent in a dossier the staff member may see, else 404."""
    return one_or_404(db, select(QuestionnaireAssignment).where(
        QuestionnaireAssignment.id == assignment_id,
        QuestionnaireAssignment.dossier_id.in_(staff_dossier_ids(user))))


def staff_requests(user):
    """A select of the requests for documents in the dossiers a staff member may see."""
    return select(DocumentRequest).where(
        DocumentRequest.dossier_id.in_(staff_dossier_ids(user)))


def get_staff_request(db, user, request_id):
    """A request for documents in a dossier the staff member may see, else 404."""
    return one_or_404(db, staff_requests(user).where(DocumentRequest.id == request_id))


def staff_approvals(user):
    """A select of the requests for approval in the dossiers a staff member may see."""
    return select(Approval).where(Approval.dossier_id.in_(staff_dossier_ids(user)))


def get_staff_approval(db, user, approval_id):
    """A request for approval in a dossier the staff member may see, else 404."""
    return one_or_404(db, staff_approvals(user).where(Approval.id == approval_id))


def admin_only(view):
    """Only an admin may use this view; anyone else gets a 404."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != ROLE_ADMIN:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


# ---- clients (added for the client screens)

def companies_in_dossiers():
    """A select of the ids of the companies in a dossier: linked themselves, or through one
    of their accounts."""
    return select(DossierCompany.company_id).union(
        select(User.company_id).join(DossierClient, DossierClient.user_id == User.id)
        .where(User.company_id.is_not(None)))


def openable_client_ids(user):
    """A select of the ids of the client accounts whose page `user` may open: an admin every
    one; other staff those in a dossier they see (directly or through the company), and
    those in no dossier at all yet, nor their company or its other accounts (so whoever
    just created a client can go on)."""
    clients = select(User.id).where(User.kind == KIND_CLIENT)
    if user.role == ROLE_ADMIN:
        return clients
    visible = staff_dossier_ids(user)
    return clients.where(or_(
        User.id.in_(select(DossierClient.user_id)
                    .where(DossierClient.dossier_id.in_(visible))),
        User.company_id.in_(select(DossierCompany.company_id)
                            .where(DossierCompany.dossier_id.in_(visible))),
        and_(User.id.not_in(select(DossierClient.user_id)),
             or_(User.company_id.is_(None),
                 User.company_id.not_in(companies_in_dossiers())))))


def may_manage_client(db, user, client):
    """True when `user` may open the client's page, resend its invitation, deactivate or
    reactivate it, start a dossier for it and link it to a dossier (openable_client_ids)."""
    if client is None or client.is_staff:
        return False
    return db.exec(openable_client_ids(user).where(User.id == client.id)).first() \
        is not None


def get_staff_client(db, user, client_id):
    """A client account (person or company account) `user` may manage, else 404; staff
    accounts and unknown ids are 404 too. The client list itself is open to all staff."""
    client = db.get(User, client_id)
    if not may_manage_client(db, user, client):
        abort(404)
    return client


def manageable_company_ids(user):
    """A select of the ids of the companies `user` may start a dossier for or link: an
    admin every one; other staff those with a dossier they see (of the company or of one
    of its accounts), and those in no dossier at all yet."""
    companies = select(Company.id)
    if user.role == ROLE_ADMIN:
        return companies
    visible = staff_dossier_ids(user)
    seen = select(DossierCompany.company_id).where(
        DossierCompany.dossier_id.in_(visible)).union(
        select(User.company_id).join(DossierClient, DossierClient.user_id == User.id)
        .where(DossierClient.dossier_id.in_(visible), User.company_id.is_not(None)))
    return companies.where(or_(Company.id.in_(seen), Company.id.not_in(companies_in_dossiers())))


def may_manage_company(db, user, company):
    """True when `user` may start a dossier for a company or link it (manageable_company_ids)."""
    if company is None:
        return False
    return db.exec(manageable_company_ids(user).where(Company.id == company.id)).first() \
        is not None


def get_linkable(db, user, *, client_id=None, company_id=None):
    """The client account or company `user` may share a dossier with, else 404.

    Everyone who sees a dossier may manage its clients, so linking would hand a client over:
    only who may manage the client or company already may link it; a client of another
    lawyer's dossier is linked by an admin (issue 14, point 3).
    """
    if client_id is not None:
        return get_staff_client(db, user, client_id)
    company = db.get(Company, company_id) if company_id is not None else None
    if not may_manage_company(db, user, company):
        abort(404)
    return company


def on_behalf(user, dossier):
    """Audit detail: a secretary acts on behalf of the dossier's handling lawyer."""
    if user.role == ROLE_SECRETARY and dossier is not None and dossier.lawyer_id is not None:
        return {"on_behalf_of": dossier.lawyer_id}
    return {}


def get_staff_questionnaire(db, user, questionnaire_id):
    """A questionnaire definition, else 404. Every staff member may build, preview and send
    the firm's questionnaires (they hold no client data); sending still needs the dossier."""
    questionnaire = db.get(Questionnaire, questionnaire_id) if user.is_staff else None
    if questionnaire is None:
        abort(404)
    return questionnaire
