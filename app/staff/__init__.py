"""The staff side (lawyers, notaries, secretaries, admins)."""
from flask import Blueprint

bp = Blueprint("staff", __name__)

from . import routes  # noqa: E402,F401
