"""GET /api/v1/me: which key this is, what it may do, and for whom it acts."""
from datetime import datetime

from flask import g
from pydantic import BaseModel

from .spec import operation


class Me(BaseModel):
    key_name: str
    key_prefix: str
    scopes: list[str]
    acts_as_id: int
    acts_as_name: str
    acts_as_role: str
    expires_at: datetime | None


@operation("GET", "/me", scope=None, summary="The calling key", tag="keys", response=Me)
def me():
    key, user = g.api_key, g.api_user
    return Me(key_name=key.name, key_prefix=key.prefix, scopes=sorted(g.api_scopes),
              acts_as_id=user.id, acts_as_name=user.name, acts_as_role=user.role or "",
              expires_at=key.expires_at)
