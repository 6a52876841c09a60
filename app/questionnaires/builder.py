"""The questionnaire builder in plain functions: a questionnaire's working version and the
edits made to it (why edits work this way: docs/design.md, "The questionnaire builder")."""
import copy
import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from .. import audit
from ..models import Questionnaire, QuestionnaireAssignment, QuestionnaireVersion
from .builder_checks import (
    CONDITION_TYPES,
    BuilderError,
    check_condition,
    check_dependants,
    check_order,
    check_requested,
    keep_sound,
    refuse_if_needed,
)
from .definition import CHOICE_TYPES, DefinitionError, options

TYPE_LABELS = {
    "text": _l("Short text (one line)"),
    "textarea": _l("Long text"),
    "number": _l("Number"),
    "date": _l("Date"),
    "yesno": _l("Yes or no"),
    "choice": _l("Choice of one option"),
    "multichoice": _l("Choice of several options"),
    "email": _l("E-mail address"),
    "phone": _l("Phone number"),
    "iban": _l("Bank account number (IBAN)"),
    "upload": _l("Document (upload)"),
}
TEXT_TYPES = ("text", "textarea")
MAX_ID_LENGTH = 40


class Stale(Exception):
    """The questionnaire changed (or was sent) after the form was shown."""


# ---- the working version

def working_version(db, questionnaire, lock=False):
    """The latest version of a questionnaire; with `lock`, held for this transaction."""
    query = (select(QuestionnaireVersion)
             .where(QuestionnaireVersion.questionnaire_id == questionnaire.id)
             .order_by(QuestionnaireVersion.version.desc()).limit(1))
    if lock:
        # A send locks the same row, so an edit never slips in between a send's check and
        # its commit (on SQLite, BEGIN IMMEDIATE already serialises the two).
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.exec(query).one()


def times_sent(db, version):
    """How many times this version was sent to a client."""
    return db.exec(select(func.count()).where(
        QuestionnaireAssignment.version_id == version.id)).one()


def fingerprint(version):
    """A short hash of what the builder shows of a version: forms carry it, so an edit made
    on a page that is out of date is refused instead of overwriting a colleague's work."""
    data = json.dumps([version.id, version.title, version.introduction, version.definition],
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:20]


@dataclass
class Draft:
    """The editable copy of a working version."""

    title: str
    introduction: str
    steps: list
    requests: list = field(default_factory=list)  # documents asked for on completion

    @classmethod
    def of(cls, version):
        definition = version.definition or {}
        return cls(version.title, version.introduction or "",
                   copy.deepcopy(definition.get("steps", [])),
                   copy.deepcopy(definition.get("requests", [])))

    @property
    def definition(self):
        return {"steps": self.steps, **({"requests": self.requests} if self.requests else {})}

    def questions(self):
        """Every question, in order, as (step number, question)."""
        return [(n, q) for n, step in enumerate(self.steps, 1) for q in step["questions"]]

    def find(self, question_id):
        """(step number, position in the step, question), or None."""
        for n, step in enumerate(self.steps, 1):
            for i, question in enumerate(step["questions"]):
                if question["id"] == question_id:
                    return n, i, question
        return None

    def step(self, number):
        """Step `number` (from 1), or None."""
        return self.steps[number - 1] if 1 <= number <= len(self.steps) else None

    def requested(self, number):
        """Requested document `number` (from 1), or None."""
        return self.requests[number - 1] if 1 <= number <= len(self.requests) else None


def create_questionnaire(db, user, title):
    """A new questionnaire with an empty version 1; not committed."""
    questionnaire = Questionnaire(title=title, created_by_id=user.id)
    db.add(questionnaire)
    db.flush()
    db.add(QuestionnaireVersion(questionnaire_id=questionnaire.id, version=1, title=title,
                                definition={"steps": []}))
    audit.record(db, "questionnaire.created", actor=user, target=questionnaire, title=title)
    return questionnaire


def edit(db, user, questionnaire, base, change, what):
    """Apply `change` (a function of a Draft, which may raise BuilderError) to the working
    version, or to a new version when the working one was sent; commits. Raises Stale when
    the version is no longer the one `base` fingerprints. Returns what `change` returned."""
    version = working_version(db, questionnaire, lock=True)
    if base != fingerprint(version):
        db.rollback()
        raise Stale()
    draft = Draft.of(version)
    try:
        result = change(draft)
        keep_sound(draft)
    except BuilderError:
        db.rollback()
        raise
    if times_sent(db, version):
        target = QuestionnaireVersion(questionnaire_id=questionnaire.id,
                                      version=version.version + 1)
        db.add(target)
    else:
        target = version
    target.title, target.introduction = draft.title, draft.introduction
    target.definition = draft.definition
    questionnaire.title = draft.title
    db.add(questionnaire)
    audit.record(db, "questionnaire.changed", actor=user, target=questionnaire,
                 version=target.version, change=what)
    try:
        db.commit()
    except (IntegrityError, DefinitionError):  # a colleague made that version, or sent it
        db.rollback()
        raise Stale() from None
    return result


# ---- question ids

