"""A step's form as sent, and where "Volgende" or "Vorige" leads: one flow for the client's
steps and the staff preview (which stores nothing)."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from .answers import clean_step, oversized
from .validation import NOT_SAVED

APPEARED = _l("Your answer brought up more questions. Fill them in and click Next.")


def posted(step, form):
    """What the form holds for each question of a step (uploads apart)."""
    values = {}
    for question in step["questions"]:
        name = "q_" + question["id"]
        if question["type"] == "multichoice":
            values[question["id"]] = form.getlist(name)
        elif question["type"] != "upload":
            values[question["id"]] = form.get(name, "")
    return values


def file_answers(filling, number, chosen=None):
    """{question id: answer} of step `number`'s upload questions: the file in `chosen`
    ({question id: answer}) where one was chosen, else the saved one."""
    saved = filling.saved(number)
    return {q["id"]: (chosen or {}).get(q["id"], saved.get(q["id"]))
            for q in filling.step(number)["questions"] if q["type"] == "upload"}


def typed(filling, number, form, chosen=None):
    """The cleaned answers of step `number` as its form holds them now, uploads as
    file_answers gives them: which questions to show while typing (nothing is stored)."""
    step = filling.step(number)
    values, _problems = clean_step(step, posted(step, form))
    values.update(file_answers(filling, number, chosen))
    return values


@dataclass
class Outcome:
    """Where a step's form leads: step `number` (None: the summary) of `filling`, with its
    saved answers when `values` is None, else with `values`, `problems` and a `notice`.
    `stale`: the step was saved elsewhere since the form was shown; nothing was stored."""

    filling: object
    number: int | None
    values: dict | None = None
    problems: dict = field(default_factory=dict)
    notice: object = None
    status: int = 200
    stale: bool = False


def submit(filling, number, form, store, uploads=None):
    """"Volgende" or "Vorige" on step `number`. Answers too long to store refuse the whole
    step; else `store(values)` keeps the cleaned answers (`uploads` stand in for the upload
    questions' answers) and returns (the Filling after it, {question id: problem with its
    file}), or None when the step was saved elsewhere meanwhile. Returns an Outcome."""
    step = filling.step(number)
    sent = posted(step, form)
    values, _problems = clean_step(step, sent)
    values.update(uploads or {})
    too_long = oversized(step, sent)
    if too_long:  # never stored, not even by "Vorige": the form keeps what was typed
        return Outcome(filling, number, values, too_long, NOT_SAVED, status=400)
    stored = store(values)
    if stored is None:
        return Outcome(filling, number, values, status=409, stale=True)
    filling, file_problems = stored
    visible = filling.visible()
    if form.get("action") == "back":
        return Outcome(filling, filling.previous_step(number, visible) or number)
    # Without JavaScript a question that an answer here brings up was not on the screen:
    # show it first rather than call it missing.
    appeared = {q["id"] for q in step["questions"] if q.get("show_if") and q["id"] in visible
                and q["id"] not in form.getlist("_shown")}
    problems = {qid: problem for qid, problem in
                {**filling.problems(number, values, visible), **file_problems}.items()
                if qid in visible and qid not in appeared}
    if problems or appeared:
        return Outcome(filling, number, values, problems, APPEARED if appeared else None,
                       status=400 if problems else 200)
    return Outcome(filling, filling.next_step(number, visible))
