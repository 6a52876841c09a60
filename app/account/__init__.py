"""Mijn gegevens: the signed-in user's own settings."""
from flask import Blueprint

bp = Blueprint("account", __name__)

from . import accounts, passkeys, profile, routes, twostep  # noqa: E402,F401
