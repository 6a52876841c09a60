"""For the backup and copy tests: a database with rows in every table and stored files,
throwaway databases, and comparing two instances row by row and file by file."""
import filecmp
import os
import uuid
from datetime import date, timedelta

import pytest
from helpers import free_port
from helpers import test_config as app_settings  # aliased: pytest would collect test_*
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from app import create_app, storage
from app.demo import default_statuses
from app.models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_PROVIDED,
    KIND_STAFF,
    TOKEN_INVITE,
    AccountInvitation,
    ApiKey,
    Approval,
    ApprovalDecision,
    ApprovalVersion,
    AuditEvent,
    Company,
    Delegation,
    Document,
    DocumentDownload,
    DocumentRequest,
    Dossier,
    DossierClient,
    DossierCompany,
    DossierStatus,
    FirmSettings,
    FormKey,
    IdempotencyKey,
    LoginSession,
    Message,
    MessageAttachment,
    MessageRead,
    NotificationItem,
    OneTimeToken,
    OutgoingMail,
    Passkey,
    PasskeyChallenge,
    ProgressStep,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    RecoveryCode,
    RequestItem,
    StandardItem,
    ThrottleEvent,
    Upload,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def new_app(url, folder):
    """An app on database `url` with its folders under `folder`."""
    return create_app(app_settings(url, folder, free_port()))


_SPARE = pytest.StashKey[dict]()


