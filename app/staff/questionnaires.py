"""Staff side: the questionnaires, their builder (with the documents their answers ask for)
and its preview. Any staff member may build and preview them (they hold no client data); the
logic is in app/questionnaires/builder.py, sending and following progress in
questionnaire_sending.py."""
import json
from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select

from ..db import get_session, is_whole_number
from ..forms import claim_form_key
from ..htmx import is_htmx, page_or_fragment
from ..models import StandardItem
from ..questionnaires import builder
from ..questionnaires.answers import Filling, clean_step, oversized
from ..questionnaires.builder import TYPE_LABELS, Draft, Stale
from ..questionnaires.builder_checks import (
    BuilderError,
    condition_answers,
    condition_choices,
    condition_text,
    problems,
    requested_for,
)
from ..questionnaires.definition import controlling_ids, requested_items, requests_of
from ..questionnaires.sending import overview
from ..questionnaires.submit import file_answers, submit, typed
from ..questionnaires.uploads import chosen
from ..uploads import clean_filename
from . import bp
from .access import get_staff_questionnaire, staff_dossier_ids
from .questionnaire_forms import (
    BuilderForm,
    DetailsForm,
    NewQuestionnaireForm,
    RequestedForm,
    StepForm,
    question_fields,
    question_form,
    requested_fields,
)

STALE = _l("Someone else changed this questionnaire after you opened this page, so your "
           "change was not saved. Check the questionnaire below, then save again.")


# ---- the list and a new questionnaire

@bp.get("/vragenlijsten")
def questionnaires():
    """Every questionnaire of the firm with its latest version, how often it was sent and
    completed; the form to start a new one."""
    return _list_page(NewQuestionnaireForm())


def _list_page(form, status=200):
    """The questionnaires page with `form`."""
    db = get_session()
    rows = [(q, v, sent, completed, problems(v) if v else [])
            for q, v, sent, completed in overview(db, staff_dossier_ids(current_user))]
    return render_template("staff/questionnaires.html", rows=rows, form=form), status


@bp.post("/vragenlijsten")
def create_questionnaire():
    """Start a new questionnaire and open its builder."""
    form = NewQuestionnaireForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    db = get_session()
    questionnaire = builder.create_questionnaire(db, current_user, form.title.data)
    url = url_for(".questionnaire_builder", questionnaire_id=questionnaire.id)
    earlier = claim_form_key(db, current_user, form.form_key.data, url)
    if earlier is not None:  # the other request of a double click created it
        db.rollback()
        return redirect(earlier, 303)
    db.commit()
    flash(_("The questionnaire has been created. Add its first step."), "success")
    return redirect(url, 303)


# ---- the builder

def _questionnaire(questionnaire_id):
    """(db, questionnaire, working version, Draft); 404 when it does not exist."""
    db = get_session()
    questionnaire = get_staff_questionnaire(db, current_user, questionnaire_id)
    version = builder.working_version(db, questionnaire)
    return db, questionnaire, version, Draft.of(version)


def _builder_context(db, questionnaire, version, draft):
    """What every builder page shows: the version, whether it was sent, and the fingerprint
    its forms carry."""
    return {"questionnaire": questionnaire, "version": version, "draft": draft,
            "sent": builder.times_sent(db, version), "base": builder.fingerprint(version),
            "problems": problems(version), "type_labels": TYPE_LABELS,
            "condition_text": lambda condition: condition_text(draft, condition),
            "asks_for": lambda question: condition_choices(question) is not None,
            "answer_labels": condition_answers,
            "requested_for": lambda question_id: requested_for(draft, question_id)}


def _builder_page(questionnaire_id, details_form=None, step_form=None, status=200):
    """The builder of a questionnaire, with its two forms (kept as typed after an error)."""
    db, questionnaire, version, draft = _questionnaire(questionnaire_id)
    context = _builder_context(db, questionnaire, version, draft)
    # A form sent back with a problem keeps its own fingerprint (a refused stale one was
    # given the current one by _edit); a fresh form gets the current one.
    if details_form is None:
        details_form = DetailsForm(formdata=None, title=version.title,
                                   introduction=version.introduction, base=context["base"])
    if step_form is None:
        step_form = StepForm(formdata=None, prefix="step", base=context["base"])
    return render_template("staff/builder.html", details_form=details_form,
                           step_form=step_form, **context), status


