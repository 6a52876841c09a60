"""Data protection (AVG/GDPR) erasure: whether a client may be erased yet (retention), and
erasing them, leaving a tombstone (the decisions: docs/design.md; export: privacy_export.py)."""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import delete, func, select, update

from . import audit, storage, twostep, webhooks
from .access import visible_dossiers
from .models import (
    AccountInvitation,
    Approval,
    ApprovalDecision,
    ApprovalVersion,
    Document,
    DocumentDownload,
    DocumentRequest,
    Dossier,
    DossierClient,
    DossierCompany,
    DossierStatus,
    LoginSession,
    Message,
    MessageAttachment,
    MessageRead,
    NotificationItem,
    OneTimeToken,
    OutgoingMail,
    Passkey,
    PasskeyChallenge,
    ProgressStep,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    RecoveryCode,
    RequestItem,
    ThrottleEvent,
    User,
    utcnow,
)

ERASED_NAME = "Gewiste cliënt"
ERASED_DESCRIPTION = "Gewist (AVG)"


def erased_email(user_id):
    """The address of a tombstone: unique, and undeliverable by definition (RFC 2606)."""
    return f"erased-{user_id}@invalid"


def is_erased(user):
    """True when the account is the tombstone of an erased client."""
    return user.email == erased_email(user.id)


# ---- may the client be erased?

@dataclass
class DossierRetention:
    """One dossier the client can see, its status, and from when it may be erased (None:
    its status keeps dossiers for ever)."""

    dossier: Dossier
    status: DossierStatus | None
    until: object = None


@dataclass
class Erasability:
    """Whether a client may be erased now; `reasons` say why not, as codes the page words:
    "erased", "main_account", "no_retention" and "retention"."""

    allowed: bool
    reasons: list = field(default_factory=list)
    dossiers: list = field(default_factory=list)  # [DossierRetention]
    earliest: object = None  # when every retention period will have passed, if ever


def erasable(db, client, now=None):
    """May `client` be erased at `now`: every dossier they can see has a status with a
    retention period that has passed since its last status change (see Erasability)."""
    now = now or utcnow()
    statuses = {s.code: s for s in db.exec(select(DossierStatus))}
    reasons, rows = [], []
    if is_erased(client):
        reasons.append("erased")
    elif client.is_company_main and client.company_id is not None and db.exec(
            select(func.count()).select_from(User).where(
                User.company_id == client.company_id, User.id != client.id,
                User.active)).one():
        reasons.append("main_account")
    for dossier in db.exec(visible_dossiers(client).order_by(Dossier.number)):
        status = statuses.get(dossier.status_code)
        days = status.retention_days if status is not None else None
        until = (dossier.status_changed_at + timedelta(days=days)) if days is not None else None
        rows.append(DossierRetention(dossier, status, until))
    if any(row.until is None for row in rows):
        reasons.append("no_retention")
        earliest = None
    else:
        earliest = max((row.until for row in rows), default=None)
        if earliest is not None and earliest > now:
            reasons.append("retention")
    return Erasability(not reasons, reasons, rows, earliest)


# ---- erasure

class NotErasable(Exception):
    """The client may not be erased (yet); `args[0]` is the Erasability that says why."""


@dataclass
class Erased:
    """What an erasure removed: dossier ids emptied and unlinked, counts of rows and files."""

    emptied: list = field(default_factory=list)
    unlinked: list = field(default_factory=list)
    documents: int = 0
    messages: int = 0
    questionnaires: int = 0
    requests: int = 0
    approvals: int = 0
    files: int = 0
    keys: list = field(default_factory=list)


def _only_theirs(db, client, dossier_ids):
    """The ids among `dossier_ids` that no other client and no company reaches."""
    if not dossier_ids:
        return set()
    shared = set(db.exec(select(DossierClient.dossier_id).where(
        DossierClient.dossier_id.in_(dossier_ids), DossierClient.user_id != client.id)).all())
    shared |= set(db.exec(select(DossierCompany.dossier_id).where(
        DossierCompany.dossier_id.in_(dossier_ids))).all())
    return set(dossier_ids) - shared


def _delete_assignments(db, condition):
    """Delete questionnaire assignments (with their answers) matching `condition`; how many."""
    ids = db.exec(select(QuestionnaireAssignment.id).where(condition)).all()
    if ids:
        db.exec(delete(QuestionnaireAnswer).where(QuestionnaireAnswer.assignment_id.in_(ids)))
        db.exec(delete(QuestionnaireAssignment).where(QuestionnaireAssignment.id.in_(ids)))
    return len(ids)


