"""Staff side: dossiers. The list, creating and editing a dossier, linking clients and
companies, and the progress steps ("Voortgang") the clients follow; what the views change is
in dossier_changes.py, who may see what in access.py."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from ..audit import record_view
from ..db import get_session, record_id
from ..forms import require_button
from ..htmx import is_htmx, page_or_fragment
from ..models import Company, DocumentRequest, Dossier, DossierStatus, User
from ..pages import asked_page, page_size
from . import bp
from .access import get_linkable, get_staff_dossier, lawyers_for, staff_dossiers
from .dossier_changes import (
    add_step,
    all_statuses,
    create_dossier,
    delete_step,
    get_step,
    link,
    linked_parties,
    move_step,
    names_by_id,
    number_taken,
    pick_candidates,
    prefilled_party,
    rename_step,
    search_staff_dossiers,
    steps_of,
    toggle_step,
    unlink,
    update_dossier,
)
from .dossier_forms import DossierForm, StepForm

# ---- views: the list, new and edit

def _dossier_or_404(dossier_id):
    """(db, dossier) for a dossier the staff member may see, else 404."""
    db = get_session()
    return db, get_staff_dossier(db, current_user, dossier_id)


def _step_or_404(dossier_id, step_id):
    """(db, dossier, step) for a step of a dossier the staff member may see, else 404."""
    db, dossier = _dossier_or_404(dossier_id)
    return db, dossier, get_step(db, dossier, step_id)


@bp.get("/dossiers")
def dossiers():
    """The dossiers this staff member may see: search, filter on status and lawyer."""
    db = get_session()
    statuses = all_statuses(db)
    lawyers = lawyers_for(db, current_user)
    q = request.args.get("q", "")
    status = request.args.get("status") or None
    if status not in {s.code for s in statuses}:
        status = None
    lawyer_id = request.args.get("lawyer", type=record_id)
    if lawyer_id not in {u.id for u in lawyers}:
        lawyer_id = None
    rows, page = search_staff_dossiers(db, current_user, q, status, lawyer_id, asked_page(),
                                       page_size())
    return page_or_fragment(
        "staff/dossiers.html", "staff/_dossiers.html", dossiers=rows, page=page, q=q.strip(),
        status=status, lawyer_id=lawyer_id, statuses=statuses, lawyers=lawyers,
        status_by_code={s.code: s for s in statuses},
        parties=linked_parties(db, [d.id for d in rows]),
        lawyer_names=names_by_id(db, [d.lawyer_id for d in rows]))


def _save_dossier(db, form, dossier=None, **parties):
    """Create a dossier from the form (or change `dossier`) and commit: the dossier, or None
    with the number's problem on the form when another dossier has that number."""
    fields = {"number": form.number.data, "description": form.description.data,
              "status": form.status.data, "lawyer_id": form.lawyer.data}
    if not number_taken(db, form.number.data, dossier.id if dossier else None):
        try:
            if dossier is None:
                dossier = create_dossier(db, current_user, **fields, **parties)
            else:
                update_dossier(db, current_user, dossier, **fields)
            db.commit()
            return dossier
        except IntegrityError:  # the same number, saved by someone else just now
            db.rollback()
    form.number.errors.append(_("There is already a dossier with this number."))
    return None


def _dossier_form_page(form, **context):
    """The dossier form, with what was typed and its problems."""
    return (render_template("staff/dossier_form.html", form=form, **context),
            400 if form.errors else 200)


@bp.route("/dossiers/nieuw", methods=["GET", "POST"])
def dossier_new():
    """Create a dossier for a lawyer this staff member may act for."""
    db = get_session()
    lawyers = lawyers_for(db, current_user)
    form = DossierForm(all_statuses(db), lawyers)
    if request.method == "GET":
        form.client.data = request.args.get("client", "")
        form.company.data = request.args.get("company", "")
        if len(lawyers) == 1:
            form.lawyer.data = lawyers[0].id
    client, company = prefilled_party(db, current_user, form)
    if form.validate_on_submit():
        dossier = _save_dossier(db, form, client=client, company=company)
        if dossier is not None:
            flash(_("Dossier %(number)s has been created.", number=dossier.number), "success")
            return redirect(url_for("staff.dossier", dossier_id=dossier.id))
    return _dossier_form_page(form, dossier=None, client=client, company=company,
                              lawyers=lawyers)