@bp.get("/vragenlijsten/<int:questionnaire_id>")
def questionnaire_builder(questionnaire_id):
    """The builder: title, introduction, the steps and their questions."""
    return _builder_page(questionnaire_id)


def _edit(questionnaire_id, form, change, what):
    """Run a builder edit; (result, None) or (None, the HTTP status of a refusal, with the
    reason added to the form's errors)."""
    db = get_session()
    questionnaire = get_staff_questionnaire(db, current_user, questionnaire_id)
    try:
        return builder.edit(db, current_user, questionnaire, form.base.data, change, what), None
    except Stale:
        form.form_errors.append(STALE)
        form.base.data = builder.fingerprint(builder.working_version(db, questionnaire))
        return None, 409
    except BuilderError as error:
        form.form_errors.append(error.args[0])
        return None, 400


def _save(questionnaire_id, form, change, what, page, done, anchor):
    """A builder form sent: validate it, apply `change()` (called once it is valid) and go
    back to the builder at `anchor(result)` with `done`; else `page(status)`, the form as
    typed with the problem."""
    if not form.validate_on_submit():
        return page(400)
    result, refused = _edit(questionnaire_id, form, change(), what)
    if refused:
        return page(refused)
    flash(done, "success")
    return _to_builder(questionnaire_id, anchor(result))


def _to_builder(questionnaire_id, anchor=None):
    """Back to the builder, at `anchor`."""
    return redirect(url_for(".questionnaire_builder", questionnaire_id=questionnaire_id,
                            _anchor=anchor), 303)


@bp.post("/vragenlijsten/<int:questionnaire_id>/gegevens")
def save_details(questionnaire_id):
    """Save the title and the introduction."""
    form = DetailsForm()
    if not form.validate_on_submit():
        return _builder_page(questionnaire_id, details_form=form, status=400)
    _result, refused = _edit(questionnaire_id, form, builder.set_details(
        form.title.data, form.introduction.data), "details")
    if refused:
        return _builder_page(questionnaire_id, details_form=form, status=refused)
    flash(_("The title and introduction have been saved."), "success")
    return _to_builder(questionnaire_id)


@bp.post("/vragenlijsten/<int:questionnaire_id>/stappen")
def add_step(questionnaire_id):
    """Add a step at the end."""
    form = StepForm(prefix="step")  # the details form on the same page has a title too
    if not form.validate_on_submit():
        return _builder_page(questionnaire_id, step_form=form, status=400)
    number, refused = _edit(questionnaire_id, form,
                            builder.add_step(form.title.data, form.text.data), "step_added")
    if refused:
        return _builder_page(questionnaire_id, step_form=form, status=refused)
    flash(_("The step has been added. Now add its questions."), "success")
    return _to_builder(questionnaire_id, f"stap-{number}")


def _form_page(questionnaire_id, template, form, status, more):
    """A builder page with `form` (shown fresh, it carries the current fingerprint) and
    what `more(draft)` adds to the builder's context."""
    db, questionnaire, version, draft = _questionnaire(questionnaire_id)
    context = _builder_context(db, questionnaire, version, draft)
    if status == 200:
        form.base.data = context["base"]
    return render_template(template, form=form, **more(draft), **context), status


def _step_page(questionnaire_id, number, template, form, status=200):
    """A page about one step (edit, delete); 404 when the step does not exist."""
    return _form_page(questionnaire_id, template, form, status, lambda draft: {
        "step": draft.step(number) or abort(404), "number": number})


@bp.route("/vragenlijsten/<int:questionnaire_id>/stappen/<int:number>",
          methods=["GET", "POST"])
def edit_step(questionnaire_id, number):
    """Rename a step, or change the text above its questions."""
    if request.method == "GET":
        _db, _questionnaire_, _version, draft = _questionnaire(questionnaire_id)
        step = draft.step(number) or abort(404)
        form = StepForm(formdata=None, title=step["title"], text=step.get("text", ""))
        return _step_page(questionnaire_id, number, "staff/builder_step.html", form)
    form = StepForm()
    if not form.validate_on_submit():
        return _step_page(questionnaire_id, number, "staff/builder_step.html", form, 400)
    _result, refused = _edit(questionnaire_id, form, builder.update_step(
        number, form.title.data, form.text.data), "step_changed")
    if refused:
        return _step_page(questionnaire_id, number, "staff/builder_step.html", form, refused)
    flash(_("The step has been saved."), "success")
    return _to_builder(questionnaire_id, f"stap-{number}")