def _delete_requests(db, condition, erased):
    """Delete requests for documents matching `condition` with their items; how many. The
    identity documents handed in for them go too, file and row (only their client and a few
    staff may see them); other files handed in stay in a dossier that stays, as part of its
    case file."""
    ids = db.exec(select(DocumentRequest.id).where(condition)).all()
    if not ids:
        return 0
    items = select(RequestItem.id).where(RequestItem.request_id.in_(ids))
    _delete_documents(db, select(Document.id).where(Document.identity,
                                                    Document.request_item_id.in_(items)), erased)
    db.exec(update(Document).where(Document.request_item_id.in_(items))
            .values(request_item_id=None))
    db.exec(delete(NotificationItem).where(NotificationItem.target_type == "request",
                                           NotificationItem.target_id.in_(ids)))
    db.exec(delete(RequestItem).where(RequestItem.request_id.in_(ids)))
    db.exec(delete(DocumentRequest).where(DocumentRequest.id.in_(ids)))
    return len(ids)


def _delete_approvals(db, condition, erased):
    """Delete requests for approval matching `condition` with their versions and decisions;
    the files of their receipts and sealed copies go into `erased`; how many. The documents
    themselves are the dossier's (Documenten) and stay where the dossier stays."""
    ids = db.exec(select(Approval.id).where(condition)).all()
    if not ids:
        return 0
    for keys in db.exec(select(ApprovalDecision.receipt_key, ApprovalDecision.sealed_key)
                        .where(ApprovalDecision.approval_id.in_(ids))):
        erased.keys += [key for key in keys if key]
    db.exec(delete(NotificationItem).where(NotificationItem.target_type == "approval",
                                           NotificationItem.target_id.in_(ids)))
    db.exec(delete(ApprovalDecision).where(ApprovalDecision.approval_id.in_(ids)))
    db.exec(delete(ApprovalVersion).where(ApprovalVersion.approval_id.in_(ids)))
    db.exec(delete(Approval).where(Approval.id.in_(ids)))
    return len(ids)


def _delete_messages(db, message_ids):
    """Delete messages (a select of ids) with their reads and attachment links, not the
    documents. One statement for the messages: a reply and what it answers go together."""
    db.exec(delete(MessageAttachment).where(MessageAttachment.message_id.in_(message_ids)))
    db.exec(delete(MessageRead).where(MessageRead.message_id.in_(message_ids)))
    db.exec(delete(Message).where(Message.id.in_(message_ids)))


def _delete_documents(db, document_ids, erased):
    """Delete documents (a select of ids) with their downloads and links; their storage
    keys and number go into `erased`."""
    keys = db.exec(select(Document.storage_key).where(Document.id.in_(document_ids))).all()
    if not keys:
        return
    db.exec(delete(DocumentDownload).where(DocumentDownload.document_id.in_(document_ids)))
    db.exec(delete(MessageAttachment).where(MessageAttachment.document_id.in_(document_ids)))
    db.exec(delete(Document).where(Document.id.in_(document_ids)))
    erased.keys += keys
    erased.documents += len(keys)


def _empty_dossier(db, actor, dossier, erased):
    """Delete everything in a dossier only the erased client reached; the row stays."""
    erased.questionnaires += _delete_assignments(
        db, QuestionnaireAssignment.dossier_id == dossier.id)
    messages = db.exec(select(func.count()).select_from(Message)
                       .where(Message.dossier_id == dossier.id)).one()
    _delete_messages(db, select(Message.id).where(Message.dossier_id == dossier.id))
    erased.messages += messages
    before = erased.documents
    erased.requests += _delete_requests(db, DocumentRequest.dossier_id == dossier.id, erased)
    erased.approvals += _delete_approvals(db, Approval.dossier_id == dossier.id, erased)
    _delete_documents(db, select(Document.id).where(Document.dossier_id == dossier.id), erased)
    db.exec(delete(ProgressStep).where(ProgressStep.dossier_id == dossier.id))
    db.exec(delete(DossierClient).where(DossierClient.dossier_id == dossier.id))
    dossier.description = ERASED_DESCRIPTION
    dossier.updated_at = utcnow()
    erased.emptied.append(dossier.id)
    audit.record(db, "dossier.erased", actor=actor, target=dossier, dossier_id=dossier.id,
                 documents=erased.documents - before, messages=messages)


