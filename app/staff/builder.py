"""The questionnaire builder's logic in plain functions: editing a definition, sending it,
and following what clients did with it.

A questionnaire's *working version* is its latest one. While no client has it, an edit
changes it in place; once it has been sent, the first edit makes the next version and the
sent one never changes (answers are stored by question id: app/questionnaires/definition.py).
A working version may be unfinished — no steps yet, or a step without questions — and
`problems` says what still stands in the way of sending it; every edit keeps the rest of
`check_definition` true, so a finished draft always passes it.
"""
import copy
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from .. import audit
from ..models import (
    ROLE_SECRETARY,
    Dossier,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    User,
)
from ..notifications import dossier_clients, notify
from ..questionnaires.answers import Filling
from ..questionnaires.definition import (
    CHOICE_TYPES,
    DefinitionError,
    check_definition,
    condition_values,
    options,
)
from .access import staff_dossier_ids

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
# Types whose answers a condition can name: a fixed set of values to pick from.
CONDITION_TYPES = ("yesno",) + CHOICE_TYPES
TEXT_TYPES = ("text", "textarea")
MAX_ID_LENGTH = 40


class BuilderError(ValueError):
    """An edit the builder refuses; its argument is a message for the staff member."""


class Stale(Exception):
    """The questionnaire changed (or was sent) after the form was shown."""


# ---- the working version

def working_version(session, questionnaire, lock=False):
    """The latest version of a questionnaire; with `lock`, held for this transaction."""
    query = (select(QuestionnaireVersion)
             .where(QuestionnaireVersion.questionnaire_id == questionnaire.id)
             .order_by(QuestionnaireVersion.version.desc()).limit(1))
    if lock:
        # A send locks the same row, so an edit never slips in between a send's check and
        # its commit (on SQLite, BEGIN IMMEDIATE already serialises the two).
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).one()


