"""Views of filling in a questionnaire: one step per screen, the summary, completing. With
htmx a step's form swaps the next screen in and pushes its URL; without, POST → redirect."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlmodel import select

from .. import firm
from ..access import get_assignment_for
from ..db import get_session, record_id
from ..doc_requests import active_items
from ..htmx import hx_redirect, is_htmx, page_or_fragment
from ..models import Document, DocumentRequest, Dossier
from ..uploads import allowed_extensions, limits, megabytes
from . import bp
from .answers import Completed, load, save_answers
from .completion import AnswersChanged, complete
from .definition import controlling_ids, options
from .submit import submit, typed
from .uploads import chosen
from .validation import display, input_value, is_iso_date


@bp.before_request
@login_required
def _clients_only():
    if current_user.is_staff:
        abort(404)


@bp.app_template_filter("nl2br")
def _nl2br(text):
    """Escaped text with its line breaks kept."""
    return Markup("<br>").join(escape(line) for line in str(text).split("\n"))


@bp.app_template_global("upload_accept")
def _upload_accept():
    """The file chooser's accept list: the allowed extensions."""
    return ",".join(allowed_extensions())


@bp.app_template_global("upload_max_file")
def _upload_max_file():
    """(bytes, MB as people write it) of the largest file an upload question takes."""
    return limits()[0], megabytes(firm.current().max_file_mb)


bp.add_app_template_global(options, "question_options")
bp.add_app_template_global(input_value)
bp.add_app_template_test(is_iso_date, "iso_date")


def _filling(assignment_id):
    """(db, Filling) of an assignment of the current client, else 404."""
    db = get_session()
    return db, load(db, get_assignment_for(db, current_user, assignment_id))


def _open(assignment_id):
    """The Filling of an assignment of the current client that is not completed yet; a
    completed one goes to the screen after completing."""
    _db, filling = _filling(assignment_id)
    if filling.assignment.completed_at is not None:
        abort(redirect(_done_url(filling)))
    return filling


def _go(url):
    """Go to `url`: a redirect, or for htmx a full page load of it."""
    if is_htmx():
        return hx_redirect(url)
    return redirect(url, 303)


def _step_url(filling, number):
    """The URL of one step."""
    return url_for(".step", assignment_id=filling.assignment.id, number=number)


def _summary_url(filling):
    """The URL of the last screen."""
    return url_for(".summary", assignment_id=filling.assignment.id)


def _done_url(filling):
    """The URL of the screen after completing."""
    return url_for(".done", assignment_id=filling.assignment.id)


def _refuse_completed(filling):
    """Any change to a completed questionnaire: refused with a message, nothing changes."""
    flash(_("This questionnaire has been completed and can no longer be changed."), "warning")
    return _go(_done_url(filling))


def _where_allowed(filling, number):
    """The URL to show instead of step `number`, or None when it may be shown: a client
    does not skip ahead of the first unfinished step, and steps without questions for
    them are passed by."""
    first = filling.first_unfinished()
    if first is not None and number > first:
        return _step_url(filling, first)
    visible = filling.visible()
    if not filling.applies(number, visible):
        following = filling.next_step(number, visible)
        return _step_url(filling, following) if following else _summary_url(filling)
    return None


def _screen(page, fragment, filling, status=200, **context):
    """A screen of the questionnaire; for htmx the fragment, with the screen's own URL."""
    db = get_session()
    context.update(filling=filling, assignment=filling.assignment, version=filling.version,
                   dossier=db.get(Dossier, filling.assignment.dossier_id),
                   focus=is_htmx())
    response = page_or_fragment(page, fragment, **context)
    if is_htmx():
        response.headers["HX-Push-Url"] = context["url"]
    else:
        response.status_code = status
    return response


