"""Mijn gegevens: the signed-in user's own settings."""
from flask import Blueprint

bp = Blueprint("account", __name__)

from . import accounts, profile, routes, verification  # noqa: E402,F401
