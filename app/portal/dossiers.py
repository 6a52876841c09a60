"""Queries behind the dossier screens: search, counts per tab, document rows."""
from sqlalchemy import case
from sqlmodel import and_, func, or_, select

from ..access import visible_documents, visible_dossier_ids, visible_messages
from ..models import (
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    Document,
    DocumentDownload,
    Dossier,
    DossierStatus,
    Message,
    MessageRead,
    ProgressStep,
)

PAGE_SIZE = 25
# The four tabs of a dossier: URL slug, label key, document category (None: messages).
TABS = (("correspondentie", CAT_CORRESPONDENCE), ("documenten", CAT_DOCUMENT),
        ("aangeleverd", CAT_PROVIDED), ("berichten", None))


def search_dossiers(session, user, q="", statuses=(), page=1):
    """One page of the user's dossiers matching `q` and `statuses`, and the total count."""
    query = select(Dossier).where(Dossier.id.in_(visible_dossier_ids(user)))
    q = (q or "").strip()[:100]
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Dossier.number.ilike(pattern, escape="\\"),
                                Dossier.description.ilike(pattern, escape="\\")))
    if statuses:
        query = query.where(Dossier.status_code.in_(statuses))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Dossier.number.desc())
                        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return rows, total


def statuses_in_use(session, user):
    """The statuses that occur among the user's dossiers, in their configured order."""
    used = select(Dossier.status_code).where(Dossier.id.in_(visible_dossier_ids(user)))
    return session.exec(select(DossierStatus).where(DossierStatus.code.in_(used))
                        .order_by(DossierStatus.position)).all()


def progress(session, dossier):
    """(steps done, total steps, steps) of a dossier's progress list."""
    steps = session.exec(select(ProgressStep).where(ProgressStep.dossier_id == dossier.id)
                         .order_by(ProgressStep.position)).all()
    return sum(1 for s in steps if s.done_at is not None), len(steps), steps


def tab_counts(session, user, dossier):
    """{slug: (count, unread)} for the four tabs, in two queries."""
    downloaded = select(DocumentDownload.document_id).where(DocumentDownload.user_id == user.id)
    # session.execute, not exec: SQLModel would keep only the first column of these rows.
    docs = session.execute(
        visible_documents(user).where(Document.dossier_id == dossier.id)
        .with_only_columns(
            Document.category, func.count(),
            func.sum(case((and_(Document.id.not_in(downloaded),
                                or_(Document.uploaded_by_id.is_(None),
                                    Document.uploaded_by_id != user.id)), 1), else_=0)))
        .group_by(Document.category)).all()
    per_category = {category: (count, int(unread or 0)) for category, count, unread in docs}
    read = select(MessageRead.message_id).where(MessageRead.user_id == user.id)
    messages, unread = session.execute(
        visible_messages(user).where(Message.dossier_id == dossier.id)
        .with_only_columns(func.count(), func.sum(case(
            (and_(Message.from_client.is_(False), Message.id.not_in(read)), 1), else_=0)))).one()
    counts = {slug: per_category.get(category, (0, 0)) for slug, category in TABS if category}
    counts["berichten"] = (messages, int(unread or 0))
    return counts


def document_rows(session, user, dossier, category):
    """The documents of one tab, newest first, with when this user downloaded each."""
    return session.execute(
        visible_documents(user)
        .where(Document.dossier_id == dossier.id, Document.category == category)
        .outerjoin(DocumentDownload, and_(DocumentDownload.document_id == Document.id,
                                          DocumentDownload.user_id == user.id))
        .add_columns(DocumentDownload.first_at)
        .order_by(Document.created_at.desc(), Document.id.desc())).all()


ICONS = {
    "application/pdf": "pdf",
    "application/msword": "word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word",
    "application/vnd.oasis.opendocument.text": "word",
    "application/vnd.ms-excel": "spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet": "spreadsheet",
    "text/csv": "spreadsheet",
    "message/rfc822": "mail",
    "application/vnd.ms-outlook": "mail",
}


def icon_for(content_type):
    """The type icon of a document: pdf, word, spreadsheet, image, mail or other."""
    if content_type.startswith("image/"):
        return "image"
    return ICONS.get(content_type, "other")
