"""Staff side: dossiers. The list of the dossiers a staff member may see, creating and
editing them (number, description, status, handling lawyer), linking clients and companies,
and the progress steps ("Voortgang") the clients follow.

A lawyer handles dossiers for themself, a secretary for the lawyers who delegated to it, an
admin for every lawyer (app/staff/access.lawyers_for); a dossier outside those rules is a
404. What a secretary changes is audited "on behalf of" the dossier's lawyer.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, or_, select
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import audit
from ..db import as_record_id, get_session, is_whole_number, like, record_id
from ..forms import multi_line, require_button, single_line, strip
from ..htmx import is_htmx, page_or_fragment
from ..models import (
    KIND_CLIENT,
    Company,
    Dossier,
    DossierClient,
    DossierCompany,
    DossierStatus,
    ProgressStep,
    User,
    utcnow,
)
from ..pages import asked_page, page_size, paginate
from . import bp
from .access import (
    get_linkable,
    get_staff_dossier,
    lawyers_for,
    manageable_company_ids,
    on_behalf,
    openable_client_ids,
    record_view,
    staff_dossiers,
)

# How many clients and companies the "link" search shows at most.
PICK_LIMIT = 10


def _id_or_none(value):
    # Not int: a missing or tampered value must give our own message, not WTForms' English.
    return int(value) if is_whole_number(value) else None


# ---- forms

class DossierForm(FlaskForm):
    number = StringField(_l("Dossier number"), filters=[single_line], validators=[
        DataRequired(_l("Enter the dossier number.")), Length(max=40)])
    description = TextAreaField(_l("Description"), filters=[multi_line, strip], validators=[
        DataRequired(_l("Enter a description.")), Length(max=300)])
    status = SelectField(_l("Status"), validators=[DataRequired(_l("Choose a status."))],
                         validate_choice=False)
    lawyer = SelectField(_l("Handling lawyer"), coerce=_id_or_none, validate_choice=False,
                         validators=[DataRequired(_l("Choose the handling lawyer."))])
    # Set when the dossier is made from a client's page: who it is shared with at once.
    client = HiddenField()
    company = HiddenField()
    submit = SubmitField(_l("Save"))

    def __init__(self, statuses, lawyers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.code, status_label(s)) for s in statuses]
        self.lawyer.choices = [(u.id, u.name) for u in lawyers]

    def validate_status(self, field):
        if field.data not in {code for code, _label in self.status.choices}:
            raise ValidationError(_l("Choose a status."))

    def validate_lawyer(self, field):
        # A staff member can only hand a dossier to a lawyer they may act for.
        if field.data not in {id_ for id_, _name in self.lawyer.choices}:
            raise ValidationError(_l("You may not act for this lawyer. Choose a lawyer "
                                     "from the list."))


class StepForm(FlaskForm):
    title_nl = StringField(_l("Title in Dutch"), filters=[single_line], validators=[
        DataRequired(_l("Enter the title of the step in Dutch.")), Length(max=200)])
    title_en = StringField(_l("Title in English (optional)"), filters=[single_line], validators=[
        Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


# ---- what the views do, as plain functions

def status_label(status):
    """A status in the language of the page."""
    return status.label_en if get_locale().language == "en" else status.label_nl


def all_statuses(db):
    """Every dossier status, in the configured order."""
    return db.exec(select(DossierStatus).order_by(DossierStatus.position,
                                                  DossierStatus.code)).all()


def search_staff_dossiers(db, user, q="", status=None, lawyer_id=None, page=1, size=25):
    """One page of the dossiers `user` may see, matching number, description or a linked
    client's or company's name, a status and a handling lawyer; most recently changed first."""
    query = staff_dossiers(user)
    q = (q or "").strip()[:100]
    if q:
        pattern = like(q)
        people = (select(DossierClient.dossier_id).join(User, User.id == DossierClient.user_id)
                  .where(or_(User.name.ilike(pattern, escape="\\"),
                             User.email.ilike(pattern, escape="\\"))))
        companies = (select(DossierCompany.dossier_id)
                     .join(Company, Company.id == DossierCompany.company_id)
                     .where(Company.name.ilike(pattern, escape="\\")))
        query = query.where(or_(Dossier.number.ilike(pattern, escape="\\"),
                                Dossier.description.ilike(pattern, escape="\\"),
                                Dossier.id.in_(people), Dossier.id.in_(companies)))
    if status:
        query = query.where(Dossier.status_code == status)
    if lawyer_id:
        query = query.where(Dossier.lawyer_id == lawyer_id)
    return paginate(db, query, (Dossier.updated_at.desc(), Dossier.id.desc()), page, size)


def linked_parties(db, dossier_ids):
    """{dossier id: ([client users], [companies])} for these dossiers."""
    found = {i: ([], []) for i in dossier_ids}
    if not dossier_ids:
        return found
    for dossier_id, user in db.execute(
            select(DossierClient.dossier_id, User)
            .join(User, User.id == DossierClient.user_id)
            .where(DossierClient.dossier_id.in_(dossier_ids)).order_by(User.name)).all():
        found[dossier_id][0].append(user)
    for dossier_id, company in db.execute(
            select(DossierCompany.dossier_id, Company)
            .join(Company, Company.id == DossierCompany.company_id)
            .where(DossierCompany.dossier_id.in_(dossier_ids)).order_by(Company.name)).all():
        found[dossier_id][1].append(company)
    return found


def names_by_id(db, ids):
    """{user id: name} for these users (the handling lawyers of a list)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def number_taken(db, number, dossier_id=None):
    """True when another dossier has this number already."""
    query = select(Dossier.id).where(func.lower(Dossier.number) == number.lower())
    if dossier_id is not None:
        query = query.where(Dossier.id != dossier_id)
    return db.exec(query).first() is not None


