"""Webhooks: endpoints the firm registers, events queued with their cause, and their signed
delivery (Standard Webhooks) by the background loop, with retries and exactly once."""
import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update
from sqlmodel import Session, select

from . import audit
from .db import engine
from .models import WebhookDelivery, WebhookEndpoint, utcnow

log = logging.getLogger("klantenportaal.webhooks")

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
USER_AGENT = "Klantenportaal-Webhooks/1"
# The wait after the 1st, 2nd, ... failed try; the last one repeats.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10),
           timedelta(hours=1), timedelta(hours=4), timedelta(hours=12), timedelta(hours=24))
_MAX_URL = 2000  # WebhookEndpoint.url


class BadUrl(ValueError):
    """An endpoint address that is refused; str() is the reason, translated (a lazy string:
    raised anywhere, read in a request)."""


# ---- endpoints

def check_url(url, allow_private=False):
    """Refuse (BadUrl) anything but http(s) with a host, and, with WEBHOOK_REFUSE_PRIVATE,
    a host that is or resolves to a loopback, link-local, private, ... address."""
    _split(url)
    if _refuses_private(allow_private):
        _checked_address(url, allow_private)


def _split(url):
    """(parts, host in ASCII, port) of an http(s) URL with a host; BadUrl otherwise."""
    try:
        parts = urlsplit(url or "")
        port = parts.port
        host = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
    except (ValueError, UnicodeError):
        parts = host = None
    if (parts is None or parts.scheme not in ("http", "https") or not host
            or len(url) > _MAX_URL):
        raise BadUrl(_l("Enter a web address that starts with https:// or http://."))
    if parts.username is not None or parts.password is not None:
        raise BadUrl(_l("Leave the user name and password out of the web address."))
    return parts, host, port or (443 if parts.scheme == "https" else 80)


def _refuses_private(allow_private):
    return not allow_private and current_app.config.get("WEBHOOK_REFUSE_PRIVATE", True)


def _checked_address(url, allow_private):
    """(parts, host, port, IP address to connect to): the host's addresses are looked up
    once and, unless allowed, must all be public ones; BadUrl otherwise."""
    parts, host, port = _split(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise BadUrl(_l("The host %(host)s cannot be found.", host=host)) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if _refuses_private(allow_private) and not all(map(_is_public, addresses)):
        raise BadUrl(_l("%(host)s is on a local or private network; only an address on the "
                       "internet is allowed.", host=host))
    return parts, host, port, addresses[0]


def _is_public(address):
    """True for an address on the internet: not loopback, link-local, private, reserved,
    multicast or unspecified (also written as an IPv4-mapped IPv6 address)."""
    ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 zone ("fe80::1%eth0")
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_loopback or ip.is_link_local or ip.is_private
                                 or ip.is_reserved or ip.is_multicast or ip.is_unspecified)


