"""Data protection (AVG/GDPR) export: everything about one client that the client can see
in the portal, as one zip (the decisions: docs/design.md)."""
import io
import json
import os
import tempfile
import zipfile

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select

from . import audit, dates, firm, passkeys, storage
from .access import visible_documents, visible_dossiers, visible_messages
from .models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    Approval,
    ApprovalDecision,
    AuditEvent,
    Company,
    Document,
    DocumentDownload,
    DocumentRequest,
    Dossier,
    DossierStatus,
    LoginSession,
    Message,
    MessageAttachment,
    MessageRead,
    ProgressStep,
    QuestionnaireAssignment,
    RequestItem,
    User,
    utcnow,
)
from .uploads import clean_filename

CATEGORY_ORDER = (CAT_CORRESPONDENCE, CAT_DOCUMENT, CAT_PROVIDED, CAT_ATTACHMENT)


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
    tmp_dir = storage.tmp_folder()
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
    requests = _export_requests(export)
    approvals = _export_approvals(export)
    events = _export_events(export)
    _write_json(archive, "client.json", _client_data(db, client))
    _write_json(archive, "dossiers.json",
                [_dossier_data(export, d, documents.get(d.id, [])) for d in dossiers])
    counts = {"dossiers": len(dossiers), "documents": sum(map(len, documents.values())),
              "messages": messages, "questionnaires": questionnaires, "requests": requests,
              "approvals": approvals, "events": events,
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
                     "sms_phone": client.sms_phone,
                     "passkeys": [{"name": p.name, "added_at": _when(p.created_at),
                                   "last_used_at": _when(p.last_used_at)}
                                  for p in passkeys.passkeys_of(db, client)]},
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
            "request_item": document.request_item_id, "identity_document": document.identity,
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
    when = dates.format_datetime(message.sent_at) if message.sent_at else _("Draft, not sent")
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


def _export_requests(export):
    """requests.json: every request for documents sent to the client, in any dossier, with
    its items and the files the client handed in (identity documents too; a file not in a
    dossier folder goes under requests/); returns how many."""
    db, client = export.db, export.client
    requests = db.exec(select(DocumentRequest).where(DocumentRequest.client_id == client.id)
                       .order_by(DocumentRequest.created_at, DocumentRequest.id)).all()
    data = []
    for request in requests:
        dossier = db.get(Dossier, request.dossier_id)
        items = db.exec(select(RequestItem).where(RequestItem.request_id == request.id)
                        .order_by(RequestItem.position, RequestItem.id)).all()
        data.append({
            "id": request.id, "dossier": dossier.number if dossier else None,
            "sent_at": _when(request.created_at), "sent_by": export.name_of(request.sent_by_id),
            "deadline": request.deadline.isoformat() if request.deadline else None,
            "completed_at": _when(request.completed_at),
            "last_reminder_at": _when(request.reminded_at),
            "items": [_item_data(export, request, item) for item in items]})
    _write_json(export.archive, "requests.json", data)
    return len(data)


def _item_data(export, request, item):
    """One item of a request, with the files the client handed in for it."""
    files = export.db.exec(select(Document).where(
        Document.request_item_id == item.id, Document.uploaded_by_id == export.client.id)
        .order_by(Document.created_at, Document.id)).all()
    handed_in = []
    for document in files:
        path = export.add_file(document, f"requests/{request.id}")
        handed_in.append({"id": document.id, "filename": document.filename,
                          "size": document.size, "sha256": document.sha256,
                          "handed_in_at": _when(document.created_at), "file": path,
                          "file_missing": path is None})
    return {
        "id": item.id, "title": item.title, "explanation": item.explanation,
        "identity_document": item.is_identity, "state": item.state, "reason": item.reason,
        "handed_in_at": _when(item.submitted_at), "decided_at": _when(item.decided_at),
        "withdrawn_at": _when(item.withdrawn_at),
        "identity_documents_erased_at": _when(item.erased_at), "files": handed_in}


def _export_approvals(export):
    """approvals.json: every request for approval sent to the client with each version and
    the evidence of each decision; the receipts (and sealed copies) go under approvals/;
    returns how many."""
    db, client = export.db, export.client
    found = db.exec(select(Approval).where(Approval.client_id == client.id)
                    .order_by(Approval.created_at, Approval.id)).all()
    data = []
    for approval in found:
        dossier = db.get(Dossier, approval.dossier_id)
        decisions = {d.version_id: d for d in db.exec(select(ApprovalDecision).where(
            ApprovalDecision.approval_id == approval.id))}
        versions = []
        for version in approval.versions:
            decision = decisions.get(version.id)
            versions.append({
                "version": version.number, "filename": version.filename,
                "sha256": version.sha256, "published_at": _when(version.created_at),
                "published_by": export.name_of(version.published_by_id),
                "state": version.state,
                "decision": _decision_data(export, approval, decision) if decision else None})
        data.append({"id": approval.id, "dossier": dossier.number if dossier else None,
                     "title": approval.title, "note": approval.note,
                     "deadline": approval.deadline.isoformat() if approval.deadline else None,
                     "sent_at": _when(approval.created_at),
                     "sent_by": export.name_of(approval.sent_by_id), "state": approval.state,
                     "versions": versions})
    _write_json(export.archive, "approvals.json", data)
    return len(data)


def _decision_data(export, approval, decision):
    """The evidence of one decision, with its receipt (and sealed copy) copied in."""
    files = {}
    for name, key in (("receipt", decision.receipt_key), ("sealed_document", decision.sealed_key)):
        path = storage.path_for(key) if key else None
        if path and os.path.exists(path):
            files[name] = f"approvals/{approval.id}-v{decision.version}-{name}.pdf"
            export.archive.write(path, files[name], compress_type=zipfile.ZIP_STORED)
        else:
            files[name] = None
    return {"approved": decision.approved, "decided_at": _when(decision.decided_at),
            "name": decision.client_name, "email": decision.client_email,
            "ip": decision.ip, "user_agent": decision.user_agent,
            "confirmed_with": decision.confirmed_with or None, "sha256": decision.sha256,
            "filename": decision.filename, "receipt_sha256": decision.receipt_sha256,
            "receipt": files["receipt"], "sealed_document": files["sealed_document"]}


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
