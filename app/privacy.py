"""Data protection (AVG/GDPR): export everything about one client, and erase a client once
the retention period of every dossier they can see has passed.

Decisions (see README, "Data protection"):

- The export holds what the client can see in the portal (app/access.py): their account,
  the dossiers and their documents, messages (their own drafts too) with attachments, the
  questionnaires sent to them with their answers and PDFs, and the audit events about
  them (they did it, or it was done to their account). Never a password hash, a two-step
  secret, a recovery code or a link token. It is written to an unnamed temporary file in
  UPLOAD_FOLDER/tmp, one file at a time, so it is never whole in memory and disappears
  with the request, even on a crash.
- Erasing: a dossier only this client reaches (no other client, no company) is emptied:
  its documents, messages, questionnaires and progress steps are deleted, its files
  removed from disk and its description replaced. The dossier row itself, with its
  number and status, stays: the audit log is append-only and its events name the dossier.
  A dossier shared with other clients or a company keeps its content (the case file of
  the others); the client's link, their drafts and the questionnaires sent to them go.
- The account becomes a tombstone without personal data, so the remaining messages and
  audit events still point at a valid row; its sessions, links, codes, notifications,
  throttle counters and mails (queued or sent) go. Audit events are never changed.
- A company account is erased as a person: the company and its dossiers stay (a company
  is no natural person). The main account cannot be erased while the company still has
  other active accounts: they would be left without anyone to manage them.
"""
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlmodel import delete, func, select

from . import audit, firm, storage, twostep
from .access import visible_documents, visible_dossiers, visible_messages
from .models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    AccountInvitation,
    AuditEvent,
    Company,
    Document,
    DocumentDownload,
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
    ProgressStep,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    RecoveryCode,
    ThrottleEvent,
    User,
    utcnow,
)
from .uploads import clean_filename

ERASED_NAME = "Gewiste cliënt"
ERASED_DESCRIPTION = "Gewist (AVG)"
CATEGORY_ORDER = (CAT_CORRESPONDENCE, CAT_DOCUMENT, CAT_PROVIDED, CAT_ATTACHMENT)


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


# ---- export

def _part(text, fallback):
    """A safe name for one part of a path inside the archive."""
    name = clean_filename((text or "").replace("/", "-").replace("\\", "-"))
    return name or fallback


def _when(value):
    """A timestamp as ISO 8601 in UTC, or None."""
    return value.isoformat() if value is not None else None


def _write_json(archive, name, data):
    """Write `data` as UTF-8 JSON into the archive, streamed into the entry."""
    with archive.open(name, "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8")
        json.dump(data, text, ensure_ascii=False, indent=2, default=str)
        text.flush()
        text.detach()  # leave closing the entry to the archive


def _write_lines(archive, name, lines):
    """Write text lines into the archive, one by one."""
    with archive.open(name, "w") as raw:
        for line in lines:
            raw.write((line + "\n").encode("utf-8"))


class _Export:
    """The state of one export: the archive, the names given, what was written."""

    def __init__(self, db, client, archive):
        self.db, self.client, self.archive = db, client, archive
        self.paths = {}  # document id -> path in the archive
        self.missing = []  # document ids whose file was not on disk
        self.names = {}  # user id -> name, for senders and actors
        self.folders = {}  # dossier id -> folder name

    def name_of(self, user_id):
        if user_id is None:
            return None
        if user_id not in self.names:
            user = self.db.get(User, user_id)
            self.names[user_id] = user.name if user is not None else None
        return self.names[user_id]

    def folder(self, dossier):
        if dossier.id not in self.folders:
            name = _part(dossier.number, f"dossier-{dossier.id}")
            taken = set(self.folders.values())
            self.folders[dossier.id] = name if name not in taken else f"{name}-{dossier.id}"
        return self.folders[dossier.id]

    def add_file(self, document, folder):
        """Copy the document's file into `folder` of the archive (once); its path or None."""
        if document.id in self.paths:
            return self.paths[document.id]
        path = storage.path_for(document.storage_key)
        if not os.path.exists(path):
            self.missing.append(document.id)
            self.paths[document.id] = None
            return None
        name = f"{folder}/{document.id} - {_part(document.filename, 'document')}"
        # Already compressed, mostly (PDF, Office, images): stored as they are.
        self.archive.write(path, name, compress_type=zipfile.ZIP_STORED)
        self.paths[document.id] = name
        return name


