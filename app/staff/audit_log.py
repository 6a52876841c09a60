"""Staff side: the audit log (read only): who saw, downloaded, uploaded, sent and changed what,
and when; filtered by person, dossier and dates, and exported as CSV."""
import csv
import io
import json
from datetime import date, datetime, time, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_number, get_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event as orm_event
from sqlmodel import func, or_, select

from .. import audit, dates
from ..audit import action_label
from ..db import get_session
from ..models import ROLE_ADMIN, ApiKey, AuditEvent, Company, Document, Dossier, User
from ..pages import Page, asked_page, paginate
from . import bp
from .access import staff_dossier_ids

PAGE_SIZE = 50
EXPORT_MAX = 100_000  # rows in one CSV; more asks for a narrower filter
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

TARGETS = {
    "user": _l("Account"),
    "company": _l("Company"),
    "dossier": _l("Dossier"),
    "document": _l("Document"),
    "message": _l("Message"),
    "questionnaire": _l("Questionnaire"),
    "questionnaireassignment": _l("Questionnaire"),
    "documentrequest": _l("Request for documents"),
    "requestitem": _l("Requested document"),
    "approval": _l("Document for approval"),
    "progressstep": _l("Progress step"),
    "firmsettings": _l("Firm settings"),
    "outgoingmail": _l("E-mail"),
    "apikey": _l("API key"),
    "webhookendpoint": _l("Webhook"),
}


# A last line of defence: the ORM refuses to change or delete an event, whoever asks.
@orm_event.listens_for(AuditEvent, "before_update")
@orm_event.listens_for(AuditEvent, "before_delete")
def _events_are_final(_mapper, _connection, target):
    raise PermissionError(f"audit event {target.id} cannot be changed or deleted")


def visible_events(user):
    """A select of the events `user` may see (see the module's docstring)."""
    query = select(AuditEvent)
    if user.role != ROLE_ADMIN:
        query = query.where(or_(AuditEvent.dossier_id.in_(staff_dossier_ids(user)),
                                AuditEvent.actor_id == user.id))
    return query


# ---- the filter

class Filter:
    """The filter in the query string: person, dossier, from, to; with problems to show."""

    def __init__(self, args):
        self.person = (args.get("person") or "").strip()[:200]
        self.dossier = (args.get("dossier") or "").strip()[:40]
        self.start_text = (args.get("from") or "").strip()[:20]
        self.end_text = (args.get("to") or "").strip()[:20]
        self.errors = {}
        self.start = self._date("from", self.start_text)
        self.end = self._date("to", self.end_text)
        if self.start and self.end and self.end < self.start:
            self.errors["to"] = _("The end date is before the start date.")

    def _date(self, name, text):
        if not text:
            return None
        for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.errors[name] = _("Enter a date like 24-11-2026.")
        return None

    def args(self):
        """The filter as query arguments (for links to other pages and the export)."""
        pairs = (("person", self.person), ("dossier", self.dossier),
                 ("from", self.start_text), ("to", self.end_text))
        return {key: value for key, value in pairs if value}

    def apply(self, query):
        """Narrow a select of events down to this filter."""
        if self.person:  # or the name of the API key it was done with
            query = query.where(or_(AuditEvent.actor_id.in_(select(User.id).where(or_(
                User.name.icontains(self.person, autoescape=True),
                User.email.icontains(self.person, autoescape=True)))),
                AuditEvent.api_key_id.in_(select(ApiKey.id).where(
                    ApiKey.name.icontains(self.person, autoescape=True)))))
        if self.dossier:
            query = query.where(AuditEvent.dossier_id.in_(select(Dossier.id).where(
                Dossier.number.icontains(self.dossier, autoescape=True))))
        if self.start:
            query = query.where(AuditEvent.at >= _utc_start_of(self.start))
        if self.end:
            query = query.where(AuditEvent.at < _utc_start_of(self.end + timedelta(days=1)))
        return query


def _utc_start_of(day: date):
    """Midnight of `day` in the firm's time zone, as an aware datetime."""
    return get_timezone().localize(datetime.combine(day, time()))  # pytz: never replace()


# ---- the rows as people read them

def describe(db, events):
    """Each event as a dict of its columns: when, who, on behalf of, action, target, dossier.
    An event made through the API is by "Integration: <key>" on behalf of its account."""
    user_ids, document_ids, company_ids, dossier_ids = set(), set(), set(), set()
    api_keys = _by_id(db, ApiKey, {event.api_key_id for event in events})
    for event in events:
        user_ids.add(event.actor_id)
        if isinstance(event.detail, dict) and isinstance(event.detail.get("on_behalf_of"), int):
            user_ids.add(event.detail["on_behalf_of"])
        {"user": user_ids, "document": document_ids, "company": company_ids}.get(
            _kind(event), set()).add(event.target_id)
        dossier_ids.add(event.dossier_id)
    users = _by_id(db, User, user_ids)
    documents = _by_id(db, Document, document_ids)
    companies = _by_id(db, Company, company_ids)
    dossiers = _by_id(db, Dossier, dossier_ids)
    rows = []
    for event in events:
        detail = event.detail if isinstance(event.detail, dict) else {}
        actor = users.get(event.actor_id)
        behalf = users.get(detail.get("on_behalf_of"))
        dossier = dossiers.get(event.dossier_id)
        who, on_behalf_of = actor.name if actor else "", behalf.name if behalf else ""
        key = api_keys.get(event.api_key_id)
        if key is not None:
            who, on_behalf_of = _("Integration: %(name)s", name=key.name), ", ".join(
                name for name in (actor.name if actor else "", on_behalf_of) if name)
        rows.append(dict(
            event=event,
            # The CSV cell: a local time that a spreadsheet reads and sorts.
            when_iso=dates.local(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            who=who,
            who_email=actor.email if actor else "",
            on_behalf_of=on_behalf_of,
            action=action_label(event.action),
            target=_target(event, detail, users, documents, companies),
            dossier=dossier,
            ip=event.ip or "",
        ))
    return rows


def _by_id(db, model, ids):
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row.id: row for row in db.exec(select(model).where(model.id.in_(ids)))}


