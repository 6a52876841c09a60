"""Ter goedkeuring on the staff side without the pages: publishing once, the deadline, the
receipt; shared with the API (app/api/approvals.py)."""
import os

from flask import abort
from sqlmodel import select

from .. import approvals, audit, storage
from ..db import one_or_404
from ..documents import publish, remove_stored
from ..forms import claim_form_key
from ..models import (
    APPROVAL_OPEN,
    CAT_DOCUMENT,
    ApprovalDecision,
)
from .request_forms import today


def overdue(approval, day=None):
    """True when a request for approval still waits and its deadline has passed."""
    return (approval.state == APPROVAL_OPEN and approval.deadline is not None
            and approval.deadline < (day or today()))


def publish_once(db, user, dossier, stored, file_as, form_key=None):
    """Publish the stored file in Documenten and let `file_as(document)` file it (as a new
    request for approval, or a version), which returns (its page, what it made); one
    commit. The second request of a double click (`form_key` claimed already) keeps nothing
    and gets (the first's page, None); on any failure the file goes too. The API passes no
    `form_key` (its Idempotency-Key does that work)."""
    try:
        [document] = publish(db, user, dossier, CAT_DOCUMENT, stored)
        target, made = file_as(document)
        done = claim_form_key(db, user, form_key, target) if form_key is not None else None
        if done is not None:
            db.rollback()
            remove_stored(stored)
            return done, None
        db.commit()
    except BaseException:
        db.rollback()
        remove_stored(stored)
        raise
    return target, made


def approved_decision(db, approval, decision_id):
    """The approval `decision_id` of `approval` (else 404), its receipt made if it was not
    yet (making it after the approval may have failed; a 503 while that cannot be done)."""
    return approvals.receipt_made(db, one_or_404(db, select(ApprovalDecision).where(
        ApprovalDecision.id == decision_id, ApprovalDecision.approval_id == approval.id,
        ApprovalDecision.approved.is_(True))))


def send_receipt(db, user, approval, decision):
    """The receipt of an approval (a sealed PDF) for a staff member, as an attachment;
    audited and committed; 404 when its file is gone."""
    if not os.path.exists(storage.path_for(decision.receipt_key)):
        abort(404)
    audit.record(db, "approval.receipt_downloaded", actor=user, target=approval,
                 dossier_id=approval.dossier_id, version=decision.version, staff=True)
    db.commit()
    return storage.send_stored(decision.receipt_key, content_type="application/pdf",
                               filename=approvals.receipt_name(approval, decision),
                               etag=decision.receipt_sha256)
