"""What the questionnaire builder checks: a version is ready to send, every condition names
an earlier question and an answer that question can have, and every requested document an
answer of a yes/no or choice question."""
from flask_babel import lazy_gettext as _l

from .definition import (
    CHOICE_TYPES,
    DefinitionError,
    check_definition,
    condition_values,
    options,
    title_key,
)

# Types whose answers a condition can name: a fixed set of values to pick from.
CONDITION_TYPES = ("yesno",) + CHOICE_TYPES


class BuilderError(ValueError):
    """An edit the builder refuses; its argument is a message for the staff member."""


def keep_sound(draft):
    """Refuse a draft that breaks check_definition for another reason than being unfinished."""
    if not draft.title.strip():
        raise BuilderError(_l("Enter a title."))
    finished = [step for step in draft.steps if step["questions"]]
    try:
        if finished:
            check_definition({"steps": finished, "requests": draft.requests})
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


# ---- conditions

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
    return _l("the answer to “%(question)s” is “%(value)s”", question=source["label"],
              value=condition_answers(source, condition))


def condition_answers(question, condition):
    """"Koop” of “Huur": the answers to `question` that meet `condition`, by their labels,
    in the current language (to be put in quotes)."""
    labels = dict(condition_choices(question) or [])
    return str(_l("” or “")).join(str(labels.get(v, v)) for v in condition_values(condition))


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


def check_order(draft):
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


def requested_for(draft, question_id):
    """[(number, item)] of the requested documents whose condition names this question."""
    return [(n, item) for n, item in enumerate(draft.requests, 1)
            if (item.get("show_if") or {}).get("question") == question_id]


def refuse_if_needed(draft, question, ignore=()):
    """Refuse to remove a question that another question's condition, or a requested
    document's, names."""
    for dependant in dependants(draft, question["id"]):
        if dependant["id"] not in ignore:
            raise BuilderError(_l("Question “%(dependent)s” is shown depending on the answer "
                                  "to “%(question)s”. Change that condition first.",
                                  dependent=dependant["label"], question=question["label"]))
    blocking = requested_for(draft, question["id"])
    if blocking:
        raise BuilderError(_l("The document “%(title)s” is asked for depending on the answer "
                              "to “%(question)s”. Remove that document first.",
                              title=blocking[0][1]["title"], question=question["label"]))


def check_condition(draft, question):
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


def check_dependants(draft, question, was_choice):
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
    for _n, item in requested_for(draft, question["id"]):
        wanted = set(condition_values(item["show_if"]))
        missing = wanted - {value for value, _label in allowed or []}
        if missing:
            raise BuilderError(_l("The document “%(title)s” is asked for when the answer to "
                                  "this question is “%(value)s”. Keep that answer possible, "
                                  "or change that document first.", title=item["title"],
                                  value=", ".join(sorted(missing))))


# ---- requested documents

def check_requested(draft, item):
    """A requested document depends on a question of the questionnaire and answers it can
    have (the builder offers yes/no and choice questions; a definition written by hand may
    name another), and is asked for only once by that question."""
    condition = item.get("show_if")
    if condition is None:
        return
    found = draft.find(condition["question"])
    if found is None:
        raise BuilderError(_l("A document can only be asked for depending on the answer to "
                              "a yes/no or choice question of this questionnaire."))
    source = found[2]
    allowed = condition_choices(source)
    if allowed is not None and not set(condition_values(condition)) <= {
            value for value, _label in allowed}:
        raise BuilderError(_l("“%(question)s” cannot have that answer. Choose one of its "
                              "answers.", question=source["label"]))
    for _n, other in requested_for(draft, condition["question"]):
        if other is not item and title_key(other["title"]) == title_key(item["title"]):
            raise BuilderError(_l("“%(question)s” already asks for “%(title)s”. Change that "
                                  "document instead: it can be asked for on several "
                                  "answers.", question=source["label"], title=item["title"]))
