"""All table models of the portal, in one place."""
from datetime import date, datetime, timezone
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Relationship, SQLModel


def utcnow():
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores UTC without a zone (SQLite has none) and always returns aware datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime")
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


def when(nullable=True, index=False):
    """A UTC timestamp column."""
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def created():
    """A creation timestamp filled in on insert."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def updated():
    """A timestamp filled in on insert and on every UPDATE of the row (the API's
    `updated_since` filter reads it)."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True,
                 sa_column_kwargs={"onupdate": utcnow})


# Roles and categories are plain strings; these name the allowed values.
KIND_CLIENT, KIND_STAFF = "client", "staff"
ROLE_ADMIN, ROLE_LAWYER, ROLE_SECRETARY = "admin", "lawyer", "secretary"
STAFF_ROLES = (ROLE_ADMIN, ROLE_LAWYER, ROLE_SECRETARY)
CAT_CORRESPONDENCE, CAT_DOCUMENT, CAT_PROVIDED, CAT_ATTACHMENT = (
    "correspondence", "document", "provided", "attachment")
DOCUMENT_CATEGORIES = (CAT_CORRESPONDENCE, CAT_DOCUMENT, CAT_PROVIDED, CAT_ATTACHMENT)
TOKEN_INVITE, TOKEN_PASSWORD, TOKEN_EMAIL = "invite", "password", "email-change"
# The states of an item of a request for documents (RequestItem.state).
ITEM_OPEN, ITEM_SUBMITTED, ITEM_APPROVED, ITEM_REJECTED = (
    "open", "submitted", "approved", "rejected")
ITEM_STATES = (ITEM_OPEN, ITEM_SUBMITTED, ITEM_APPROVED, ITEM_REJECTED)
# The states of a request for approval and of each of its versions: open (waiting for the
# client), approved, refused ("Niet akkoord"), void (a version replaced by a newer one).
APPROVAL_OPEN, APPROVAL_APPROVED, APPROVAL_REFUSED, APPROVAL_VOID = (
    "open", "approved", "refused", "void")


# A company client (rechtspersoon); its accounts are users with company_id set.
class Company(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    created_at: datetime = created()
    updated_at: datetime = updated()

    accounts: list["User"] = Relationship(back_populates="company")


# A person who logs in: a client (person or company account) or a staff member.
class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    name: str = Field(max_length=200)
    kind: str = Field(default=KIND_CLIENT, max_length=10)
    role: str | None = Field(default=None, max_length=20)  # staff only
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    is_company_main: bool = False
    language: str = Field(default="nl", max_length=5)
    phone: str | None = Field(default=None, max_length=32)
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    # Who switched the account off: the firm (a staff member, or unknown: None) or the main
    # account of its company; that main account may bring back only what it deleted itself.
    deactivated_by_id: int | None = Field(default=None, foreign_key="user.id",
                                          ondelete="SET NULL")
    # The name was typed by a client (a main account, or the person itself): mails to an
    # address not yet proved never show it (mail_name).
    name_by_client: bool = False
    created_at: datetime = created()
    updated_at: datetime = updated()
    first_login_at: datetime | None = when()
    last_login_at: datetime | None = when()
    password_changed_at: datetime | None = when()
    # Notification switches (Mijn gegevens).
    notify_documents: bool = True
    notify_questionnaires: bool = True
    notify_messages: bool = True
    # Two-step verification settings.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled: bool = False
    totp_last_step: int = 0  # last accepted TOTP time step: a code is never accepted twice
    sms_phone: str | None = Field(default=None, max_length=32)
    sms_enabled: bool = False
    # Passkeys (app/passkeys.py): on while the user has at least one; the handle is the
    # random WebAuthn user id the user's passkeys carry (never the e-mail address).
    passkey_enabled: bool = False
    passkey_handle: str | None = Field(default=None, max_length=64, unique=True)

    company: Company | None = Relationship(back_populates="accounts")

    # Flask-Login's view of a user: get_id() is the token of the current login session,
    # not the user id, so a copied cookie dies with that session (PITFALLS.md 1).
    def get_id(self):
        from flask import g
        return g.get("login_token")

    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    @property
    def is_active(self):
        return self.active

    @property
    def is_staff(self):
        return self.kind == KIND_STAFF

    @property
    def two_step_enabled(self):
        return self.totp_enabled or self.sms_enabled or self.passkey_enabled

    @property
    def mail_name(self):
        """The name mails to this account's address greet by, or None: a name a client typed
        is shown only once the address is proved (a password set through a mailed link)."""
        if self.name_by_client and not self.password_hash:
            return None
        return self.name


# A logged-in browser: the cookie holds a random token whose hash is stored here,
# so logging out or changing the password ends the session for real.
class LoginSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created()
    last_seen_at: datetime = created()
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)
    # The authenticator secret this login is setting up, until its first code confirms it:
    # never shared with another login of the same user.
    totp_pending_secret: str | None = Field(default=None, max_length=64)