def times_sent(session, version):
    """How many times this version was sent to a client."""
    return session.exec(select(func.count()).where(
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

    @classmethod
    def of(cls, version):
        return cls(version.title, version.introduction or "",
                   copy.deepcopy((version.definition or {}).get("steps", [])))

    @property
    def definition(self):
        return {"steps": self.steps}

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


def create_questionnaire(session, user, title):
    """A new questionnaire with an empty version 1; not committed."""
    questionnaire = Questionnaire(title=title, created_by_id=user.id)
    session.add(questionnaire)
    session.flush()
    session.add(QuestionnaireVersion(questionnaire_id=questionnaire.id, version=1, title=title,
                                     definition={"steps": []}))
    audit.record(session, "questionnaire.created", actor=user, target=questionnaire,
                 title=title)
    return questionnaire


def edit(session, user, questionnaire, base, change, what):
    """Apply `change` (a function of a Draft, which may raise BuilderError) to the working
    version, or to a new version when the working one was sent; commits. Raises Stale when
    the version is no longer the one `base` fingerprints. Returns what `change` returned."""
    version = working_version(session, questionnaire, lock=True)
    if base != fingerprint(version):
        session.rollback()
        raise Stale()
    draft = Draft.of(version)
    try:
        result = change(draft)
        _keep_sound(draft)
    except BuilderError:
        session.rollback()
        raise
    if times_sent(session, version):
        target = QuestionnaireVersion(questionnaire_id=questionnaire.id,
                                      version=version.version + 1)
        session.add(target)
    else:
        target = version
    target.title, target.introduction = draft.title, draft.introduction
    target.definition = draft.definition
    questionnaire.title = draft.title
    session.add(questionnaire)
    audit.record(session, "questionnaire.changed", actor=user, target=questionnaire,
                 version=target.version, change=what)
    try:
        session.commit()
    except (IntegrityError, DefinitionError):  # a colleague made that version, or sent it
        session.rollback()
        raise Stale() from None
    return result


def _keep_sound(draft):
    """Refuse a draft that breaks check_definition for another reason than being unfinished."""
    if not draft.title.strip():
        raise BuilderError(_l("Enter a title."))
    finished = [step for step in draft.steps if step["questions"]]
    try:
        if finished:
            check_definition({"steps": finished})
    except DefinitionError as error:
        raise BuilderError(_l("This change would make the questionnaire invalid (%(detail)s).",
                              detail=str(error))) from None


def problems(version):
    """What stands between a version and sending it, as messages ([] when it may be sent)."""
    steps = (version.definition or {}).get("steps", [])
    if not steps:
        return [_l("Add at least one step with a question.")]
    found = [_l("Step %(number)s (%(title)s) has no questions yet.", number=n,
                title=step["title"])
             for n, step in enumerate(steps, 1) if not step["questions"]]
    if not found:
        try:
            check_definition(version.definition)
        except DefinitionError as error:
            found.append(_l("The questionnaire is not valid (%(detail)s).", detail=str(error)))
    return found


# ---- question ids and conditions

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


def condition_choices(question):
    """[(value, label)] a condition on this question can ask for; None: any text."""
    if question["type"] == "yesno":
        return [("yes", _l("Yes")), ("no", _l("No"))]
    if question["type"] in CHOICE_TYPES:
        return options(question)
    return None


def condition_text(draft_or_questions, condition):
    """"Bent u gehuwd? is Ja" for a show_if condition, in the current language."""
    questions = {q["id"]: q for _n, q in draft_or_questions.questions()}
    source = questions.get(condition["question"])
    if source is None:
        return condition["question"]
    labels = dict(condition_choices(source) or [])
    values = [str(labels.get(v, v)) for v in condition_values(condition)]
    return _l("the answer to “%(question)s” is “%(value)s”", question=source["label"],
              value=str(_l("” or “")).join(values))


def earlier_questions(draft, step_number, position=None):
    """The questions before position `position` of step `step_number` (None: its end)."""
    found = []
    for n, step in enumerate(draft.steps, 1):
        for i, question in enumerate(step["questions"]):
            if n > step_number or (n == step_number and position is not None
                                   and i >= position):
                return found
            found.append(question)
    return found


def _order_problem(draft):
    """(dependent, depended on) for the first question that now comes before the question
    its condition names, or None."""
    seen = {}
    by_id = {q["id"]: q for _n, q in draft.questions()}
    for _n, question in draft.questions():
        condition = question.get("show_if")
        if condition and condition["question"] not in seen:
            return question, by_id.get(condition["question"], {"label": condition["question"]})
        seen[question["id"]] = question
    return None


def _check_order(draft):
    """Refuse an order in which a question comes before the one its condition names."""
    problem = _order_problem(draft)
    if problem:
        raise BuilderError(_l("Question “%(dependent)s” is shown depending on the answer to "
                              "“%(question)s”, so it must come after that question.",
                              dependent=problem[0]["label"], question=problem[1]["label"]))


def dependants(draft, question_id):
    """The questions whose condition names this question."""
    return [q for _n, q in draft.questions()
            if (q.get("show_if") or {}).get("question") == question_id]


# ---- edits (each is a function of a Draft, for `edit`)

def set_details(title, introduction):
    def change(draft):
        draft.title, draft.introduction = title, introduction
    return change


def add_step(title, text):
    def change(draft):
        draft.steps.append(_step_data({"questions": []}, title, text))
        return len(draft.steps)
    return change


def update_step(number, title, text):
    def change(draft):
        step = draft.step(number)
        if step is None:
            raise BuilderError(_l("This step no longer exists."))
        _step_data(step, title, text)
    return change


def _step_data(step, title, text):
    step["title"] = title
    if text:
        step["text"] = text
    else:
        step.pop("text", None)
    return step


def move_step(number, offset):
    def change(draft):
        other = number + offset
        if draft.step(number) is None or draft.step(other) is None:
            return
        steps = draft.steps
        steps[number - 1], steps[other - 1] = steps[other - 1], steps[number - 1]
        _check_order(draft)
    return change


def delete_step(number):
    def change(draft):
        step = draft.step(number)
        if step is None:
            return
        own = {q["id"] for q in step["questions"]}
        for question in step["questions"]:
            _refuse_if_needed(draft, question, ignore=own)
        del draft.steps[number - 1]
    return change


def add_question(number, fields):
    """Add a question (see `question_data`) at the end of step `number`; returns its id."""
    def change(draft):
        step = draft.step(number)
        if step is None:
            raise BuilderError(_l("This step no longer exists."))
        taken = {q["id"] for _n, q in draft.questions()}
        question = question_data({"id": unique_id(fields["label"], taken)}, fields)
        step["questions"].append(question)
        _check_condition(draft, question)
        return question["id"]
    return change


def update_question(question_id, fields):
    def change(draft):
        found = draft.find(question_id)
        if found is None:
            raise BuilderError(_l("This question no longer exists."))
        question = found[2]
        was_choice = question["type"] in CONDITION_TYPES
        question_data(question, fields)
        _check_condition(draft, question)
        _check_dependants(draft, question, was_choice)
    return change


def move_question(question_id, offset):
    """Move a question one place up or down; past the edge of its step it goes to the end
    of the step before or the start of the step after."""
    def change(draft):
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
        _check_order(draft)
    return change


def delete_question(question_id):
    def change(draft):
        found = draft.find(question_id)
        if found is None:
            return
        n, i, question = found
        _refuse_if_needed(draft, question)
        del draft.steps[n - 1]["questions"][i]
    return change


def _refuse_if_needed(draft, question, ignore=()):
    """Refuse to remove a question that another question's condition names."""
    for dependant in dependants(draft, question["id"]):
        if dependant["id"] not in ignore:
            raise BuilderError(_l("Question “%(dependent)s” is shown depending on the answer "
                                  "to “%(question)s”. Change that condition first.",
                                  dependent=dependant["label"], question=question["label"]))


def _check_condition(draft, question):
    """A condition must name an earlier question, and a value that question can have."""
    condition = question.get("show_if")
    if condition is None:
        return
    n, i, _question = draft.find(question["id"])
    earlier = {q["id"]: q for q in earlier_questions(draft, n, i)}
    source = earlier.get(condition["question"])
    if source is None:
        raise BuilderError(_l("A question can only depend on a question that comes before "
                              "it. Choose an earlier question."))
    allowed = condition_choices(source)
    if allowed is not None and not set(condition_values(condition)) <= {v for v, _ in allowed}:
        raise BuilderError(_l("“%(question)s” cannot have that answer. Choose one of its "
                              "answers.", question=source["label"]))


def _check_dependants(draft, question, was_choice):
    """After a change to a question, its dependants must still be able to appear."""
    allowed = condition_choices(question)
    for dependant in dependants(draft, question["id"]):
        wanted = set(condition_values(dependant["show_if"]))
        if allowed is None:  # a free answer: only a change away from choices loses values
            missing = wanted if was_choice else set()
        else:
            missing = wanted - {value for value, _label in allowed}
        if missing:
            raise BuilderError(_l("Question “%(dependent)s” is shown only for the answer "
                                  "“%(value)s” to this question. Keep that answer possible, "
                                  "or change that condition first.",
                                  dependent=dependant["label"],
                                  value=", ".join(sorted(missing))))


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


# ---- sending

class NotSendable(Exception):
    """The questionnaire cannot be sent: its argument is a message for the staff member."""


def send(session, user, questionnaire, dossier, client):
    """Send the latest version to a client of the dossier: an Actie for them, a notification
    and an audit event. Returns the assignment; commits. Raises NotSendable."""
    version = working_version(session, questionnaire, lock=True)
    unfinished = problems(version)
    if unfinished:
        session.rollback()
        raise NotSendable(_l("“%(title)s” cannot be sent yet: %(problem)s",
                             title=version.title, problem=unfinished[0]))
    if client.id not in {u.id for u in dossier_clients(session, dossier.id)}:
        session.rollback()
        raise NotSendable(_l("Choose a client account of this dossier."))
    open_one = session.exec(select(QuestionnaireAssignment.id).where(
        QuestionnaireAssignment.version_id == version.id,
        QuestionnaireAssignment.dossier_id == dossier.id,
        QuestionnaireAssignment.client_id == client.id,
        QuestionnaireAssignment.completed_at.is_(None))).first()
    if open_one is not None:
        session.rollback()
        raise NotSendable(_l("%(client)s already has this questionnaire to fill in for this "
                             "dossier.", client=client.name))
    assignment = QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                         client_id=client.id, sent_by_id=user.id)
    session.add(assignment)
    session.flush()
    # Only the addressee gets the Actie, so only they are told about it.
    notify(session, [client], "questionnaire")
    behalf = {"on_behalf_of": dossier.lawyer_id} if user.role == ROLE_SECRETARY else {}
    audit.record(session, "questionnaire.sent", actor=user, target=assignment,
                 dossier_id=dossier.id, questionnaire_id=questionnaire.id,
                 version=version.version, client_id=client.id, **behalf)
    session.commit()
    return assignment


# ---- following progress

@dataclass
class Progress:
    """Where a client is with an assignment: state is "not_started", "step" (at step n of
    m), "answered" (every step answered, not completed yet) or "completed"."""

    state: str
    number: int = 0
    total: int = 0


def progress(filling):
    """The Progress of a Filling."""
    if filling.assignment.completed_at is not None:
        return Progress("completed")
    if not filling.rows:
        return Progress("not_started", 0, filling.position(1, filling.visible())[1])
    first = filling.first_unfinished()
    if first is None:
        return Progress("answered")
    number, total = filling.position(first, filling.visible())
    return Progress("step", number, total)


def fillings(session, assignments):
    """{assignment id: Filling} for many assignments, in three queries."""
    ids = [a.id for a in assignments]
    version_ids = {a.version_id for a in assignments}
    versions = {v.id: v for v in session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.id.in_(version_ids)))} if version_ids else {}
    rows = {}
    if ids:
        for row in session.exec(select(QuestionnaireAnswer).where(
                QuestionnaireAnswer.assignment_id.in_(ids))):
            rows.setdefault(row.assignment_id, {})[row.step] = row
    return {a.id: Filling(a, versions[a.version_id], rows.get(a.id, {})) for a in assignments}


