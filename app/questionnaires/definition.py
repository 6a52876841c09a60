"""Questionnaire definitions are data: the JSON in `QuestionnaireVersion.definition` (its
shape: docs/design.md, "Questionnaire definitions")."""
import re

from sqlalchemy import event, func, select

from ..models import QuestionnaireAssignment, QuestionnaireVersion

TYPES = ("text", "textarea", "number", "date", "yesno", "choice", "multichoice", "email",
         "phone", "iban", "upload")
CHOICE_TYPES = ("choice", "multichoice")
_ID = re.compile(r"^[a-z0-9_-]{1,60}$")
# The lengths of RequestItem's columns, which a requested item is copied into.
MAX_ITEM_TITLE, MAX_ITEM_EXPLANATION = 200, 1000


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
    _check_requests(definition.get("requests"), seen)


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
    _check_condition(question.get("show_if"), earlier, f"question {qid!r}", "earlier ")


def _check_condition(condition, questions, what, earlier=""):
    """A show_if (None: none) must name one of `questions` and a value."""
    if condition is None:
        return
    if not isinstance(condition, dict) or condition.get("question") not in questions:
        raise DefinitionError(f"{what} depends on no {earlier}question")
    if not condition_values(condition):
        raise DefinitionError(f"{what} has a condition without a value")


def _check_requests(requests, questions):
    """The optional "requests": documents asked for on completion, each perhaps only for an
    answer (a condition as a question's, on any question of the definition)."""
    if requests is None:
        return
    if not isinstance(requests, list):
        raise DefinitionError("requests must be a list")
    for n, item in enumerate(requests, 1):
        title = item.get("title") if isinstance(item, dict) else None
        if not isinstance(title, str) or not title.strip() or len(title) > MAX_ITEM_TITLE:
            raise DefinitionError(f"requested document {n} needs a title of at most "
                                  f"{MAX_ITEM_TITLE} characters")
        explanation = item.get("explanation", "")
        if not isinstance(explanation, str) or len(explanation) > MAX_ITEM_EXPLANATION:
            raise DefinitionError(f"requested document {n} has an explanation that is not a "
                                  f"text of at most {MAX_ITEM_EXPLANATION} characters")
        if not isinstance(item.get("is_identity", False), bool):
            raise DefinitionError(f"requested document {n}: is_identity must be true or false")
        _check_condition(item.get("show_if"), questions, f"requested document {n}")


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


def requests_of(definition):
    """The documents a definition asks for on completion ("requests"), in order."""
    return definition.get("requests") or []


def title_key(title):
    """What two titles of one document share, case and spaces aside."""
    return " ".join(title.split()).casefold()


def requested_items(definition, answers):
    """The documents to ask for after these answers, as new_request takes them: each item
    without a condition, or whose condition's question is shown and met; a title asked for
    twice (by two answers) once."""
    shown = visible_ids(definition, answers)
    found, titles = [], set()
    for item in requests_of(definition):
        condition = item.get("show_if")
        if condition is not None and not (condition["question"] in shown and _meets(
                condition, answers.get(condition["question"]))):
            continue
        key = title_key(item["title"])
        if key not in titles:
            titles.add(key)
            found.append({"title": item["title"].strip(),
                          "explanation": item.get("explanation", "").strip(),
                          "is_identity": bool(item.get("is_identity"))})
    return found


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