# An extra account a company's main account asked for under "Accounts | Extra accounts":
# listed as invited until the person logs in. user_id is None when the address could not
# be given an account (it has one already): the list looks the same either way.
class AccountInvitation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True,
                                ondelete="CASCADE")
    added_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    language: str = Field(default="nl", max_length=5)
    created_at: datetime = created()


# A secretary may act on behalf of a lawyer once that lawyer granted it.
class Delegation(SQLModel, table=True):
    lawyer_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    secretary_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = created()


# A dossier status; exactly the ones marked in_progress count as "in behandeling".
class DossierStatus(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=40)
    label_nl: str = Field(max_length=100)
    label_en: str = Field(max_length=100)
    in_progress: bool = False
    position: int = 0
    # Days a dossier keeps this status before its clients may be erased (AVG); None: never.
    retention_days: int | None = None
    # A dossier with this status is closed: identity documents are erased a period later.
    closed: bool = False


# A case of the firm, shared with one or more clients and/or companies.
class Dossier(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True, index=True)
    description: str = Field(max_length=300)
    status_code: str = Field(foreign_key="dossierstatus.code", max_length=40, index=True)
    lawyer_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = created()
    updated_at: datetime = created()
    status_changed_at: datetime = created()  # the retention period counts from here

    steps: list["ProgressStep"] = Relationship(
        back_populates="dossier", sa_relationship_kwargs={"order_by": "ProgressStep.position"})


# A person client (or one company account) with access to a dossier.
class DossierClient(SQLModel, table=True):
    dossier_id: int = Field(foreign_key="dossier.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True,
                         ondelete="CASCADE")


# A company client with access to a dossier: every account of the company sees it.
class DossierCompany(SQLModel, table=True):
    dossier_id: int = Field(foreign_key="dossier.id", primary_key=True, ondelete="CASCADE")
    company_id: int = Field(foreign_key="company.id", primary_key=True, index=True,
                            ondelete="CASCADE")


# One step of a dossier's progress list ("Voortgang").
class ProgressStep(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    position: int = 0
    title_nl: str = Field(max_length=200)
    title_en: str = Field(default="", max_length=200)
    done_at: datetime | None = when()

    dossier: Dossier | None = Relationship(back_populates="steps")


# A file in a dossier: published by the firm, provided by a client, or a message attachment.
class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    category: str = Field(max_length=20, index=True)
    title: str = Field(max_length=255)
    filename: str = Field(max_length=255)  # original name, for display only
    content_type: str = Field(max_length=127)
    size: int = 0
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=64, unique=True)  # the file's name on disk
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created()
    updated_at: datetime = updated()
    withdrawn_at: datetime | None = when()
    # Handed in for an item of a request for documents; an identity document (Wwft) is seen
    # by fewer people and erased after the retention period (app/doc_requests.py).
    request_item_id: int | None = Field(default=None, foreign_key="requestitem.id",
                                        index=True, ondelete="SET NULL")
    identity: bool = False


# Whether and when a user downloaded a document.
class DocumentDownload(SQLModel, table=True):
    document_id: int = Field(foreign_key="document.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True,
                         ondelete="CASCADE")
    first_at: datetime = created()
    last_at: datetime = created()
    count: int = 1


# A message in a dossier, between a client and the firm.
class Message(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    sender_id: int = Field(foreign_key="user.id", index=True)
    on_behalf_of_id: int | None = Field(default=None, foreign_key="user.id")
    from_client: bool = True
    reply_to_id: int | None = Field(default=None, foreign_key="message.id")
    subject: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = created()
    sent_at: datetime | None = when(index=True)  # None while it is a draft


# A file attached to a message (the file itself is a Document).
class MessageAttachment(SQLModel, table=True):
    message_id: int = Field(foreign_key="message.id", primary_key=True, ondelete="CASCADE")
    document_id: int = Field(foreign_key="document.id", primary_key=True, ondelete="CASCADE")


# When a user first read a message.
class MessageRead(SQLModel, table=True):
    message_id: int = Field(foreign_key="message.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True,
                         ondelete="CASCADE")
    read_at: datetime = created()


# The one-time key of a form as it was shown (app/forms.py): the submission that acts on
# it claims it, so the second request of a double click finds it used and does not act
# again; `result` is where the first one led.
class FormKey(SQLModel, table=True):
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=64)
    result: str = Field(default="", max_length=500)
    created_at: datetime = created()


