"""The answers of one assignment: loading them, saving a step, and where to resume."""
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from .. import quota
from ..models import (
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    utcnow,
)
from . import uploads
from .definition import steps, visible_ids
from .validation import clean, display, too_long


@dataclass
class Filling:
    """An assignment with its version and its saved steps ({number: QuestionnaireAnswer})."""

    assignment: object
    version: QuestionnaireVersion
    rows: dict = field(default_factory=dict)

    @property
    def steps(self):
        return steps(self.version.definition)

    @property
    def total(self):
        return len(self.steps)

    def step(self, number):
        """The step with this number (from 1), or None."""
        return self.steps[number - 1] if 1 <= number <= self.total else None

    def saved(self, number):
        """The saved answers of one step ({} when it was never saved)."""
        row = self.rows.get(number)
        return dict(row.answers) if row is not None else {}

    def revision(self, number):
        """The revision of a step's saved answers; 0 when it was never saved."""
        row = self.rows.get(number)
        return row.revision if row is not None else 0

    def answers(self, number=None, values=None):
        """Every saved answer by question id; `values` stand in for step `number`'s."""
        merged = {}
        for n in range(1, self.total + 1):
            merged.update(values if n == number and values is not None else self.saved(n))
        return merged

    def visible(self, answers=None):
        """Ids of the questions shown for `answers` (default: the saved ones)."""
        return visible_ids(self.version.definition,
                           self.answers() if answers is None else answers)

    def applies(self, number, visible):
        """Whether a step has a question to show; steps with none are skipped."""
        return any(q["id"] in visible for q in self.step(number)["questions"])

    def problems(self, number, values, visible):
        """{question id: message} for the shown questions of a step with these values."""
        found = {}
        for question in self.step(number)["questions"]:
            if question["id"] in visible:
                _value, problem = clean(question, values.get(question["id"]))
                if problem is not None:
                    found[question["id"]] = problem
        return found

    def first_unfinished(self):
        """The number of the first step to fill in, or None when every step is done."""
        answers = self.answers()
        visible = self.visible(answers)
        for number in range(1, self.total + 1):
            if not self.applies(number, visible):
                continue
            if number not in self.rows or self.problems(number, answers, visible):
                return number
        return None

    def next_step(self, number, visible):
        """The first step after `number` that applies, or None (then: the summary)."""
        return next((n for n in range(number + 1, self.total + 1)
                     if self.applies(n, visible)), None)

    def position(self, number, visible):
        """(n, m) of "Stap n van m": step `number`'s place among the steps shown for the
        answers whose questions `visible` holds, and how many steps those are."""
        shown = [n for n in range(1, self.total + 1) if self.applies(n, visible)]
        place = sum(1 for n in shown if n < number) + 1
        return place, max(len(shown), place)

    def previous_step(self, number, visible):
        """The last step before `number` that applies, or None."""
        return next((n for n in range(number - 1, 0, -1) if self.applies(n, visible)), None)

    def summary(self):
        """[(number, step, [(question, answer as text)])] of the shown questions, in the
        current language; unanswered optional questions have "" as their answer."""
        answers = self.answers()
        visible = self.visible(answers)
        result = []
        for number, step in enumerate(self.steps, 1):
            rows = [(q, display(q, answers.get(q["id"]))) for q in step["questions"]
                    if q["id"] in visible]
            if rows:
                result.append((number, step, rows))
        return result

    def fingerprint(self):
        """The revisions of all steps as one string: it changes with every save."""
        return ",".join(f"{n}:{row.revision}" for n, row in sorted(self.rows.items()))


def load(db, assignment):
    """The Filling of an assignment, read fresh from the database."""
    version = db.get(QuestionnaireVersion, assignment.version_id)
    rows = db.exec(select(QuestionnaireAnswer)
                        .where(QuestionnaireAnswer.assignment_id == assignment.id)
                        .execution_options(populate_existing=True)).all()
    return Filling(assignment, version, {row.step: row for row in rows})


def clean_step(step, posted):
    """(values to store, {id: problem}) for the posted answers of one step; problems are
    given for every question, shown or not: the caller keeps those of shown ones."""
    values, problems = {}, {}
    for question in step["questions"]:
        value, problem = clean(question, posted.get(question["id"]))
        values[question["id"]] = value
        if problem is not None:
            problems[question["id"]] = problem
    return values, problems


def oversized(step, posted):
    """{question id: message} for posted answers too long to be stored at all (checked on
    every save, "Vorige" too; the form then keeps what was typed and nothing is saved)."""
    found = {}
    for question in step["questions"]:
        problem = too_long(question, posted.get(question["id"]))
        if problem is not None:
            found[question["id"]] = problem
    return found


