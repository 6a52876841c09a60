"""Every module that declares API routes; importing this registers them on the blueprint."""
from . import (  # noqa: F401
    approvals,
    clients,
    documents,
    dossiers,
    keys_info,
    messages,
    questionnaires,
    requests,
)
