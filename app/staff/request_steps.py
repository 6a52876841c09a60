"""Requests for documents on the staff side without the pages: the list's rows, an item
with its identity check, the reason of a decision; shared with the API (app/api/requests.py)."""
from collections import defaultdict

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select

from ..db import one_or_404
from ..models import (
    ITEM_OPEN,
    ITEM_SUBMITTED,
    Dossier,
    RequestItem,
    User,
)
from .access import (
    identity_dossier_ids,
)
from .request_forms import (
    MAX_EXPLANATION,
    today,
)


def request_rows(db, found):
    """Each request with what a list shows of it: its dossier and client, how many items
    were handed in ("2 van 5 aangeleverd", as app.doc_requests.progress counts) and how
    many wait for a check, and whether it is overdue."""
    ids = [r.id for r in found]
    items = defaultdict(list)
    if ids:
        for item in db.exec(select(RequestItem).where(RequestItem.request_id.in_(ids),
                                                      RequestItem.withdrawn_at.is_(None))):
            items[item.request_id].append(item)
    dossiers = by_id(db, Dossier, {r.dossier_id for r in found})
    clients = by_id(db, User, {r.client_id for r in found})
    day = today()
    return [dict(request=r, dossier=dossiers[r.dossier_id], client=clients[r.client_id],
                 handed_in=sum(item.state != ITEM_OPEN for item in items[r.id]),
                 total=len(items[r.id]),
                 waiting=sum(item.state == ITEM_SUBMITTED for item in items[r.id]),
                 overdue=overdue(r, day)) for r in found]


def request_item(db, doc_request, dossier, item_id):
    """An item of `doc_request` (in `dossier`), else 404; an identity document only for who
    may see identity documents of the dossier (the API uses this too)."""
    item = one_or_404(db, select(RequestItem).where(RequestItem.id == item_id,
                                                    RequestItem.request_id == doc_request.id))
    if item.is_identity and not sees_identity(db, dossier):
        abort(404)
    return item


def reason_problem(reason, approve):
    """What is wrong with the reason of a decision (required for a rejection), or None."""
    if not approve and not reason:
        return _l("Enter the reason for the rejection: the client reads it.")
    if len(reason) > MAX_EXPLANATION:
        return _l("The reason may be at most %(max)s characters long.", max=MAX_EXPLANATION)
    return None


def overdue(doc_request, day=None):
    """True when an open request's deadline has passed."""
    return (doc_request.completed_at is None and doc_request.deadline is not None
            and doc_request.deadline < (day or today()))


def by_id(db, model, ids):
    return {row.id: row for row in db.exec(select(model).where(model.id.in_(ids)))} \
        if ids else {}


def sees_identity(db, dossier):
    """True when the staff member may see the dossier's identity documents."""
    return db.exec(identity_dossier_ids(current_user).where(Dossier.id == dossier.id)
                   ).first() is not None