@bp.route("/dossiers/<int:dossier_id>/bewerken", methods=["GET", "POST"])
def dossier_edit(dossier_id):
    """Change number, description, status and handling lawyer of a dossier."""
    db, dossier = _dossier_or_404(dossier_id)
    lawyers = lawyers_for(db, current_user)
    form = DossierForm(all_statuses(db), lawyers, data={
        "number": dossier.number, "description": dossier.description,
        "status": dossier.status_code, "lawyer": dossier.lawyer_id})
    if form.validate_on_submit() and _save_dossier(db, form, dossier) is not None:
        flash(_("The dossier has been saved."), "success")
        # A secretary who hands the dossier to a lawyer it does not work for, or a lawyer
        # who hands it over, no longer sees it: back to the list then.
        if db.exec(staff_dossiers(current_user).where(Dossier.id == dossier.id)).first() is None:
            return redirect(url_for("staff.dossiers"))
        return redirect(url_for("staff.dossier", dossier_id=dossier.id))
    return _dossier_form_page(form, dossier=dossier, client=None, company=None,
                              lawyers=lawyers)


# ---- views: the overview, links and steps

def overview_context(db, dossier, **extra):
    """What the dossier overview shows: details, linked clients and companies, steps; `extra`
    adds to it (a notice, a step being renamed) or replaces (the search to link)."""
    status = db.get(DossierStatus, dossier.status_code)
    lawyer = db.get(User, dossier.lawyer_id) if dossier.lawyer_id else None
    users, companies = linked_parties(db, [dossier.id])[dossier.id]
    steps = steps_of(db, dossier)
    open_requests = db.exec(select(func.count()).select_from(DocumentRequest).where(
        DocumentRequest.dossier_id == dossier.id, DocumentRequest.completed_at.is_(None))).one()
    context = dict(dossier=dossier, status=status, lawyer=lawyer, linked_users=users,
                   open_requests=open_requests,
                   linked_companies=companies, q="", found_users=[], found_companies=[],
                   steps=steps, done=sum(1 for s in steps if s.done_at),
                   step_form=StepForm(prefix="new", formdata=None), editing=None, edit_form=None,
                   dossier_part="staff.dossier")
    context.update(extra)
    return context


def fragment_or_overview(db, dossier, fragment, anchor, status=200, **extra):
    """For htmx one part of the overview; otherwise the whole page when a form is shown
    (a 400 with its problems), or after a change a redirect to the part that changed."""
    if is_htmx() or status != 200 or extra.get("editing") is not None:
        response = page_or_fragment("staff/dossier.html", fragment,
                                    **overview_context(db, dossier, **extra))
        if not is_htmx():  # htmx swaps only 2xx answers: its fragment shows the problems
            response.status_code = status
        return response
    return redirect(url_for("staff.dossier", dossier_id=dossier.id, _anchor=anchor))


def _links_changed(db, dossier, message):
    """After a link was added or removed: the clients part with `message`."""
    if not is_htmx():
        flash(message, "success")
    return fragment_or_overview(db, dossier, "staff/_dossier_links.html", "clients",
                                notice=message)


def _steps_part(db, dossier, status=200, **extra):
    """The progress list (after a change, or with a step form and its problems)."""
    return fragment_or_overview(db, dossier, "staff/_dossier_steps.html", "steps",
                                status=status, **extra)


def _change_step(dossier_id, step_id, change, *args):
    """A button on a step: `change(db, actor, dossier, step, *args)`, committed."""
    db, dossier, step = _step_or_404(dossier_id, step_id)
    require_button()
    change(db, current_user, dossier, step, *args)
    db.commit()
    return _steps_part(db, dossier)


def _posted_party():
    """(user_id, company_id) a link or unlink button posted; either may be None."""
    return (request.form.get("user_id", type=record_id),
            request.form.get("company_id", type=record_id))


@bp.get("/dossiers/<int:dossier_id>")
def dossier(dossier_id):
    """The dossier overview: details, clients and companies, progress steps. Opening it is
    audited as "dossier.viewed" (once per staff member and dossier per 10 minutes)."""
    db, dossier = _dossier_or_404(dossier_id)
    record_view(db, "dossier.viewed", current_user, dossier, dossier.id)
    return render_template("staff/dossier.html", **overview_context(db, dossier))