def prefilled_party(db, user, form):
    """(client user, company) the new dossier is shared with from the start, if any; 404
    for a client or company `user` may not link (app/staff/access.get_linkable)."""
    client = company = None
    client_id, company_id = as_record_id(form.client.data), as_record_id(form.company.data)
    if client_id is not None:
        client = get_linkable(db, user, client_id=client_id)
    if company_id is not None:
        company = get_linkable(db, user, company_id=company_id)
    return client, company


def create_dossier(db, actor, *, number, description, status, lawyer_id, client=None,
                   company=None):
    """Add a dossier, shared with `client` and/or `company` when given."""
    dossier = Dossier(number=number, description=description, status_code=status,
                      lawyer_id=lawyer_id)
    db.add(dossier)
    db.flush()
    audit.record(db, "dossier.created", actor=actor, target=dossier, dossier_id=dossier.id,
                 number=number, lawyer_id=lawyer_id, **on_behalf(actor, dossier))
    if client is not None:
        link_client(db, actor, dossier, client)
    if company is not None:
        link_company(db, actor, dossier, company)
    return dossier


def update_dossier(db, actor, dossier, *, number, description, status, lawyer_id):
    """Change a dossier's number, description, status and handling lawyer."""
    before = {"number": dossier.number, "description": dossier.description,
              "status": dossier.status_code, "lawyer_id": dossier.lawyer_id}
    dossier.number, dossier.description = number, description
    dossier.status_code, dossier.lawyer_id = status, lawyer_id
    after = {"number": number, "description": description, "status": status,
             "lawyer_id": lawyer_id}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        dossier.updated_at = utcnow()
        if "status" in changed:
            dossier.status_changed_at = dossier.updated_at  # the retention period counts from here
        audit.record(db, "dossier.updated", actor=actor, target=dossier, dossier_id=dossier.id,
                     changed=changed, **on_behalf(actor, dossier))
    return changed


def link_client(db, actor, dossier, client):
    """Share the dossier with a client account (nothing happens when it already is)."""
    if db.get(DossierClient, (dossier.id, client.id)) is None:
        db.add(DossierClient(dossier_id=dossier.id, user_id=client.id))
        dossier.updated_at = utcnow()
        audit.record(db, "dossier.client_linked", actor=actor, target=client,
                     dossier_id=dossier.id, **on_behalf(actor, dossier))


def link_company(db, actor, dossier, company):
    """Share the dossier with every account of a company client."""
    if db.get(DossierCompany, (dossier.id, company.id)) is None:
        db.add(DossierCompany(dossier_id=dossier.id, company_id=company.id))
        dossier.updated_at = utcnow()
        audit.record(db, "dossier.company_linked", actor=actor, target=company,
                     dossier_id=dossier.id, **on_behalf(actor, dossier))


