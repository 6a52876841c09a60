"""Ter goedkeuring as plain functions: the firm sends a document for the client's approval,
publishes new versions, and the client approves or refuses the exact version shown; each
decision keeps its evidence (who, when, from where, confirmed how, which file by SHA-256)
and an approval gets a receipt PDF, sealed with the firm's seal (app/seal.py). The views:
app/portal/approvals.py and app/staff/approvals.py."""
import logging

from flask import abort, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update
from sqlmodel import select

from . import audit, firm, notifications, pdf, seal, storage, webhooks
from .api import problems
from .models import (
    APPROVAL_APPROVED,
    APPROVAL_OPEN,
    APPROVAL_REFUSED,
    APPROVAL_VOID,
    Approval,
    ApprovalDecision,
    ApprovalVersion,
    Document,
    Dossier,
    User,
    utcnow,
)

log = logging.getLogger(__name__)
MAX_NOTE = 4000  # the firm's note, and the client's comments (like a message)
SHORT_HASH = 16  # the characters of a SHA-256 shown to the client before approving


class Refused(Exception):
    """The decision cannot be taken: the version is no longer the one waiting (a newer one
    was published, or it was decided meanwhile, in another tab)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def new_approval(db, *, dossier, client, sent_by, document, title, note="", deadline=None,
                 detail=None):
    """Send `document` (a published Document of the dossier, flushed) to `client` for
    approval, as version 1; the client is notified. `detail`: more for the audit event
    (on whose behalf). Not committed."""
    approval = Approval(dossier_id=dossier.id, client_id=client.id, sent_by_id=sent_by.id,
                        title=title, note=note or "", deadline=deadline)
    db.add(approval)
    db.flush()
    version = _add_version(db, approval, document, sent_by, 1)
    audit.record(db, "approval.sent", actor=sent_by, target=approval, dossier_id=dossier.id,
                 title=title, version=1, filename=version.filename, sha256=version.sha256,
                 client=client.id, **(detail or {}))
    notifications.notify(db, [client], "approval", approval)
    return approval


def new_version(db, staff, approval, document, detail=None):
    """Publish `document` as the next version of `approval`: every earlier version that
    was waiting, approved or refused becomes void, and the client is asked again. Not
    committed. A decision on an older version taken at the same moment either went first
    (and is made void here) or finds its version void (Refused): never another version."""
    db.execute(update(ApprovalVersion).where(
        ApprovalVersion.approval_id == approval.id, ApprovalVersion.state != APPROVAL_VOID)
        .values(state=APPROVAL_VOID).execution_options(synchronize_session=False))
    number = (db.exec(select(func.max(ApprovalVersion.number)).where(
        ApprovalVersion.approval_id == approval.id)).one() or 0) + 1
    version = _add_version(db, approval, document, staff, number)
    db.execute(update(Approval).where(Approval.id == approval.id)
               .values(state=APPROVAL_OPEN).execution_options(synchronize_session=False))
    audit.record(db, "approval.new_version", actor=staff, target=approval,
                 dossier_id=approval.dossier_id, version=number, filename=version.filename,
                 sha256=version.sha256, **(detail or {}))
    client = db.get(User, approval.client_id)
    if client is not None:
        notifications.notify(db, [client], "approval", approval)
    db.expire(approval)
    return version


def withdraw(db, staff, approval, detail=None):
    """The firm no longer asks for this approval: the request and its waiting version
    become void (a decision taken stays as written, its receipt too); the client sees it
    withdrawn. Returns False when it was withdrawn already. Not committed. A decision taken
    at the same moment either went first, or finds its version void (Refused)."""
    withdrawn = db.execute(update(Approval).where(
        Approval.id == approval.id, Approval.state != APPROVAL_VOID)
        .values(state=APPROVAL_VOID).execution_options(synchronize_session=False)).rowcount
    if not withdrawn:
        return False
    db.execute(update(ApprovalVersion).where(
        ApprovalVersion.approval_id == approval.id, ApprovalVersion.state == APPROVAL_OPEN)
        .values(state=APPROVAL_VOID).execution_options(synchronize_session=False))
    audit.record(db, "approval.withdrawn", actor=staff, target=approval,
                 dossier_id=approval.dossier_id, title=approval.title, **(detail or {}))
    db.expire(approval)
    return True


def _add_version(db, approval, document, staff, number):
    version = ApprovalVersion(approval_id=approval.id, number=number, document_id=document.id,
                              filename=document.filename, size=document.size,
                              sha256=document.sha256, published_by_id=staff.id)
    db.add(version)
    db.flush()
    return version


def current_version(db, approval):
    """The newest version of `approval`."""
    return db.exec(select(ApprovalVersion).where(ApprovalVersion.approval_id == approval.id)
                   .order_by(ApprovalVersion.number.desc())).first()


def decide(db, client, approval, version_id, approved, *, confirmed_with="", message=None):
    """The client's decision on the version `version_id` that was shown to them: claimed
    by a conditional update, so two tabs give one decision and a version made void by a
    newer one is refused (Refused). Records the evidence (ApprovalDecision) with the
    request's address and browser; `message`: the comments of a refusal, sent already.
    Not committed."""
    now = utcnow()
    new_state = APPROVAL_APPROVED if approved else APPROVAL_REFUSED
    claimed = db.execute(update(ApprovalVersion).where(
        ApprovalVersion.id == version_id, ApprovalVersion.approval_id == approval.id,
        ApprovalVersion.state == APPROVAL_OPEN)
        .values(state=new_state, decided_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.rollback()
        raise Refused(_l("This version is no longer waiting for your decision: a newer "
                         "version has been published, or a decision was taken already. "
                         "Look at the page again."))
    db.execute(update(Approval).where(Approval.id == approval.id).values(state=new_state)
               .execution_options(synchronize_session=False))
    version = db.get(ApprovalVersion, version_id)
    db.refresh(version)
    decision = ApprovalDecision(
        approval_id=approval.id, version_id=version.id, client_id=client.id,
        client_name=client.name, client_email=client.email, approved=approved,
        decided_at=now, ip=(request.remote_addr or "")[:45] if request else "",
        user_agent=(request.headers.get("User-Agent", "") if request else "")[:255],
        confirmed_with=confirmed_with, version=version.number, filename=version.filename,
        sha256=version.sha256, message_id=message.id if message is not None else None)
    db.add(decision)
    db.flush()
    audit.record(db, "approval.approved" if approved else "approval.refused", actor=client,
                 target=approval, dossier_id=approval.dossier_id, version=version.number,
                 filename=version.filename, sha256=version.sha256,
                 confirmed_with=confirmed_with or None,
                 message_id=message.id if message is not None else None)
    notifications.notify(db, notifications.dossier_staff(db, approval.dossier_id), "approval",
                         approval)
    webhooks.emit(db, "approval.approved" if approved else "approval.refused", {
        "approval_id": approval.id, "version_id": version.id,
        "dossier_id": approval.dossier_id, "client_id": client.id})
    db.expire(approval)
    return decision


CONFIRMATIONS = {"password": _l("password"), "app": _l("authenticator app code"),
                 "sms": _l("SMS code"), "recovery": _l("recovery code"),
                 "backup": _l("backup code"), "passkey": _l("passkey")}


def confirmation_label(method):
    """How the client confirmed their identity before approving, in words."""
    return str(CONFIRMATIONS.get(method, "–"))


def history(db, approval):
    """[(version, its decision or None)], the newest first: what the history shows."""
    versions = db.exec(select(ApprovalVersion).where(ApprovalVersion.approval_id == approval.id)
                       .order_by(ApprovalVersion.number.desc())).all()
    decisions = {d.version_id: d for d in db.exec(select(ApprovalDecision).where(
        ApprovalDecision.approval_id == approval.id))}
    return [(version, decisions.get(version.id)) for version in versions]


# ---- the receipt, and the sealed copy of the approved PDF

def receipt_pdf(db, decision):
    """The receipt of an approval as PDF bytes, in the client's language, sealed with the
    firm's seal; unsealed (and logged) when no seal is configured. Raises seal.NoTimestamp
    while the configured timestamping authority does not answer."""
    approval = db.get(Approval, decision.approval_id)
    dossier = db.get(Dossier, approval.dossier_id)
    client = db.get(User, decision.client_id) if decision.client_id else None
    with force_locale(client.language if client else "nl"):
        html = pdf.render_html("approvals/receipt.html", firm_name=firm.current(db).name,
                               approval=approval, decision=decision, dossier=dossier,
                               confirmation_label=confirmation_label)
        data = pdf.html_to_pdf(html)
        reason = str(_l("Receipt of an approval in the client portal"))
    try:
        return seal.seal(data, reason)
    except seal.NoSeal:
        log.warning("approval receipt %s not sealed: no seal configured", decision.id)
        return data


def make_receipt(db, decision):
    """Store the receipt of an approval (and, when the firm chose so, a sealed copy of the
    approved PDF) and note their keys on the decision; committed. Done once: a second call
    (another process) finds the keys set and removes what it made. Raises seal.NoTimestamp
    (nothing stored) while the timestamping authority does not answer."""
    if not decision.approved or decision.receipt_key:
        return decision
    key, digest, _size = storage.store_bytes(receipt_pdf(db, decision))
    try:
        sealed = _sealed_copy(db, decision) if firm.current(db).seal_approved_documents \
            else None
    except BaseException:  # e.g. the timestamping authority went down meanwhile: keep nothing
        storage.remove(key)
        raise
    stored = db.execute(update(ApprovalDecision).where(
        ApprovalDecision.id == decision.id, ApprovalDecision.receipt_key.is_(None))
        .values(receipt_key=key, receipt_sha256=digest, sealed_key=sealed)
        .execution_options(synchronize_session=False)).rowcount
    db.commit()
    if not stored:
        for made in (key, sealed):
            if made:
                storage.remove(made)
    db.refresh(decision)
    return decision


RECEIPT_LATER = _l("The receipt cannot be made right now: the timestamping service that "
                   "vouches for the moment of sealing does not answer. The approval itself "
                   "has been recorded and is safe. Try again in a few minutes.")
RETRY_RECEIPT_SECONDS = 300


def receipt_made(db, decision):
    """`decision` with its receipt, made now when it was not yet (making it right after the
    approval may have failed). While the timestamping authority does not answer, the
    request ends with a 503 saying so, with Retry-After: nothing was lost, try later."""
    if decision.receipt_key:
        return decision
    try:
        return make_receipt(db, decision)
    except seal.NoTimestamp:
        db.rollback()
        headers = {"Retry-After": str(RETRY_RECEIPT_SECONDS)}
        if request.path.startswith("/api/"):
            abort(problems.from_status(503, RECEIPT_LATER, headers=headers))
        # The error page's look, with the site's menu: the database works, only the TSA not.
        abort(make_response(render_template(
            "errors/error.html", title=_("The receipt cannot be made right now"),
            text=RECEIPT_LATER), 503, headers))


def _sealed_copy(db, decision):
    """A sealed copy of the approved file, stored; its key, or None when it is no PDF that
    can be sealed (then the receipt's SHA-256 alone binds it)."""
    version = db.get(ApprovalVersion, decision.version_id)
    document = db.get(Document, version.document_id) if version else None
    if document is None or document.content_type != "application/pdf":
        return None
    try:
        with open(storage.path_for(document.storage_key), "rb") as f:
            data = f.read()
        sealed = seal.seal(data, str(_l("Approved in the client portal")))
    except seal.NoSeal:
        return None
    except seal.NoTimestamp:  # made later, with the receipt, as the firm chose
        raise
    except Exception:  # a PDF pyHanko cannot read or write (encrypted, broken)
        log.exception("approved document %s could not be sealed", document.id)
        return None
    return storage.store_bytes(sealed)[0]


def receipt_name(approval, decision):
    """The file name of a receipt, in the current language."""
    name = _("receipt")
    return f"{name}-{approval.id}-v{decision.version}.pdf"
