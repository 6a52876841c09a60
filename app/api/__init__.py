"""The versioned JSON API for the firm's own systems (/api/v1): see docs/api.md.

Each resource lives in a module of its own and declares its routes with spec.operation;
errors are problem details (problems.py), keys and scopes are in keys.py."""
from flask import Blueprint, jsonify, render_template, request

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC = ("api.openapi", "api.reference")  # the description of the API needs no key


@bp.before_request
def _authenticate():
    if request.endpoint not in PUBLIC:
        from .auth import authenticate
        authenticate()


@bp.get("/openapi.json")
def openapi():
    from .spec import document
    return jsonify(document(request.host_url.rstrip("/")))


@bp.get("/docs")
def reference():
    """The API reference, rendered here from the OpenAPI document (nothing from elsewhere)."""
    from .problems import KINDS, TYPE_BASE
    from .spec import document
    return render_template("api/reference.html", spec=document(), kinds=KINDS,
                           type_base=TYPE_BASE)


def init_app(app):
    """Register the API: no CSRF (it reads no cookies), problem details for its errors."""
    from ..extensions import csrf
    from . import resources  # noqa: F401  (declares the routes on bp)
    from .problems import Problem, from_problem
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_error_handler(Problem, from_problem)
