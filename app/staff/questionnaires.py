"""Staff side: questionnaires — the builder, its preview, sending one to a client for a
dossier, and following progress.

Any staff member may build and preview questionnaires: they are the firm's templates and
hold no client data. Sending one, and everything that was sent, follows the dossier rules
of app/staff/access.py. The logic lives in builder.py; these views validate, call it and
redirect. Everything works with plain forms and page loads.
"""
import json
from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..db import get_session, is_whole_number, record_id
from ..forms import FormKeyField, claim_form_key, multi_line, single_line, strip
from ..htmx import is_htmx, page_or_fragment
from ..models import Dossier, User
from ..notifications import dossier_clients
from ..questionnaires.answers import Filling, clean_step, load, oversized
from ..questionnaires.definition import CHOICE_TYPES, controlling_ids
from ..questionnaires.uploads import chosen
from ..questionnaires.validation import NOT_SAVED, parse_number
from ..uploads import clean_filename
from . import bp, builder
from .access import (
    get_staff_assignment,
    get_staff_dossier,
    get_staff_questionnaire,
    record_view,
    staff_dossiers,
)
from .builder import (
    KEEP,
    TEXT_TYPES,
    TYPE_LABELS,
    BuilderError,
    Draft,
    NotSendable,
    Stale,
)

STALE = _l("Someone else changed this questionnaire after you opened this page, so your "
           "change was not saved. Check the questionnaire below, then save again.")
MAX_TEXT_LENGTH = 5000


# ---- forms

class NewQuestionnaireForm(FlaskForm):
    title = StringField(_l("Title"), filters=[single_line], validators=[
        DataRequired(_l("Enter a title.")),
        Length(max=200, message=_l("The title may be at most 200 characters long."))])
    form_key = FormKeyField()  # a double click creates one questionnaire


class DetailsForm(FlaskForm):
    base = HiddenField()
    title = StringField(_l("Title"), filters=[single_line], validators=[
        DataRequired(_l("Enter a title.")),
        Length(max=200, message=_l("The title may be at most 200 characters long."))])
    introduction = TextAreaField(_l("Introduction (optional)"), filters=[multi_line, strip],
                                 validators=[
        Length(max=5000, message=_l("The introduction may be at most 5000 characters "
                                    "long."))])


class StepForm(FlaskForm):
    base = HiddenField()
    title = StringField(_l("Title of the step"), filters=[single_line], validators=[
        DataRequired(_l("Enter a title for the step.")),
        Length(max=200, message=_l("The title may be at most 200 characters long."))])
    text = TextAreaField(_l("Text above the questions (optional)"), filters=[multi_line, strip],
                         validators=[Length(max=2000, message=_l(
                             "The text may be at most 2000 characters long."))])


class BuilderButtonForm(FlaskForm):
    """The move and delete buttons: only the fingerprint of the page they were on."""
    base = HiddenField()