# A questionnaire, of which clients fill in one fixed version.
class Questionnaire(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created()


# One immutable version of a questionnaire: its steps and questions as JSON data.
class QuestionnaireVersion(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: int = Field(foreign_key="questionnaire.id", index=True)
    version: int = 1
    title: str = Field(max_length=200)
    introduction: str = Field(default="", sa_type=sa.Text)
    definition: dict = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = created()


# A questionnaire version sent to a client for a dossier (an "Actie").
class QuestionnaireAssignment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="questionnaireversion.id", index=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    sent_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created()
    updated_at: datetime = updated()
    completed_at: datetime | None = when()
    document_id: int | None = Field(default=None, foreign_key="document.id")  # the PDF


# The saved answers of one step; revision detects two browsers saving the same step.
class QuestionnaireAnswer(SQLModel, table=True):
    assignment_id: int = Field(foreign_key="questionnaireassignment.id", primary_key=True,
                               ondelete="CASCADE")
    step: int = Field(primary_key=True)
    answers: dict = Field(default_factory=dict, sa_type=sa.JSON)
    revision: int = 1
    saved_at: datetime = created()


# A single-use link (invitation, set-password, e-mail change); only its hash is stored.
class OneTimeToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    purpose: str = Field(max_length=20)
    new_email: str | None = Field(default=None, max_length=254)  # what an e-mail change sets
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = when()


# A passkey (a WebAuthn credential) of a user: a two-step method, and a way to log in
# without a password. Only its public key is kept; the sign counter and the backup flags are
# checked at every use (app/passkeys.py).
class Passkey(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    credential_id: str = Field(max_length=1400, unique=True)  # base64url, at most 1023 bytes
    public_key: bytes = Field(sa_type=sa.LargeBinary, nullable=False)  # COSE
    sign_count: int = 0
    backup_eligible: bool = False  # may never change for the same passkey
    backed_up: bool = False
    transports: str = Field(default="", max_length=200)  # space-separated hints
    name: str = Field(max_length=100)
    created_at: datetime = created()
    last_used_at: datetime | None = when()


# A WebAuthn challenge: single use, valid for PASSKEY_CHALLENGE_MINUTES. Stored as a hash;
# user_id is None for a login without a password (nobody is known yet).
class PasskeyChallenge(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    challenge_hash: str = Field(max_length=64, unique=True)
    purpose: str = Field(max_length=20)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True,
                                ondelete="CASCADE")
    created_at: datetime = created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    used_at: datetime | None = when()


# A recovery or backup code for two-step verification; stored hashed, used once.
class RecoveryCode(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=10)  # "recovery" or "backup"
    code_hash: str = Field(max_length=255)
    created_at: datetime = created()
    used_at: datetime | None = when()


# A failed login or a password-link request, counted per account and per IP.
class ThrottleEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False,
                         index=True)


# A mail waiting to be delivered, written in the same transaction as its cause.
class OutgoingMail(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=255)
    body_text: str = Field(sa_type=sa.Text)
    body_html: str = Field(sa_type=sa.Text)
    created_at: datetime = created()
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime,
                                      nullable=False, index=True)
    locked_until: datetime | None = when()
    sent_at: datetime | None = when(index=True)
    last_error: str | None = Field(default=None, max_length=1000)
    # Given up: the server refused it for good (5xx) or every attempt failed; shown to staff.
    failed_at: datetime | None = when(index=True)


# Something new for a client (document, message, questionnaire), waiting to be told by
# mail; items that arrive within a few minutes of each other go out as one mail.
class NotificationItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)  # "document", "message" or "questionnaire"
    # What it is about ("message", "assignment", "document"): an item its user has already
    # seen by the time the batch goes out is left out of the mail.
    target_type: str | None = Field(default=None, max_length=20)
    target_id: int | None = None
    created_at: datetime = created()
    mailed_at: datetime | None = when(index=True)


# Who saw, downloaded, uploaded, sent or changed what, and when.
class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False,
                         index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    # The API key the change was made with ("Koppeling: <name>"); actor_id is then the staff
    # account the key acts for.
    api_key_id: int | None = Field(default=None, foreign_key="apikey.id", index=True,
                                   ondelete="SET NULL")
    action: str = Field(max_length=60)
    target_type: str | None = Field(default=None, max_length=40)
    target_id: int | None = None
    dossier_id: int | None = Field(default=None, foreign_key="dossier.id", index=True)
    ip: str | None = Field(default=None, max_length=64)
    detail: dict = Field(default_factory=dict, sa_type=sa.JSON)



