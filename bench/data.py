"""Generate a large data set quickly with bulk inserts."""
import os
import random
import secrets
from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from app.demo import default_statuses
from app.models import (
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    Document,
    Dossier,
    DossierClient,
    Message,
    ProgressStep,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    User,
    utcnow,
)
from app.questionnaires.definition import new_version
from app.security import set_password
from app.storage import store_bytes
from bench.questionnaire import answers_of, definition

PASSWORD = "Bench12345"
STATUSES = ("in_progress", "waiting", "closed")


def generate_scaled(engine, scale=1):
    """generate() the issue's data set (1,000 clients, 5,000 dossiers, 100,000 documents,
    50,000 messages), or one `scale` times smaller."""
    generate(engine, clients=1000 // scale, dossiers=5000 // scale,
             documents=100_000 // scale, messages=50_000 // scale,
             big_client_dossiers=500 // scale)


def generate(engine, *, clients=1000, dossiers=5000, documents=100_000, messages=50_000,
             big_client_dossiers=500, seed=1):
    """Fill an empty, migrated database. Client 1 ("klein") has 3 dossiers, client 2
    ("groot") has `big_client_dossiers`; the rest share the remainder."""
    rnd = random.Random(seed)
    now = utcnow()
    with Session(engine) as session:
        default_statuses(session)
        hashed = User(email="x", name="x")
        set_password(hashed, PASSWORD)
        session.add(User(email="advocaat@bench.nl", name="mr. Bench", kind="staff",
                         role="lawyer", password_hash=hashed.password_hash))
        session.commit()
        session.execute(insert(User), [
            {"email": ("klein@bench.nl" if n == 1 else "groot@bench.nl" if n == 2
                       else f"klant{n}@bench.nl"),
             "name": f"Klant {n}", "kind": "client", "password_hash": hashed.password_hash,
             "created_at": now, "first_login_at": now, "language": "nl", "active": True,
             "is_company_main": False, "notify_documents": True, "notify_messages": True,
             "notify_questionnaires": True, "totp_enabled": False, "totp_last_step": 0,
             "sms_enabled": False}
            for n in range(1, clients + 1)])
        session.execute(insert(Dossier), [
            {"number": f"B-{n:06d}", "description": f"Dossier {n} omschrijving",
             "status_code": STATUSES[n % 3], "lawyer_id": 1, "created_at": now,
             "updated_at": now} for n in range(1, dossiers + 1)])

        def owner(dossier_id):
            if dossier_id <= 3:
                return 2  # user id 2 = client 1, "klein"
            if dossier_id <= 3 + big_client_dossiers:
                return 3  # "groot"
            return 4 + dossier_id % (clients - 2)

        session.execute(insert(DossierClient), [
            {"dossier_id": d, "user_id": owner(d)} for d in range(1, dossiers + 1)])
        session.execute(insert(ProgressStep), [
            {"dossier_id": d, "position": p, "title_nl": f"Stap {p}", "title_en": f"Step {p}",
             "done_at": now if p < 4 else None}
            for d in range(1, dossiers + 1) for p in range(10)])
        categories = (CAT_CORRESPONDENCE, CAT_DOCUMENT, CAT_PROVIDED)
        for start in range(0, documents, 20_000):
            session.execute(insert(Document), [
                {"dossier_id": 1 + n % dossiers, "category": categories[n % 3],
                 "title": f"Document {n}", "filename": f"document-{n}.pdf",
                 "content_type": "application/pdf", "size": 1000, "sha256": "0" * 64,
                 "storage_key": secrets.token_hex(16),
                 "created_at": now - timedelta(minutes=rnd.randint(0, 500_000))}
                for n in range(start, min(start + 20_000, documents))])
        for start in range(0, messages, 20_000):
            session.execute(insert(Message), [
                {"dossier_id": 1 + n % dossiers, "sender_id": 1, "from_client": n % 2 == 0,
                 "subject": f"Bericht {n}", "body": "Tekst " * 40, "created_at": now,
                 "sent_at": now - timedelta(minutes=rnd.randint(0, 500_000))}
                for n in range(start, min(start + 20_000, messages))])
        session.commit()


def add_actions(engine, emails, *, document_kb=100):
    """What the benchmark's POSTs and downloads need, for each client in `emails`: in the
    client's first dossier a real file of `document_kb` kB, and the 100-question
    questionnaire sent with every step answered. Runs in an app context (the files go to
    its UPLOAD_FOLDER); returns {email: {"dossier", "document", "assignment"}} (ids)."""
    ids = {}
    with Session(engine) as session:
        staff = session.exec(select(User).where(User.kind == "staff")).first()
        questionnaire = Questionnaire(title="Honderd vragen", created_by_id=staff.id)
        session.add(questionnaire)
        session.flush()
        version = new_version(session, questionnaire, title="Honderd vragen",
                              definition=definition())
        session.flush()
        for email in emails:
            client = session.exec(select(User).where(User.email == email)).one()
            dossier_id = session.exec(
                select(DossierClient.dossier_id).where(DossierClient.user_id == client.id)
                .order_by(DossierClient.dossier_id)).first()
            key, digest, size = store_bytes(os.urandom(document_kb << 10))
            document = Document(dossier_id=dossier_id, category=CAT_DOCUMENT,
                                title="Bench", filename="bench.pdf",
                                content_type="application/pdf", size=size, sha256=digest,
                                storage_key=key)
            assignment = QuestionnaireAssignment(version_id=version.id, dossier_id=dossier_id,
                                                 client_id=client.id, sent_by_id=staff.id)
            session.add_all([document, assignment])
            session.flush()
            for number, step in enumerate(version.definition["steps"], 1):
                session.add(QuestionnaireAnswer(assignment_id=assignment.id, step=number,
                                                answers=answers_of(step)))
            ids[email] = {"dossier": dossier_id, "document": document.id,
                          "assignment": assignment.id}
        session.commit()
    return ids