class QuestionForm(FlaskForm):
    base = HiddenField()
    label = StringField(_l("Question"), filters=[single_line], validators=[
        DataRequired(_l("Enter the question.")),
        Length(max=500, message=_l("The question may be at most 500 characters long."))])
    type = SelectField(_l("Kind of answer"),
                       choices=[SelectChoice(k, label) for k, label in TYPE_LABELS.items()])
    required = BooleanField(_l("An answer is required"))
    help = TextAreaField(_l("Help text (optional)"), filters=[multi_line, strip], validators=[
        Length(max=1000, message=_l("The help text may be at most 1000 characters long."))])
    options = TextAreaField(_l("Options, one per line"), filters=[multi_line, strip])
    minimum = StringField(_l("Lowest number allowed (optional)"), filters=[single_line])
    maximum = StringField(_l("Highest number allowed (optional)"), filters=[single_line])
    max_length = StringField(_l("Maximum number of characters (optional)"), filters=[single_line])
    show_if = SelectField(_l("Show this question"), validate_choice=False)

    def __init__(self, *args, earlier=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.earlier = {q["id"]: q for q in earlier}

    def option_list(self):
        """The options typed, one a line, without blank lines."""
        return [line.strip() for line in (self.options.data or "").splitlines()
                if line.strip()]

    def validate_options(self, field):
        if self.type.data not in CHOICE_TYPES:
            return
        lines = self.option_list()
        if not lines:
            raise ValidationError(_l("Enter the options to choose from, one per line."))
        if any(len(line) > 200 for line in lines):
            raise ValidationError(_l("An option may be at most 200 characters long."))
        twice = sorted({line for line in lines if lines.count(line) > 1})
        if twice:
            raise ValidationError(_l("Each option may be given only once: %(option)s.",
                                     option=", ".join(twice)))

    def number(self, field):
        """The number in `field` (int or float), or None when it is empty."""
        if self.type.data != "number" or not field.data:
            return None
        value = parse_number(field.data)
        return int(value) if value == value.to_integral_value() else float(value)

    def validate_minimum(self, field):
        if self.type.data == "number" and field.data and parse_number(field.data) is None:
            raise ValidationError(_l("Enter a number, such as 12 or 12,5."))

    def validate_maximum(self, field):
        if self.type.data != "number" or not field.data:
            return
        high = parse_number(field.data)
        if high is None:
            raise ValidationError(_l("Enter a number, such as 12 or 12,5."))
        low = parse_number(self.minimum.data or "")
        if low is not None and low > high:
            raise ValidationError(_l("The highest number may not be lower than the lowest."))

    def validate_max_length(self, field):
        if self.type.data not in TEXT_TYPES or not field.data:
            return
        if not is_whole_number(field.data) or not 1 <= int(field.data) <= MAX_TEXT_LENGTH:
            raise ValidationError(_l("Enter a whole number from 1 to %(max)s.",
                                     max=MAX_TEXT_LENGTH))

    def validate_show_if(self, field):
        if not field.data or field.data == "keep":  # None when the field was not sent
            return
        question_id, _sep, value = field.data.partition("=")
        source = self.earlier.get(question_id)
        if source is None:
            raise ValidationError(_l("A question can only depend on a question that comes "
                                     "before it. Choose an earlier question."))
        allowed = builder.condition_choices(source)
        if allowed is not None and value not in {v for v, _label in allowed}:
            raise ValidationError(_l("“%(question)s” cannot have that answer. Choose one of "
                                     "its answers.", question=source["label"]))

    def fields(self):
        """What builder.question_data writes into the question."""
        condition = self.show_if.data
        if condition == "keep":
            show_if = KEEP
        elif condition:
            question_id, _sep, value = condition.partition("=")
            show_if = {"question": question_id, "value": value}
        else:
            show_if = None
        kind = self.type.data
        return {"label": self.label.data, "type": kind, "required": self.required.data,
                "help": self.help.data, "options": self.option_list(),
                "min": self.number(self.minimum), "max": self.number(self.maximum),
                "max_length": int(self.max_length.data)
                if kind in TEXT_TYPES and self.max_length.data else None,
                "show_if": show_if}


def _condition_choices(form, earlier, current=None):
    """The choices of "Show this question": always, or for an answer to an earlier
    question; a condition the builder cannot offer is kept as it is."""
    choices = [SelectChoice("", _("Always"))]
    for question in earlier:
        for value, label in builder.condition_choices(question) or []:
            choices.append(SelectChoice(f"{question['id']}={value}",
                                        _("Only if “%(question)s” is “%(value)s”",
                                          question=question["label"], value=label)))
    if current is not None:
        values = builder.condition_values(current)
        key = f"{current['question']}={values[0]}" if len(values) == 1 else None
        if key not in {choice.value for choice in choices}:
            choices.append(SelectChoice("keep", _("Keep the current condition")))
    form.show_if.choices = choices


# ---- the list and a new questionnaire

@bp.get("/vragenlijsten")
def questionnaires():
    """Every questionnaire of the firm with its latest version, how often it was sent and
    completed; the form to start a new one."""
    return _list_page(NewQuestionnaireForm())


def _list_page(form, status=200):
    """The questionnaires page with `form`."""
    db = get_session()
    rows = [(q, v, sent, completed, builder.problems(v) if v else [])
            for q, v, sent, completed in builder.overview(db, current_user)]
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
    """(session, questionnaire, working version, Draft); 404 when it does not exist."""
    db = get_session()
    questionnaire = get_staff_questionnaire(db, current_user, questionnaire_id)
    version = builder.working_version(db, questionnaire)
    return db, questionnaire, version, Draft.of(version)


def _builder_context(db, questionnaire, version, draft):
    """What every builder page shows: the version, whether it was sent, and the fingerprint
    its forms carry."""
    return {"questionnaire": questionnaire, "version": version, "draft": draft,
            "sent": builder.times_sent(db, version), "base": builder.fingerprint(version),
            "problems": builder.problems(version), "type_labels": TYPE_LABELS,
            "condition_text": lambda condition: builder.condition_text(draft, condition)}


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


def _step_page(questionnaire_id, number, template, form, status=200):
    """A page about one step (edit, delete); 404 when the step does not exist."""
    db, questionnaire, version, draft = _questionnaire(questionnaire_id)
    step = draft.step(number) or abort(404)
    context = _builder_context(db, questionnaire, version, draft)
    if status == 200:
        form.base.data = context["base"]
    return render_template(template, form=form, step=step, number=number, **context), status


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
    form = BuilderButtonForm()
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
                          BuilderButtonForm(formdata=None))
    return _button(questionnaire_id, builder.delete_step(number), "step_deleted",
                   _("The step has been deleted."))