# The firm's own settings, made by an admin on the staff side: a single row (id 1). An empty
# field means the configuration's value applies (app/firm.py has the effective values).
class FirmSettings(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str | None = Field(default=None, max_length=200)
    colour: str | None = Field(default=None, max_length=7)  # "#1d3a5f"
    logo_key: str | None = Field(default=None, max_length=64)  # the logo's storage key
    logo_type: str | None = Field(default=None, max_length=20)  # image/png or image/jpeg
    mail_sender: str | None = Field(default=None, max_length=254)  # the From address
    max_file_mb: int | None = None
    max_message_mb: int | None = None
    upload_mb_per_day: int | None = None  # a client's quota: MB of files in 24 hours
    max_open_drafts: int | None = None  # a client's quota: unsent drafts at once
    sms_countries: str | None = Field(default=None, max_length=300)  # "NL BE DE", SMS codes
    # How clients reach the firm: on the login page, in every mail and on PDFs.
    contact_phone: str | None = Field(default=None, max_length=32)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_website: str | None = Field(default=None, max_length=200)
    contact_address: str | None = Field(default=None, max_length=300)
    welcome_text: str | None = Field(default=None, max_length=1000)  # on the login page
    # Requests for documents: reminder mails, and how long identity documents are kept.
    remind_days_before: int | None = None  # days before the deadline; 0: no reminder
    remind_every_days: int | None = None  # after the deadline, every so many days; 0: none
    identity_retention_years: int | None = None  # after the dossier closed
    # Ter goedkeuring: also seal the approved PDF itself, not only the receipt.
    seal_approved_documents: bool = False
    updated_at: datetime = created()


# An item of the firm's reusable list for "Stukken opvragen", kept by an admin (Instellingen).
class StandardItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    explanation: str = Field(default="", max_length=1000)
    is_identity: bool = False
    position: int = 0
    created_at: datetime = created()


# A request for documents ("Aan te leveren stukken") to a client in a dossier: an Actie.
class DocumentRequest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    client_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    sent_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    # Made from the answers of this questionnaire assignment (its definition's "requests");
    # no foreign key: the tables would refer to each other in a circle through Document.
    assignment_id: int | None = None
    deadline: date | None = None
    created_at: datetime = created()
    updated_at: datetime = updated()
    completed_at: datetime | None = when(index=True)  # every item approved or withdrawn
    reminded_at: datetime | None = when()  # the last reminder mail

    items: list["RequestItem"] = Relationship(
        back_populates="request", sa_relationship_kwargs={"order_by": "RequestItem.position"})


# One document asked for in a request; its files are Documents with request_item_id.
class RequestItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="documentrequest.id", index=True, ondelete="CASCADE")
    position: int = 0
    title: str = Field(max_length=200)
    explanation: str = Field(default="", max_length=1000)
    is_identity: bool = False
    state: str = Field(default=ITEM_OPEN, max_length=12)
    reason: str | None = Field(default=None, max_length=1000)  # why the firm rejected it
    # Goes up with every upload and decision: a decision taken on an older view is refused.
    revision: int = 0
    created_at: datetime = created()
    submitted_at: datetime | None = when()
    decided_at: datetime | None = when()
    decided_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    withdrawn_at: datetime | None = when()
    erased_at: datetime | None = when()  # its identity documents were erased

    request: DocumentRequest | None = Relationship(back_populates="items")


