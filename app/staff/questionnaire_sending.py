"""Staff side: sending a questionnaire to a client for a dossier, and following progress.
These follow the dossier rules of access.py; the logic is in app/questionnaires/sending.py."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import dates
from ..audit import record_view
from ..db import get_session, record_id
from ..forms import claim_form_key
from ..models import Dossier, User
from ..notifications import dossier_clients
from ..questionnaires import sending
from ..questionnaires.answers import load
from ..questionnaires.builder import working_version
from ..questionnaires.builder_checks import problems
from . import bp
from .access import (
    get_staff_assignment,
    get_staff_dossier,
    get_staff_questionnaire,
    staff_dossier_ids,
    staff_dossiers,
)
from .questionnaire_forms import SendForm

STATES = {"open": _l("Not completed"), "completed": _l("Completed")}


# ---- sending

def _send_choices(db, form, dossier):
    """The questionnaires ready to send, and the client accounts of the dossier."""
    form.questionnaire.choices = [SelectChoice(0, _("Choose a questionnaire"))] + [
        SelectChoice(q.id, _("%(title)s (version %(number)s)", title=v.title,
                             number=v.version))
        for q, v, _sent, _done in sending.overview(db, staff_dossier_ids(current_user))
        if v is not None and not problems(v)]
    clients = sorted(dossier_clients(db, dossier.id), key=lambda u: (u.name.lower(), u.id))
    form.client.choices = [SelectChoice(0, _("Choose a client"))] + [
        SelectChoice(u.id, _client_label(u)) for u in clients]


def _client_label(user):
    """A client account as the send form lists it, with its company if it has one."""
    if user.company_id:
        return _("%(name)s (%(email)s), %(company)s", name=user.name, email=user.email,
                 company=user.company.name)
    return _("%(name)s (%(email)s)", name=user.name, email=user.email)


def _dossier_page(dossier, form, status=200):
    """The questionnaires of a dossier, and the form to send one."""
    db = get_session()
    _send_choices(db, form, dossier)
    rows = sending.sent_rows(db, staff_dossier_ids(current_user), dossier_id=dossier.id)
    return render_template("staff/questionnaire_dossier.html", dossier=dossier, rows=rows,
                           form=form), status


@bp.get("/dossiers/<int:dossier_id>/vragenlijsten")
def dossier_questionnaires(dossier_id):
    """The questionnaires sent in a dossier with their progress, and the form to send one."""
    dossier = get_staff_dossier(get_session(), current_user, dossier_id)
    form = SendForm(formdata=None, questionnaire=request.args.get("vragenlijst", 0, type=record_id))
    return _dossier_page(dossier, form)


@bp.post("/dossiers/<int:dossier_id>/vragenlijsten")
def send_questionnaire(dossier_id):
    """Send a questionnaire to a client account of the dossier: it appears in their Acties
    and they are notified."""
    db = get_session()
    dossier = get_staff_dossier(db, current_user, dossier_id)
    form = SendForm()
    _send_choices(db, form, dossier)
    if not form.validate_on_submit():
        return _dossier_page(dossier, form, 400)
    questionnaire = get_staff_questionnaire(db, current_user, form.questionnaire.data)
    client = db.get(User, form.client.data)
    sent_url = url_for(".dossier_questionnaires", dossier_id=dossier.id)
    if claim_form_key(db, current_user, form.form_key.data, sent_url) is not None:
        db.rollback()  # the other request of a double click sent it (or was refused)
        return redirect(sent_url, 303)
    try:
        sending.send(db, current_user, questionnaire, dossier, client)
    except sending.NotSendable as error:
        form.form_errors.append(error.args[0])
        return _dossier_page(dossier, form, 400)
    flash(_("The questionnaire has been sent to %(name)s. It is under Actions in the client "
            "portal.", name=client.name), "success")
    return redirect(sent_url, 303)


@bp.get("/vragenlijsten/<int:questionnaire_id>/versturen")
def choose_dossier(questionnaire_id):
    """Send from the builder: choose the dossier, then the client on that dossier's page."""
    db = get_session()
    questionnaire = get_staff_questionnaire(db, current_user, questionnaire_id)
    version = working_version(db, questionnaire)
    dossier_id = request.args.get("dossier", type=record_id)
    if dossier_id:
        dossier = get_staff_dossier(db, current_user, dossier_id)
        return redirect(url_for(".dossier_questionnaires", dossier_id=dossier.id,
                                vragenlijst=questionnaire.id, _anchor="versturen"), 303)
    dossiers = db.exec(staff_dossiers(current_user).order_by(Dossier.number)).all()
    return render_template("staff/questionnaire_send.html", questionnaire=questionnaire,
                           version=version, dossiers=dossiers, problems=problems(version),
                           missing=request.args.get("dossier") is not None)


# ---- following progress

@bp.get("/vragenlijsten/verstuurd")
def sent_questionnaires():
    """Every questionnaire sent in the dossiers this staff member may see, with progress."""
    db = get_session()
    questionnaire_id = request.args.get("vragenlijst", type=record_id) or None
    state = request.args.get("status") if request.args.get("status") in STATES else None
    dossier_ids = staff_dossier_ids(current_user)
    rows = sending.sent_rows(db, dossier_ids, questionnaire_id=questionnaire_id, state=state)
    choices = [(q.id, q.title) for q, _v, sent, _done in sending.overview(db, dossier_ids)
               if sent]
    return render_template("staff/questionnaire_sent.html", rows=rows, choices=choices,
                           states=STATES, chosen=questionnaire_id, state=state)


@bp.get("/vragenlijsten/verstuurd/<int:assignment_id>")
def questionnaire_answers(assignment_id):
    """One sent questionnaire: its progress, the answers so far, and the filed PDF. Reading
    a client's answers is audited (once per staff member and questionnaire per 10 minutes)."""
    db = get_session()
    assignment = get_staff_assignment(db, current_user, assignment_id)
    record_view(db, "questionnaire.answers_viewed", current_user, assignment,
                assignment.dossier_id, client_id=assignment.client_id)
    filling = load(db, assignment)
    return render_template("staff/questionnaire_answers.html", assignment=assignment,
                           filling=filling, version=filling.version,
                           progress=sending.progress(filling), summary=filling.summary(),
                           dossier=db.get(Dossier, assignment.dossier_id),
                           client=db.get(User, assignment.client_id),
                           sender=db.get(User, assignment.sent_by_id)
                           if assignment.sent_by_id else None, editable=False)


@bp.app_template_global("questionnaire_status")
def _questionnaire_status(progress, assignment):
    """The progress of a sent questionnaire in words."""
    if progress.state == "completed":
        return _("Completed on %(date)s", date=dates.format_datetime(assignment.completed_at))
    if progress.state == "step":
        return _("Step %(number)s of %(total)s", number=progress.number, total=progress.total)
    if progress.state == "answered":
        return _("All steps answered, not completed yet")
    return _("Not started")