def _question_page(questionnaire_id, form, number, question=None, status=200):
    """The form of a new question at the end of step `number`, or of `question`."""
    db, questionnaire, version, draft = _questionnaire(questionnaire_id)
    context = _builder_context(db, questionnaire, version, draft)
    if status == 200:
        form.base.data = context["base"]
    return render_template("staff/builder_question.html", form=form, number=number,
                           step=draft.step(number), question=question, **context), status


def _question_form(draft, number, position=None, question=None, **data):
    """A QuestionForm whose condition choices are the questions before this place."""
    earlier = builder.earlier_questions(draft, number, position)
    form = QuestionForm(earlier=earlier, **data)
    _condition_choices(form, earlier, (question or {}).get("show_if"))
    return form


@bp.route("/vragenlijsten/<int:questionnaire_id>/stappen/<int:number>/vragen",
          methods=["GET", "POST"])
def add_question(questionnaire_id, number):
    """Add a question at the end of a step."""
    _db, _q, _version, draft = _questionnaire(questionnaire_id)
    if draft.step(number) is None:
        abort(404)
    if request.method == "GET":
        form = _question_form(draft, number, formdata=None, required=True)
        return _question_page(questionnaire_id, form, number)
    form = _question_form(draft, number)
    if not form.validate_on_submit():
        return _question_page(questionnaire_id, form, number, status=400)
    question_id, refused = _edit(questionnaire_id, form,
                                 builder.add_question(number, form.fields()), "question_added")
    if refused:
        return _question_page(questionnaire_id, form, number, status=refused)
    flash(_("The question has been added."), "success")
    return _to_builder(questionnaire_id, f"vraag-{question_id}")


@bp.route("/vragenlijsten/<int:questionnaire_id>/vragen/<question_id>",
          methods=["GET", "POST"])
def edit_question(questionnaire_id, question_id):
    """Change a question: its text, kind of answer, options, checks and condition."""
    _db, _q, _version, draft = _questionnaire(questionnaire_id)
    found = draft.find(question_id) or abort(404)
    number, position, question = found
    if request.method == "GET":
        condition = question.get("show_if")
        values = builder.condition_values(condition) if condition else []
        form = _question_form(
            draft, number, position, question, formdata=None, label=question["label"],
            type=question["type"], required=question.get("required", False),
            help=question.get("help", ""), options=builder.option_lines(question),
            minimum=_number_text(question.get("min")), maximum=_number_text(question.get("max")),
            max_length=str(question.get("max_length") or ""),
            show_if=f"{condition['question']}={values[0]}" if len(values) == 1 else
            ("keep" if condition else ""))
        return _question_page(questionnaire_id, form, number, question)
    form = _question_form(draft, number, position, question)
    if not form.validate_on_submit():
        return _question_page(questionnaire_id, form, number, question, 400)
    _result, refused = _edit(questionnaire_id, form,
                             builder.update_question(question_id, form.fields()),
                             "question_changed")
    if refused:
        return _question_page(questionnaire_id, form, number, question, refused)
    flash(_("The question has been saved."), "success")
    return _to_builder(questionnaire_id, f"vraag-{question_id}")


