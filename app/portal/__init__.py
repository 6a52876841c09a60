"""The client's portal: home, dossiers, actions and requests for documents."""
from flask import Blueprint

bp = Blueprint("portal", __name__)

from . import requests, routes  # noqa: E402,F401