def _category_folder(category):
    return {CAT_CORRESPONDENCE: _("Correspondence"), CAT_DOCUMENT: _("Documents"),
            CAT_PROVIDED: _("Provided by me"), CAT_ATTACHMENT: _("Attachments")}[category]


def export_client(db, client, now=None):
    """Everything about `client` as a zip in an unnamed temporary file in UPLOAD_FOLDER/tmp,
    rewound; returns (file, counts). The texts are in the client's language."""
    tmp_dir = os.path.join(current_app.config["UPLOAD_FOLDER"], storage.TMP_DIR)
    os.makedirs(tmp_dir, exist_ok=True)
    out = tempfile.TemporaryFile(dir=tmp_dir, suffix=".zip")
    try:
        with force_locale(client.language or "nl"), \
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            counts = _fill(db, client, archive, now or utcnow())
        counts["bytes"] = out.tell()
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return out, counts


def _fill(db, client, archive, now):
    """Write every part of the export; returns the counts for the overview and the audit."""
    export = _Export(db, client, archive)
    dossiers = db.exec(visible_dossiers(client).order_by(Dossier.number, Dossier.id)).all()
    by_id = {d.id: d for d in dossiers}
    documents = _export_documents(export, by_id)
    messages = _export_messages(export, by_id)
    questionnaires = _export_questionnaires(export)
    events = _export_events(export)
    _write_json(archive, "client.json", _client_data(db, client))
    _write_json(archive, "dossiers.json",
                [_dossier_data(export, d, documents.get(d.id, [])) for d in dossiers])
    counts = {"dossiers": len(dossiers), "documents": sum(map(len, documents.values())),
              "messages": messages, "questionnaires": questionnaires, "events": events,
              "missing_files": len(export.missing)}
    readme = render_template("staff/client_privacy_export.txt", client=client, now=now,
                             counts=counts, firm_name=firm.current(db).name)
    archive.writestr("README.txt", readme)
    return counts


def _client_data(db, client):
    """The account as stored, without secrets."""
    company = db.get(Company, client.company_id) if client.company_id else None
    sessions = db.exec(select(LoginSession).where(LoginSession.user_id == client.id)
                       .order_by(LoginSession.created_at)).all()
    return {
        "id": client.id, "name": client.name, "email": client.email,
        "phone": client.phone, "language": client.language, "active": client.active,
        "company": company.name if company else None,
        "company_main_account": client.is_company_main if company else None,
        "created_at": _when(client.created_at),
        "first_login_at": _when(client.first_login_at),
        "last_login_at": _when(client.last_login_at),
        "password_set": client.password_hash is not None,
        "password_changed_at": _when(client.password_changed_at),
        "notifications": {"documents": client.notify_documents,
                          "questionnaires": client.notify_questionnaires,
                          "messages": client.notify_messages},
        "two_step": {"authenticator_app": client.totp_enabled, "sms": client.sms_enabled,
                     "sms_phone": client.sms_phone},
        "login_sessions": [{"started_at": _when(s.created_at),
                            "last_seen_at": _when(s.last_seen_at), "ip": s.ip,
                            "browser": s.user_agent} for s in sessions],
    }