def new_secret():
    """A signing secret: "whsec_" + base64 of 32 random bytes (Standard Webhooks)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _events(events):
    """The chosen event types, space-separated in the order of EVENTS; ValueError for
    none or an unknown one."""
    chosen = set(events or ())
    unknown = chosen - EVENTS.keys()
    if unknown:
        raise ValueError(_l("Unknown event: %(event)s", event=", ".join(sorted(unknown))))
    if not chosen:
        raise ValueError(_l("Choose at least one event."))
    return " ".join(event for event in EVENTS if event in chosen)


def _shown(url):
    """The URL as the audit log keeps it: without its query, which may hold a token."""
    return url.split("?")[0].split("#")[0]


def create_endpoint(db, *, url, events, description="", allow_private=False, actor):
    """Add an endpoint with a new secret (BadUrl, or ValueError for no or unknown events);
    audited, caller commits."""
    url = (url or "").strip()
    check_url(url, allow_private)
    endpoint = WebhookEndpoint(url=url, events=_events(events), secret=new_secret(),
                               description=(description or "").strip()[:200],
                               allow_private=bool(allow_private),
                               created_by_id=getattr(actor, "id", None))
    db.add(endpoint)
    db.flush()
    audit.record(db, "webhook.created", actor=actor, target=endpoint, url=_shown(url),
                 events=endpoint.events.split(), allow_private=endpoint.allow_private)
    return endpoint


def update_endpoint(db, endpoint, *, url, events, description, allow_private, active, actor):
    """Change an endpoint (BadUrl, ValueError as create_endpoint); audited, caller
    commits. Deliveries still queued go to the new address."""
    url = (url or "").strip()
    check_url(url, allow_private)
    values = {"url": url, "events": _events(events),
              "description": (description or "").strip()[:200],
              "allow_private": bool(allow_private), "active": bool(active)}
    changed = [name for name, value in values.items() if getattr(endpoint, name) != value]
    for name in changed:
        setattr(endpoint, name, values[name])
    if changed:
        audit.record(db, "webhook.changed", actor=actor, target=endpoint, changed=changed,
                     url=_shown(url), events=endpoint.events.split(),
                     allow_private=endpoint.allow_private, active=endpoint.active)
    return endpoint


def delete_endpoint(db, endpoint, actor):
    """Delete an endpoint and its deliveries; audited, caller commits."""
    audit.record(db, "webhook.deleted", actor=actor, target=endpoint, url=_shown(endpoint.url))
    db.delete(endpoint)


def rotate_secret(db, endpoint, actor):
    """Give the endpoint a new secret (returned); deliveries still queued are signed with
    it. Audited, caller commits."""
    endpoint.secret = new_secret()
    audit.record(db, "webhook.secret_rotated", actor=actor, target=endpoint)
    return endpoint.secret


# ---- events

def emit(db, event_type, data):
    """Queue `event_type` with `data` (ids only, never names or contents) for every active
    endpoint subscribed to it, in `db`'s transaction, so it is committed with its cause or
    not at all; its commit wakes the background loop. Returns the deliveries added."""
    if event_type not in EVENTS:
        raise ValueError(f"unknown webhook event {event_type!r}")
    endpoints = [endpoint for endpoint in db.exec(
        select(WebhookEndpoint).where(WebhookEndpoint.active,
                                      WebhookEndpoint.events.contains(event_type))
        .order_by(WebhookEndpoint.id)) if event_type in endpoint.events.split()]
    if not endpoints:
        return []
    now = utcnow()
    event_id = "evt_" + secrets.token_urlsafe(18)
    payload = json.dumps({"id": event_id, "type": event_type,
                          "created_at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
                          "data": data}, separators=(",", ":"))
    rows = [WebhookDelivery(endpoint_id=endpoint.id, event_id=event_id, event_type=event_type,
                            payload=payload, created_at=now, next_attempt_at=now)
            for endpoint in endpoints]
    db.add_all(rows)
    db.info["mail_queued"] = True  # wakes the background loop on commit (app/worker.py)
    return rows


def deliveries(db, endpoint, limit=50):
    """The endpoint's latest deliveries, newest first (its history)."""
    return db.exec(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
                   .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
                   .limit(limit)).all()


def resend(db, delivery, actor):
    """Queue a delivery again now, from its first try, with the same event id (so the
    receiver can tell it has it already); audited, caller commits."""
    # An UPDATE, not attributes set: the row may have been delivered since it was loaded.
    db.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery.id).values(
        delivered_at=None, failed_at=None, attempts=0, next_attempt_at=utcnow(),
        last_status=None, last_error=None))
    audit.record(db, "webhook.resent", actor=actor,
                 target=db.get(WebhookEndpoint, delivery.endpoint_id),
                 delivery_id=delivery.id, event_id=delivery.event_id, event=delivery.event_type)
    db.info["mail_queued"] = True
    return delivery


# ---- delivery