def unlink(db, actor, dossier, *, client_id=None, company_id=None):
    """Stop sharing the dossier with a client account or a company; True when one was."""
    if client_id is not None:
        link, target = db.get(DossierClient, (dossier.id, client_id)), db.get(User, client_id)
        action = "dossier.client_unlinked"
    else:
        link, target = (db.get(DossierCompany, (dossier.id, company_id)),
                        db.get(Company, company_id))
        action = "dossier.company_unlinked"
    if link is None:
        return False
    db.delete(link)
    dossier.updated_at = utcnow()
    audit.record(db, action, actor=actor, target=target, dossier_id=dossier.id,
                 **on_behalf(actor, dossier))
    return True


def pick_candidates(db, user, dossier, q):
    """Clients and companies whose name (or e-mail) matches `q`, that `user` may link and
    that are not linked yet: ([users], [companies]), at most PICK_LIMIT each."""
    q = (q or "").strip()[:100]
    if not q:
        return [], []
    pattern = like(q)
    linked_users = select(DossierClient.user_id).where(DossierClient.dossier_id == dossier.id)
    linked_companies = select(DossierCompany.company_id).where(
        DossierCompany.dossier_id == dossier.id)
    users = db.exec(select(User).where(
        User.kind == KIND_CLIENT, User.active, User.id.not_in(linked_users),
        User.id.in_(openable_client_ids(user)),
        or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))
        .order_by(User.name, User.id).limit(PICK_LIMIT)).all()
    companies = db.exec(select(Company).where(
        Company.id.not_in(linked_companies), Company.id.in_(manageable_company_ids(user)),
        Company.name.ilike(pattern, escape="\\"))
        .order_by(Company.name, Company.id).limit(PICK_LIMIT)).all()
    return users, companies


def steps_of(db, dossier):
    """The dossier's progress steps in their order."""
    return db.exec(select(ProgressStep).where(ProgressStep.dossier_id == dossier.id)
                   .order_by(ProgressStep.position, ProgressStep.id)).all()


def get_step(db, dossier, step_id):
    """A progress step of this dossier, else 404."""
    step = db.get(ProgressStep, step_id)
    if step is None or step.dossier_id != dossier.id:
        abort(404)
    return step


def _renumber(steps):
    """Positions 0..n-1 in the list's order."""
    for position, step in enumerate(steps):
        step.position = position


def add_step(db, actor, dossier, *, title_nl, title_en=""):
    """Add a step at the end of the progress list."""
    steps = steps_of(db, dossier)
    step = ProgressStep(dossier_id=dossier.id, position=len(steps), title_nl=title_nl,
                        title_en=title_en or "")
    db.add(step)
    db.flush()
    _renumber(steps + [step])
    _touched(db, actor, dossier, "step.added", step, title=title_nl)
    return step


def rename_step(db, actor, dossier, step, *, title_nl, title_en=""):
    """Change a step's titles."""
    before = [step.title_nl, step.title_en]
    step.title_nl, step.title_en = title_nl, title_en or ""
    if before != [step.title_nl, step.title_en]:
        _touched(db, actor, dossier, "step.renamed", step, before=before,
                 after=[step.title_nl, step.title_en])


def move_step(db, actor, dossier, step, offset):
    """Move a step one place up (-1) or down (+1); at either end nothing changes."""
    steps = steps_of(db, dossier)
    index = next(i for i, s in enumerate(steps) if s.id == step.id)
    other = index + offset
    if 0 <= other < len(steps):
        steps[index], steps[other] = steps[other], steps[index]
        _renumber(steps)
        _touched(db, actor, dossier, "step.moved", step, position=other + 1)


def toggle_step(db, actor, dossier, step):
    """Mark a step done, or not done again."""
    step.done_at = None if step.done_at else utcnow()
    _touched(db, actor, dossier, "step.done" if step.done_at else "step.undone", step)


def delete_step(db, actor, dossier, step):
    """Remove a step and close the gap it leaves."""
    title = step.title_nl
    db.delete(step)
    db.flush()
    _renumber(steps_of(db, dossier))
    _touched(db, actor, dossier, "step.deleted", step, title=title)


def _touched(db, actor, dossier, action, step, **detail):
    """Note a change of the progress list: the dossier's time and an audit event."""
    dossier.updated_at = utcnow()
    audit.record(db, action, actor=actor, target=step, dossier_id=dossier.id, **detail,
                 **on_behalf(actor, dossier))


