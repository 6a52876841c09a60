"""Completing a questionnaire: the PDF of the answers filed in the dossier and the documents
its answers ask for requested, exactly once."""
import re

from flask_babel import force_locale
from sqlalchemy import select, update

from .. import audit, firm, pdf, storage, webhooks
from ..doc_requests import new_request
from ..models import (
    CAT_PROVIDED,
    Document,
    Dossier,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    User,
    utcnow,
)
from ..notifications import dossier_staff, notify
from .definition import requested_items


class AnswersChanged(Exception):
    """An answer was saved after the PDF was made from the answers read before."""


def pdf_filename(title, dossier_number):
    """"Intakeformulier koper 2026-0142.pdf": letters, digits, spaces and dashes only."""
    stem = re.sub(r"[^\w\- ]+", "", f"{title} {dossier_number}").strip()
    return (" ".join(stem.split())[:150] or "questionnaire") + ".pdf"


def pdf_html(db, filling, dossier, client, completed_at):
    """The HTML of the PDF of a filling, in the client's language."""
    with force_locale(client.language or "nl"):
        return pdf.questionnaire_html(
            # The caller's session: on SQLite another connection would wait for its lock.
            firm_name=firm.current(db).name, version=filling.version,
            dossier=dossier, client=client, summary=filling.summary(),
            completed=completed_at)


def complete(db, filling, client):
    """File the PDF under Door mij aangeleverd, mark the assignment completed, record it,
    notify the dossier's staff (a batched mail) and send the client the request for the
    documents the answers ask for, if any. Returns the Document, or None when another
    browser completed it first; raises AnswersChanged when a step was saved after
    `filling` was read. In both cases nothing is changed. Commits.

    The PDF is rendered and written to disk between two transactions, so the database
    is not held while xhtml2pdf works; the claim then checks that the answers are still
    the ones printed.
    """
    now = utcnow()
    dossier = db.get(Dossier, filling.assignment.dossier_id)
    html = pdf_html(db, filling, dossier, client, now)
    db.commit()  # end the reading transaction before the slow part
    key, digest, size = storage.store_bytes(pdf.html_to_pdf(html))
    try:
        document = _file(db, filling, client, now, (key, digest, size))
    except BaseException:
        db.rollback()
        storage.remove(key)
        raise
    if document is None:
        storage.remove(key)
    return document


def fingerprint_now(db, assignment_id):
    """The fingerprint (as Filling.fingerprint) of the answers as saved now."""
    rows = db.execute(select(QuestionnaireAnswer.step, QuestionnaireAnswer.revision)
                           .where(QuestionnaireAnswer.assignment_id == assignment_id)
                           .order_by(QuestionnaireAnswer.step)).all()
    return ",".join(f"{step}:{revision}" for step, revision in rows)


def _file(db, filling, client, now, stored):
    """Claim the assignment, check its answers are the printed ones, and file the PDF."""
    assignment = filling.assignment
    key, digest, size = stored
    claimed = db.execute(
        update(QuestionnaireAssignment)
        .where(QuestionnaireAssignment.id == assignment.id,
               QuestionnaireAssignment.completed_at.is_(None))
        .values(completed_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.rollback()
        return None
    # The claim holds the assignment (the row lock on PostgreSQL, the write lock on
    # SQLite), and a save takes it too before writing (answers.lock_open): the answers
    # read now stay as they are until this commits, so they must be the printed ones.
    if fingerprint_now(db, assignment.id) != filling.fingerprint():
        db.rollback()
        raise AnswersChanged(assignment.id)
    dossier = db.get(Dossier, assignment.dossier_id)
    document = Document(dossier_id=dossier.id, category=CAT_PROVIDED,
                        title=filling.version.title[:255],
                        filename=pdf_filename(filling.version.title, dossier.number),
                        content_type="application/pdf", size=size, sha256=digest,
                        storage_key=key, uploaded_by_id=client.id, created_at=now)
    db.add(document)
    db.flush()
    assignment.completed_at, assignment.document_id = now, document.id
    audit.record(db, "questionnaire.completed", actor=client, target=assignment,
                 dossier_id=dossier.id, document_id=document.id,
                 version=filling.version.version)
    notify(db, dossier_staff(db, dossier.id), "questionnaire", assignment)
    webhooks.emit(db, "questionnaire.completed", {"assignment_id": assignment.id,
                  "dossier_id": dossier.id, "client_id": client.id, "document_id": document.id})
    _request_documents(db, filling, dossier, client)
    db.commit()
    return document


def _request_documents(db, filling, dossier, client):
    """The request for the documents the answers ask for (the definition's "requests"), in
    the completing transaction: made once, by whoever wins the claim. It is sent in the
    name of the staff member who sent the questionnaire, without a deadline."""
    items = requested_items(filling.version.definition, filling.answers())
    if not items:
        return None
    assignment = filling.assignment
    sender = db.get(User, assignment.sent_by_id) if assignment.sent_by_id else None
    return new_request(db, dossier=dossier, client=client, sent_by=sender, items=items,
                       assignment_id=assignment.id)
