"""Requests for documents (Aan te leveren stukken): the firm asks, the client hands in files
per item, the firm approves or rejects them; reminders before and after the deadline, and
the erasure of identity documents after the retention period (docs/design.md)."""
import logging
import time
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from . import audit, firm, notifications, storage, webhooks
from .access import visible_dossiers
from .dates import local
from .db import engine
from .models import (
    CAT_PROVIDED,
    ITEM_APPROVED,
    ITEM_OPEN,
    ITEM_REJECTED,
    ITEM_SUBMITTED,
    Document,
    DocumentRequest,
    Dossier,
    DossierStatus,
    RequestItem,
    User,
    utcnow,
)
from .outbox import public_url, queue_mail

log = logging.getLogger("klantenportaal.requests")
# The background loop (app/worker.py) calls run_if_due every few seconds; reminders and
# erasures run at most this often.
RUN_EVERY_SECONDS = 3600
clock = time.monotonic  # tests move it on


class Refused(Exception):
    """An item takes no files or decision now; str() is the message for the user."""


def takes_files(item):
    """True while the firm waits for files for `item` (not withdrawn, not approved)."""
    return item.withdrawn_at is None and item.state != ITEM_APPROVED


def why_no_files(item):
    """Why `item` takes no files now (takes_files is False): withdrawn, or approved."""
    if item.withdrawn_at is not None:
        return _l("The firm no longer asks for this document; your file has not been stored.")
    return _l("This document has already been approved; your file has not been stored.")


def new_request(db, *, dossier, client, sent_by, items, deadline=None, assignment_id=None):
    """Add a request for `client` in `dossier` with `items` (dicts with title, explanation,
    is_identity); the client hears of it in one batched mail. Not committed."""
    request = DocumentRequest(dossier_id=dossier.id, client_id=client.id,
                              sent_by_id=sent_by.id if sent_by else None,
                              deadline=deadline, assignment_id=assignment_id)
    db.add(request)
    db.flush()
    _add(db, request, items)
    notifications.notify(db, [client], "request", request)
    audit.record(db, "request.sent", actor=sent_by, target=request, dossier_id=dossier.id,
                 items=[item["title"] for item in items])
    return request


def add_items(db, request, items, actor):
    """Add `items` to an existing request (it is open again if it was done); the client
    hears of it. Not committed."""
    _add(db, request, items)
    request.completed_at = None
    db.add(request)
    notifications.notify(db, [db.get(User, request.client_id)], "request", request)
    audit.record(db, "request.items_added", actor=actor, target=request,
                 dossier_id=request.dossier_id, items=[item["title"] for item in items])


def _add(db, request, items):
    last = db.execute(select(func.max(RequestItem.position))
                      .where(RequestItem.request_id == request.id)).scalar()
    start = -1 if last is None else last
    for position, item in enumerate(items, start + 1):
        db.add(RequestItem(request_id=request.id, position=position, title=item["title"],
                           explanation=item.get("explanation") or "",
                           is_identity=bool(item.get("is_identity"))))
    db.flush()


def active_items(db, request):
    """The items of a request not withdrawn, in order."""
    return db.exec(select(RequestItem).where(RequestItem.request_id == request.id,
                                             RequestItem.withdrawn_at.is_(None))
                   .order_by(RequestItem.position)).all()


def progress(db, request):
    """(handed in, asked): how many active items have files or were approved, of all."""
    items = active_items(db, request)
    return sum(item.state != ITEM_OPEN for item in items), len(items)


def hand_in(db, client, item, documents):
    """Record `documents` (stored on disk, not yet added) as handed in by `client` for
    `item`: the item then waits for the firm's check. Raises Refused, adding nothing, when
    the item takes no files any more (withdrawn or approved meanwhile, e.g. in another tab);
    the caller then removes the stored files. Not committed."""
    claimed = db.execute(
        update(RequestItem)
        .where(RequestItem.id == item.id, RequestItem.withdrawn_at.is_(None),
               RequestItem.state != ITEM_APPROVED)
        .values(state=ITEM_SUBMITTED, submitted_at=utcnow(),
                revision=RequestItem.revision + 1)).rowcount
    if not claimed:
        db.refresh(item)
        if item.withdrawn_at is not None:
            raise Refused(_l("The firm no longer asks for this document; your file has not "
                             "been stored."))
        raise Refused(_l("This document has already been approved; your file has not been "
                         "stored."))
    request = db.get(DocumentRequest, item.request_id)
    for document in documents:
        document.dossier_id = request.dossier_id
        document.category = CAT_PROVIDED
        document.request_item_id = item.id
        document.identity = item.is_identity
        document.uploaded_by_id = client.id
        db.add(document)
    db.flush()
    for document in documents:
        audit.record(db, "request.file_handed_in", actor=client, target=document,
                     dossier_id=request.dossier_id, item=item.title, request_id=request.id,
                     size=document.size, sha256=document.sha256)
    notifications.notify(db, notifications.dossier_staff(db, request.dossier_id), "request",
                         request)
    webhooks.emit(db, "request_item.handed_in", {"request_id": request.id, "item_id": item.id,
                  "dossier_id": request.dossier_id, "client_id": client.id,
                  "document_ids": [document.id for document in documents]})
    db.refresh(item)


