"""The `make` fixture's factory: users, staff, companies, dossiers, invitations, documents,
messages, questionnaire assignments, and the audit events a test reads back."""
from datetime import timedelta

from helpers import DEFINITION, PASSWORD, assign, events, questionnaire_version
from werkzeug.security import generate_password_hash

from app.doc_requests import hand_in, new_request
from app.invitations import create_company, create_user, send_invitation
from app.models import (
    CAT_CORRESPONDENCE,
    KIND_STAFF,
    Document,
    Dossier,
    DossierClient,
    DossierCompany,
    Message,
    MessageAttachment,
    ProgressStep,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    utcnow,
)
from app.security import set_password
from app.storage import store_bytes

_QUICK_HASH = []


def _quick_hash():
    """PASSWORD hashed with scrypt at a low cost, made once: the app checks any scrypt hash
    by the cost written in it, so logins in tests stay real but take milliseconds instead
    of the 0.1 s per hash (and per check) of the production cost."""
    if not _QUICK_HASH:
        _QUICK_HASH.append(generate_password_hash(PASSWORD, method="scrypt:1024:8:1"))
    return _QUICK_HASH[0]


class Factory:
    def __init__(self, app, session):
        self.app = app
        self.session = session
        self.n = 0

    def _next(self):
        self.n += 1
        return self.n

    def user(self, email=None, name="Klant Test", password=PASSWORD, language="nl", **kw):
        """A user (client by default) with a password set, committed."""
        n = self._next()
        user = create_user(self.session, email=email or f"user{n}@example.nl", name=name,
                           language=language, **kw)
        if password == PASSWORD:
            user.password_hash = _quick_hash()
        elif password:
            set_password(user, password)
        self.session.commit()
        return user

    def staff(self, role="lawyer", name="mr. Staff", **kw):
        return self.user(kind=KIND_STAFF, role=role, name=name, **kw)

    def company(self, name="Bedrijf B.V."):
        company = create_company(self.session, name=name)
        self.session.commit()
        return company

    def dossier(self, clients=(), companies=(), status="in_progress", number=None,
                description="Dossier omschrijving", lawyer=None):
        n = self._next()
        dossier = Dossier(number=number or f"2026-{n:04d}", description=description,
                          status_code=status, lawyer_id=lawyer.id if lawyer else None)
        self.session.add(dossier)
        self.session.flush()
        for user in clients:
            self.session.add(DossierClient(dossier_id=dossier.id, user_id=user.id))
        for company in companies:
            self.session.add(DossierCompany(dossier_id=dossier.id, company_id=company.id))
        self.session.commit()
        return dossier

    def invite(self, user):
        """Send mail 1 to `user`; returns the raw invitation token."""
        with self.app.app_context():
            raw = send_invitation(self.session, user)
        self.session.commit()
        return raw

    def document(self, dossier, category=CAT_CORRESPONDENCE, title="Brief",
                 filename="brief.pdf", data=b"%PDF-1.4 test", content_type="application/pdf",
                 by=None, message=None, **kw):
        """A document in `dossier` whose file is really stored; attached to `message` when
        one is given."""
        with self.app.app_context():
            key, digest, size = store_bytes(data)
        document = Document(dossier_id=dossier.id, category=category, title=title,
                            filename=filename, content_type=content_type, size=size,
                            sha256=digest, storage_key=key,
                            uploaded_by_id=by.id if by else None, **kw)
        self.session.add(document)
        if message is not None:
            self.session.flush()
            self.session.add(MessageAttachment(message_id=message.id, document_id=document.id))
        self.session.commit()
        return document

    def steps(self, dossier, count, done=0):
        """`count` progress steps of `dossier` ("Stap 1", "Step 1" ...), the first `done` of
        them done."""
        for n in range(count):
            self.session.add(ProgressStep(dossier_id=dossier.id, position=n,
                                          title_nl=f"Stap {n + 1}", title_en=f"Step {n + 1}",
                                          done_at=utcnow() if n < done else None))
        self.session.commit()

    def pdf(self, dossier, category, title, by, age_days=0):
        """A stored PDF in `dossier` named after its `title`, uploaded `age_days` ago."""
        return self.document(dossier, category, title,
                             title.lower().replace(" ", "-") + ".pdf",
                             b"%PDF-1.4 " + title.encode(), by=by,
                             created_at=utcnow() - timedelta(days=age_days))

    def message(self, dossier, sender, from_client=False, sent=True, subject="Onderwerp",
                body="Tekst", attachments=(), **kw):
        """A message in `dossier`, sent now unless `sent` is False (a draft), with the
        documents `attachments` attached."""
        message = Message(dossier_id=dossier.id, sender_id=sender.id, from_client=from_client,
                          subject=subject, body=body,
                          sent_at=kw.pop("sent_at", utcnow() if sent else None), **kw)
        self.session.add(message)
        self.session.flush()
        for document in attachments:
            self.session.add(MessageAttachment(message_id=message.id, document_id=document.id))
        self.session.commit()
        return message

    def version(self, definition=DEFINITION, title="Intake", introduction="", by=None):
        """Version 1 of a new questionnaire `definition`, made by staff member `by`."""
        version = questionnaire_version(self.session, definition, title, introduction, by)
        self.session.commit()
        return version

    def assignment(self, client, dossier, definition=DEFINITION, title="Intake koper",
                   introduction="Wij vragen u enkele gegevens.", version=None, by=None,
                   answers=None, pdf=None):
        """A questionnaire sent to `client` for `dossier` (by staff member `by`): `version`,
        or version 1 of a new questionnaire `definition`; with the saved `answers`
        ({step: {question: answer}}), and completed when its `pdf` document is given."""
        if version is None:
            assignment = assign(self.session, client, dossier, definition, title, introduction)
        else:
            assignment = QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                                 client_id=client.id)
        assignment.sent_by_id = by.id if by else None
        if pdf is not None:
            assignment.completed_at, assignment.document_id = utcnow(), pdf.id
        self.session.add(assignment)
        self.session.flush()
        for step, values in (answers or {}).items():
            self.session.add(QuestionnaireAnswer(assignment_id=assignment.id, step=step,
                                                 answers=values))
        self.session.commit()
        return assignment

    def document_request(self, dossier, client, items=("Kopie paspoort",), by=None,
                         deadline=None):
        """A request for documents ("Aan te leveren stukken") to `client` in `dossier`, sent
        by staff member `by`; `items` are titles or dicts (title, explanation, is_identity)."""
        items = [{"title": item} if isinstance(item, str) else item for item in items]
        request = new_request(self.session, dossier=dossier, client=client, sent_by=by,
                              items=items, deadline=deadline)
        self.session.commit()
        return request

    def hand_in(self, item, client, filename="stuk.pdf", data=b"%PDF-1.4 aangeleverd"):
        """A file handed in by `client` for the request item `item` (app.doc_requests.hand_in),
        really stored; returns its Document."""
        with self.app.app_context():
            key, digest, size = store_bytes(data)
        # hand_in sets the dossier, the tab (Door mij aangeleverd), the item and the uploader.
        document = Document(dossier_id=-1, category="", title=filename, filename=filename,
                            content_type="application/pdf", size=size, sha256=digest,
                            storage_key=key)
        hand_in(self.session, client, item, [document])
        self.session.commit()
        return document

    def events(self, action):
        """The audit events of one kind, oldest first."""
        return events(self.session, action)
