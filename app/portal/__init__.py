"""The client's portal: home, dossiers, actions, requests for documents and for approval."""
from flask import Blueprint

bp = Blueprint("portal", __name__)

from . import approvals, requests, routes  # noqa: E402,F401