def _button(questionnaire_id, change, what, done, anchor=None):
    """A move or delete button: apply it, or say why not; back to the builder either way."""
    form = BuilderForm()
    if not form.validate_on_submit():
        abort(400)
    _result, refused = _edit(questionnaire_id, form, change, what)
    if refused:
        flash(form.form_errors[0], "error")
        return _to_builder(questionnaire_id)
    flash(done, "success")
    return _to_builder(questionnaire_id, anchor)


def _offset():
    """+1 for "down", -1 for "up"."""
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    return -1 if direction == "up" else 1


@bp.post("/vragenlijsten/<int:questionnaire_id>/stappen/<int:number>/verplaatsen")
def move_step(questionnaire_id, number):
    """Move a step one place up or down."""
    offset = _offset()
    return _button(questionnaire_id, builder.move_step(number, offset), "step_moved",
                   _("The step has been moved."), f"stap-{number + offset}")


@bp.route("/vragenlijsten/<int:questionnaire_id>/stappen/<int:number>/verwijderen",
          methods=["GET", "POST"])
def delete_step(questionnaire_id, number):
    """Delete a step and its questions, after a confirmation."""
    if request.method == "GET":
        return _step_page(questionnaire_id, number, "staff/builder_step_delete.html",
                          BuilderForm(formdata=None))
    return _button(questionnaire_id, builder.delete_step(number), "step_deleted",
                   _("The step has been deleted."))


def _question_page(questionnaire_id, form, number, question=None, status=200):
    """The form of a new question at the end of step `number`, or of `question`."""
    return _form_page(questionnaire_id, "staff/builder_question.html", form, status,
                      lambda draft: {"number": number, "step": draft.step(number),
                                     "question": question})


@bp.route("/vragenlijsten/<int:questionnaire_id>/stappen/<int:number>/vragen",
          methods=["GET", "POST"])
def add_question(questionnaire_id, number):
    """Add a question at the end of a step."""
    _db, _q, _version, draft = _questionnaire(questionnaire_id)
    if draft.step(number) is None:
        abort(404)
    if request.method == "GET":
        form = question_form(draft, number, formdata=None, required=True)
        return _question_page(questionnaire_id, form, number)
    form = question_form(draft, number)
    return _save(questionnaire_id, form, lambda: builder.add_question(number, form.fields()),
                 "question_added",
                 lambda status: _question_page(questionnaire_id, form, number, status=status),
                 _("The question has been added."), lambda question_id: f"vraag-{question_id}")


@bp.route("/vragenlijsten/<int:questionnaire_id>/vragen/<question_id>",
          methods=["GET", "POST"])
def edit_question(questionnaire_id, question_id):
    """Change a question: its text, kind of answer, options, checks and condition."""
    _db, _q, _version, draft = _questionnaire(questionnaire_id)
    found = draft.find(question_id) or abort(404)
    number, position, question = found
    if request.method == "GET":
        form = question_form(draft, number, position, question, formdata=None,
                             **question_fields(question))
        return _question_page(questionnaire_id, form, number, question)
    form = question_form(draft, number, position, question)
    return _save(questionnaire_id, form,
                 lambda: builder.update_question(question_id, form.fields()),
                 "question_changed",
                 lambda status: _question_page(questionnaire_id, form, number, question, status),
                 _("The question has been saved."), lambda _result: f"vraag-{question_id}")


@bp.post("/vragenlijsten/<int:questionnaire_id>/vragen/<question_id>/verplaatsen")
def move_question(questionnaire_id, question_id):
    """Move a question one place up or down (past the edge of its step: into the next)."""
    return _button(questionnaire_id, builder.move_question(question_id, _offset()),
                   "question_moved", _("The question has been moved."), f"vraag-{question_id}")


@bp.post("/vragenlijsten/<int:questionnaire_id>/vragen/<question_id>/verwijderen")
def delete_question(questionnaire_id, question_id):
    """Delete a question."""
    return _button(questionnaire_id, builder.delete_question(question_id), "question_deleted",
                   _("The question has been deleted."))


