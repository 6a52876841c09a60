"""Questionnaire definitions are data: the JSON in `QuestionnaireVersion.definition` (its
shape: docs/design.md, "Questionnaire definitions")."""
import re

from sqlalchemy import event, func, select

from ..models import QuestionnaireAssignment, QuestionnaireVersion

TYPES = ("text", "textarea", "number", "date", "yesno", "choice", "multichoice", "email",
         "phone", "iban", "upload")
CHOICE_TYPES = ("choice", "multichoice")
_ID = re.compile(r"^[a-z0-9_-]{1,60}$")


class DefinitionError(ValueError):
    """A definition that does not have the documented shape."""


def check_definition(definition):
    """Raise DefinitionError unless `definition` has the documented shape."""
    steps = definition.get("steps") if isinstance(definition, dict) else None
    if not isinstance(steps, list) or not steps:
        raise DefinitionError("a definition needs a list of steps")
    seen = {}
    for n, step in enumerate(steps, 1):
        questions = step.get("questions") if isinstance(step, dict) else None
        if not isinstance(step.get("title"), str) or not step["title"].strip():
            raise DefinitionError(f"step {n} needs a title")
        if not isinstance(questions, list) or not questions:
            raise DefinitionError(f"step {n} needs questions")
        for question in questions:
            _check_question(question, seen)
            seen[question["id"]] = question


def _check_question(question, earlier):
    qid = question.get("id") if isinstance(question, dict) else None
    if not isinstance(qid, str) or not _ID.match(qid):
        raise DefinitionError(f"bad question id {qid!r}")
    if qid in earlier:
        raise DefinitionError(f"question id {qid!r} is used twice")
    if question.get("type") not in TYPES:
        raise DefinitionError(f"question {qid!r} has an unknown type")
    if not isinstance(question.get("label"), str) or not question["label"].strip():
        raise DefinitionError(f"question {qid!r} needs a label")
    if question["type"] in CHOICE_TYPES:
        values = [value for value, _label in options(question)]
        if not values or len(set(values)) != len(values):
            raise DefinitionError(f"question {qid!r} needs distinct options")
    condition = question.get("show_if")
    if condition is not None:
        if not isinstance(condition, dict) or condition.get("question") not in earlier:
            raise DefinitionError(f"question {qid!r} depends on no earlier question")
        if not condition_values(condition):
            raise DefinitionError(f"question {qid!r} has a condition without a value")


def steps(definition):
    """The steps of a definition, in order."""
    return definition.get("steps", [])


def all_questions(definition):
    """Every question of a definition, in order."""
    return [q for step in steps(definition) for q in step["questions"]]


def options(question):
    """[(value, label)] of a choice question."""
    result = []
    for option in question.get("options", []):
        if isinstance(option, dict):
            result.append((str(option.get("value", "")), str(option.get("label", ""))))
        else:
            result.append((str(option), str(option)))
    return result


def condition_values(condition):
    """The values that meet a show_if condition, as a list of strings."""
    value = condition.get("value")
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if v is not None and v != ""]


def _meets(condition, answer):
    wanted = condition_values(condition)
    if isinstance(answer, list):
        return any(str(a) in wanted for a in answer)
    return answer is not None and str(answer) in wanted


def visible_ids(definition, answers):
    """The ids of the questions shown for these answers (a dict of id → value)."""
    shown = set()
    for question in all_questions(definition):
        condition = question.get("show_if")
        if condition is None or (condition["question"] in shown
                                 and _meets(condition, answers.get(condition["question"]))):
            shown.add(question["id"])
    return shown


def controlling_ids(step):
    """Ids of the questions of `step` on which a later question of the same step depends."""
    own = {q["id"] for q in step["questions"]}
    return {q["show_if"]["question"] for q in step["questions"]
            if q.get("show_if") and q["show_if"]["question"] in own}


def new_version(db, questionnaire, *, title, definition, introduction=""):
    """Add the next version of `questionnaire` after checking its definition."""
    check_definition(definition)
    last = db.execute(select(func.max(QuestionnaireVersion.version)).where(
        QuestionnaireVersion.questionnaire_id == questionnaire.id)).scalar()
    version = QuestionnaireVersion(questionnaire_id=questionnaire.id, version=(last or 0) + 1,
                                   title=title, introduction=introduction,
                                   definition=definition)
    db.add(version)
    return version


@event.listens_for(QuestionnaireVersion, "before_update")
def _immutable_once_sent(_mapper, connection, version):
    # Answers are stored by question id: changing a version a client has would silently
    # change what their answers mean.
    sent = connection.execute(select(QuestionnaireAssignment.id).where(
        QuestionnaireAssignment.version_id == version.id).limit(1)).first()
    if sent is not None:
        raise DefinitionError("a questionnaire version that was sent cannot be changed; "
                              "make a new version")
