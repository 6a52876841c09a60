"""Acties: filling in questionnaires step by step, and filing the answers as a PDF."""
from flask import Blueprint

bp = Blueprint("questionnaires", __name__)

from . import routes  # noqa: E402,F401
