"""Errors of the API as RFC 9457 problem details (application/problem+json): a stable
`type` per kind of error, a title, and for bad input the fields that were wrong."""
from flask import jsonify, request
from flask_babel import lazy_gettext as _l

MEDIA_TYPE = "application/problem+json"
# Every kind of error: (HTTP status, title). The `type` is TYPE_BASE + the key; the reference
# page (/api/v1/docs) explains each under that anchor.
KINDS = {
    "bad-request": (400, _l("The request could not be read")),
    "unauthorized": (401, _l("No valid API key")),
    "forbidden": (403, _l("Not allowed")),
    "scope": (403, _l("The key lacks the scope for this")),
    "ip-not-allowed": (403, _l("The key may not be used from this address")),
    "not-found": (404, _l("Not found")),
    "method-not-allowed": (405, _l("Method not allowed")),
    "not-acceptable": (406, _l("Not acceptable")),
    "conflict": (409, _l("Conflict with the current state")),
    "idempotency-in-progress": (409, _l("A call with this Idempotency-Key is still running")),
    "too-large": (413, _l("The request is too large")),
    "unsupported-media-type": (415, _l("Unsupported media type")),
    "validation": (422, _l("The request has invalid fields")),
    "idempotency-mismatch": (422, _l("The Idempotency-Key was used for another request")),
    "rate-limited": (429, _l("Too many requests")),
    "server-error": (500, _l("Something went wrong")),
    "unavailable": (503, _l("The portal is temporarily unavailable")),
    "insufficient-storage": (507, _l("No storage space")),
}
TYPE_BASE = "/api/v1/docs#problem-"
# The kind of a status code when the code raised only that (abort(404), a Werkzeug error).
BY_STATUS = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
             405: "method-not-allowed", 406: "not-acceptable", 409: "conflict",
             413: "too-large", 415: "unsupported-media-type", 422: "validation",
             429: "rate-limited", 500: "server-error", 503: "unavailable",
             507: "insufficient-storage"}


class Problem(Exception):
    """Raise to answer with a problem; `errors` is a list of {"field", "detail"}."""

    def __init__(self, kind, detail=None, errors=None, headers=None):
        super().__init__(kind)
        self.kind, self.detail, self.errors, self.headers = kind, detail, errors, headers


def field_error(field, detail):
    """A 422 for one field."""
    return Problem("validation", errors=[{"field": field, "detail": str(detail)}])


def response(kind, detail=None, errors=None, headers=None):
    """The problem's response."""
    status, title = KINDS[kind]
    body = {"type": TYPE_BASE + kind, "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    body["instance"] = request.path
    if errors:
        body["errors"] = errors
    result = jsonify(body)
    result.status_code = status
    result.mimetype = MEDIA_TYPE
    for key, value in (headers or {}).items():
        result.headers[key] = value
    return result


def from_problem(problem):
    return response(problem.kind, problem.detail, problem.errors, problem.headers)


def from_status(code, detail=None, headers=None):
    if code == 405 and _past_integer_ids():
        code = 404  # Werkzeug matched no rule (the id converter refused it): no such record
    return response(BY_STATUS.get(code, "server-error"), detail, headers=headers)


def _past_integer_ids():
    """True when the path holds a number no record id can be (past INTEGER_MAX)."""
    from ..db import INTEGER_MAX
    return any(len(part) > 9 and part.isdigit() and int(part) > INTEGER_MAX
               for part in request.path.split("/"))


def is_api_request():
    return request.path.startswith("/api/")


SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "Stable per kind of error."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "detail"],
            "properties": {"field": {"type": "string"}, "detail": {"type": "string"}}}},
    },
}