@bp.get("/dossiers/<int:dossier_id>/koppelen")
def dossier_pick(dossier_id):
    """Search clients and companies to link; htmx gets only the results."""
    db, dossier = _dossier_or_404(dossier_id)
    q = request.args.get("q", "")
    found_users, found_companies = pick_candidates(db, current_user, dossier, q)
    return page_or_fragment("staff/dossier.html", "staff/_dossier_pick.html",
                            **overview_context(db, dossier, q=q.strip(), found_users=found_users,
                                               found_companies=found_companies))


@bp.post("/dossiers/<int:dossier_id>/koppelen")
def dossier_link(dossier_id):
    """Link a client account or a company to the dossier."""
    db, dossier = _dossier_or_404(dossier_id)
    require_button()
    user_id, company_id = _posted_party()
    if user_id:
        party = get_linkable(db, current_user, client_id=user_id)
        message = _("%(name)s can now see this dossier.", name=party.name)
    elif company_id:
        party = get_linkable(db, current_user, company_id=company_id)
        message = _("Every account of %(name)s can now see this dossier.", name=party.name)
    else:
        abort(400)
    link(db, current_user, dossier, party)
    db.commit()
    return _links_changed(db, dossier, message)


@bp.post("/dossiers/<int:dossier_id>/ontkoppelen")
def dossier_unlink(dossier_id):
    """Stop sharing the dossier with a client account or a company."""
    db, dossier = _dossier_or_404(dossier_id)
    require_button()
    user_id, company_id = _posted_party()
    if not (user_id or company_id):
        abort(400)
    party = db.get(User, user_id) if user_id else db.get(Company, company_id)
    if party is not None and unlink(db, current_user, dossier, party):
        db.commit()
    return _links_changed(db, dossier, _("The link has been removed."))


@bp.get("/dossiers/<int:dossier_id>/stappen")
def dossier_steps(dossier_id):
    """The progress list; htmx gets only the list (e.g. after cancelling a rename)."""
    db, dossier = _dossier_or_404(dossier_id)
    return page_or_fragment("staff/dossier.html", "staff/_dossier_steps.html",
                            **overview_context(db, dossier))


@bp.post("/dossiers/<int:dossier_id>/stappen")
def step_add(dossier_id):
    """Add a progress step at the end."""
    db, dossier = _dossier_or_404(dossier_id)
    form = StepForm(prefix="new")
    if not form.validate_on_submit():
        return _steps_part(db, dossier, status=400, step_form=form)
    add_step(db, current_user, dossier, title_nl=form.title_nl.data,
             title_en=form.title_en.data)
    db.commit()
    return _steps_part(db, dossier)


@bp.route("/dossiers/<int:dossier_id>/stappen/<int:step_id>", methods=["GET", "POST"])
def step_edit(dossier_id, step_id):
    """Rename a progress step (its Dutch and English title)."""
    db, dossier, step = _step_or_404(dossier_id, step_id)
    if request.method == "GET":
        form = StepForm(prefix="step", data={"title_nl": step.title_nl,
                                             "title_en": step.title_en})
        return _steps_part(db, dossier, editing=step, edit_form=form)
    form = StepForm(prefix="step")
    if not form.validate_on_submit():
        return _steps_part(db, dossier, status=400, editing=step, edit_form=form)
    rename_step(db, current_user, dossier, step, title_nl=form.title_nl.data,
                title_en=form.title_en.data)
    db.commit()
    return _steps_part(db, dossier)


@bp.post("/dossiers/<int:dossier_id>/stappen/<int:step_id>/<any(omhoog, omlaag):direction>")
def step_move(dossier_id, step_id, direction):
    """Move a progress step one place up or down."""
    return _change_step(dossier_id, step_id, move_step, -1 if direction == "omhoog" else 1)


@bp.post("/dossiers/<int:dossier_id>/stappen/<int:step_id>/gereed")
def step_toggle(dossier_id, step_id):
    """Mark a progress step done, or not done again."""
    return _change_step(dossier_id, step_id, toggle_step)


@bp.post("/dossiers/<int:dossier_id>/stappen/<int:step_id>/verwijderen")
def step_delete(dossier_id, step_id):
    """Delete a progress step."""
    return _change_step(dossier_id, step_id, delete_step)