def sent_rows(session, user, dossier_id=None, questionnaire_id=None, state=None, limit=200):
    """The assignments in dossiers `user` may see, newest first, as dicts with the
    assignment, its version, dossier, client and Progress."""
    query = (select(QuestionnaireAssignment, QuestionnaireVersion, Dossier, User)
             .join(QuestionnaireVersion,
                   QuestionnaireVersion.id == QuestionnaireAssignment.version_id)
             .join(Dossier, Dossier.id == QuestionnaireAssignment.dossier_id)
             .join(User, User.id == QuestionnaireAssignment.client_id)
             .where(QuestionnaireAssignment.dossier_id.in_(staff_dossier_ids(user)))
             .order_by(QuestionnaireAssignment.created_at.desc(),
                       QuestionnaireAssignment.id.desc()))
    if dossier_id is not None:
        query = query.where(QuestionnaireAssignment.dossier_id == dossier_id)
    if questionnaire_id is not None:
        query = query.where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
    if state == "open":
        query = query.where(QuestionnaireAssignment.completed_at.is_(None))
    elif state == "completed":
        query = query.where(QuestionnaireAssignment.completed_at.is_not(None))
    found = session.exec(query.limit(limit)).all()
    by_id = fillings(session, [row[0] for row in found])
    return [{"assignment": a, "version": v, "dossier": d, "client": c,
             "progress": progress(by_id[a.id])} for a, v, d, c in found]