def _render_step(filling, number, values, problems=None, status=200, **context):
    """Step `number` with `values` in its fields and the problems of its shown questions."""
    step = filling.step(number)
    visible = filling.visible(filling.answers(number, values))
    shown = {qid: problem for qid, problem in (problems or {}).items() if qid in visible}
    return _screen("questionnaires/step.html", "questionnaires/_step.html", filling, status,
                   url=_step_url(filling, number), number=number, step=step, values=values,
                   position=filling.position(number, visible),
                   problems=shown, visible=visible, controlling=controlling_ids(step),
                   revision=filling.revision(number),
                   previous=filling.previous_step(number, visible),
                   has_upload=any(q["type"] == "upload" for q in step["questions"]),
                   conditions_url=url_for(".conditions", assignment_id=filling.assignment.id,
                                          number=number),
                   **context)


def _render_summary(filling, notice=None):
    """The summary screen of every answer, with Printen and Voltooien."""
    return _screen("questionnaires/summary.html", "questionnaires/_summary.html", filling,
                   url=_summary_url(filling), summary=filling.summary(),
                   last=filling.previous_step(filling.total + 1, filling.visible()),
                   notice=notice)


@bp.get("/vragenlijsten/<int:assignment_id>")
def start(assignment_id):
    """"Invullen": resume at the first unfinished step, or the summary when all are done."""
    filling = _open(assignment_id)
    first = filling.first_unfinished()
    return redirect(_step_url(filling, first) if first else _summary_url(filling))


@bp.get("/vragenlijsten/<int:assignment_id>/stap/<int:number>")
def step(assignment_id, number):
    """One step of the questionnaire, with the answers saved so far."""
    filling = _open(assignment_id)
    if filling.step(number) is None:
        abort(404)
    elsewhere = _where_allowed(filling, number)
    if elsewhere:
        return redirect(elsewhere)
    return _render_step(filling, number, filling.saved(number))


@bp.post("/vragenlijsten/<int:assignment_id>/stap/<int:number>")
def save(assignment_id, number):
    """"Volgende" checks and saves the step and moves on; "Vorige" saves what was typed,
    valid or not, and goes back. A save based on an older revision of the step is refused
    with the newer answers shown."""
    _db, filling = _filling(assignment_id)
    if filling.assignment.completed_at is not None:
        return _refuse_completed(filling)
    step_ = filling.step(number) or abort(404)
    first = filling.first_unfinished()
    if first is not None and number > first:
        return _go(_step_url(filling, first))
    revision = request.form.get("revision", type=record_id)
    if revision is None:
        abort(400)
    files = {q["id"]: request.files["q_" + q["id"]] for q in step_["questions"]
             if q["type"] == "upload" and chosen(request.files.get("q_" + q["id"]))}
    try:
        outcome = submit(filling, number, request.form, lambda values: save_answers(
            get_session(), current_user, filling, number, values, files, revision))
    except Completed:  # completed in another window while this save was under way
        return _refuse_completed(filling)
    if outcome.stale:
        return _stale(filling, number, outcome.values)
    if outcome.values is None:
        return _moved(outcome.filling, outcome.number)
    return _render_step(outcome.filling, number, outcome.values, outcome.problems,
                        notice=outcome.notice, status=outcome.status)


def _moved(filling, number):
    """After a save: step `number` (None: the summary), as a fragment for htmx."""
    if not is_htmx():
        return redirect(_step_url(filling, number) if number else _summary_url(filling), 303)
    if number is None:
        return _render_summary(filling)
    return _render_step(filling, number, filling.saved(number))


def _stale(filling, number, typed):
    """The step was saved elsewhere since this form was opened: show those answers, and
    what was typed here that differs, so the person can choose."""
    db = get_session()
    db.rollback()
    filling = load(db, filling.assignment)
    newer = filling.saved(number)
    unsaved = [(q["label"], display(q, typed.get(q["id"])))
               for q in filling.step(number)["questions"]
               if q["type"] != "upload" and typed.get(q["id"]) != newer.get(q["id"])]
    return _render_step(filling, number, newer, status=409, unsaved=unsaved, notice=_(
        "These answers were changed in another window or on another device after you "
        "opened this page. Below are the answers saved there; nothing has been "
        "overwritten. Check them and click Next to save."))


