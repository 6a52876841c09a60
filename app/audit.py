"""The audit log: one row for every time someone saw, fetched, sent or changed something.

Also the process log's format: one line per record, whatever a user typed (see SECURITY.md).
"""
import logging
import re

from flask import has_request_context, request

from .models import ROLE_SECRETARY, AuditEvent, Dossier

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
# Line breaks and other control characters: in a log message they may come from user input
# (a name, an address, a path) and would start a forged line or steer a terminal.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def record(session, action, *, actor=None, target=None, dossier_id=None, **detail):
    """Add an audit event to the session; it is committed with the change it describes.

    A secretary always acts on behalf of a lawyer: in a dossier that is the dossier's lawyer,
    unless the caller names one (a message sent "namens").
    """
    if (detail.get("on_behalf_of") is None and dossier_id is not None
            and getattr(actor, "role", None) == ROLE_SECRETARY):
        dossier = session.get(Dossier, dossier_id)
        if dossier is not None and dossier.lawyer_id is not None:
            detail["on_behalf_of"] = dossier.lawyer_id
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        dossier_id=dossier_id,
        ip=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    session.add(event)
    return event


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