def _kind(event):
    """The kind of row an event is about. Logouts before 2026-12 recorded the proxy of the
    logged-in user ("localproxy"); the event is never changed, it is read as the user."""
    return "user" if event.target_type == "localproxy" else event.target_type


def _target(event, detail, users, documents, companies):
    """What the event is about, in words (never a bare name of a Python type)."""
    kind = _kind(event)
    if kind == "user" and event.target_id in users:
        user = users[event.target_id]
        return f"{user.name} ({user.email})"
    if kind == "document" and event.target_id in documents:
        return f"{TARGETS['document']}: {documents[event.target_id].title}"
    if kind == "company" and event.target_id in companies:
        return f"{TARGETS['company']}: {companies[event.target_id].name}"
    if kind == "apikey" and isinstance(detail.get("name"), str):
        return f"{TARGETS['apikey']}: {detail['name']}"
    if kind == "webhookendpoint" and isinstance(detail.get("url"), str):
        return f"{TARGETS['webhookendpoint']}: {detail['url']}"
    if kind == "requestitem" and isinstance(detail.get("item"), str):
        return f"{TARGETS['requestitem']}: {detail['item']}"
    if kind in TARGETS:
        label = str(TARGETS[kind])
        single = kind == "firmsettings" or event.target_id is None  # one row: no number
        return label if single else f"{label} {event.target_id}"
    if detail.get("code"):  # a dossier status
        return f"{_('Dossier status')}: {detail['code']}"
    if detail.get("email"):  # a failed login with an unknown address
        return str(detail["email"])
    return ""


# ---- views

@bp.get("/auditlog")
def audit_log():
    """The audit log: the events this staff member may see, newest first, filtered."""
    db = get_session()
    filter_ = Filter(request.args)
    rows, page = [], Page.clamped(1, PAGE_SIZE, 0)
    if not filter_.errors:
        events, page = paginate(db, filter_.apply(visible_events(current_user)),
                                (AuditEvent.at.desc(), AuditEvent.id.desc()), asked_page(),
                                PAGE_SIZE)
        rows = describe(db, events)
    return render_template("staff/audit_log.html", rows=rows, search=filter_, page=page,
                           page_url=lambda n: url_for("staff.audit_log", page=n,
                                                      **filter_.args())), \
        400 if filter_.errors else 200


@bp.get("/auditlog/export.csv")
def audit_log_export():
    """The filtered events as a CSV file (with a header row), newest first."""
    db = get_session()
    filter_ = Filter(request.args)
    if filter_.errors:
        abort(400)
    query = filter_.apply(visible_events(current_user))
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    if total > EXPORT_MAX:
        flash(_("There are more than %(max)s events to export. Narrow the filter down, for "
                "instance to a shorter period.", max=format_number(EXPORT_MAX)), "error")
        return redirect(url_for("staff.audit_log", **filter_.args()))
    events = db.exec(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    rows = describe(db, events)
    # The export is itself worth knowing about: who took which part of the log.
    audit.record(db, "audit.exported", actor=current_user, rows=len(rows), **filter_.args())
    db.commit()
    body = to_csv(rows)
    stamp = datetime.now(get_timezone()).strftime("%Y-%m-%d")
    response = current_app.response_class(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="auditlog-{stamp}.csv"'
    return response


def to_csv(rows):
    """The rows as CSV text: a header row, then one line per event; UTF-8 with a BOM and ';'
    in Dutch (so that a Dutch spreadsheet splits the columns), ',' in English."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if get_locale().language == "nl" else ",")
    writer.writerow([_("When"), _("Who"), _("E-mail address"), _("On behalf of"),
                     _("Action"), _("Action code"), _("Target"), _("Dossier"), _("IP address"),
                     _("Details")])
    for row in rows:
        detail = row["event"].detail
        writer.writerow([safe_cell(value) for value in (
            row["when_iso"], row["who"], row["who_email"], row["on_behalf_of"], row["action"],
            row["event"].action, row["target"],
            row["dossier"].number if row["dossier"] else "", row["ip"],
            json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
            if detail else "")])
    return "\ufeff" + out.getvalue()


def safe_cell(value):
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