@bp.post("/vragenlijsten/<int:assignment_id>/stap/<int:number>/voorwaarden")
def conditions(assignment_id, number):
    """For htmx: the questions of a step that depend on another answer there, shown or
    hidden for what is typed now (nothing is saved)."""
    _db, filling = _filling(assignment_id)
    step_ = filling.step(number)
    if filling.assignment.completed_at is not None or step_ is None:
        abort(404)
    values = typed(filling, number, request.form)
    return render_template("questionnaires/_conditions.html", step=step_, values=values,
                           visible=filling.visible(filling.answers(number, values)),
                           controlling=controlling_ids(step_), conditions_url=request.path)


@bp.get("/vragenlijsten/<int:assignment_id>/overzicht")
def summary(assignment_id):
    """The last screen: every answer, with "Printen" and "Voltooien"."""
    filling = _open(assignment_id)
    first = filling.first_unfinished()
    if first is not None:
        return redirect(_step_url(filling, first))
    return _render_summary(filling)


@bp.post("/vragenlijsten/<int:assignment_id>/voltooien")
def finish(assignment_id):
    """"Voltooien": file the PDF in the dossier and take the questionnaire off Acties."""
    db, filling = _filling(assignment_id)
    if filling.assignment.completed_at is not None:
        return _refuse_completed(filling)
    first = filling.first_unfinished()
    if first is not None:
        flash(_("This step still needs answers before the questionnaire can be completed."),
              "warning")
        return _go(_step_url(filling, first))
    if request.form.get("fingerprint") != filling.fingerprint():
        return _changed_elsewhere(filling)
    try:
        document = complete(db, filling, current_user._get_current_object())
    except AnswersChanged:  # a step was saved elsewhere while the PDF was being made
        db.rollback()
        return _changed_elsewhere(load(db, filling.assignment))
    if document is None:
        return _refuse_completed(filling)
    flash(_("Thank you. The questionnaire has been completed."), "success")
    return _go(_done_url(filling))


def _changed_elsewhere(filling):
    """"Voltooien" on answers that were changed since the summary was shown: nothing is
    filed; the summary again with the newer answers (or the step that now needs some)."""
    first = filling.first_unfinished()
    if first is not None:
        flash(_("This step still needs answers before the questionnaire can be completed."),
              "warning")
        return _go(_step_url(filling, first))
    return _render_summary(filling, notice=_(
        "The answers were changed in another window or on another device. Check them "
        "below, then click Complete."))


@bp.get("/vragenlijsten/<int:assignment_id>/voltooid")
def done(assignment_id):
    """After completing: the answers, the PDF and where it is filed, and the documents the
    answers asked for while they are still open."""
    db, filling = _filling(assignment_id)
    if filling.assignment.completed_at is None:
        return redirect(url_for(".start", assignment_id=assignment_id))
    document = db.get(Document, filling.assignment.document_id)
    return render_template("questionnaires/done.html", version=filling.version,
                           assignment=filling.assignment, document=document,
                           dossier=db.get(Dossier, filling.assignment.dossier_id),
                           summary=filling.summary(),
                           requested=_requested(db, filling.assignment))


def _requested(db, assignment):
    """The open items of the request the completed `assignment` made (its client's), or []."""
    found = db.exec(select(DocumentRequest).where(
        DocumentRequest.assignment_id == assignment.id,
        DocumentRequest.client_id == assignment.client_id,
        DocumentRequest.completed_at.is_(None))).first()
    return active_items(db, found) if found is not None else []


@bp.get("/vragenlijsten/<int:assignment_id>/afdrukken")
def print_view(assignment_id):
    """The answers on a page made for printing (works without JavaScript)."""
    db, filling = _filling(assignment_id)
    if filling.assignment.completed_at is None and filling.first_unfinished() is not None:
        return redirect(url_for(".start", assignment_id=assignment_id))
    return render_template("questionnaires/print.html", version=filling.version,
                           assignment=filling.assignment,
                           dossier=db.get(Dossier, filling.assignment.dossier_id),
                           summary=filling.summary())
