"""API keys: made by an admin (Instellingen → API-sleutels) or `flask api-key create`, shown
once, stored as a SHA-256 hash. A key acts for one staff account, whose role rules apply;
its scopes narrow what it may do, never widen it."""
import ipaddress
import secrets
from datetime import datetime, time, timedelta

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from sqlmodel import select

from .. import audit
from ..dates import local
from ..models import KIND_STAFF, ApiKey, utcnow
from ..security import sha256

MAX_NAME = 100  # as ApiKey.name
PREFIX = "klp_"
# Every scope, with what it allows (shown when an admin picks them).
SCOPES = {
    "clients:read": _l("Read clients and company accounts"),
    "clients:write": _l("Create and change clients and company accounts"),
    "dossiers:read": _l("Read dossiers and their progress"),
    "dossiers:write": _l("Create and change dossiers and their progress"),
    "documents:read": _l("Read documents and their download state"),
    "documents:write": _l("Publish and withdraw documents"),
    "messages:read": _l("Read messages"),
    "messages:write": _l("Send messages"),
    "questionnaires:read": _l("Read questionnaires, their progress and answers"),
    "questionnaires:write": _l("Send questionnaires"),
    "requests:read": _l("Read requests for documents"),
    "requests:write": _l("Request documents, approve or reject what was handed in"),
    "approvals:read": _l("Read requests for approval"),
    "approvals:write": _l("Publish documents for approval"),
}


class BadKey(ValueError):
    """What was asked for a new key cannot be: the message says why."""


def parse_networks(text):
    """The allowed networks typed as "192.0.2.0/24 2001:db8::/32" (spaces or commas), as
    normalised text; BadKey for one that is not a network."""
    networks = []
    for part in (text or "").replace(",", " ").split():
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise BadKey(_l("%(value)s is not an IP address or network.", value=part)) from None
    return " ".join(networks)


def expires_at(day):
    """The moment a key that expires on `day` stops working: the end of that day in the
    firm's time zone; BadKey for a day past."""
    if day < local(utcnow()).date():
        raise BadKey(_l("The expiry date cannot be in the past."))
    if day.year >= 9999:  # its end would not fit a date
        raise BadKey(_l("Choose an expiry date before the year 9999."))
    midnight = datetime.combine(day + timedelta(days=1), time())
    return get_timezone().localize(midnight)  # pytz: never replace()


def create_key(db, *, name, scopes, acts_as, created_by=None, expires_at=None,
               allowed_ips=""):
    """Add a key to the session, audited; returns (row, the key itself). The caller commits;
    the key is not stored and cannot be shown again."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise BadKey(_l("Unknown scope: %(scope)s", scope=", ".join(sorted(unknown))))
    if not scopes:
        raise BadKey(_l("Choose at least one scope."))
    if acts_as is None or acts_as.kind != KIND_STAFF or not acts_as.active:
        raise BadKey(_l("A key acts for an active staff account."))
    raw = PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name.strip(), prefix=raw[:12], key_hash=sha256(raw),
                 scopes=" ".join(s for s in SCOPES if s in scopes), acts_as_id=acts_as.id,
                 created_by_id=getattr(created_by, "id", None), expires_at=expires_at,
                 allowed_ips=parse_networks(allowed_ips))
    db.add(row)
    db.flush()
    audit.record(db, "api_key.created", actor=created_by, target=row, name=row.name,
                 scopes=row.scopes)
    return row, raw


def revoke(db, row, actor=None):
    """Switch a key off at once (the caller commits); revoking twice changes nothing."""
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(db, "api_key.revoked", actor=actor, target=row, name=row.name)


def find(db, raw):
    """The key row of this secret, or None (whatever its state)."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    return db.exec(select(ApiKey).where(ApiKey.key_hash == sha256(raw))).first()


def state(row, now=None):
    """"active", "revoked" or "expired"."""
    now = now or utcnow()
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return "active"


def ip_allowed(row, ip):
    """True when the key has no IP ranges or `ip` lies in one of them."""
    if not row.allowed_ips:
        return True
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n) for n in row.allowed_ips.split())


def scopes_of(row):
    return set(row.scopes.split())
