"""Signing in: login, logout, invitation, set and forgot password."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import passkey_login, routes, second_step  # noqa: E402,F401
