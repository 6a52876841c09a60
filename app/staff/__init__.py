"""The staff side (lawyers, notaries, secretaries, admins): one module per resource."""
from flask import Blueprint

bp = Blueprint("staff", __name__)

from . import (  # noqa: E402,F401
    api_keys,
    approvals,
    audit_log,
    clients,
    documents,
    dossiers,
    mail,
    messages,
    privacy,
    questionnaire_sending,
    questionnaires,
    requests,
    routes,
    settings,
    staff_accounts,
    standard_items,
    webhooks,
)
