"""The API's routes and their OpenAPI 3.1 description, from one source: each view is
declared with `operation`, which names its scope and its pydantic models. The wrapper checks
the scope, reads and validates the query and the JSON body (422 with the fields that were
wrong), runs an Idempotency-Key, and writes the response model as JSON; `document()` builds
/api/v1/openapi.json from the same declarations."""
import functools
import re
from dataclasses import dataclass, field

from flask import Response, g, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from . import bp, idempotency
from .problems import SCHEMA as PROBLEM_SCHEMA
from .problems import Problem

PREFIX = "/api/v1"
OPERATIONS = []
JSON = "application/json"


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    scope: str | None
    summary: str
    tag: str
    description: str = ""
    query: type | None = None
    body: type | None = None
    response: type | None = None
    status: int = 200
    request_body: dict | None = None  # an OpenAPI requestBody for what is not JSON
    content: dict | None = None  # an OpenAPI content map for a response that is not JSON
    errors: tuple = ()  # statuses besides those every call may answer
    path_params: list = field(default_factory=list)

    @property
    def path(self):
        return PREFIX + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.rule)


def operation(method, rule, *, scope, summary, tag, description="", query=None, body=None,
              response=None, status=200, request_body=None, content=None, errors=()):
    """Declare an API route. The view gets the path's values, and `query=` / `body=` (the
    validated models) when declared; it returns a model (written as JSON with `status`),
    a (model, headers) pair, or a finished Response."""
    def decorator(view):
        op = Operation(method, rule, view.__name__, scope, summary, tag, description, query,
                       body, response, status, request_body, content, tuple(errors),
                       re.findall(r"<(?:\w+:)?(\w+)>", rule))

        @functools.wraps(view)
        def handler(**values):
            require(scope)
            if query is not None:
                values["query"] = validate(query, request.args.to_dict(), "query")
            if body is not None:
                values["body"] = validate(body, json_body(), "body")
            key = request.headers.get("Idempotency-Key")
            if key is not None and method in ("POST", "PUT", "PATCH"):
                return idempotency.run(key, lambda: finish(op, view(**values)))
            return finish(op, view(**values))

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handler, methods=[method])
        OPERATIONS.append(op)
        return view
    return decorator


def require(scope):
    """403 unless the request's key has `scope` (None: any valid key)."""
    if scope is not None and scope not in g.api_scopes:
        raise Problem("scope", _l("This call needs the scope %(scope)s.", scope=scope))


def json_body():
    """The request's JSON object; 415 for another media type, 400 for broken JSON."""
    if not request.is_json:
        raise Problem("unsupported-media-type", _l("Send the body as application/json."))
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than Python's parser goes: not JSON we take
        data = None
    if data is None:
        raise Problem("bad-request", _l("The body is not valid JSON."))
    return data


