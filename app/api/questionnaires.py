"""The API's questionnaires: the firm's definitions, sending one to a client of a dossier (as
the staff side does), and following the assignments: progress, answers and the PDF."""
from datetime import datetime
from typing import Literal

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import func, or_, select

from .. import audit, documents
from ..db import INTEGER_MAX, get_session
from ..models import Questionnaire, QuestionnaireAnswer, QuestionnaireAssignment, User
from ..models import QuestionnaireVersion as Version
from ..questionnaires import sending
from ..questionnaires.answers import load
from ..questionnaires.builder_checks import problems
from ..staff.access import (
    get_staff_assignment,
    get_staff_document,
    get_staff_dossier,
    staff_dossier_ids,
)
from .paging import ListQuery, page
from .problems import Problem, field_error
from .spec import operation

TAG = "questionnaires"
READ, WRITE = "questionnaires:read", "questionnaires:write"
# sending.Progress states as the API names them.
STATES = {"not_started": "not_started", "step": "in_progress", "answered": "answered",
          "completed": "completed"}


# ---- the definitions

class QuestionnaireDefinition(BaseModel):
    id: int
    title: str
    latest_version: int = Field(description="The number of the version a send uses.")
    ready_to_send: bool = Field(description="False while the latest version is unfinished.")
    created_at: datetime


class QuestionnaireList(BaseModel):
    items: list[QuestionnaireDefinition]
    next_cursor: str | None


@operation("GET", "/questionnaires", scope=READ, tag=TAG, query=ListQuery,
           response=QuestionnaireList, summary="The firm's questionnaires",
           description="updated_since keeps the questionnaires with a version made since.")
def list_questionnaires(query):
    db = get_session()
    newest = (select(func.max(Version.created_at))
              .where(Version.questionnaire_id == Questionnaire.id).scalar_subquery())
    rows, cursor = page(db, select(Questionnaire), Questionnaire, query, updated=newest)
    latest = _latest_versions(db, [q.id for q in rows])
    return QuestionnaireList(items=[QuestionnaireDefinition(
        id=q.id, title=q.title, latest_version=latest[q.id].version,
        ready_to_send=not problems(latest[q.id]), created_at=q.created_at) for q in rows],
        next_cursor=cursor)


def _latest_versions(db, ids):
    """{questionnaire id: its latest version} in one query."""
    if not ids:
        return {}
    numbers = (select(Version.questionnaire_id, func.max(Version.version).label("number"))
               .where(Version.questionnaire_id.in_(ids))
               .group_by(Version.questionnaire_id).subquery())
    return {v.questionnaire_id: v for v in db.exec(select(Version).join(
        numbers, (numbers.c.questionnaire_id == Version.questionnaire_id)
        & (numbers.c.number == Version.version)))}


# ---- assignments

class Progress(BaseModel):
    state: Literal["not_started", "in_progress", "answered", "completed"] = Field(
        description="answered: every step answered, not completed yet.")
    steps_done: int
    steps_total: int = Field(description="The steps shown for the answers so far.")


class Assignment(BaseModel):
    id: int
    questionnaire_id: int
    version: int
    title: str
    dossier_id: int
    client_id: int
    sent_by_id: int | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    pdf_document_id: int | None = Field(description="The PDF of the answers, once completed.")
    progress: Progress


class AssignmentList(BaseModel):
    items: list[Assignment]
    next_cursor: str | None


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    questionnaire_id: int = Field(ge=1, le=INTEGER_MAX)
    client_id: int = Field(ge=1, le=INTEGER_MAX, description="A client account of the dossier.")


class AssignmentQuery(ListQuery):
    model_config = ConfigDict(extra="forbid")
    dossier_id: int | None = Field(None, ge=1, le=INTEGER_MAX)
    completed: bool | None = None


def _assignment(filling):
    """The Assignment of a Filling."""
    assignment, version = filling.assignment, filling.version
    progress = sending.progress(filling)
    total = filling.position(1, filling.visible())[1]
    done = {"not_started": 0, "step": progress.number - 1}.get(progress.state, total)
    return Assignment(
        id=assignment.id, questionnaire_id=version.questionnaire_id, version=version.version,
        title=version.title, dossier_id=assignment.dossier_id, client_id=assignment.client_id,
        sent_by_id=assignment.sent_by_id, created_at=assignment.created_at,
        updated_at=assignment.updated_at, completed_at=assignment.completed_at,
        pdf_document_id=assignment.document_id,
        progress=Progress(state=STATES[progress.state], steps_done=done, steps_total=total))


@operation("POST", "/dossiers/<int:dossier_id>/questionnaires", scope=WRITE, tag=TAG,
           body=AssignmentCreate, response=Assignment, status=201,
           summary="Send a questionnaire to a client of the dossier",
           description="Sends the latest version, as the staff side does: it appears under "
                       "the client's Actions and the client is notified. 409 when it is "
                       "not ready to send or the client has it open already.")