def decide(db, staff, item, revision, approve, reason=None):
    """Approve `item`, or reject it with `reason`, as the staff member saw it (`revision`).
    Raises Refused when it changed meanwhile (a new file, withdrawn) or, for a rejection,
    has no file. A rejection is told to the client; the last approval ends the request.
    Not committed."""
    query = update(RequestItem).where(RequestItem.id == item.id,
                                      RequestItem.revision == revision,
                                      RequestItem.withdrawn_at.is_(None))
    if not approve:
        query = query.where(RequestItem.state == ITEM_SUBMITTED)
    done = db.execute(query.values(
        state=ITEM_APPROVED if approve else ITEM_REJECTED, reason=None if approve else reason,
        decided_at=utcnow(), decided_by_id=staff.id,
        revision=RequestItem.revision + 1)).rowcount
    if not done:
        raise Refused(_l("This document changed while you were looking at it (a new file, "
                         "or it was withdrawn). Look at it again and decide once more."))
    db.refresh(item)
    request = db.get(DocumentRequest, item.request_id)
    audit.record(db, "request.item_approved" if approve else "request.item_rejected",
                 actor=staff, target=item, dossier_id=request.dossier_id, item=item.title,
                 **({} if approve else {"reason": reason}))
    if not approve:
        notifications.notify(db, [db.get(User, request.client_id)], "request", request)
    settle(db, request)


def withdraw(db, staff, item):
    """Withdraw an item not approved yet (its files stay in the dossier). Raises Refused
    when it was approved or withdrawn meanwhile. Not committed."""
    done = db.execute(update(RequestItem).where(
        RequestItem.id == item.id, RequestItem.withdrawn_at.is_(None),
        RequestItem.state != ITEM_APPROVED).values(
        withdrawn_at=utcnow(), revision=RequestItem.revision + 1)).rowcount
    if not done:
        raise Refused(_l("This document was approved or withdrawn meanwhile; nothing has "
                         "been changed."))
    db.refresh(item)
    request = db.get(DocumentRequest, item.request_id)
    audit.record(db, "request.item_withdrawn", actor=staff, target=item,
                 dossier_id=request.dossier_id, item=item.title)
    settle(db, request)


def settle(db, request):
    """Mark the request done when no active item waits for approval any more."""
    waiting = db.execute(select(func.count()).select_from(RequestItem).where(
        RequestItem.request_id == request.id, RequestItem.withdrawn_at.is_(None),
        RequestItem.state != ITEM_APPROVED)).scalar()
    if waiting == 0 and request.completed_at is None:
        request.completed_at = utcnow()
        db.add(request)
        audit.record(db, "request.completed", target=request, dossier_id=request.dossier_id)


# ---- reminders (a job of the background loop, app/worker.py)

def reminder_due(deadline, today, last, before, every):
    """True when a reminder should go out `today` for a request due on `deadline`, whose
    last mail (the request itself, or a reminder) went out on `last` (a local date):
    once `before` days before the deadline, then the day after it and every `every` days
    (0: no such reminder); never twice a day."""
    if last >= today:
        return False
    if before and deadline - timedelta(days=before) <= today <= deadline:
        return last < deadline - timedelta(days=before)
    if every and today > deadline:
        return last <= deadline or (today - last).days >= every
    return False


def _needs_files(request_id):
    """The condition that a request still has an item the client must hand in."""
    return select(RequestItem.id).where(
        RequestItem.request_id == request_id, RequestItem.withdrawn_at.is_(None),
        RequestItem.state.in_((ITEM_OPEN, ITEM_REJECTED))).exists()


