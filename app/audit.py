"""The audit log: one row for every time someone saw, fetched, sent or changed something."""
from flask import has_request_context, request

from .models import AuditEvent


def record(session, action, *, actor=None, target=None, dossier_id=None, **detail):
    """Add an audit event to the session; it is committed with the change it describes."""
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
