"""The forms of the questionnaire builder and of sending a questionnaire."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..db import is_whole_number, record_id
from ..forms import FormKeyField, multi_line, single_line, strip
from ..questionnaires.builder import KEEP, TEXT_TYPES, TYPE_LABELS, option_lines
from ..questionnaires.builder_checks import condition_choices, earlier_questions
from ..questionnaires.definition import (
    CHOICE_TYPES,
    MAX_ITEM_EXPLANATION,
    MAX_ITEM_TITLE,
    condition_values,
)
from ..questionnaires.validation import parse_number

MAX_TEXT_LENGTH = 5000


def title_field(label, required):
    """A title of at most 200 characters on one line."""
    return StringField(label, filters=[single_line], validators=[
        DataRequired(required),
        Length(max=200, message=_l("The title may be at most 200 characters long."))])


def text_field(label, limit, too_long):
    """An optional text of at most `limit` characters, line breaks kept."""
    return TextAreaField(label, filters=[multi_line, strip],
                         validators=[Length(max=limit, message=too_long)])


class NewQuestionnaireForm(FlaskForm):
    title = title_field(_l("Title"), _l("Enter a title."))
    form_key = FormKeyField()  # a double click creates one questionnaire


class BuilderForm(FlaskForm):
    """A form of the builder; alone, its move and delete buttons. Each carries the
    fingerprint of the page it was on (builder.fingerprint)."""
    base = HiddenField()


class DetailsForm(BuilderForm):
    title = title_field(_l("Title"), _l("Enter a title."))
    introduction = text_field(_l("Introduction (optional)"), 5000, _l(
        "The introduction may be at most 5000 characters long."))


class StepForm(BuilderForm):
    title = title_field(_l("Title of the step"), _l("Enter a title for the step."))
    text = text_field(_l("Text above the questions (optional)"), 2000, _l(
        "The text may be at most 2000 characters long."))


class QuestionForm(BuilderForm):
    label = StringField(_l("Question"), filters=[single_line], validators=[
        DataRequired(_l("Enter the question.")),
        Length(max=500, message=_l("The question may be at most 500 characters long."))])
    type = SelectField(_l("Kind of answer"),
                       choices=[SelectChoice(k, label) for k, label in TYPE_LABELS.items()])
    required = BooleanField(_l("An answer is required"))
    help = text_field(_l("Help text (optional)"), 1000, _l(
        "The help text may be at most 1000 characters long."))
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
        allowed = condition_choices(source)
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


def question_form(draft, number, position=None, question=None, **data):
    """A QuestionForm for a question at this place (the end of step `number` when
    `position` is None), whose condition choices are the questions before it; `question`:
    the question it changes."""
    earlier = earlier_questions(draft, number, position)
    form = QuestionForm(earlier=earlier, **data)
    _condition_choices(form, earlier, (question or {}).get("show_if"))
    return form


def question_fields(question):
    """The fields of the form that changes `question`, as they are now."""
    condition = question.get("show_if")
    values = condition_values(condition) if condition else []
    return {"label": question["label"], "type": question["type"],
            "required": question.get("required", False), "help": question.get("help", ""),
            "options": option_lines(question), "minimum": _number_text(question.get("min")),
            "maximum": _number_text(question.get("max")),
            "max_length": str(question.get("max_length") or ""),
            "show_if": f"{condition['question']}={values[0]}" if len(values) == 1 else
            ("keep" if condition else "")}


def _number_text(value):
    """A stored minimum or maximum as the form shows it."""
    return "" if value is None else str(value)


def _condition_choices(form, earlier, current=None):
    """The choices of "Show this question": always, or for an answer to an earlier
    question; a condition the builder cannot offer is kept as it is."""
    choices = [SelectChoice("", _("Always"))]
    for question in earlier:
        for value, label in condition_choices(question) or []:
            choices.append(SelectChoice(f"{question['id']}={value}",
                                        _("Only if “%(question)s” is “%(value)s”",
                                          question=question["label"], value=label)))
    if current is not None:
        values = condition_values(current)
        key = f"{current['question']}={values[0]}" if len(values) == 1 else None
        if key not in {choice.value for choice in choices}:
            choices.append(SelectChoice("keep", _("Keep the current condition")))
    form.show_if.choices = choices


class MultiCheckboxField(SelectMultipleField):
    """Several options as checkboxes (the `choices` macro of _form.html writes them)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequestedForm(BuilderForm):
    """A document asked for on completion: from the firm's list (StandardItem) or typed,
    and, for a yes/no or choice question, the answers that ask for it."""
    answers = MultiCheckboxField(_l("Ask for it when the answer is"), validate_choice=False)
    standard = SelectField(_l("From the firm's list"), validate_choice=False)
    title = StringField(_l("Or type the title of the document"), filters=[single_line],
                        validators=[Length(max=MAX_ITEM_TITLE, message=_l(
                            "The title may be at most 200 characters long."))])
    explanation = text_field(_l("Explanation for the client (optional)"),
                             MAX_ITEM_EXPLANATION, _l("The explanation may be at most 1000 "
                                                      "characters long."))
    is_identity = BooleanField(_l("This is an identity document"))

    def __init__(self, *args, question=None, standard_items=(), **kwargs):
        """`question`: the yes/no or choice question the document depends on (None: the
        form keeps the condition it has); `standard_items`: the firm's list."""
        super().__init__(*args, **kwargs)
        self.question = question
        self.standard_items = {str(item.id): item for item in standard_items}
        self.standard.choices = [SelectChoice("", _("None: I type the document below"))] + [
            SelectChoice(str(item.id), _("%(title)s (identity document)", title=item.title)
                         if item.is_identity else item.title) for item in standard_items]
        choices = condition_choices(question) if question else None
        if choices is None:
            del self.answers
        else:
            self.answers.choices = [SelectChoice(value, label) for value, label in choices]

    def validate_answers(self, field):
        allowed = [choice.value for choice in field.choices]
        if not field.data:
            raise ValidationError(_l("Choose the answer, or answers, that ask for this "
                                     "document."))
        if not set(field.data) <= set(allowed):
            raise ValidationError(_l("“%(question)s” cannot have that answer. Choose one of "
                                     "its answers.", question=self.question["label"]))

    def validate_standard(self, field):
        if not field.data:
            return
        if field.data not in self.standard_items:
            raise ValidationError(_l("This document is no longer on the firm's list. Choose "
                                     "another one, or type the document below."))
        if self.title.data or self.explanation.data or self.is_identity.data:
            raise ValidationError(_l("Choose a document from the firm's list, or type one "
                                     "yourself below, not both."))

    def validate_title(self, field):
        if not self.standard.data and not field.data:
            raise ValidationError(_l("Choose a document from the firm's list, or type its "
                                     "title."))

    def fields(self):
        """What builder.requested_data writes into the requested document."""
        chosen = self.standard_items.get(self.standard.data or "")
        if chosen is not None:  # copied: the version stays as sent when the list changes
            fields = {"title": chosen.title, "explanation": chosen.explanation,
                      "is_identity": chosen.is_identity}
        else:
            fields = {"title": self.title.data, "explanation": self.explanation.data,
                      "is_identity": self.is_identity.data}
        if "answers" in self:
            values = [c.value for c in self.answers.choices if c.value in self.answers.data]
            fields["show_if"] = {"question": self.question["id"],
                                 "value": values[0] if len(values) == 1 else values}
        else:
            fields["show_if"] = KEEP
        return fields


def requested_fields(item):
    """The fields of the form that changes requested document `item`, as they are now."""
    condition = item.get("show_if")
    return {"title": item["title"], "explanation": item.get("explanation", ""),
            "is_identity": bool(item.get("is_identity")),
            "answers": condition_values(condition) if condition else []}


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