def overview(session, user):
    """Every questionnaire with its latest version and how often it was sent and completed
    in dossiers `user` may see, newest first: [(questionnaire, version, sent, completed)]."""
    latest = (select(QuestionnaireVersion.questionnaire_id,
                     func.max(QuestionnaireVersion.version).label("number"))
              .group_by(QuestionnaireVersion.questionnaire_id).subquery())
    versions = session.exec(select(QuestionnaireVersion).join(
        latest, (latest.c.questionnaire_id == QuestionnaireVersion.questionnaire_id)
        & (latest.c.number == QuestionnaireVersion.version))).all()
    counts = {}
    for questionnaire_id, sent, completed in session.execute(
            select(QuestionnaireVersion.questionnaire_id, func.count(QuestionnaireAssignment.id),
                   func.count(QuestionnaireAssignment.completed_at))
            .join(QuestionnaireAssignment,
                  QuestionnaireAssignment.version_id == QuestionnaireVersion.id)
            .where(QuestionnaireAssignment.dossier_id.in_(staff_dossier_ids(user)))
            .group_by(QuestionnaireVersion.questionnaire_id)):
        counts[questionnaire_id] = (sent, completed)
    by_questionnaire = {v.questionnaire_id: v for v in versions}
    questionnaires = session.exec(select(Questionnaire).order_by(
        Questionnaire.created_at.desc(), Questionnaire.id.desc())).all()
    return [(q, by_questionnaire.get(q.id), *counts.get(q.id, (0, 0)))
            for q in questionnaires]