def _export_documents(export, dossiers):
    """Copy the documents the client can see; returns {dossier id: [document data]}."""
    db, client = export.db, export.client
    downloads = {d.document_id: d for d in db.exec(
        select(DocumentDownload).where(DocumentDownload.user_id == client.id))}
    rows = db.exec(visible_documents(client)).all()
    rows.sort(key=lambda d: (CATEGORY_ORDER.index(d.category), d.created_at, d.id))
    result = {}
    for document in rows:
        dossier = dossiers.get(document.dossier_id)
        if dossier is None:
            continue
        folder = f"dossiers/{export.folder(dossier)}/{_category_folder(document.category)}"
        path = export.add_file(document, folder)
        seen = downloads.get(document.id)
        result.setdefault(dossier.id, []).append({
            "id": document.id, "category": document.category, "title": document.title,
            "filename": document.filename, "content_type": document.content_type,
            "size": document.size, "sha256": document.sha256,
            "created_at": _when(document.created_at),
            "provided_by_client": document.uploaded_by_id == client.id,
            "downloaded": {"first_at": _when(seen.first_at), "last_at": _when(seen.last_at),
                           "count": seen.count} if seen else None,
            "file": path, "file_missing": path is None})
    return result


def _dossier_data(export, dossier, documents):
    """One dossier as the client sees it."""
    db = export.db
    status = db.get(DossierStatus, dossier.status_code)
    steps = db.exec(select(ProgressStep).where(ProgressStep.dossier_id == dossier.id)
                    .order_by(ProgressStep.position, ProgressStep.id)).all()
    return {
        "id": dossier.id, "number": dossier.number, "description": dossier.description,
        "status": {"code": dossier.status_code,
                   "nl": status.label_nl if status else None,
                   "en": status.label_en if status else None},
        "handling_lawyer": export.name_of(dossier.lawyer_id),
        "created_at": _when(dossier.created_at),
        "status_changed_at": _when(dossier.status_changed_at),
        "progress": [{"nl": s.title_nl, "en": s.title_en, "done_at": _when(s.done_at)}
                     for s in steps],
        "documents": documents,
    }


def _export_messages(export, dossiers):
    """messages.json and messages.txt with the attachments; returns how many."""
    db, client = export.db, export.client
    messages = db.exec(visible_messages(client).order_by(Message.dossier_id,
                                                          Message.created_at,
                                                          Message.id)).all()
    reads = {r.message_id: r.read_at for r in db.exec(
        select(MessageRead).where(MessageRead.user_id == client.id))}
    data, lines = [], []
    for message in messages:
        dossier = dossiers.get(message.dossier_id)
        if dossier is None:
            continue
        attachments = db.exec(
            select(Document).join(MessageAttachment,
                                  MessageAttachment.document_id == Document.id)
            .where(MessageAttachment.message_id == message.id,
                   Document.id.in_(visible_documents(client).with_only_columns(Document.id)))
            .order_by(Document.id)).all()
        folder = f"dossiers/{export.folder(dossier)}/{_('Messages')}/{message.id}"
        files = [{"id": d.id, "filename": d.filename, "size": d.size,
                  "file": export.add_file(d, folder)} for d in attachments]
        data.append({
            "id": message.id, "dossier": dossier.number,
            "from_client": message.from_client,
            "sender": export.name_of(message.sender_id),
            "on_behalf_of": export.name_of(message.on_behalf_of_id),
            "reply_to": message.reply_to_id, "subject": message.subject,
            "body": message.body, "created_at": _when(message.created_at),
            "sent_at": _when(message.sent_at), "read_at": _when(reads.get(message.id)),
            "attachments": files})
        lines += _message_lines(export, message, dossier, files)
    _write_json(export.archive, "messages.json", data)
    _write_lines(export.archive, "messages.txt", lines)
    return len(data)