def _number_text(value):
    """A stored minimum or maximum as the form shows it."""
    return "" if value is None else str(value)


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


def _preview_step(questionnaire_id, version, filling, number, values, problems=None,
                  status=200, notice=None):
    """Step `number` as the client sees it, its form posting back to the preview."""
    step = filling.step(number)
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


def _preview_summary(questionnaire_id, version, filling):
    """The last screen of the preview: the answers, as the client sees them."""
    return _preview_screen(
        questionnaire_id, version, "staff/_questionnaire_preview_summary.html",
        summary=filling.summary(), last=filling.previous_step(filling.total + 1,
                                                              filling.visible()),
        hidden_fields={"_preview": _carried(filling)}, editable=False)


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


def _posted(step):
    """What the preview's form holds for each question of a step."""
    values = {}
    for question in step["questions"]:
        name = "q_" + question["id"]
        if question["type"] == "multichoice":
            values[question["id"]] = request.form.getlist(name)
        elif question["type"] != "upload":
            values[question["id"]] = request.form.get(name, "")
    return values


def _preview_values(filling, number, step):
    """The posted answers of a step, cleaned; a chosen file counts as handed in (its name
    only: the preview stores nothing)."""
    values, _problems = clean_step(step, _posted(step))
    saved = filling.saved(number)
    for question in step["questions"]:
        if question["type"] == "upload":
            upload = request.files.get("q_" + question["id"])
            values[question["id"]] = ({"document": "preview",
                                       "filename": clean_filename(upload.filename)}
                                      if chosen(upload) else saved.get(question["id"]))
    return values


@bp.post("/vragenlijsten/<int:questionnaire_id>/voorbeeld/<int:number>")
def preview_step(questionnaire_id, number):
    """"Volgende" and "Vorige" in the preview: checked like the client's, never stored."""
    _db, _q, version, _draft = _questionnaire(questionnaire_id)
    filling = _preview_filling(version)
    step = filling.step(number) or abort(404)
    if request.form.get("action") == "show":
        return _preview_step(questionnaire_id, version, filling, number,
                             filling.saved(number))
    values = _preview_values(filling, number, step)
    too_long = oversized(step, _posted(step))
    if too_long:  # refused as the client's save refuses it: kept in the form only
        return _preview_step(questionnaire_id, version, filling, number, values, too_long,
                             status=400, notice=NOT_SAVED)
    filling.rows[number] = SimpleNamespace(answers=values, revision=0)
    visible = filling.visible()
    if request.form.get("action") == "back":
        back = filling.previous_step(number, visible) or number
        return _preview_step(questionnaire_id, version, filling, back, filling.saved(back))
    appeared = {q["id"] for q in step["questions"] if q.get("show_if") and q["id"] in visible
                and q["id"] not in request.form.getlist("_shown")}
    problems = {qid: problem for qid, problem in filling.problems(number, values,
                                                                   visible).items()
                if qid not in appeared}
    if problems or appeared:
        notice = _("Your answer brought up more questions. Fill them in and click Next.") \
            if appeared else None
        return _preview_step(questionnaire_id, version, filling, number, values, problems,
                             status=400 if problems else 200, notice=notice)
    following = filling.next_step(number, visible)
    if following is None:
        return _preview_summary(questionnaire_id, version, filling)
    return _preview_step(questionnaire_id, version, filling, following,
                         filling.saved(following))


