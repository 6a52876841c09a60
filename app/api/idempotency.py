"""Idempotency-Key: a changing call repeated with the same key (by the same API key) gets the
first call's answer again instead of being done twice. The key is claimed before the call
runs, so two copies sent at once do not both run: the second gets 409 until the first is
done. Answers are kept for a day (purge, run by the background loop)."""
import hashlib
import json
import logging
import time
from datetime import timedelta

from flask import Response, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..db import engine, get_session
from ..models import IdempotencyKey, utcnow
from . import problems
from .problems import Problem

log = logging.getLogger("klantenportaal.api")
KEEP = timedelta(hours=24)
# Answers worth replaying; a 409 or 429 (try again later) and 5xx leave the key free again.
REPLAYED = range(200, 500)
NOT_REPLAYED = (409, 429)


# A body up to this size is part of the fingerprint; a larger one (a file) is not read for
# it, so it is never held in memory: its type and size stand for it.
FINGERPRINT_BODY = 1 << 20


def fingerprint():
    """The call as the key was first used for: method, path, media type, and the body when
    it is small (of a multipart call: its text fields and file names)."""
    digest = hashlib.sha256()
    size = request.content_length
    parts = [request.method, request.full_path, request.mimetype]
    if request.mimetype == "multipart/form-data":  # its boundary differs on every call
        parts += sorted(f"{k}={v}" for k, v in request.form.items(multi=True))
        parts += sorted(f"{k}:{f.filename}" for k, f in request.files.items(multi=True))
    else:
        parts.append(str(size))
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    if request.mimetype != "multipart/form-data" and size is not None \
            and size <= FINGERPRINT_BODY:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def run(key, call):
    """Run `call` (which returns a Response) once for this key."""
    if not key or len(key) > 255:
        raise problems.field_error("Idempotency-Key", _l("Between 1 and 255 characters."))
    db = get_session()
    print_ = fingerprint()
    db.add(IdempotencyKey(api_key_id=g.api_key.id, key=key, fingerprint=print_))
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        return _replay(db, key, print_)
    try:
        try:
            response = call()
        except Problem as problem:
            response = problems.from_problem(problem)
    except BaseException:
        db.rollback()
        _release(db, key)
        raise
    if response.status_code in REPLAYED and response.status_code not in NOT_REPLAYED:
        row = db.get(IdempotencyKey, (g.api_key.id, key), populate_existing=True)
        if row is not None:
            row.status = response.status_code
            row.body = response.get_data(as_text=True)
            row.location = response.headers.get("Location")
            db.commit()
    else:
        _release(db, key)
    return response


def _release(db, key):
    db.execute(delete(IdempotencyKey).where(IdempotencyKey.api_key_id == g.api_key.id,
                                            IdempotencyKey.key == key))
    db.commit()


def _replay(db, key, print_):
    row = db.get(IdempotencyKey, (g.api_key.id, key), populate_existing=True)
    if row is None:  # released in the meantime: the caller may simply try again
        raise Problem("idempotency-in-progress", headers={"Retry-After": "1"})
    if row.fingerprint != print_:
        raise Problem("idempotency-mismatch",
                      _l("This Idempotency-Key was used for a different call."))
    if row.status is None:
        raise Problem("idempotency-in-progress", headers={"Retry-After": "1"})
    response = Response(row.body, status=row.status)
    try:
        json.loads(row.body or "null")
        response.mimetype = (problems.MEDIA_TYPE if row.status >= 400 else "application/json")
    except ValueError:
        pass
    if row.location:
        response.headers["Location"] = row.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def purge(db, now=None):
    """Forget the answers older than KEEP; returns how many."""
    result = db.execute(delete(IdempotencyKey).where(
        IdempotencyKey.created_at < (now or utcnow()) - KEEP))
    db.commit()
    return result.rowcount


def purge_if_due(app):
    """purge() at most once an hour in this process (a step of the background loop)."""
    state = app.extensions.setdefault("idempotency", {"last": None})
    now = time.monotonic()
    if state["last"] is not None and now - state["last"] < 3600:
        return None
    state["last"] = now
    with app.app_context(), Session(engine()) as db:
        return purge(db)
