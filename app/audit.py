"""The audit log: one row for every time someone saw, fetched, sent or changed something.

Also the process log's format: one line per record, whatever a user typed (see SECURITY.md).
"""
import logging
import re
from datetime import timedelta

from flask import g, has_app_context, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlmodel import select

from .models import ROLE_SECRETARY, AuditEvent, Dossier, utcnow

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
# Line breaks and other control characters: in a log message they may come from user input
# (a name, an address, a path) and would start a forged line or steer a terminal.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def record(db, action, *, actor=None, target=None, dossier_id=None, **detail):
    """Add an audit event to the session; it is committed with the change it describes.

    A secretary always acts on behalf of a lawyer: in a dossier that is the dossier's lawyer,
    unless the caller names one (a message sent "namens").
    """
    # current_user is a proxy: record the row behind it ("user", not "localproxy").
    actor, target = (getattr(x, "_get_current_object", lambda x=x: x)() for x in (actor, target))
    if (detail.get("on_behalf_of") is None and dossier_id is not None
            and getattr(actor, "role", None) == ROLE_SECRETARY):
        dossier = db.get(Dossier, dossier_id)
        if dossier is not None and dossier.lawyer_id is not None:
            detail["on_behalf_of"] = dossier.lawyer_id
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        dossier_id=dossier_id,
        ip=request.remote_addr if has_request_context() else None,
        # Made through the API: the key, shown as "Koppeling: <name>" (app/api/keys.py).
        api_key_id=_api_key_id(),
        detail=detail,
    )
    db.add(event)
    return event


def _api_key_id():
    key = g.get("api_key") if has_app_context() else None
    return key.id if key is not None else None


# Staff viewing is audited, but at most once per person and record in this period: the log
# stays readable when someone clicks around in one dossier.
VIEW_QUIET_PERIOD = timedelta(minutes=10)


def record_view(db, action, user, target, dossier_id, **detail):
    """Audit that `user` looked at `target` (e.g. "dossier.viewed"), unless they already did
    in the last VIEW_QUIET_PERIOD; commits. True when an event was written."""
    since = utcnow() - VIEW_QUIET_PERIOD
    seen = db.exec(select(AuditEvent.id).where(
        AuditEvent.action == action, AuditEvent.actor_id == user.id,
        AuditEvent.target_type == type(target).__name__.lower(),
        AuditEvent.target_id == target.id, AuditEvent.at >= since).limit(1)).first()
    if seen is not None:
        return False
    record(db, action, actor=user, target=target, dossier_id=dossier_id, **detail)
    db.commit()
    return True


# ---- the process log

def one_line(text):
    """`text` with CR, LF and other control characters written as escapes."""
    return _UNSAFE.sub(_escape, text)


def _escape(match):
    char = match[0]
    code = ord(char)
    return _ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


class OneLineFormatter(logging.Formatter):
    """Each record is one line, so input in a message cannot forge a record of its own:
    control characters in the message and its arguments are escaped, and each line of a
    traceback starts with "| "."""

    def format(self, record):
        """The record's line, then its traceback and stack (each line marked)."""
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        # Not record.exc_text: another handler may have cached an unmarked traceback there.
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        elif record.exc_text:
            text += "\n" + _continued(record.exc_text)
        if record.stack_info:
            text += "\n" + self.formatStack(record.stack_info)
        return text

    def formatMessage(self, record):
        """The record's line, with its message (arguments filled in) made one line."""
        return one_line(super().formatMessage(record))

    def formatException(self, ei):
        """The traceback, each line marked as a continuation."""
        return _continued(super().formatException(ei))

    def formatStack(self, stack_info):
        """The stack, each line marked as a continuation."""
        return _continued(super().formatStack(stack_info))


def _continued(text):
    return "\n".join("| " + one_line(line) for line in text.splitlines())


def configure_logging():
    """Log INFO and up to stderr, one line per record (unless logging is set up already)."""
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter(LOG_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler])  # no-op when configured