def empty_database(request, kind, folder, server=None):
    """The URL of an empty database of `kind`: a new SQLite file in `folder`, or on the
    PostgreSQL `server` one throwaway database (klp_backup_*), made once per test session
    (making one takes a second) and emptied for each caller."""
    if kind == "sqlite":
        return "sqlite:///" + os.path.join(folder, f"{uuid.uuid4().hex[:12]}.sqlite3")
    spares = request.config.stash.setdefault(_SPARE, {})
    if server not in spares:
        name = f"klp_backup_{uuid.uuid4().hex[:12]}"
        _on_server(server, f'CREATE DATABASE "{name}"')
        request.config.add_cleanup(
            lambda: _on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        spares[server] = make_url(server).set(database=name).render_as_string(
            hide_password=False)
    engine = create_engine(spares[server])
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return spares[server]


def _on_server(server, statement):
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


def plain_engine(url):
    """An engine for reading and arranging rows outside the app."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect",
                     lambda conn, _record: conn.execute("PRAGMA foreign_keys=ON"))
    return engine


def fill(app, url):
    """Rows in every table of the app's database, and their stored files (one of 3 MB,
    one empty, a logo); returns the storage keys."""
    engine = plain_engine(url)
    with app.app_context(), Session(engine, expire_on_commit=False) as s:
        if s.get(DossierStatus, "in_progress") is None:
            default_statuses(s)
        company = Company(name="Bakkerij De Wit B.V.")
        s.add(company)
        s.flush()
        lawyer = User(email="jansen@kantoor.nl", name="mr. P. Jansen", kind=KIND_STAFF,
                      role="lawyer", password_hash="scrypt:x", sms_phone="+31612345678",
                      sms_enabled=True, totp_secret="JBSWY3DPEHPK3PXP", totp_enabled=True,
                      totp_last_step=58_000_000)
        secretary = User(email="boer@kantoor.nl", name="L. de Boer", kind=KIND_STAFF,
                         role="secretary")
        jan = User(email="jan@example.nl", name="Jan de Vriës 😀", phone="0612345678",
                   last_login_at=utcnow(), first_login_at=utcnow() - timedelta(days=3),
                   notify_messages=False)
        anna = User(email="anna@bakkerij.nl", name="Anna", company_id=company.id,
                    is_company_main=True, language="en", active=False,
                    name_by_client=True)
        s.add_all([lawyer, secretary, jan, anna])
        s.flush()
        anna.deactivated_by_id = lawyer.id
        s.add(Delegation(lawyer_id=lawyer.id, secretary_id=secretary.id))
        s.add(LoginSession(user_id=jan.id, token_hash="a" * 64, ip="192.0.2.1",
                           user_agent="Firefox", totp_pending_secret="JBSWY3DPEHPK3PXQ"))
        dossier = Dossier(number="2026-0142", description="Aankoop woning 'Dorpsstraat' 12",
                          status_code="in_progress", lawyer_id=lawyer.id)
        closed = Dossier(number="2025-0311", description="Testament", status_code="closed")
        s.add_all([dossier, closed])
        s.flush()
        s.add_all([DossierClient(dossier_id=dossier.id, user_id=jan.id),
                   DossierClient(dossier_id=closed.id, user_id=jan.id),
                   DossierCompany(dossier_id=dossier.id, company_id=company.id),
                   ProgressStep(dossier_id=dossier.id, position=0, title_nl="Intake",
                                title_en="Intake", done_at=utcnow()),
                   ProgressStep(dossier_id=dossier.id, position=1, title_nl="Akte")])
        contents = [b"%PDF-1.4 " + os.urandom(3 * 1024 * 1024), b"",
                    b"%PDF-1.4 brief", b"%PDF-1.4 bijlage", b"%PDF-1.4 vragenlijst"]
        documents = []
        for number, data in enumerate(contents):
            key, digest, size = storage.store_bytes(data)
            category = (CAT_CORRESPONDENCE, CAT_PROVIDED, CAT_CORRESPONDENCE,
                        CAT_ATTACHMENT, CAT_PROVIDED)[number]
            documents.append(Document(
                dossier_id=dossier.id, category=category, title=f"Stuk {number}",
                filename=f"stuk {number}.pdf", content_type="application/pdf", size=size,
                sha256=digest, storage_key=key, uploaded_by_id=lawyer.id,
                withdrawn_at=utcnow() if number == 2 else None))
        s.add_all(documents)
        s.flush()
        s.add(DocumentDownload(document_id=documents[0].id, user_id=jan.id, count=3))
        first = Message(dossier_id=dossier.id, sender_id=secretary.id,
                        on_behalf_of_id=lawyer.id, from_client=False, subject="Concept akte",
                        body="Beste,\n\nZie bijlage.\t€ 1.250,-", sent_at=utcnow())
        s.add(first)
        s.flush()
        reply = Message(dossier_id=dossier.id, sender_id=jan.id, reply_to_id=first.id,
                        subject="Re: Concept akte", body="Dank u", sent_at=utcnow())
        s.add(reply)
        s.flush()
        s.add_all([MessageAttachment(message_id=first.id, document_id=documents[3].id),
                   MessageRead(message_id=first.id, user_id=jan.id)])
        questionnaire = Questionnaire(title="Intake", created_by_id=lawyer.id)
        s.add(questionnaire)
        s.flush()
        version = QuestionnaireVersion(
            questionnaire_id=questionnaire.id, title="Intake", introduction="Welkom",
            definition={"steps": [{"title": "Stap 1", "questions": [
                {"id": "naam", "type": "text", "label": "Naam", "required": True}]}]})
        s.add(version)
        s.flush()
        assignment = QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                             client_id=jan.id, sent_by_id=lawyer.id,
                                             completed_at=utcnow(),
                                             document_id=documents[4].id)
        s.add(assignment)
        s.flush()
        s.add_all([
            QuestionnaireAnswer(assignment_id=assignment.id, step=0,
                                answers={"naam": "Jan \"de\" Vriës", "n": [1, 2.5, None]},
                                revision=2),
            OneTimeToken(user_id=anna.id, purpose=TOKEN_INVITE, token_hash="b" * 64,
                         expires_at=utcnow() + timedelta(days=7)),
            RecoveryCode(user_id=lawyer.id, kind="recovery", code_hash="c" * 60),
            ThrottleEvent(key="login:ip:192.0.2.1"),
            OutgoingMail(recipient="jan@example.nl", subject="Nieuw bericht",
                         body_text="tekst", body_html="<p>html</p>", attempts=2,
                         last_error="421 try later", sent_at=utcnow()),
            NotificationItem(user_id=jan.id, kind="message", target_type="message",
                             target_id=first.id),
            AccountInvitation(company_id=company.id, user_id=anna.id, added_by_id=lawyer.id,
                              email="anna@bakkerij.nl", name="Anna"),
            FormKey(user_id=jan.id, key="k" * 32, result="/berichten/1"),
            AuditEvent(actor_id=lawyer.id, action="document.published",
                       target_type="document", target_id=documents[0].id,
                       dossier_id=dossier.id, ip="192.0.2.9", detail={"title": "Stuk 0"}),
        ])
        s.add(StandardItem(title="Kopie paspoort", explanation="Voor- en achterkant",
                           is_identity=True, position=1))
        request = DocumentRequest(dossier_id=dossier.id, client_id=jan.id,
                                  sent_by_id=lawyer.id, assignment_id=assignment.id,
                                  deadline=date(2026, 12, 31), reminded_at=utcnow())
        s.add(request)
        s.flush()
        item = RequestItem(request_id=request.id, title="Kopie paspoort",
                           explanation="Voor- en achterkant", is_identity=True,
                           state="rejected", reason="Onleesbaar", revision=2,
                           submitted_at=utcnow(), decided_at=utcnow(),
                           decided_by_id=lawyer.id)
        s.add_all([item, RequestItem(request_id=request.id, position=1, title="Loonstrook",
                                     withdrawn_at=utcnow())])
        s.flush()
        documents[1].request_item_id = item.id
        documents[1].identity = True
        approval = Approval(dossier_id=dossier.id, client_id=jan.id, sent_by_id=lawyer.id,
                            title="Concept akte", note="Graag uw akkoord.",
                            deadline=date(2026, 12, 20), state="approved")
        s.add(approval)
        s.flush()
        replaced = ApprovalVersion(approval_id=approval.id, number=1,
                                   document_id=documents[2].id, filename="stuk 2.pdf",
                                   size=documents[2].size, sha256=documents[2].sha256,
                                   published_by_id=lawyer.id, state="void",
                                   decided_at=utcnow())
        approved = ApprovalVersion(approval_id=approval.id, number=2,
                                   document_id=documents[0].id, filename="stuk 0.pdf",
                                   size=documents[0].size, sha256=documents[0].sha256,
                                   published_by_id=secretary.id, state="approved",
                                   decided_at=utcnow())
        s.add_all([replaced, approved])
        s.flush()
        s.add_all([
            ApprovalDecision(approval_id=approval.id, version_id=replaced.id, client_id=jan.id,
                             client_name=jan.name, client_email=jan.email, approved=False,
                             ip="2001:db8::1", user_agent="Firefox", confirmed_with="",
                             version=1, filename="stuk 2.pdf", sha256=documents[2].sha256,
                             message_id=reply.id),
            ApprovalDecision(approval_id=approval.id, version_id=approved.id, client_id=jan.id,
                             client_name=jan.name, client_email=jan.email, approved=True,
                             ip="192.0.2.1", user_agent="Firefox", confirmed_with="app",
                             version=2, filename="stuk 0.pdf", sha256=documents[0].sha256)])
        # The API and webhooks (issue 19): a key, an answer kept for its Idempotency-Key,
        # an endpoint and a delivery of it; an audit event made with the key.
        key = ApiKey(name="Dossiersysteem", prefix="klp_abcdefgh", key_hash="a" * 64,
                     scopes="dossiers:read documents:write", acts_as_id=lawyer.id,
                     allowed_ips="192.0.2.0/24", last_used_at=utcnow(), last_used_ip="192.0.2.7",
                     window_start=29_000_000, window_count=3)
        hook = WebhookEndpoint(url="https://dossiers.kantoor.nl/portaal", secret="whsec_c2VjcmV0",
                               events="message.received client.erased", description="DMS")
        s.add_all([key, hook])
        s.flush()
        s.add_all([
            IdempotencyKey(api_key_id=key.id, key="client-1", fingerprint="b" * 64, status=201,
                           body='{"id": 1}', location="/api/v1/clients/1"),
            WebhookDelivery(endpoint_id=hook.id, event_id="evt_1", event_type="message.received",
                            payload='{"id": "evt_1"}', attempts=2, last_status=500,
                            last_error="HTTP 500", delivered_at=utcnow()),
            AuditEvent(action="dossier.created", actor_id=lawyer.id, api_key_id=key.id,
                       detail={"number": "2026-0001"})])
        # Passkeys (issue 20): one of Jan's, with its binary public key and backup flags,
        # and a challenge waiting to be answered.
        jan.passkey_enabled, jan.passkey_handle = True, "aGFuZGxl" * 5
        s.add_all([
            Passkey(user_id=jan.id, credential_id="Y3JlZGVudGlhbA", public_key=bytes(range(77)),
                    sign_count=7, backup_eligible=True, backed_up=True,
                    transports="internal hybrid", name="Telefoon ☎", last_used_at=utcnow()),
            PasskeyChallenge(challenge_hash="c" * 64, purpose="login",
                             expires_at=utcnow() + timedelta(minutes=5))])
        # Resumable uploads (issue 21): one under way, one finished and not yet filed.
        s.add_all([
            Upload(token="a" * 32, user_id=jan.id, target="message:1", filename="scan ✓.pdf",
                   length=3 * 1024 ** 3, expires_at=utcnow() + timedelta(hours=24)),
            Upload(token="b" * 32, user_id=jan.id, target="item:1", filename="paspoort.jpg",
                   length=12345, sha256="d" * 64, finished_at=utcnow(),
                   expires_at=utcnow() + timedelta(hours=24))])
        logo, _digest, _size = storage.store_bytes(PNG)
        s.add(FirmSettings(id=1, name="Kantoor", colour="#1d3a5f", logo_key=logo,
                           logo_type="image/png", max_file_mb=50,
                           upload_mb_per_day=500, max_open_drafts=5, sms_countries="NL BE",
                           contact_phone="+31 20 123 4567", contact_email="info@kantoor.nl",
                           contact_website="www.kantoor.nl",
                           contact_address="Herengracht 1\n1015 BA Amsterdam",
                           welcome_text="Welkom.", remind_days_before=3,
                           remind_every_days=7, identity_retention_years=5,
                           seal_approved_documents=True))
        s.commit()
    engine.dispose()
    return [d.storage_key for d in documents] + [logo]


def every_row(url):
    """{table: its rows sorted by primary key} of the database at `url`."""
    engine = plain_engine(url)
    rows = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            key = [column.name for column in table.primary_key.columns]
            found = [row._asdict() for row in conn.execute(select(table))]
            rows[table.name] = sorted(found, key=lambda row: [row[k] for k in key])
    engine.dispose()
    return rows


def stored_files(app):
    """{storage key: path} of every file in the app's UPLOAD_FOLDER, its tmp folder aside."""
    with app.app_context():
        return {os.path.basename(path): path for path in storage.stored_paths()}


def same_files(one, other):
    """True when both apps hold the same stored files, byte for byte."""
    mine, theirs = stored_files(one), stored_files(other)
    return set(mine) == set(theirs) and all(
        filecmp.cmp(mine[key], theirs[key], shallow=False) for key in mine)


def documents_of(url):
    """Every Document row of the database at `url`."""
    engine = plain_engine(url)
    with Session(engine) as s:
        found = list(s.scalars(select(Document).order_by(Document.id)))
    engine.dispose()
    return found
