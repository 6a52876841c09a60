"""Who calls the API: the key in `Authorization: Bearer`, never a session cookie. The key must
be active, used from an allowed address, and act for an active staff account; each call is
counted against the key's throttle (one UPDATE, which also records when it was last used)."""
import math

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, update

from ..db import get_session
from ..models import KIND_STAFF, ApiKey, User, utcnow
from . import keys
from .problems import Problem

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def authenticate():
    """Set g.api_key, g.api_user and g.api_scopes for this call, or raise a 401/403/429."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Problem("unauthorized", _l("Send an API key as Authorization: Bearer <key>."),
                      headers=CHALLENGE)
    db = get_session()
    row = keys.find(db, raw.strip())
    if row is None:
        raise Problem("unauthorized", _l("This API key is not known."), headers=CHALLENGE)
    state = keys.state(row)
    if state != "active":
        detail = (_l("This API key has been revoked.") if state == "revoked"
                  else _l("This API key has expired."))
        raise Problem("unauthorized", detail, headers=CHALLENGE)
    user = db.get(User, row.acts_as_id)
    if user is None or not user.active or user.kind != KIND_STAFF:
        raise Problem("unauthorized", _l("The account this key acts for is not active."),
                      headers=CHALLENGE)
    if not keys.ip_allowed(row, request.remote_addr):
        raise Problem("ip-not-allowed")
    _count(db, row)
    g.api_key, g.api_user, g.api_scopes = row, user, keys.scopes_of(row)
    g._login_user = user  # code shared with the staff side reads current_user


def _count(db, row):
    """Count this call in the key's current minute; 429 past API_CALLS_PER_MINUTE."""
    now = utcnow()
    minute = math.floor(now.timestamp() / 60)
    count = db.execute(
        update(ApiKey).where(ApiKey.id == row.id)
        .values(window_count=case((ApiKey.window_start == minute, ApiKey.window_count + 1),
                                  else_=1),
                window_start=minute, last_used_at=now, last_used_ip=request.remote_addr)
        .returning(ApiKey.window_count)
        .execution_options(synchronize_session=False)).scalar_one()
    db.commit()
    if count > current_app.config["API_CALLS_PER_MINUTE"]:
        wait = 60 - int(now.timestamp()) % 60
        raise Problem("rate-limited", _l("Too many calls with this key; wait a moment."),
                      headers={"Retry-After": str(wait)})