def _forget_account(db, client):
    """Delete what hangs off the account and make the row a tombstone without personal
    data (the row stays: messages and audit events still name it)."""
    keys = ["login:" + client.email, "reset:" + client.email] + [
        f"{kind}:{client.id}" for kind in ("two-step", "password-again", "email-change")
    ] + twostep.sms_throttle_keys(client)
    db.exec(delete(ThrottleEvent).where(ThrottleEvent.key.in_(keys)))
    db.exec(delete(OutgoingMail).where(OutgoingMail.recipient == client.email))
    # What a main account typed for this person under Extra accounts: name and address.
    db.exec(delete(AccountInvitation).where((AccountInvitation.user_id == client.id)
                                            | (AccountInvitation.email == client.email)))
    for model in (LoginSession, OneTimeToken, RecoveryCode, NotificationItem,
                  DocumentDownload, MessageRead, DossierClient, Passkey, PasskeyChallenge):
        db.exec(delete(model).where(model.user_id == client.id))
    client.name, client.email = ERASED_NAME, erased_email(client.id)
    client.phone = client.password_hash = client.totp_secret = client.sms_phone = None
    client.totp_enabled = client.sms_enabled = client.is_company_main = False
    client.passkey_enabled, client.passkey_handle = False, None
    client.totp_last_step = 0
    client.active = False
    client.company_id = None
    client.language = "nl"
    client.first_login_at = client.last_login_at = client.password_changed_at = None
    client.notify_documents = client.notify_messages = client.notify_questionnaires = False


def erase_client(db, actor, client, now=None):
    """Erase `client` (the rules: docs/design.md), commit, and only then remove the files
    from disk: a failed commit keeps every file its rows name. Raises NotErasable, with
    nothing changed, when erasable() says no. Returns Erased."""
    # Serialise two erasures of one client (a double click): the second sees the tombstone.
    db.exec(select(User).where(User.id == client.id).with_for_update()
            .execution_options(populate_existing=True)).one()
    check = erasable(db, client, now)
    if not check.allowed:
        raise NotErasable(check)
    erased = Erased()
    dossier_ids = [row.dossier.id for row in check.dossiers]
    only = _only_theirs(db, client, dossier_ids)
    for row in check.dossiers:
        if row.dossier.id in only:
            _empty_dossier(db, actor, row.dossier, erased)
        elif db.get(DossierClient, (row.dossier.id, client.id)) is not None:
            erased.unlinked.append(row.dossier.id)
            audit.record(db, "dossier.client_unlinked", actor=actor, target=client,
                         dossier_id=row.dossier.id, erased=True)
    # Anywhere else: the questionnaires sent to them (the PDFs filed in a dossier that
    # stays are part of its case file), the requests for documents sent to them with their
    # identity documents (the other files they handed in stay, like those PDFs), and their
    # drafts, which nobody else has seen.
    erased.questionnaires += _delete_assignments(
        db, QuestionnaireAssignment.client_id == client.id)
    erased.requests += _delete_requests(db, DocumentRequest.client_id == client.id, erased)
    erased.approvals += _delete_approvals(db, Approval.client_id == client.id, erased)
    _delete_documents(db, select(Document.id).where(Document.identity,
                                                    Document.uploaded_by_id == client.id), erased)
    drafts = select(Message.id).where(Message.sender_id == client.id,
                                      Message.sent_at.is_(None))
    erased.messages += db.exec(select(func.count()).select_from(drafts.subquery())).one()
    draft_files = db.exec(select(MessageAttachment.document_id).where(
        MessageAttachment.message_id.in_(drafts))).all()
    _delete_messages(db, drafts)
    _delete_documents(db, draft_files, erased)
    _forget_account(db, client)
    erased.files = len(erased.keys)
    audit.record(db, "client.erased", actor=actor, target=client,
                 dossiers_emptied=erased.emptied, dossiers_unlinked=erased.unlinked,
                 documents=erased.documents, messages=erased.messages,
                 questionnaires=erased.questionnaires, requests=erased.requests,
                 approvals=erased.approvals, files=erased.files)
    webhooks.emit(db, "client.erased", {"client_id": client.id})
    db.commit()
    for key in erased.keys:
        storage.remove(key)
    return erased