# ---- views: the list, new and edit

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


def _dossier_form_page(template, form, **context):
    """The dossier form, with what was typed and its problems."""
    return render_template(template, form=form, **context), 400 if form.errors else 200


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
        if number_taken(db, form.number.data):
            form.number.errors.append(_("There is already a dossier with this number."))
        else:
            try:
                dossier = create_dossier(
                    db, current_user, number=form.number.data,
                    description=form.description.data, status=form.status.data,
                    lawyer_id=form.lawyer.data, client=client, company=company)
                db.commit()
            except IntegrityError:  # the same number, saved by someone else just now
                db.rollback()
                form.number.errors.append(_("There is already a dossier with this number."))
            else:
                flash(_("Dossier %(number)s has been created.", number=dossier.number),
                      "success")
                return redirect(url_for("staff.dossier", dossier_id=dossier.id))
    return _dossier_form_page("staff/dossier_form.html", form, dossier=None, client=client,
                              company=company, lawyers=lawyers)


@bp.route("/dossiers/<int:dossier_id>/bewerken", methods=["GET", "POST"])
def dossier_edit(dossier_id):
    """Change number, description, status and handling lawyer of a dossier."""
    db = get_session()
    dossier = get_staff_dossier(db, current_user, dossier_id)
    lawyers = lawyers_for(db, current_user)
    form = DossierForm(all_statuses(db), lawyers, data={
        "number": dossier.number, "description": dossier.description,
        "status": dossier.status_code, "lawyer": dossier.lawyer_id})
    if form.validate_on_submit():
        if number_taken(db, form.number.data, dossier.id):
            form.number.errors.append(_("There is already a dossier with this number."))
        else:
            try:
                update_dossier(db, current_user, dossier, number=form.number.data,
                               description=form.description.data, status=form.status.data,
                               lawyer_id=form.lawyer.data)
                db.commit()
            except IntegrityError:
                db.rollback()
                form.number.errors.append(_("There is already a dossier with this number."))
            else:
                flash(_("The dossier has been saved."), "success")
                # A secretary who hands the dossier to a lawyer it does not work for, or a
                # lawyer who hands it over, no longer sees it: back to the list then.
                if db.exec(staff_dossiers(current_user)
                           .where(Dossier.id == dossier.id)).first() is None:
                    return redirect(url_for("staff.dossiers"))
                return redirect(url_for("staff.dossier", dossier_id=dossier.id))
    return _dossier_form_page("staff/dossier_form.html", form, dossier=dossier, client=None,
                              company=None, lawyers=lawyers)


# ---- views: the overview, links and steps

def overview_context(db, dossier, **extra):
    """What the dossier overview shows: details, linked clients and companies, steps."""
    status = db.get(DossierStatus, dossier.status_code)
    lawyer = db.get(User, dossier.lawyer_id) if dossier.lawyer_id else None
    users, companies = linked_parties(db, [dossier.id])[dossier.id]
    q = request.args.get("q", "") if request.endpoint == "staff.dossier_pick" else ""
    found_users, found_companies = pick_candidates(db, current_user, dossier, q)
    steps = steps_of(db, dossier)
    context = dict(dossier=dossier, status=status, lawyer=lawyer, linked_users=users,
                   linked_companies=companies, q=q.strip(), found_users=found_users,
                   found_companies=found_companies, steps=steps,
                   done=sum(1 for s in steps if s.done_at),
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


@bp.get("/dossiers/<int:dossier_id>")
def dossier(dossier_id):
    """The dossier overview: details, clients and companies, progress steps. Opening it is
    audited as "dossier.viewed" (once per staff member and dossier per 10 minutes)."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    record_view(db, "dossier.viewed", current_user, found, found.id)
    return render_template("staff/dossier.html", **overview_context(db, found))


@bp.get("/dossiers/<int:dossier_id>/koppelen")
def dossier_pick(dossier_id):
    """Search clients and companies to link; htmx gets only the results."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    return page_or_fragment("staff/dossier.html", "staff/_dossier_pick.html",
                            **overview_context(db, found))