@bp.post("/vragenlijsten/<int:questionnaire_id>/voorbeeld/<int:number>/voorwaarden")
def preview_conditions(questionnaire_id, number):
    """For htmx in the preview: the questions of a step that depend on an answer there."""
    _db, _q, version, _draft = _questionnaire(questionnaire_id)
    filling = _preview_filling(version)
    step = filling.step(number) or abort(404)
    values = _preview_values(filling, number, step)
    return render_template("questionnaires/_conditions.html", step=step, values=values,
                           visible=filling.visible(filling.answers(number, values)),
                           controlling=controlling_ids(step), conditions_url=request.path)


# ---- sending

class SendForm(FlaskForm):
    questionnaire = SelectField(_l("Questionnaire"), coerce=record_id, validate_choice=False)
    client = SelectField(_l("Client"), coerce=record_id, validate_choice=False)
    form_key = FormKeyField()  # a double click sends once and says so once

    def validate_questionnaire(self, field):
        if not field.data or field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose a questionnaire."))

    def validate_client(self, field):
        if not field.data or field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose a client account of this dossier."))


def _send_choices(db, form, dossier):
    """The questionnaires ready to send, and the client accounts of the dossier."""
    form.questionnaire.choices = [SelectChoice(0, _("Choose a questionnaire"))] + [
        SelectChoice(q.id, _("%(title)s (version %(number)s)", title=v.title,
                             number=v.version))
        for q, v, _sent, _done in builder.overview(db, current_user)
        if v is not None and not builder.problems(v)]
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
    rows = builder.sent_rows(db, current_user, dossier_id=dossier.id)
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
        builder.send(db, current_user, questionnaire, dossier, client)
    except NotSendable as error:
        form.form_errors.append(error.args[0])
        return _dossier_page(dossier, form, 400)
    flash(_("The questionnaire has been sent to %(name)s. It is under Actions in the client "
            "portal.", name=client.name), "success")
    return redirect(sent_url, 303)


@bp.get("/vragenlijsten/<int:questionnaire_id>/versturen")
def choose_dossier(questionnaire_id):
    """Send from the builder: choose the dossier, then the client on that dossier's page."""
    db, questionnaire, version, _draft = _questionnaire(questionnaire_id)
    dossier_id = request.args.get("dossier", type=record_id)
    if dossier_id:
        dossier = get_staff_dossier(db, current_user, dossier_id)
        return redirect(url_for(".dossier_questionnaires", dossier_id=dossier.id,
                                vragenlijst=questionnaire.id, _anchor="versturen"), 303)
    dossiers = db.exec(staff_dossiers(current_user).order_by(Dossier.number)).all()
    return render_template("staff/questionnaire_send.html", questionnaire=questionnaire,
                           version=version, dossiers=dossiers,
                           problems=builder.problems(version),
                           missing=request.args.get("dossier") is not None)


# ---- following progress

STATES = {"open": _l("Not completed"), "completed": _l("Completed")}


@bp.get("/vragenlijsten/verstuurd")
def sent_questionnaires():
    """Every questionnaire sent in the dossiers this staff member may see, with progress."""
    db = get_session()
    questionnaire_id = request.args.get("vragenlijst", type=record_id) or None
    state = request.args.get("status") if request.args.get("status") in STATES else None
    rows = builder.sent_rows(db, current_user, questionnaire_id=questionnaire_id,
                             state=state)
    choices = [(q.id, q.title) for q, _v, sent, _done in builder.overview(db, current_user)
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
                           progress=builder.progress(filling), summary=filling.summary(),
                           dossier=db.get(Dossier, assignment.dossier_id),
                           client=db.get(User, assignment.client_id),
                           sender=db.get(User, assignment.sent_by_id)
                           if assignment.sent_by_id else None, editable=False)


@bp.app_template_global("questionnaire_status")
def _questionnaire_status(progress, assignment):
    """The progress of a sent questionnaire in words."""
    if progress.state == "completed":
        return _("Completed on %(date)s", date=format_datetime(assignment.completed_at,
                                                                "short"))
    if progress.state == "step":
        return _("Step %(number)s of %(total)s", number=progress.number, total=progress.total)
    if progress.state == "answered":
        return _("All steps answered, not completed yet")
    return _("Not started")