def _file_within_quota(db, user, assignment, questions, stored, saved, values,
                       problems):
    """File the stored uploads as Documents (their answers go into `values`) and return
    them; when together they take the client past the day's quota (saves at the same
    moment are counted one after another), none is filed, the files are removed and each
    question gets the quota message in `problems`: the other answers are still saved."""
    savepoint = db.begin_nested()
    filed = {qid: uploads.file_document(db, user, assignment, questions[qid], item,
                                        previous=saved.get(qid))
             for qid, item in stored.items()}
    try:
        quota.charge(db, user)
    except quota.Exceeded as exceeded:
        savepoint.rollback()
        uploads.discard(stored.values())
        problems.update(dict.fromkeys(stored, exceeded.message))
        return {}
    savepoint.commit()
    values.update(filed)
    return stored


class Completed(Exception):
    """The assignment was completed in the meantime: its answers can no longer change."""


def lock_open(db, assignment_id):
    """Hold the assignment for the rest of this transaction and raise Completed if it was
    completed: a save and a completion then happen one after the other, never interleaved.
    """
    # PostgreSQL: a share lock on the row, which completing (an UPDATE of that row) waits
    # for, and which waits for a completion in progress; two saves do not wait for each
    # other. SQLite has no row locks, but every transaction already holds the write lock
    # from BEGIN IMMEDIATE (app/db.py), so this read sees the latest completion.
    completed_at = db.execute(
        select(QuestionnaireAssignment.completed_at)
        .where(QuestionnaireAssignment.id == assignment_id)
        .with_for_update(read=True)).scalar_one()
    if completed_at is not None:
        raise Completed(assignment_id)


def save_step(db, assignment_id, number, values, revision):
    """Store a step's answers if `revision` is still the saved one (0: never saved) and the
    assignment is not completed (else Completed is raised; see lock_open).

    Returns the new revision, or None when another browser saved the step in the
    meantime; then nothing is written. Not committed.
    """
    lock_open(db, assignment_id)
    if revision == 0:
        try:
            with db.begin_nested():
                db.add(QuestionnaireAnswer(assignment_id=assignment_id, step=number,
                                                answers=values, revision=1))
        except IntegrityError:  # the other browser inserted it first
            return None
        return 1
    result = db.execute(
        update(QuestionnaireAnswer)
        .where(QuestionnaireAnswer.assignment_id == assignment_id,
               QuestionnaireAnswer.step == number,
               QuestionnaireAnswer.revision == revision)
        .values(answers=values, revision=revision + 1, saved_at=utcnow())
        .execution_options(synchronize_session=False))
    return revision + 1 if result.rowcount == 1 else None


def save_answers(db, user, filling, number, values, files, revision):
    """Save step `number`: `values` as cleaned, plus the chosen `files` ({question id:
    upload}) filed as documents, unless the step was saved elsewhere since `revision`
    (then None, and nothing is kept). Writes only when something changed; commits.
    Raises Completed, with nothing kept, when the questionnaire was completed meanwhile.

    Returns (the Filling read anew, {question id: what is wrong with its file}).
    """
    saved = filling.saved(number)
    for question in filling.step(number)["questions"]:
        if question["type"] == "upload":  # kept unless a new file is chosen
            values[question["id"]] = saved.get(question["id"])
    if revision != filling.revision(number) and (files or values != saved):
        return None
    visible = filling.visible(filling.answers(number, values))
    room = quota.room(db, user) if files else None  # the client's storage quota
    db.commit()  # end the reading transaction: files are copied without holding it
    stored, problems = {}, {}
    for qid, upload in files.items():
        if qid in visible:
            item, problem = uploads.store_upload(upload, room)
            if problem is None:
                stored[qid] = item
                room = None if room is None else room - item.size
            else:
                problems[qid] = problem
    if not stored and values == saved:
        return filling, problems
    questions = {q["id"]: q for q in filling.step(number)["questions"]}
    try:
        if stored:  # no document is filed for a questionnaire completed meanwhile
            lock_open(db, filling.assignment.id)
            stored = _file_within_quota(db, user, filling.assignment, questions,
                                        stored, saved, values, problems)
        revision = save_step(db, filling.assignment.id, number, values,
                             filling.revision(number))
    except Completed:
        db.rollback()
        uploads.discard(stored.values())
        raise
    if revision is None:
        db.rollback()
        uploads.discard(stored.values())
        return None
    db.commit()
    return load(db, filling.assignment), problems
