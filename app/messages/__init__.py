"""Berichten: messages between a client and the firm, with attachments."""
from flask import Blueprint

bp = Blueprint("messages", __name__)

from . import routes  # noqa: E402,F401