# A document published "ter goedkeuring" (for approval) to a client in a dossier: an Actie.
# Its versions are the files published for it; the client approves or refuses one.
class Approval(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    client_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    sent_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    title: str = Field(max_length=255)
    note: str = Field(default="", max_length=4000)  # the firm's note to the client
    deadline: date | None = None
    state: str = Field(default=APPROVAL_OPEN, max_length=12, index=True)  # its newest version's
    created_at: datetime = created()
    updated_at: datetime = updated()

    versions: list["ApprovalVersion"] = Relationship(
        back_populates="approval",
        sa_relationship_kwargs={"order_by": "ApprovalVersion.number"})


# One version of an approval: a published Document (Documenten tab) and what became of it.
class ApprovalVersion(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("approval_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    approval_id: int = Field(foreign_key="approval.id", index=True, ondelete="CASCADE")
    number: int = 1
    document_id: int = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=255)
    size: int = 0
    sha256: str = Field(max_length=64)
    published_by_id: int | None = Field(default=None, foreign_key="user.id",
                                        ondelete="SET NULL")
    created_at: datetime = created()
    state: str = Field(default=APPROVAL_OPEN, max_length=12)
    decided_at: datetime | None = when()

    approval: Approval | None = Relationship(back_populates="versions")


# The evidence of the client's decision on one version (at most one each): who, when, from
# where, confirmed how, on which exact file; the sealed receipt and, at the firm's choice,
# a sealed copy of the approved PDF. Kept as written: a later version makes it void, not
# different.
class ApprovalDecision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    approval_id: int = Field(foreign_key="approval.id", index=True, ondelete="CASCADE")
    version_id: int = Field(foreign_key="approvalversion.id", unique=True, ondelete="CASCADE")
    client_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    client_name: str = Field(max_length=200)
    client_email: str = Field(max_length=254)
    approved: bool
    decided_at: datetime = created()
    ip: str = Field(default="", max_length=45)
    user_agent: str = Field(default="", max_length=255)
    confirmed_with: str = Field(default="", max_length=12)  # password, app, sms, backup, ...
    version: int = 1
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    message_id: int | None = Field(default=None, foreign_key="message.id", ondelete="SET NULL")
    receipt_key: str | None = Field(default=None, max_length=64, unique=True)
    receipt_sha256: str | None = Field(default=None, max_length=64)
    sealed_key: str | None = Field(default=None, max_length=64, unique=True)


# A key of the firm's own systems for the API (/api/v1): acts for one staff account, whose
# role rules apply, narrowed by its scopes. Only the hash is stored; `prefix` (the first
# characters, not secret) names it in lists.
class ApiKey(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16, unique=True)
    key_hash: str = Field(max_length=64, unique=True)
    scopes: str = Field(default="", max_length=1000)  # space-separated
    acts_as_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    allowed_ips: str = Field(default="", max_length=1000)  # networks, space-separated; "": any
    created_at: datetime = created()
    expires_at: datetime | None = when()
    revoked_at: datetime | None = when()
    last_used_at: datetime | None = when()
    last_used_ip: str | None = Field(default=None, max_length=64)
    # The throttle: calls counted in the current minute (app/api/auth.py).
    window_start: int = 0
    window_count: int = 0


# The first answer to an API call made with an Idempotency-Key header, replayed when the
# same key is sent again (a retrying integration never creates twice). `status` is None
# while the first call still runs.
class IdempotencyKey(SQLModel, table=True):
    api_key_id: int = Field(foreign_key="apikey.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=255)
    fingerprint: str = Field(max_length=64)  # method, path and body of the first call
    status: int | None = None
    body: str = Field(default="", sa_type=sa.Text)
    location: str | None = Field(default=None, max_length=500)
    created_at: datetime = created()


# An address of the firm's system that hears about events in the portal (webhooks).
class WebhookEndpoint(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    events: str = Field(default="", max_length=1000)  # space-separated event types
    secret: str = Field(max_length=100)  # signs each delivery (HMAC-SHA256)
    description: str = Field(default="", max_length=200)
    active: bool = True
    # An admin allowed a loopback, link-local or private address (refused otherwise).
    allow_private: bool = False
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = created()


# One event for one endpoint, queued in the same transaction as the event itself and
# delivered by the background loop with retries; `event_id` is the same for every endpoint.
class WebhookDelivery(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("endpoint_id", "event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhookendpoint.id", index=True, ondelete="CASCADE")
    event_id: str = Field(max_length=40)
    event_type: str = Field(max_length=60)
    payload: str = Field(sa_type=sa.Text)  # the JSON body, exactly as signed and sent
    created_at: datetime = created()
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime,
                                      nullable=False, index=True)
    locked_until: datetime | None = when()
    delivered_at: datetime | None = when(index=True)
    failed_at: datetime | None = when(index=True)  # gave up after the last retry
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=1000)


# A resumable upload (tus 1.0, app/resumable.py) under way, or finished and checked but not
# yet part of a message, a publication or an item of a request; its bytes are in
# UPLOAD_FOLDER/tus/<token>. Taken (the row deleted, the file moved to its storage key) in
# the transaction that files it; else removed with its file once it expires.
class Upload(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)  # in the upload's URL
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    target: str = Field(max_length=40)  # "message:<dossier>", "publish:<dossier>", "item:<id>"
    filename: str = Field(max_length=255)
    length: int = Field(sa_type=sa.BigInteger, nullable=False)
    sha256: str | None = Field(default=None, max_length=64)  # once finished and checked
    created_at: datetime = created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    finished_at: datetime | None = when()
