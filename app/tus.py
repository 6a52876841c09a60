"""The tus 1.0 protocol (https://tus.io/protocols/resumable-upload) for the portal's own
pages: core (HEAD, PATCH), creation (POST), termination (DELETE) and expiration. The work
is in app/resumable.py; each request is the signed-in user's, with the CSRF token in the
X-CSRFToken header as every other request that changes something."""
from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_login import current_user, login_required
from werkzeug.http import http_date

from . import resumable, storage, uploads
from .db import get_session
from .models import utcnow

bp = Blueprint("tus", __name__, url_prefix="/uploads")
VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration"


@bp.before_request
@login_required
def _signed_in():
    # Staff first set up two-step verification, as for every staff page.
    if current_user.is_staff and not current_user.two_step_enabled:
        abort(404)
    if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != VERSION:
        response = Response(status=412)
        response.headers["Tus-Version"] = VERSION
        return response
    return None


@bp.after_request
def _tus_headers(response):
    response.headers["Tus-Resumable"] = VERSION
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/", methods=["OPTIONS"], provide_automatic_options=False)
def options():
    """What this server supports."""
    response = Response(status=204)
    response.headers.update({"Tus-Version": VERSION, "Tus-Extension": EXTENSIONS,
                             "Tus-Max-Size": str(uploads.limits()[0])})
    return response


@bp.post("/")
def create():
    """Creation: an upload of Upload-Length bytes with its Upload-Metadata (filename and
    target); 201 with its Location."""
    length = _number("Upload-Length")
    if length is None:
        return _problem(400, "Upload-Length")
    db = get_session()
    try:
        upload = resumable.create(db, current_user, length,
                                  request.headers.get("Upload-Metadata"))
    except resumable.Problem as problem:
        return _problem(problem.status, problem.message)
    response = Response(status=201)
    response.headers["Location"] = url_for("tus.upload", upload_token=upload.token)
    _expiry(response, upload)
    return response


@bp.route("/<upload_token>", methods=["HEAD", "PATCH", "DELETE"])
def upload(upload_token):
    """HEAD: how far it is; PATCH: the next bytes; DELETE: termination."""
    db = get_session()
    found = resumable.find(db, current_user, upload_token)
    if request.method == "DELETE":
        resumable.remove(db, found)
        return Response(status=204)
    if request.method == "HEAD":
        response = Response(status=200)
        response.headers["Upload-Offset"] = str(found.length if found.finished_at
                                                 else resumable.offset_of(found))
        response.headers["Upload-Length"] = str(found.length)
        _expiry(response, found)
        return response
    return _patch(db, found)


def _patch(db, found):
    if request.mimetype != storage.TUS_CHUNK:
        return _problem(415, storage.TUS_CHUNK)
    offset = _number("Upload-Offset")
    if offset is None:
        return _problem(400, "Upload-Offset")
    if found.finished_at is not None:
        return _problem(409, "finished")
    db.commit()  # no transaction, and on SQLite no lock, while the bytes arrive
    try:
        reached = resumable.write(found, offset, request.stream, request.content_length)
    except resumable.Busy:
        return _problem(423, "busy")
    except resumable.Problem as problem:
        return _problem(problem.status, problem.message)
    except storage.InsufficientStorage:
        return _problem(507, str(storage.InsufficientStorage.description))
    resumable.touch(db, found)
    if reached == found.length:
        try:
            resumable.finish(db, found)
        except resumable.Problem as problem:
            return _problem(problem.status, problem.message)
    response = Response(status=204)
    response.headers["Upload-Offset"] = str(reached)
    _expiry(response, found)
    return response


def _number(header):
    """A header's non-negative whole number, else None."""
    value = request.headers.get(header, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _expiry(response, found):
    if found.expires_at > utcnow():
        response.headers["Upload-Expires"] = http_date(found.expires_at)


def _problem(status, message):
    """A refusal: plain text for the user (the page shows it), in their language."""
    current_app.logger.info("tus %s %s: %s", request.method, status, message[:80])
    return Response(str(message), status=status, mimetype="text/plain")