@bp.post("/dossiers/<int:dossier_id>/koppelen")
def dossier_link(dossier_id):
    """Link a client account or a company to the dossier."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    require_button()
    user_id = request.form.get("user_id", type=record_id)
    company_id = request.form.get("company_id", type=record_id)
    if user_id:
        client = get_linkable(db, current_user, client_id=user_id)
        link_client(db, current_user, found, client)
        message = _("%(name)s can now see this dossier.", name=client.name)
    elif company_id:
        company = get_linkable(db, current_user, company_id=company_id)
        link_company(db, current_user, found, company)
        message = _("Every account of %(name)s can now see this dossier.", name=company.name)
    else:
        abort(400)
    db.commit()
    if not is_htmx():
        flash(message, "success")
    return fragment_or_overview(db, found, "staff/_dossier_links.html", "clients",
                                notice=message)


@bp.post("/dossiers/<int:dossier_id>/ontkoppelen")
def dossier_unlink(dossier_id):
    """Stop sharing the dossier with a client account or a company."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    require_button()
    user_id = request.form.get("user_id", type=record_id)
    company_id = request.form.get("company_id", type=record_id)
    if not (user_id or company_id):
        abort(400)
    if unlink(db, current_user, found, client_id=user_id or None,
              company_id=None if user_id else company_id):
        db.commit()
    message = _("The link has been removed.")
    if not is_htmx():
        flash(message, "success")
    return fragment_or_overview(db, found, "staff/_dossier_links.html", "clients",
                                notice=message)


@bp.get("/dossiers/<int:dossier_id>/stappen")
def dossier_steps(dossier_id):
    """The progress list; htmx gets only the list (e.g. after cancelling a rename)."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    return page_or_fragment("staff/dossier.html", "staff/_dossier_steps.html",
                            **overview_context(db, found))


@bp.post("/dossiers/<int:dossier_id>/stappen")
def step_add(dossier_id):
    """Add a progress step at the end."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    form = StepForm(prefix="new")
    if not form.validate_on_submit():
        return fragment_or_overview(db, found, "staff/_dossier_steps.html", "steps",
                                    status=400, step_form=form)
    add_step(db, current_user, found, title_nl=form.title_nl.data,
             title_en=form.title_en.data)
    db.commit()
    return fragment_or_overview(db, found, "staff/_dossier_steps.html", "steps")


@bp.route("/dossiers/<int:dossier_id>/stappen/<int:step_id>", methods=["GET", "POST"])
def step_edit(dossier_id, step_id):
    """Rename a progress step (its Dutch and English title)."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    step = get_step(db, found, step_id)
    if request.method == "GET":
        form = StepForm(prefix="step", data={"title_nl": step.title_nl,
                                             "title_en": step.title_en})
        return fragment_or_overview(db, found, "staff/_dossier_steps.html", "steps",
                                    editing=step, edit_form=form)
    form = StepForm(prefix="step")
    if not form.validate_on_submit():
        return fragment_or_overview(db, found, "staff/_dossier_steps.html", "steps",
                                    status=400, editing=step, edit_form=form)
    rename_step(db, current_user, found, step, title_nl=form.title_nl.data,
                title_en=form.title_en.data)
    db.commit()
    return fragment_or_overview(db, found, "staff/_dossier_steps.html", "steps")


@bp.post("/dossiers/<int:dossier_id>/stappen/<int:step_id>/<any(omhoog, omlaag):direction>")
def step_move(dossier_id, step_id, direction):
    """Move a progress step one place up or down."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    step = get_step(db, found, step_id)
    require_button()
    move_step(db, current_user, found, step, -1 if direction == "omhoog" else 1)
    db.commit()
    return fragment_or_overview(db, found, "staff/_dossier_steps.html", "steps")


@bp.post("/dossiers/<int:dossier_id>/stappen/<int:step_id>/gereed")
def step_toggle(dossier_id, step_id):
    """Mark a progress step done, or not done again."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    step = get_step(db, found, step_id)
    require_button()
    toggle_step(db, current_user, found, step)
    db.commit()
    return fragment_or_overview(db, found, "staff/_dossier_steps.html", "steps")


@bp.post("/dossiers/<int:dossier_id>/stappen/<int:step_id>/verwijderen")
def step_delete(dossier_id, step_id):
    """Delete a progress step."""
    db = get_session()
    found = get_staff_dossier(db, current_user, dossier_id)
    step = get_step(db, found, step_id)
    require_button()
    delete_step(db, current_user, found, step)
    db.commit()
    return fragment_or_overview(db, found, "staff/_dossier_steps.html", "steps")