# ---- documents asked for on completion, depending on an answer

def _asking_question(draft, question_id):
    """The yes/no or choice question `question_id` of the draft, else 404."""
    found = draft.find(question_id)
    if found is None or condition_choices(found[2]) is None:
        abort(404)
    return found[2]


def _requested_form(db, question, **kwargs):
    """A RequestedForm for a document depending on `question`, with the firm's list."""
    items = db.exec(select(StandardItem).order_by(StandardItem.position,
                                                  StandardItem.id)).all()
    return RequestedForm(question=question, standard_items=items, **kwargs)


def _requested_page(questionnaire_id, form, question, number=None, status=200):
    """The form of a new requested document for `question`, or of document `number`."""
    return _form_page(questionnaire_id, "staff/builder_requested.html", form, status,
                      lambda draft: {
                          "question": question, "number": number,
                          "item": draft.requested(number) if number else None,
                          "attached": requested_for(draft, question["id"])
                          if question and not number else []})


@bp.route("/vragenlijsten/<int:questionnaire_id>/vragen/<question_id>/stukken",
          methods=["GET", "POST"])
def add_requested(questionnaire_id, question_id):
    """Ask for a document when the client gives one of the chosen answers to a yes/no or
    choice question (from the firm's list, or typed)."""
    db, _q, _version, draft = _questionnaire(questionnaire_id)
    question = _asking_question(draft, question_id)
    if request.method == "GET":
        form = _requested_form(db, question, formdata=None)
        return _requested_page(questionnaire_id, form, question)
    form = _requested_form(db, question)
    return _save(questionnaire_id, form, lambda: builder.add_requested(form.fields()),
                 "document_requested",
                 lambda status: _requested_page(questionnaire_id, form, question,
                                                status=status),
                 _("The document has been added. The client is asked for it on completing "
                   "the questionnaire with that answer."), lambda number: f"stuk-{number}")


@bp.route("/vragenlijsten/<int:questionnaire_id>/stukken/<int:number>",
          methods=["GET", "POST"])
def edit_requested(questionnaire_id, number):
    """Change a requested document: which one, and the answers that ask for it."""
    db, _q, _version, draft = _questionnaire(questionnaire_id)
    item = draft.requested(number) or abort(404)
    condition = item.get("show_if")
    found = draft.find(condition["question"]) if condition else None
    question = found[2] if found and condition_choices(found[2]) is not None else None
    if request.method == "GET":
        form = _requested_form(db, question, formdata=None, **requested_fields(item))
        return _requested_page(questionnaire_id, form, question, number)
    form = _requested_form(db, question)
    return _save(questionnaire_id, form,
                 lambda: builder.update_requested(number, form.fields()),
                 "requested_document_changed",
                 lambda status: _requested_page(questionnaire_id, form, question, number,
                                                status),
                 _("The document has been saved."), lambda _result: f"stuk-{number}")


@bp.post("/vragenlijsten/<int:questionnaire_id>/stukken/<int:number>/verwijderen")
def delete_requested(questionnaire_id, number):
    """No longer ask for a document."""
    return _button(questionnaire_id, builder.delete_requested(number),
                   "requested_document_deleted", _("The document is no longer asked for."),
                   "stukken")


# ---- the preview: the client's own screens, answers carried in the form, nothing stored

def _preview_filling(version):
    """A Filling of `version` holding the answers carried by the preview's form."""
    try:
        carried = json.loads(request.form.get("_preview") or "{}")
    except ValueError:
        carried = {}
    filling = Filling(SimpleNamespace(id=None, completed_at=None), version, {})
    if isinstance(carried, dict):
        for number, answers in carried.items():
            step = filling.step(int(number)) if is_whole_number(number) else None
            if step is not None and isinstance(answers, dict) \
                    and not oversized(step, answers):
                # Cleaned again: the field comes from the browser, like any other input.
                filling.rows[int(number)] = SimpleNamespace(
                    answers=clean_step(step, answers)[0], revision=0)
    return filling


def _carried(filling):
    """The preview's answers as the hidden field carries them."""
    return json.dumps({str(n): row.answers for n, row in sorted(filling.rows.items())},
                      ensure_ascii=False, default=str)