MESSAGES = {
    "missing": _l("This field is required."),
    "extra_forbidden": _l("This field is unknown."),
    "string_type": _l("Must be text."),
    "string_too_short": _l("Must not be empty."),
    "string_too_long": _l("Too long."),
    "int_type": _l("Must be a whole number."),
    "int_parsing": _l("Must be a whole number."),
    "int_from_float": _l("Must be a whole number."),
    "bool_type": _l("Must be true or false."),
    "bool_parsing": _l("Must be true or false."),
    "list_type": _l("Must be a list."),
    "dict_type": _l("Must be an object."),
    "model_type": _l("Must be an object."),
    "model_attributes_type": _l("Must be an object."),
    "date_type": _l("Must be a date (YYYY-MM-DD)."),
    "date_parsing": _l("Must be a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _l("Must be a date (YYYY-MM-DD)."),
    "datetime_type": _l("Must be a date and time with a time zone (ISO 8601)."),
    "datetime_parsing": _l("Must be a date and time with a time zone (ISO 8601)."),
    "datetime_from_date_parsing": _l("Must be a date and time with a time zone (ISO 8601)."),
    "timezone_aware": _l("Must be a date and time with a time zone (ISO 8601)."),
    "literal_error": _l("Not one of the allowed values."),
    "enum": _l("Not one of the allowed values."),
    "greater_than_equal": _l("Too small."),
    "greater_than": _l("Too small."),
    "less_than_equal": _l("Too large."),
    "less_than": _l("Too large."),
    "too_short": _l("Too few items."),
    "too_long": _l("Too many items."),
}


def validate(model, data, where):
    """`data` as `model`, or a 422 naming each wrong field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or where
            cause = (error.get("ctx") or {}).get("error")
            if error["type"] == "value_error" and cause is not None:
                detail = str(cause)
            else:
                detail = str(MESSAGES.get(error["type"], error["msg"]))
            errors.append({"field": name, "detail": detail})
        raise Problem("validation", errors=errors) from None


def finish(op, result):
    """The view's result as a response."""
    if isinstance(result, Response):
        return result
    headers = {}
    if isinstance(result, tuple):
        result, headers = result
    if result is None:
        response = Response(status=op.status)
    else:
        data = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
        response = jsonify(data)
        response.status_code = op.status
    response.headers.update(headers)
    return response


# ---- the OpenAPI document

SECURITY = {"bearer": {"type": "http", "scheme": "bearer",
                       "description": "An API key made under Instellingen → API-sleutels."}}
ALWAYS = (401, 403, 429)
DESCRIPTIONS = {200: "OK", 201: "Created", 204: "No content", 400: "Bad request",
                401: "No valid API key", 403: "Not allowed", 404: "Not found",
                409: "Conflict", 413: "Too large", 415: "Unsupported media type",
                422: "Invalid fields", 429: "Too many requests", 503: "Unavailable",
                507: "No storage space"}


def _problem(status):
    return {"description": DESCRIPTIONS.get(status, "Error"),
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}}


def document(base_url=""):
    """The OpenAPI 3.1 document of every declared operation."""
    models = []
    for op in OPERATIONS:
        for model, mode in ((op.query, "validation"), (op.body, "validation"),
                            (op.response, "serialization")):
            if model is not None and (model, mode) not in models:
                models.append((model, mode))
    refs, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas = dict(defs.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    paths = {}
    for op in OPERATIONS:
        item = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": [{"name": name, "in": "path", "required": True,
                            "schema": {"type": "integer"}} for name in op.path_params],
            "responses": {},
        }
        if op.description:
            item["description"] = op.description
        if op.scope:
            item["x-scope"] = op.scope
        if op.query is not None:
            schema = schemas.get(op.query.__name__) or refs[(op.query, "validation")]
            required = set(schema.get("required", ()))
            for name, prop in schema.get("properties", {}).items():
                item["parameters"].append({"name": name, "in": "query",
                                           "required": name in required, "schema": prop})
        if op.method in ("POST", "PUT", "PATCH"):
            item["parameters"].append({
                "name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Repeating a call with the same key returns the first "
                               "result instead of doing it again."})
        if op.body is not None:
            item["requestBody"] = {"required": True, "content": {
                JSON: {"schema": refs[(op.body, "validation")]}}}
        elif op.request_body is not None:
            item["requestBody"] = op.request_body
        ok = {"description": DESCRIPTIONS.get(op.status, "OK")}
        if op.content is not None:
            ok["content"] = op.content
        elif op.response is not None:
            ok["content"] = {JSON: {"schema": refs[(op.response, "serialization")]}}
        item["responses"][str(op.status)] = ok
        statuses = set(ALWAYS) | set(op.errors)
        if op.path_params:
            statuses.add(404)
        if op.query is not None or op.body is not None or op.request_body is not None:
            statuses |= {400, 422}
        if op.body is not None:
            statuses.add(415)
        if op.method in ("POST", "PUT", "PATCH"):
            statuses |= {409, 422}
        for status in sorted(statuses):
            item["responses"][str(status)] = _problem(status)
        paths.setdefault(op.path, {})[op.method.lower()] = item
    tags = sorted({op.tag for op in OPERATIONS})
    return {
        "openapi": "3.1.0",
        "info": {"title": "Klantenportaal API", "version": "1",
                 "description": "The API for the firm's own systems. Every call needs an "
                                "API key (Authorization: Bearer); errors are RFC 9457 "
                                "problem details."},
        "servers": [{"url": base_url or "/"}],
        "security": [{"bearer": []}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY},
    }