# What each action is called where people read the log (the staff's audit log, a client's
# export); an action without a label shows its code.
ACTIONS = {
    "login": _l("Logged in"),
    "login.failed": _l("Login failed"),
    "login.password_ok": _l("Password accepted, second step asked"),
    "login.two_step_failed": _l("Wrong two-step code"),
    "login.passkey_failed": _l("Login with a passkey failed"),
    "logout": _l("Logged out"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.confirmed": _l("Invitation confirmed"),
    "password.link_requested": _l("Password link requested"),
    "password.set": _l("Password set"),
    "user.created": _l("Account created"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "company.created": _l("Company client created"),
    "company.renamed": _l("Company client renamed"),
    "company.account_deleted": _l("Extra account deleted"),
    "company.account_added": _l("Extra account added (by address)"),
    "company.invitation_withdrawn": _l("Extra account withdrawn before its first login"),
    "account.language": _l("Language changed"),
    "account.notifications": _l("Notifications changed"),
    "account.password_again_failed": _l("Password asked again: wrong"),
    "account.name": _l("Name changed"),
    "account.email_change_requested": _l("E-mail address change requested"),
    "account.email_changed": _l("E-mail address changed"),
    "account.other_sessions_ended": _l("Logged out on other devices"),
    "two_step.app_on": _l("Authenticator app turned on"),
    "two_step.app_off": _l("Authenticator app turned off"),
    "two_step.sms_on": _l("SMS codes turned on"),
    "two_step.sms_off": _l("SMS codes turned off"),
    "two_step.backup_codes": _l("New backup codes made"),
    "two_step.sms_changed": _l("Mobile number for SMS codes changed"),
    "two_step.passkey_added": _l("Passkey added"),
    "two_step.passkey_removed": _l("Passkey removed"),
    "dossier.created": _l("Dossier created"),
    "dossier.updated": _l("Dossier changed"),
    "dossier.client_linked": _l("Client linked to dossier"),
    "dossier.client_unlinked": _l("Client unlinked from dossier"),
    "dossier.company_linked": _l("Company linked to dossier"),
    "dossier.company_unlinked": _l("Company unlinked from dossier"),
    "dossier.viewed": _l("Dossier viewed"),
    "step.added": _l("Progress step added"),
    "step.renamed": _l("Progress step renamed"),
    "step.moved": _l("Progress step moved"),
    "step.done": _l("Progress step marked done"),
    "step.undone": _l("Progress step marked not done"),
    "step.deleted": _l("Progress step deleted"),
    "document.published": _l("Document published"),
    "document.withdrawn": _l("Document withdrawn"),
    "document.downloaded": _l("Document downloaded"),
    "document.previewed": _l("Document viewed in the browser"),
    "document.uploaded": _l("Document uploaded"),
    "attachment.uploaded": _l("Attachment uploaded"),
    "attachment.removed": _l("Attachment removed"),
    "message.sent": _l("Message sent"),
    "message.read": _l("Message read"),
    "draft.deleted": _l("Draft deleted"),
    "draft.expired": _l("Old draft removed"),
    "questionnaire.created": _l("Questionnaire created"),
    "questionnaire.changed": _l("Questionnaire changed"),
    "questionnaire.sent": _l("Questionnaire sent"),
    "questionnaire.completed": _l("Questionnaire completed"),
    "questionnaire.answers_viewed": _l("Questionnaire answers viewed"),
    "request.sent": _l("Documents requested"),
    "request.items_added": _l("Documents added to a request"),
    "request.file_handed_in": _l("Document handed in"),
    "request.item_approved": _l("Handed-in document approved"),
    "request.item_rejected": _l("Handed-in document rejected"),
    "request.item_withdrawn": _l("Requested document withdrawn"),
    "request.completed": _l("Request for documents completed"),
    "identity_document.erased": _l("Identity document erased after the retention period"),
    "approval.sent": _l("Document sent for approval"),
    "approval.new_version": _l("New version sent for approval"),
    "approval.approved": _l("Document approved by the client"),
    "approval.refused": _l("Document not approved by the client"),
    "approval.withdrawn": _l("Request for approval withdrawn"),
    "approval.receipt_downloaded": _l("Receipt of an approval downloaded"),
    "api_key.created": _l("API key created"),
    "api_key.revoked": _l("API key revoked"),
    "standard_item.added": _l("Document added to the firm's list"),
    "standard_item.changed": _l("Document on the firm's list changed"),
    "standard_item.moved": _l("Firm's list of documents reordered"),
    "standard_item.deleted": _l("Document deleted from the firm's list"),
    "settings.changed": _l("Firm settings changed"),
    "settings.logo_changed": _l("Logo changed"),
    "settings.logo_removed": _l("Logo removed"),
    "status.added": _l("Dossier status added"),
    "status.renamed": _l("Dossier status renamed"),
    "status.moved": _l("Dossier statuses reordered"),
    "status.in_progress": _l("Status in progress chosen"),
    "status.deleted": _l("Dossier status deleted"),
    "staff.role_changed": _l("Role changed"),
    "staff.deactivated": _l("Staff account deactivated"),
    "staff.reactivated": _l("Staff account reactivated"),
    "delegation.granted": _l("Delegation granted"),
    "delegation.revoked": _l("Delegation revoked"),
    "audit.exported": _l("Audit log exported"),
    "client.updated": _l("Client's details changed"),
    "client.exported": _l("Client's data exported"),
    "client.erased": _l("Client erased"),
    "dossier.erased": _l("Dossier emptied: its only client was erased"),
    "status.retention": _l("Retention period of a dossier status changed"),
    "status.closed": _l("Dossier status marked closed or open"),
    "mail.retried": _l("Undelivered e-mail tried again"),
    "mail.retried_all": _l("Every undelivered e-mail tried again"),
    "mail.deleted": _l("Undelivered e-mail deleted"),
    "webhook.created": _l("Webhook created"),
    "webhook.changed": _l("Webhook changed"),
    "webhook.deleted": _l("Webhook deleted"),
    "webhook.secret_rotated": _l("Webhook secret replaced"),
    "webhook.resent": _l("Webhook event sent again"),
}


def action_label(action):
    """The action in the reader's language; an action without a label shows its code."""
    return str(ACTIONS[action]) if action in ACTIONS else action
