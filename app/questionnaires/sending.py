"""Sending a questionnaire to a client for a dossier, and following what clients did with
it. `dossier_ids` is a select of the dossiers the staff member may see."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
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
from .answers import Filling
from .builder import working_version
from .builder_checks import problems


class NotSendable(Exception):
    """The questionnaire cannot be sent: its argument is a message for the staff member;
    `field` is "client" when the chosen client is the problem (else None)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def send(db, user, questionnaire, dossier, client):
    """Send the latest version to a client of the dossier: an Actie for them, a notification
    and an audit event. Returns the assignment; commits. Raises NotSendable."""
    version = working_version(db, questionnaire, lock=True)
    unfinished = problems(version)
    if unfinished:
        db.rollback()
        raise NotSendable(_l("“%(title)s” cannot be sent yet: %(problem)s",
                             title=version.title, problem=unfinished[0]))
    if client.id not in {u.id for u in dossier_clients(db, dossier.id)}:
        db.rollback()
        raise NotSendable(_l("Choose a client account of this dossier."), "client")
    open_one = db.exec(select(QuestionnaireAssignment.id).where(
        QuestionnaireAssignment.version_id == version.id,
        QuestionnaireAssignment.dossier_id == dossier.id,
        QuestionnaireAssignment.client_id == client.id,
        QuestionnaireAssignment.completed_at.is_(None))).first()
    if open_one is not None:
        db.rollback()
        raise NotSendable(_l("%(client)s already has this questionnaire to fill in for this "
                             "dossier.", client=client.name))
    assignment = QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                         client_id=client.id, sent_by_id=user.id)
    db.add(assignment)
    db.flush()
    # Only the addressee gets the Actie, so only they are told about it.
    notify(db, [client], "questionnaire", assignment)
    behalf = {"on_behalf_of": dossier.lawyer_id} if user.role == ROLE_SECRETARY else {}
    audit.record(db, "questionnaire.sent", actor=user, target=assignment,
                 dossier_id=dossier.id, questionnaire_id=questionnaire.id,
                 version=version.version, client_id=client.id, **behalf)
    db.commit()
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


def fillings(db, assignments):
    """{assignment id: Filling} for many assignments, in three queries."""
    ids = [a.id for a in assignments]
    version_ids = {a.version_id for a in assignments}
    versions = {v.id: v for v in db.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.id.in_(version_ids)))} if version_ids else {}
    rows = {}
    if ids:
        for row in db.exec(select(QuestionnaireAnswer).where(
                QuestionnaireAnswer.assignment_id.in_(ids))):
            rows.setdefault(row.assignment_id, {})[row.step] = row
    return {a.id: Filling(a, versions[a.version_id], rows.get(a.id, {})) for a in assignments}


def sent_rows(db, dossier_ids, dossier_id=None, questionnaire_id=None, state=None,
              limit=200):
    """The assignments in the dossiers `dossier_ids` selects, newest first, as dicts with
    the assignment, its version, dossier, client and Progress."""
    query = (select(QuestionnaireAssignment, QuestionnaireVersion, Dossier, User)
             .join(QuestionnaireVersion,
                   QuestionnaireVersion.id == QuestionnaireAssignment.version_id)
             .join(Dossier, Dossier.id == QuestionnaireAssignment.dossier_id)
             .join(User, User.id == QuestionnaireAssignment.client_id)
             .where(QuestionnaireAssignment.dossier_id.in_(dossier_ids))
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
    found = db.exec(query.limit(limit)).all()
    by_id = fillings(db, [row[0] for row in found])
    return [{"assignment": a, "version": v, "dossier": d, "client": c,
             "progress": progress(by_id[a.id])} for a, v, d, c in found]


def overview(db, dossier_ids):
    """Every questionnaire with its latest version and how often it was sent and completed
    in the dossiers `dossier_ids` selects, newest first: [(questionnaire, version, sent,
    completed)]."""
    latest = (select(QuestionnaireVersion.questionnaire_id,
                     func.max(QuestionnaireVersion.version).label("number"))
              .group_by(QuestionnaireVersion.questionnaire_id).subquery())
    versions = db.exec(select(QuestionnaireVersion).join(
        latest, (latest.c.questionnaire_id == QuestionnaireVersion.questionnaire_id)
        & (latest.c.number == QuestionnaireVersion.version))).all()
    counts = {}
    for questionnaire_id, sent, completed in db.execute(
            select(QuestionnaireVersion.questionnaire_id, func.count(QuestionnaireAssignment.id),
                   func.count(QuestionnaireAssignment.completed_at))
            .join(QuestionnaireAssignment,
                  QuestionnaireAssignment.version_id == QuestionnaireVersion.id)
            .where(QuestionnaireAssignment.dossier_id.in_(dossier_ids))
            .group_by(QuestionnaireVersion.questionnaire_id)):
        counts[questionnaire_id] = (sent, completed)
    by_questionnaire = {v.questionnaire_id: v for v in versions}
    questionnaires = db.exec(select(Questionnaire).order_by(
        Questionnaire.created_at.desc(), Questionnaire.id.desc())).all()
    return [(q, by_questionnaire.get(q.id), *counts.get(q.id, (0, 0)))
            for q in questionnaires]
