"""Views of the client's home, dossiers, documents and actions."""
from flask import (
    abort,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from .. import audit, storage, webhooks
from ..access import (
    get_document_for,
    get_dossier_for,
    open_approvals,
    open_assignments,
    open_requests,
    visible_dossier_ids,
    visible_dossiers,
)
from ..db import get_session
from ..htmx import page_or_fragment
from ..models import (
    DocumentDownload,
    Dossier,
    DossierStatus,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    utcnow,
)
from ..pages import asked_page, page_size
from . import bp
from .approvals import awaiting_approval, open_approval_rows
from .dossiers import (
    TABS,
    document_rows,
    first_unread_tab,
    icon_for,
    render_dossier_tab,
    search_dossiers,
    statuses_in_use,
    tab_counts,
    tab_page,
)
from .requests import open_request_rows


@bp.before_request
@login_required
def _clients_only():
    if current_user.is_staff:
        abort(404)


def menu_figures(db, user):
    """What the menu of every page needs, in one query: how many questionnaires this client
    still has to fill in, requests for documents still open and documents waiting for
    their approval (Acties), and the id of their only dossier (None with none or
    several)."""
    if "menu_figures" not in g:
        dossiers = visible_dossier_ids(user).subquery()
        dossier_id = list(dossiers.c)[0]
        questionnaires, requests, to_approve, count, first = db.execute(select(
            select(func.count()).select_from(open_assignments(user).subquery())
            .scalar_subquery(),
            select(func.count()).select_from(open_requests(user).subquery())
            .scalar_subquery(),
            select(func.count()).select_from(open_approvals(user).subquery())
            .scalar_subquery(),
            select(func.count()).select_from(dossiers).scalar_subquery(),
            select(func.min(dossier_id)).scalar_subquery())).one()
        g.menu_figures = {"open_actions": questionnaires + requests + to_approve,
                          "only_dossier": first if count == 1 else None}
    return g.menu_figures


@bp.app_context_processor
def _menu_figures():
    if has_request_context() and current_user.is_authenticated and not current_user.is_staff:
        return menu_figures(get_session(), current_user)
    return {}


@bp.app_template_filter("doc_icon")
def _doc_icon(content_type):
    return icon_for(content_type)


@bp.app_template_test("previewable")
def _previewable(content_type):
    return storage.previewable(content_type)


@bp.get("/")
def home():
    """Home: the tiles Dossiers, Acties and Mijn gegevens."""
    db = get_session()
    dossiers = visible_dossiers(current_user).subquery()
    total = db.exec(select(func.count()).select_from(dossiers)).one()
    in_progress = db.exec(
        select(func.count()).select_from(dossiers)
        .join(DossierStatus, DossierStatus.code == dossiers.c.status_code)
        .where(DossierStatus.in_progress)).one()
    return render_template("portal/home.html", total=total, in_progress=in_progress)


@bp.get("/dossiers")
def dossiers():
    """The client's dossiers: search, filter on status, open; with exactly one, straight in."""
    db = get_session()
    statuses = statuses_in_use(db, current_user)
    q = request.args.get("q", "")
    chosen = [s for s in request.args.getlist("status") if s in {x.code for x in statuses}]
    rows, page = search_dossiers(db, current_user, q, chosen, asked_page(), page_size())
    if page.total == 1 and not q and not chosen:
        return redirect(url_for("portal.dossier", dossier_id=rows[0].id))
    return page_or_fragment(
        "portal/dossiers.html", "portal/_dossier_results.html", dossiers=rows,
        total=page.total, q=q, chosen=chosen, statuses=statuses,
        status_by_code={s.code: s for s in statuses}, page=page)


@bp.get("/dossiers/<int:dossier_id>")
@bp.get("/dossiers/<int:dossier_id>/<any(correspondentie, documenten, aangeleverd):tab>")
def dossier(dossier_id, tab=None):
    """A dossier with its progress and one of its document tabs; without a tab asked for,
    the first one with unread items."""
    db = get_session()
    item = get_dossier_for(db, current_user, dossier_id)
    counts = tab_counts(db, current_user, item)
    if tab is None:
        tab = first_unread_tab(counts)
        if tab == "berichten":
            return redirect(url_for("messages.tab", dossier_id=item.id))
        if tab != "correspondentie":
            return redirect(url_for("portal.dossier", dossier_id=item.id, tab=tab))
    page = tab_page(counts, tab)
    rows = document_rows(db, current_user, item, dict(TABS)[tab], page)
    awaiting = awaiting_approval(db, current_user, item) if tab == "documenten" else {}
    return render_dossier_tab(db, item, tab, "portal/_documents.html", counts=counts,
                              documents=rows, page=page, awaiting=awaiting)


@bp.get("/documenten/<int:document_id>/download")
def download(document_id):
    """Stream a document (Range requests too) and mark it downloaded for this user."""
    return send_counted(document_id, preview=False)


@bp.get("/documenten/<int:document_id>/bekijken")
def preview(document_id):
    """Bekijken: a PDF or image shown in the browser (sandboxed; anything else 404). It shows
    the whole document, so it marks it downloaded as a download does."""
    return send_counted(document_id, preview=True)


def send_counted(document_id, preview):
    """A document this user may see, downloaded or shown; a whole GET marks it downloaded
    (the first time also for the webhooks) and is audited."""
    db = get_session()
    document = get_document_for(db, current_user, document_id)
    # Either is a 404 when the file is gone; a preview also when it is no PDF or image.
    response = storage.send_preview(document) if preview else storage.send_document(document)
    if is_whole_download():
        if count_download(db, document.id, current_user.id):
            webhooks.emit(db, "document.downloaded", {"document_id": document.id,
                          "dossier_id": document.dossier_id, "client_id": current_user.id})
        audit.record(db, "document.previewed" if preview else "document.downloaded",
                     actor=current_user, target=document, dossier_id=document.dossier_id,
                     range=request.headers.get("Range"))
        db.commit()
    return response


def count_download(db, document_id, user_id):
    """Note one more whole download of a document by a user (the first makes the mark:
    True)."""
    # One UPDATE, not read-then-write: on PostgreSQL two downloads at the same moment would
    # both read the old count (one lost) or both insert the first mark (a 500).
    for _attempt in range(2):
        if db.execute(update(DocumentDownload)
                      .where(DocumentDownload.document_id == document_id,
                             DocumentDownload.user_id == user_id)
                      .values(count=DocumentDownload.count + 1, last_at=utcnow())
                      .execution_options(synchronize_session=False)).rowcount:
            return
        try:
            with db.begin_nested():
                db.add(DocumentDownload(document_id=document_id, user_id=user_id))
            return True
        except IntegrityError:  # the other download made the mark meanwhile: count on it
            pass


def is_whole_download():
    """True for a GET that fetches the file from its first byte: the one request of a
    download that counts (a HEAD, or a resumed or seeking Range request, does not)."""
    if request.method != "GET":
        return False
    # Werkzeug parses Range; an unparsable header is answered with the whole file.
    ranges = request.range.ranges if request.range is not None else [(0, None)]
    return ranges[0][0] == 0


@bp.get("/acties")
def actions():
    """Acties: the requests for documents still open, the documents waiting for approval and
    the questionnaires to fill in, in dossiers the client may still see."""
    db = get_session()
    query = (open_assignments(current_user)
             .join(QuestionnaireVersion,
                   QuestionnaireVersion.id == QuestionnaireAssignment.version_id)
             .join(Dossier, Dossier.id == QuestionnaireAssignment.dossier_id)
             .add_columns(QuestionnaireVersion.title, Dossier.number)
             .order_by(QuestionnaireAssignment.created_at))
    # execute, not exec: SQLModel would keep only the first column of these rows.
    rows = db.execute(query).all()
    return render_template("portal/actions.html", actions=rows,
                           requests=open_request_rows(db, current_user),
                           approvals=open_approval_rows(db, current_user))
