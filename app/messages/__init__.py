"""Berichten: messages between a client and the firm, with attachments."""
from flask import Blueprint

bp = Blueprint("messages", __name__)

from . import cleanup, routes  # noqa: E402,F401

bp.record_once(cleanup.init_app)
