"""Webhooks: endpoints the firm registers, events queued with their cause, and their signed
delivery (Standard Webhooks) by the background loop with retries."""
from flask_babel import lazy_gettext as _l

# The events an endpoint can subscribe to: type -> what staff read.
EVENTS = {
    "client.activated": _l("Client activated the account"),
    "document.downloaded": _l("Document downloaded by the client (first time)"),
    "message.received": _l("Message received from a client"),
    "questionnaire.completed": _l("Questionnaire completed"),
    "request_item.handed_in": _l("Requested document handed in"),
    "approval.approved": _l("Document approved by the client"),
    "approval.refused": _l("Document not approved by the client"),
    "client.erased": _l("Client erased"),
}


class BadUrl(ValueError):
    """An endpoint address that is refused; str() is the reason, translated."""


def check_url(url, allow_private=False):
    """Refuse (BadUrl) anything but http(s) with a host, and, with WEBHOOK_REFUSE_PRIVATE,
    a host that is or resolves to a loopback, link-local, private, ... address."""
    raise NotImplementedError


def new_secret():
    """A signing secret: "whsec_" + base64 of 32 random bytes."""
    raise NotImplementedError


def create_endpoint(db, *, url, events, description="", allow_private=False, actor):
    """Add an endpoint (BadUrl, ValueError for no or unknown events); audited, caller
    commits."""
    raise NotImplementedError


def update_endpoint(db, endpoint, *, url, events, description, allow_private, active, actor):
    """Change an endpoint; audited, caller commits."""
    raise NotImplementedError


def delete_endpoint(db, endpoint, actor):
    """Delete an endpoint and its deliveries; audited, caller commits."""
    raise NotImplementedError


def rotate_secret(db, endpoint, actor):
    """Give the endpoint a new secret (returned); audited, caller commits."""
    raise NotImplementedError


def emit(db, event_type, data):
    """Queue `event_type` with `data` (ids only) for every active subscribed endpoint, in
    `db`'s transaction; returns the deliveries added."""
    raise NotImplementedError


def deliveries(db, endpoint, limit=50):
    """The endpoint's latest deliveries, newest first."""
    raise NotImplementedError


def resend(db, delivery, actor):
    """Queue a delivery again now, with the same event id; audited, caller commits."""
    raise NotImplementedError


def deliver_due(app=None, now=None):
    """The background job: deliver every due delivery once; returns (delivered, failed)."""
    raise NotImplementedError


def verify(secret, headers, body, tolerance=300):
    """The receiver's check of a delivery's signature and timestamp."""
    raise NotImplementedError