def send_reminders(app=None, now=None):
    """Queue the reminder mails due now (reminder_due) for open requests with a deadline
    whose client still has something to hand in, wants mails about actions and still sees
    the dossier. Returns the number queued."""
    app = app or current_app._get_current_object()
    with app.app_context(), Session(engine(), expire_on_commit=False) as db:
        now = now or utcnow()
        today = local(now).date()
        settings = firm.current(db)
        candidates = db.exec(select(DocumentRequest).where(
            DocumentRequest.completed_at.is_(None), DocumentRequest.deadline.is_not(None),
            _needs_files(DocumentRequest.id)).order_by(DocumentRequest.id)).all()
        queued = 0
        for request in candidates:
            last = local(request.reminded_at or request.created_at).date()
            if not reminder_due(request.deadline, today, last,
                                settings.remind_days_before, settings.remind_every_days):
                continue
            client = db.get(User, request.client_id)
            if not (client.active and client.notify_questionnaires and db.exec(
                    visible_dossiers(client).where(Dossier.id == request.dossier_id)
                    .with_only_columns(Dossier.id)).first() is not None):
                continue  # checked again next time: the switch may be turned on meanwhile
            # Claimed by its old value: a second loop (another process) finds it changed;
            # and only while something is still to be handed in (a file may have come in
            # since the list above was read).
            claimed = db.execute(update(DocumentRequest).where(
                DocumentRequest.id == request.id, DocumentRequest.completed_at.is_(None),
                DocumentRequest.reminded_at.is_(None) if request.reminded_at is None
                else DocumentRequest.reminded_at == request.reminded_at,
                _needs_files(DocumentRequest.id))
                .values(reminded_at=now).execution_options(synchronize_session=False)
            ).rowcount
            if claimed:
                queue_mail(db, client, "request_reminder",
                           _l("A reminder: documents to hand in, in the client portal"),
                           actions_url=public_url("portal.actions"),
                           overdue=today > request.deadline)
                queued += 1
            db.commit()
        return queued


# ---- identity documents (Wwft, AVG)

def years_before(moment, years):
    """The moment `years` calendar years before `moment` (29 February: the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def erase_identity_documents(app=None, now=None):
    """Erase, file and row, each identity document of a dossier closed longer ago than the
    retention period (Instellingen; 5 years by default); each gets an audit event. Returns
    the number erased."""
    app = app or current_app._get_current_object()
    with app.app_context(), Session(engine(), expire_on_commit=False) as db:
        now = now or utcnow()
        cutoff = years_before(now, firm.current(db).identity_retention_years)
        documents = db.exec(
            select(Document).join(Dossier, Dossier.id == Document.dossier_id)
            .join(DossierStatus, DossierStatus.code == Dossier.status_code)
            .where(Document.identity, DossierStatus.closed,
                   Dossier.status_changed_at <= cutoff).order_by(Document.id)).all()
        keys = []
        for document in documents:
            # Claimed by deleting it (its downloads go with it: ON DELETE CASCADE): a second
            # loop (another process) deletes nothing and records nothing.
            if not db.execute(delete(Document).where(Document.id == document.id)
                              .execution_options(synchronize_session=False)).rowcount:
                continue
            item = db.get(RequestItem, document.request_item_id) \
                if document.request_item_id else None
            if item is not None:
                item.erased_at = now
                db.add(item)
            audit.record(db, "identity_document.erased", target=document,
                         dossier_id=document.dossier_id,
                         item=item.title if item else None, sha256=document.sha256)
            keys.append(document.storage_key)
        db.commit()  # the rows first: a file without a row is cleaned up, not the reverse
        for key in keys:
            storage.remove(key)
        if keys:
            log.info("%s identity documents erased", len(keys))
        return len(keys)


def run_if_due(app):
    """Send the due reminders and erase what the retention period allows, when this process
    has not done so for an hour (a step of the background loop); returns their outcomes (None
    for one that failed, which is logged), or None when not due."""
    state = app.extensions.setdefault("document_requests", {"last": None})
    now = clock()
    if state["last"] is not None and now - state["last"] < RUN_EVERY_SECONDS:
        return None
    state["last"] = now  # before running: a failure is tried again in an hour
    outcomes = []
    for job in (send_reminders, erase_identity_documents):
        try:  # one failing job does not keep the other from running
            outcomes.append(job(app))
        except Exception:
            log.exception("requests for documents: %s failed", job.__name__)
            outcomes.append(None)
    return tuple(outcomes)
