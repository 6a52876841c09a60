"""The dossier screens: search, counts per tab, document rows, and a tab shown as the whole
dossier page or (htmx) only the tab."""
from datetime import datetime
from typing import NamedTuple

from flask_login import current_user
from sqlalchemy import case, literal_column, union_all
from sqlmodel import and_, func, or_, select

from ..access import visible_documents, visible_dossier_ids, visible_messages
from ..db import like
from ..htmx import is_htmx, page_or_fragment
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
    RequestItem,
)
from ..pages import Page, asked_page, page_size, paginate

# The four tabs of a dossier: URL slug, label key, document category (None: messages).
TABS = (("correspondentie", CAT_CORRESPONDENCE), ("documenten", CAT_DOCUMENT),
        ("aangeleverd", CAT_PROVIDED), ("berichten", None))


def search_dossiers(db, user, q="", statuses=(), page=1, size=25):
    """One page of the user's dossiers matching `q` and `statuses`, and its Page (a page
    past the end is the last one)."""
    query = select(Dossier).where(Dossier.id.in_(visible_dossier_ids(user)))
    q = (q or "").strip()[:100]
    if q:
        pattern = like(q)
        query = query.where(or_(Dossier.number.ilike(pattern, escape="\\"),
                                Dossier.description.ilike(pattern, escape="\\")))
    if statuses:
        query = query.where(Dossier.status_code.in_(statuses))
    return paginate(db, query, (Dossier.number.desc(),), page, size)


def statuses_in_use(db, user):
    """The statuses that occur among the user's dossiers, in their configured order."""
    used = select(Dossier.status_code).where(Dossier.id.in_(visible_dossier_ids(user)))
    return db.exec(select(DossierStatus).where(DossierStatus.code.in_(used))
                        .order_by(DossierStatus.position)).all()


def progress(db, dossier):
    """(steps done, total steps, steps) of a dossier's progress list."""
    steps = db.exec(select(ProgressStep).where(ProgressStep.dossier_id == dossier.id)
                         .order_by(ProgressStep.position)).all()
    return sum(1 for s in steps if s.done_at is not None), len(steps), steps


def provided_messages(user, dossier):
    """A select of the messages the client side sent in a dossier: they are "provided by
    me" too, attachments or not."""
    return visible_messages(user).where(Message.dossier_id == dossier.id, Message.from_client,
                                        Message.sent_at.is_not(None))


def tab_counts(db, user, dossier):
    """{slug: (count, unread)} for the four tabs, in two queries."""
    downloaded = select(DocumentDownload.document_id).where(DocumentDownload.user_id == user.id)
    # session.execute, not exec: SQLModel would keep only the first column of these rows.
    docs = db.execute(
        visible_documents(user).where(Document.dossier_id == dossier.id)
        .with_only_columns(
            Document.category, func.count(),
            func.sum(case((and_(Document.id.not_in(downloaded),
                                or_(Document.uploaded_by_id.is_(None),
                                    Document.uploaded_by_id != user.id)), 1), else_=0)))
        .group_by(Document.category)).all()
    per_category = {category: (count, int(unread or 0)) for category, count, unread in docs}
    read = select(MessageRead.message_id).where(MessageRead.user_id == user.id)
    # Sent ones only: a draft, however many files it holds, is no message yet.
    messages, unread, sent_by_client = db.execute(
        visible_messages(user).where(Message.dossier_id == dossier.id,
                                     Message.sent_at.is_not(None))
        .with_only_columns(
            func.count(),
            func.sum(case((and_(Message.from_client.is_(False), Message.id.not_in(read)), 1),
                          else_=0)),
            func.sum(case((Message.from_client, 1), else_=0)))).one()
    counts = {slug: per_category.get(category, (0, 0)) for slug, category in TABS if category}
    provided, provided_unread = counts["aangeleverd"]
    counts["aangeleverd"] = (provided + int(sent_by_client or 0), provided_unread)
    counts["berichten"] = (messages, int(unread or 0))
    return counts