def _message_lines(export, message, dossier, files):
    """One message as a person reads it."""
    sender = export.name_of(message.sender_id) or ""
    behalf = export.name_of(message.on_behalf_of_id)
    if behalf:
        sender = _("%(sender)s on behalf of %(lawyer)s", sender=sender, lawyer=behalf)
    when = (format_datetime(message.sent_at, "short") if message.sent_at
            else _("Draft, not sent"))
    lines = ["=" * 72, f"{_('Dossier')}: {dossier.number}", f"{_('From')}: {sender}",
             f"{_('Date')}: {when}", f"{_('Subject')}: {message.subject}", ""]
    lines += message.body.splitlines() + [""]
    for item in files:
        lines.append(f"{_('Attachment')}: {item['file'] or item['filename']}")
    return lines + [""]


def _export_questionnaires(export):
    """questionnaires.json with the answers, and the PDFs of the completed ones; returns how
    many. Every questionnaire sent to the client counts, in any dossier."""
    from .questionnaires.answers import load  # the portal's own reading of answers

    db, client = export.db, export.client
    assignments = db.exec(select(QuestionnaireAssignment)
                          .where(QuestionnaireAssignment.client_id == client.id)
                          .order_by(QuestionnaireAssignment.created_at,
                                    QuestionnaireAssignment.id)).all()
    data = []
    for assignment in assignments:
        filling = load(db, assignment)
        dossier = db.get(Dossier, assignment.dossier_id)
        pdf = db.get(Document, assignment.document_id) if assignment.document_id else None
        data.append({
            "id": assignment.id, "title": filling.version.title,
            "dossier": dossier.number if dossier else None,
            "sent_at": _when(assignment.created_at),
            "sent_by": export.name_of(assignment.sent_by_id),
            "completed_at": _when(assignment.completed_at),
            "answers": [{"step": step.get("title", ""),
                         "questions": [{"id": q["id"], "question": q.get("label", ""),
                                        "answer": str(text)} for q, text in rows]}
                        for _number, step, rows in filling.summary()],
            "saved_values": {str(n): row.answers for n, row in sorted(filling.rows.items())},
            "pdf": export.add_file(pdf, "questionnaires") if pdf is not None else None,
        })
    _write_json(export.archive, "questionnaires.json", data)
    return len(data)


def _export_events(export):
    """audit.json: the events the client did, or that were about their account."""
    db, client = export.db, export.client
    events = db.exec(select(AuditEvent).where(
        (AuditEvent.actor_id == client.id)
        | ((AuditEvent.target_type == "user") & (AuditEvent.target_id == client.id)))
        .order_by(AuditEvent.at, AuditEvent.id)).all()
    numbers = dict(db.exec(select(Dossier.id, Dossier.number).where(
        Dossier.id.in_({e.dossier_id for e in events if e.dossier_id is not None}))).all())
    data = [{"at": _when(e.at), "action": e.action, "description": audit.action_label(e.action),
             "by": _("you") if e.actor_id == client.id else export.name_of(e.actor_id),
             "target_type": e.target_type, "target_id": e.target_id,
             "dossier": numbers.get(e.dossier_id), "ip": e.ip, "detail": e.detail}
            for e in events]
    _write_json(export.archive, "audit.json", data)
    return len(data)


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
                  DocumentDownload, MessageRead, DossierClient):
        db.exec(delete(model).where(model.user_id == client.id))
    client.name, client.email = ERASED_NAME, erased_email(client.id)
    client.phone = client.password_hash = client.totp_secret = client.sms_phone = None
    client.totp_enabled = client.sms_enabled = client.is_company_main = False
    client.totp_last_step = 0
    client.active = False
    client.company_id = None
    client.language = "nl"
    client.first_login_at = client.last_login_at = client.password_changed_at = None
    client.notify_documents = client.notify_messages = client.notify_questionnaires = False


def erase_client(db, actor, client, now=None):
    """Erase `client` (see the module's docstring), commit, and only then remove the files
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
    # stays are part of its case file), and their drafts, which nobody else has seen.
    erased.questionnaires += _delete_assignments(
        db, QuestionnaireAssignment.client_id == client.id)
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
                 questionnaires=erased.questionnaires, files=erased.files)
    db.commit()
    for key in erased.keys:
        storage.remove(key)
    return erased