def slug(label):
    """An id for a question from its label: "Bent u gehuwd?" → "bent_u_gehuwd"."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return text[:MAX_ID_LENGTH].rstrip("_") or "question"


def unique_id(label, taken):
    """slug(label), with _2, _3, ... when another question already has it."""
    base = slug(label)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[:MAX_ID_LENGTH - len(str(n)) - 1]}_{n}"
    return candidate


# ---- edits: each is called with its arguments and gives the change `edit` applies

def _draft_change(function):
    """Make `function(draft, *args)` an edit: edit_name(*args) is the change for `edit`."""
    @functools.wraps(function)
    def change_with(*args):
        return lambda draft: function(draft, *args)
    return change_with


@_draft_change
def set_details(draft, title, introduction):
    draft.title, draft.introduction = title, introduction


@_draft_change
def add_step(draft, title, text):
    draft.steps.append(_step_data({"questions": []}, title, text))
    return len(draft.steps)


@_draft_change
def update_step(draft, number, title, text):
    step = draft.step(number)
    if step is None:
        raise BuilderError(_l("This step no longer exists."))
    _step_data(step, title, text)


def _step_data(step, title, text):
    step["title"] = title
    if text:
        step["text"] = text
    else:
        step.pop("text", None)
    return step


@_draft_change
def move_step(draft, number, offset):
    other = number + offset
    if draft.step(number) is None or draft.step(other) is None:
        return
    steps = draft.steps
    steps[number - 1], steps[other - 1] = steps[other - 1], steps[number - 1]
    check_order(draft)


@_draft_change
def delete_step(draft, number):
    step = draft.step(number)
    if step is not None:
        _delete(draft, step["questions"], draft.steps, number - 1)


@_draft_change
def add_question(draft, number, fields):
    """Add a question (see `question_data`) at the end of step `number`; returns its id."""
    step = draft.step(number)
    if step is None:
        raise BuilderError(_l("This step no longer exists."))
    taken = {q["id"] for _n, q in draft.questions()}
    question = question_data({"id": unique_id(fields["label"], taken)}, fields)
    step["questions"].append(question)
    check_condition(draft, question)
    return question["id"]


@_draft_change
def update_question(draft, question_id, fields):
    found = draft.find(question_id)
    if found is None:
        raise BuilderError(_l("This question no longer exists."))
    question = found[2]
    was_choice = question["type"] in CONDITION_TYPES
    question_data(question, fields)
    check_condition(draft, question)
    check_dependants(draft, question, was_choice)


@_draft_change
def move_question(draft, question_id, offset):
    """Move a question one place up or down; past the edge of its step it goes to the end
    of the step before or the start of the step after."""
    found = draft.find(question_id)
    if found is None:
        return
    n, i, question = found
    questions = draft.steps[n - 1]["questions"]
    if 0 <= i + offset < len(questions):
        questions[i], questions[i + offset] = questions[i + offset], questions[i]
    elif draft.step(n + offset) is not None:
        questions.pop(i)
        target = draft.steps[n + offset - 1]["questions"]
        if offset < 0:
            target.append(question)
        else:
            target.insert(0, question)
    check_order(draft)


@_draft_change
def delete_question(draft, question_id):
    found = draft.find(question_id)
    if found is not None:
        n, i, question = found
        _delete(draft, [question], draft.steps[n - 1]["questions"], i)


def _delete(draft, questions, items, index):
    """Delete items[index] (a step, or a question), which holds `questions`, unless a
    question elsewhere depends on one of them."""
    own = {q["id"] for q in questions}
    for question in questions:
        refuse_if_needed(draft, question, ignore=own)
    del items[index]


# ---- documents asked for on completion (the definition's "requests")

@_draft_change
def add_requested(draft, fields):
    """Ask for a document (see `requested_data`); returns its number."""
    item = requested_data({}, fields)
    draft.requests.append(item)
    check_requested(draft, item)
    return len(draft.requests)


@_draft_change
def update_requested(draft, number, fields):
    item = draft.requested(number)
    if item is None:
        raise BuilderError(_l("This document is no longer asked for."))
    requested_data(item, fields)
    check_requested(draft, item)


@_draft_change
def delete_requested(draft, number):
    if draft.requested(number) is not None:
        del draft.requests[number - 1]


def requested_data(item, fields):
    """Write the builder's fields into a requested document: title, explanation,
    is_identity and show_if (None: always; KEEP: as it is)."""
    condition = fields.get("show_if")
    if condition is KEEP:
        condition = item.get("show_if")
    item.clear()
    item.update(title=fields["title"], explanation=fields.get("explanation") or "",
                is_identity=bool(fields.get("is_identity")))
    if condition:
        item["show_if"] = condition
    return item


# ---- a question's fields

KEEP = object()  # "leave the question's condition as it is" (one the builder cannot show)


def question_data(question, fields):
    """Write the builder's fields into a question dict (its id is kept).

    `fields`: label, type, required, help, options (a list of strings), min, max,
    max_length, show_if (None, or {"question", "value"}, or KEEP for the current one)."""
    kind = fields["type"]
    question_id, previous = question["id"], question.get("options", [])
    condition = fields.get("show_if")
    if condition is KEEP:
        condition = question.get("show_if")
    question.clear()
    question.update(id=question_id, type=kind,
                    label=fields["label"], required=bool(fields.get("required")))
    if fields.get("help"):
        question["help"] = fields["help"]
    if kind in CHOICE_TYPES:
        question["options"] = _keep_option_objects(previous, fields["options"])
    if kind == "number":
        for key in ("min", "max"):
            if fields.get(key) is not None:
                question[key] = fields[key]
    if kind in TEXT_TYPES and fields.get("max_length"):
        question["max_length"] = fields["max_length"]
    if condition:
        question["show_if"] = condition
    return question


def _keep_option_objects(previous, labels):
    """The options for these labels, keeping {"value", "label"} objects whose label is
    unchanged, so answers and conditions that name their value keep working."""
    objects = {}
    for option in previous:
        if isinstance(option, dict):
            objects[str(option.get("label", ""))] = option
    return [objects.get(label, label) for label in labels]


def option_lines(question):
    """The options of a question as the builder's text area shows them: one label a line."""
    return "\n".join(label for _value, label in options(question))