def first_unread_tab(counts):
    """The tab a dossier opens on: the first, in tab order, with unread items, else
    Correspondentie."""
    return next((slug for slug, _category in TABS if counts[slug][1]), TABS[0][0])


class TabRow(NamedTuple):
    """A row of a document tab: a document and when this user downloaded it, or (under
    Door mij aangeleverd) a message the client side sent; a document handed in for an item
    of a request for documents carries that item."""

    document: Document | None = None
    downloaded_at: datetime | None = None
    message: Message | None = None
    item: RequestItem | None = None


def document_rows(db, user, dossier, category, page):
    """The rows of one tab on `page`, newest first; Door mij aangeleverd mixes in the
    messages the client side sent."""
    documents = visible_documents(user).where(Document.dossier_id == dossier.id,
                                              Document.category == category)
    if category != CAT_PROVIDED:
        query = documents.order_by(Document.created_at.desc(), Document.id.desc())
        return [TabRow(d, at) for d, at in
                _with_marks(db, user, query.offset(page.offset).limit(page.size))]
    # One ordered list of both kinds: fetch the page's keys, then its rows by id.
    kind = literal_column("0").label("kind")  # 0 sorts a message above its attachments
    both = union_all(
        provided_messages(user, dossier).with_only_columns(
            kind, Message.id.label("id"), Message.sent_at.label("at")),
        documents.with_only_columns(literal_column("1").label("kind"),
                                    Document.id.label("id"), Document.created_at.label("at")),
    ).subquery()
    keys = db.execute(select(both.c.kind, both.c.id)
                           .order_by(both.c.at.desc(), both.c.kind, both.c.id.desc())
                           .offset(page.offset).limit(page.size)).all()
    document_ids = [key for kind, key in keys if kind == 1]
    message_ids = [key for kind, key in keys if kind == 0]
    found = {d.id: TabRow(d, at, item=item) for d, at, item in _with_marks(
        db, user, documents.where(Document.id.in_(document_ids)), with_items=True)
    } if document_ids else {}
    messages = db.exec(select(Message).where(Message.id.in_(message_ids))).all() \
        if message_ids else []
    sent = {m.id: TabRow(message=m) for m in messages}
    return [found[key] if kind == 1 else sent[key] for kind, key in keys]


def _with_marks(db, user, documents, with_items=False):
    """(document, first downloaded by this user or None) for each document of the select;
    `with_items`: and the request item it was handed in for, or None."""
    query = documents.outerjoin(
        DocumentDownload, and_(DocumentDownload.document_id == Document.id,
                               DocumentDownload.user_id == user.id)
    ).add_columns(DocumentDownload.first_at)
    if with_items:
        query = query.outerjoin(RequestItem, RequestItem.id == Document.request_item_id
                                ).add_columns(RequestItem)
    return db.execute(query).all()


ICONS = {
    "application/pdf": "pdf",
    "application/msword": "word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word",
    "application/vnd.oasis.opendocument.text": "word",
    "application/rtf": "word",
    "application/vnd.ms-excel": "spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet": "spreadsheet",
    "text/csv": "spreadsheet",
    "message/rfc822": "mail",
    "application/vnd.ms-outlook": "mail",
}


def tab_page(counts, tab):
    """The page of a dossier tab asked for by ?page=, within the rows the tab counts."""
    return Page.clamped(asked_page(), page_size(), counts[tab][0])


def render_dossier_tab(db, item, tab, fragment, counts=None, **context):
    """A dossier tab: the whole dossier page, or only the tab for htmx."""
    context.update(dossier=item, tab=tab, tab_template=fragment,
                   counts=counts or tab_counts(db, current_user, item))
    if is_htmx():
        return page_or_fragment("portal/dossier.html", "portal/_tab.html", **context)
    done, total, steps = progress(db, item)
    status = db.get(DossierStatus, item.status_code)
    return page_or_fragment("portal/dossier.html", "portal/_tab.html", status=status,
                            done=done, total=total, steps=steps, **context)


def icon_for(content_type):
    """The type icon of a document: pdf, word, spreadsheet, image, mail or other."""
    if content_type.startswith("image/"):
        return "image"
    return ICONS.get(content_type, "other")