def backoff(attempts):
    """The wait after `attempts` failed tries."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def claim_time(app):
    """How long a claim keeps other workers off a delivery: the longest try (cut at
    WEBHOOK_TIMEOUT_SECONDS once connecting starts), with room for the look-up of the
    host and storing the outcome."""
    return timedelta(seconds=2 * app.config["WEBHOOK_TIMEOUT_SECONDS"] + 60)


def deliver_due(app=None, now=None, limit=100):
    """The background job: try every due delivery of an active endpoint once; returns
    (delivered, failed). `now` stands for the time (tests). An endpoint that fails is not
    tried again in this round, so a dead one costs one time-out per round."""
    app = app or current_app._get_current_object()
    delivered = failed = 0
    with app.app_context(), Session(engine(), expire_on_commit=False) as db:
        due = db.exec(
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookEndpoint.active, WebhookDelivery.delivered_at.is_(None),
                   WebhookDelivery.failed_at.is_(None),
                   WebhookDelivery.next_attempt_at <= (now or utcnow()))
            .order_by(WebhookDelivery.id).limit(limit)).all()
        db.commit()
        broken = set()  # endpoints that failed in this round
        for delivery_id in due:
            claimed = _claim(app, db, delivery_id, now or utcnow(), broken)
            if claimed is None:
                continue
            row, endpoint = claimed
            status, error = _post(app, endpoint, row)
            if error is None:
                _finish(db, row, delivered_at=now or utcnow(), last_status=status,
                        last_error=None)
                delivered += 1
            else:
                _note_failure(app, db, row, status, error, now or utcnow())
                broken.add(endpoint.id)
                failed += 1
    return delivered, failed


def _claim(app, db, delivery_id, now, broken):
    """Lock one due delivery for claim_time and load it with its endpoint; None when
    another worker has it (or sent it), or its endpoint is off or failed in this round.

    A conditional UPDATE, committed before the delivery is sent: of two workers exactly
    one gets it, on PostgreSQL too, and no lock is held while the receiver answers.
    """
    result = db.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.delivered_at.is_(None),
               WebhookDelivery.failed_at.is_(None), WebhookDelivery.next_attempt_at <= now,
               WebhookDelivery.endpoint_id.not_in(list(broken)),
               or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now))
        .values(locked_until=now + claim_time(app))
        .execution_options(synchronize_session=False))
    claimed = None
    if result.rowcount == 1:
        row = db.get(WebhookDelivery, delivery_id, populate_existing=True)
        endpoint = db.get(WebhookEndpoint, row.endpoint_id, populate_existing=True)
        claimed = row, endpoint
    db.commit()
    return claimed


def _finish(db, row, **values):
    """Store the outcome of one try and release the claim, unless the claim was lost."""
    result = db.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == row.id, WebhookDelivery.locked_until == row.locked_until)
        .values(locked_until=None, attempts=WebhookDelivery.attempts + 1, **values)
        .execution_options(synchronize_session=False))
    db.commit()
    if result.rowcount != 1:  # only after a stall longer than claim_time
        log.error("webhook delivery %s: the claim ran out while it was sent; outcome not "
                  "stored", row.id)


def _note_failure(app, db, row, status, error, now):
    """Store a failed try: tried again after the back-off, or given up (failed_at)."""
    attempts = row.attempts + 1
    given_up = attempts >= app.config["WEBHOOK_MAX_ATTEMPTS"]
    _finish(db, row, last_status=status, last_error=error[:1000],
            next_attempt_at=now + backoff(attempts), failed_at=now if given_up else None)
    log.warning("webhook delivery %s (%s) to endpoint %s failed (attempt %s%s): %s",
                row.id, row.event_id, row.endpoint_id, attempts,
                ", given up" if given_up else "", error)


def _post(app, endpoint, row):
    """POST the delivery, signed; (HTTP status or None, None when delivered else the error
    in one short line)."""
    timeout = app.config["WEBHOOK_TIMEOUT_SECONDS"]
    try:
        parts, host, port, address = _checked_address(endpoint.url, endpoint.allow_private)
    except BadUrl as exc:
        with force_locale("en"):  # no request here; errors of a delivery are in English
            return None, f"BadUrl: {exc}"
    body = row.payload.encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "webhook-id": row.event_id, "webhook-timestamp": timestamp,
               "webhook-signature": "v1," + _signature(endpoint.secret, row.event_id,
                                                       timestamp, body)}
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _PinnedConnection(host, port, address, parts.scheme == "https", timeout)
    # Each step waits at most `timeout`, and so does the whole try: a receiver that
    # trickles its answer is cut off (the claim must outlast the try).
    deadline = threading.Timer(timeout, connection.cut)
    deadline.daemon = True
    deadline.start()
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
    except Exception as exc:  # whatever it is, this try failed: stored, tried again later
        if isinstance(exc, TimeoutError) or connection.was_cut:
            return None, f"Timed out after {timeout} s"
        return None, " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    finally:
        deadline.cancel()
        connection.close()
    if 200 <= status < 300:
        return status, None
    reason = " ".join(str(response.reason).split())[:100]
    note = " (redirects are not followed)" if 300 <= status < 400 else ""
    return status, f"HTTP {status} {reason}{note}"


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP, or HTTPS, to the very address that was checked, whatever the name resolves to
    by now (no DNS rebinding); the Host header and the certificate are those of the name."""

    def __init__(self, host, port, address, tls, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address, self.tls, self.was_cut = address, tls, False
        self.default_port = 443 if tls else 80  # no ":443" in the Host header

    def connect(self):
        """Connect to the checked address; for HTTPS check the certificate for the name."""
        sock = socket.create_connection((self.address, self.port), self.timeout)
        if self.tls:
            try:
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
            except BaseException:
                sock.close()
                raise
        self.sock = sock

    def cut(self):
        """End a try that ran past its time (from the deadline's thread)."""
        self.was_cut = True
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)  # wakes the waiting read
            except OSError:
                pass


# ---- signatures (Standard Webhooks)

def _signature(secret, event_id, timestamp, body):
    """base64 of HMAC-SHA256 over "id.timestamp.body" with the secret's bytes."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    message = f"{event_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")


def verify(secret, headers, body, tolerance=300):
    """The receiver's check: True when `body` (bytes or str) is signed with `secret` in
    `headers` (webhook-id, webhook-timestamp, webhook-signature) and the timestamp is
    within `tolerance` seconds of now."""
    headers = {str(name).lower(): value for name, value in headers.items()}
    event_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    try:
        if abs(time.time() - int(timestamp)) > tolerance:
            return False
    except ValueError:
        return False
    if isinstance(body, str):
        body = body.encode("utf-8")
    expected = _signature(secret, event_id, timestamp, body)
    return any(version == "v1" and hmac.compare_digest(signature.encode(), expected.encode())
               for version, _comma, signature in
               (item.partition(",") for item in headers.get("webhook-signature", "").split()))