def _preview_screen(questionnaire_id, version, fragment, **context):
    """The preview page around a client screen; for htmx the screen alone."""
    context.update(version=version, questionnaire_id=questionnaire_id, focus=is_htmx(),
                   dossier=SimpleNamespace(number="0000-000",
                                           description=_("example dossier")))
    return page_or_fragment("staff/questionnaire_preview.html", fragment, fragment=fragment,
                            **context)


def _preview_step(questionnaire_id, version, filling, number, values=None, problems=None,
                  status=200, notice=None):
    """Step `number` as the client sees it (with its carried answers when `values` is
    None), its form posting back to the preview; None: the last screen."""
    if number is None:
        return _preview_screen(
            questionnaire_id, version, "staff/_questionnaire_preview_summary.html",
            summary=filling.summary(), last=filling.previous_step(filling.total + 1,
                                                                  filling.visible()),
            hidden_fields={"_preview": _carried(filling)}, editable=False,
            asks_documents=bool(requests_of(version.definition)),
            requested=requested_items(version.definition, filling.answers()))
    step = filling.step(number)
    values = filling.saved(number) if values is None else values
    visible = filling.visible(filling.answers(number, values))
    response = _preview_screen(
        questionnaire_id, version, "questionnaires/_step.html",
        url=url_for(".preview_step", questionnaire_id=questionnaire_id, number=number),
        number=number, step=step, values=values, position=filling.position(number, visible),
        problems={k: v for k, v in (problems or {}).items() if k in visible},
        visible=visible, controlling=controlling_ids(step), revision=0,
        previous=filling.previous_step(number, visible), notice=notice,
        has_upload=any(q["type"] == "upload" for q in step["questions"]),
        conditions_url=url_for(".preview_conditions", questionnaire_id=questionnaire_id,
                               number=number),
        hidden_fields={"_preview": _carried(filling)})
    if not is_htmx():  # htmx does not swap an error answer: it gets the 200 fragment
        response.status_code = status
    return response


@bp.get("/vragenlijsten/<int:questionnaire_id>/voorbeeld")
def preview(questionnaire_id):
    """Preview: the first step of the latest version as the client will see it."""
    _db, _q, version, _draft = _questionnaire(questionnaire_id)
    filling = _preview_filling(version)
    first = filling.next_step(0, filling.visible())
    if first is None:
        return render_template("staff/questionnaire_preview.html", version=version,
                               questionnaire_id=questionnaire_id, fragment=None)
    return _preview_step(questionnaire_id, version, filling, first, {})


def _chosen_files(step):
    """The files chosen in the preview's form as answers: by name only, nothing is kept."""
    found = {}
    for question in step["questions"]:
        upload = request.files.get("q_" + question["id"])
        if question["type"] == "upload" and chosen(upload):
            found[question["id"]] = {"document": "preview",
                                     "filename": clean_filename(upload.filename)}
    return found


@bp.post("/vragenlijsten/<int:questionnaire_id>/voorbeeld/<int:number>")
def preview_step(questionnaire_id, number):
    """"Volgende" and "Vorige" in the preview: checked like the client's, never stored."""
    _db, _q, version, _draft = _questionnaire(questionnaire_id)
    filling = _preview_filling(version)
    step = filling.step(number) or abort(404)
    if request.form.get("action") == "show":
        return _preview_step(questionnaire_id, version, filling, number)

    def carry(values):  # kept in the Filling only: the next screen's form carries it
        filling.rows[number] = SimpleNamespace(answers=values, revision=0)
        return filling, {}

    outcome = submit(filling, number, request.form, carry,
                     uploads=file_answers(filling, number, _chosen_files(step)))
    return _preview_step(questionnaire_id, version, filling, outcome.number, outcome.values,
                         outcome.problems, outcome.status, outcome.notice)


@bp.post("/vragenlijsten/<int:questionnaire_id>/voorbeeld/<int:number>/voorwaarden")
def preview_conditions(questionnaire_id, number):
    """For htmx in the preview: the questions of a step that depend on an answer there."""
    _db, _q, version, _draft = _questionnaire(questionnaire_id)
    filling = _preview_filling(version)
    step = filling.step(number) or abort(404)
    values = typed(filling, number, request.form, _chosen_files(step))
    return render_template("questionnaires/_conditions.html", step=step, values=values,
                           visible=filling.visible(filling.answers(number, values)),
                           controlling=controlling_ids(step), conditions_url=request.path)