def send_questionnaire(dossier_id, body):
    db = get_session()
    dossier = get_staff_dossier(db, g.api_user, dossier_id)
    questionnaire = db.get(Questionnaire, body.questionnaire_id)
    if questionnaire is None:
        raise field_error("questionnaire_id", _l("No questionnaire has this id."))
    client = db.get(User, body.client_id)
    if client is None or client.is_staff:
        raise field_error("client_id", _l("Choose a client account of this dossier."))
    try:
        assignment = sending.send(db, g.api_user, questionnaire, dossier, client)
    except sending.NotSendable as error:
        if error.field == "client":
            raise field_error("client_id", error.args[0]) from None
        raise Problem("conflict", error.args[0]) from None
    return (_assignment(load(db, assignment)),
            {"Location": url_for("api.get_assignment", assignment_id=assignment.id)})


@operation("GET", "/assignments", scope=READ, tag=TAG, query=AssignmentQuery,
           response=AssignmentList, summary="Questionnaires sent",
           description="updated_since also keeps those with a step saved since.")
def list_assignments(query):
    db = get_session()
    found = select(QuestionnaireAssignment).where(
        QuestionnaireAssignment.dossier_id.in_(staff_dossier_ids(g.api_user)))
    if query.dossier_id is not None:
        found = found.where(QuestionnaireAssignment.dossier_id == query.dossier_id)
    if query.completed is not None:
        found = found.where(QuestionnaireAssignment.completed_at.is_not(None)
                            if query.completed else
                            QuestionnaireAssignment.completed_at.is_(None))
    if query.updated_since is not None:
        found = found.where(or_(
            QuestionnaireAssignment.updated_at >= query.updated_since,
            QuestionnaireAssignment.id.in_(select(QuestionnaireAnswer.assignment_id).where(
                QuestionnaireAnswer.saved_at >= query.updated_since))))
        query = query.model_copy(update={"updated_since": None})
    rows, cursor = page(db, found, QuestionnaireAssignment, query)
    fillings = sending.fillings(db, rows)
    return AssignmentList(items=[_assignment(fillings[a.id]) for a in rows],
                          next_cursor=cursor)


@operation("GET", "/assignments/<int:assignment_id>", scope=READ, tag=TAG,
           response=Assignment, summary="A questionnaire sent, with its progress")
def get_assignment(assignment_id):
    db = get_session()
    return _assignment(load(db, get_staff_assignment(db, g.api_user, assignment_id)))


class Answer(BaseModel):
    question_id: str
    label: str
    type: str
    value: str | int | float | list[str] | None = Field(
        description="As stored: a date as YYYY-MM-DD, a number as a number, a multiple "
                    "choice as its values, an upload as its file name.")
    text: str = Field(description="The answer as a person reads it, in the caller's "
                                  "language (Accept-Language).")
    document_id: int | None = Field(description="The file of an upload question.")


class AnswerStep(BaseModel):
    number: int
    title: str
    answers: list[Answer]


class Answers(BaseModel):
    assignment_id: int
    completed_at: datetime | None
    steps: list[AnswerStep] = Field(description="The questions shown for the answers.")


@operation("GET", "/assignments/<int:assignment_id>/answers", scope=READ, tag=TAG,
           response=Answers, summary="The answers so far",
           description="Reading a client's answers is audited, as on the staff side.")
def assignment_answers(assignment_id):
    db = get_session()
    assignment = get_staff_assignment(db, g.api_user, assignment_id)
    audit.record_view(db, "questionnaire.answers_viewed", g.api_user, assignment,
                assignment.dossier_id, client_id=assignment.client_id)
    filling = load(db, assignment)
    values = filling.answers()
    steps = []
    for number, step, rows in filling.summary():
        answers = []
        for question, text in rows:
            value = values.get(question["id"])
            document_id = None
            if isinstance(value, dict):  # an upload: {"document": id, "filename": name}
                document_id, value = value.get("document"), value.get("filename")
            answers.append(Answer(question_id=question["id"], label=question["label"],
                                  type=question["type"], value=value, text=str(text),
                                  document_id=document_id))
        steps.append(AnswerStep(number=number, title=step["title"], answers=answers))
    return Answers(assignment_id=assignment.id, completed_at=assignment.completed_at,
                   steps=steps)


@operation("GET", "/assignments/<int:assignment_id>/pdf", scope=READ, tag=TAG,
           summary="The PDF of the answers", errors=(409,),
           content={"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
           description="409 until the client completed the questionnaire.")
def assignment_pdf(assignment_id):
    db = get_session()
    assignment = get_staff_assignment(db, g.api_user, assignment_id)
    if assignment.document_id is None:
        raise Problem("conflict", _l("The questionnaire has not been completed yet."))
    document = get_staff_document(db, g.api_user, assignment.document_id)
    response = documents.staff_download(db, g.api_user, document)
    db.commit()
    return response
