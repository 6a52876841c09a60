"""Cursor pagination for the API's lists: rows in id order, `limit` at a time; the cursor is
the last id seen (opaque to callers). `updated_since` keeps rows changed at or after then."""
import base64
from datetime import timezone

from flask_babel import lazy_gettext as _l
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from .problems import field_error

MAX_LIMIT = 100


class ListQuery(BaseModel):
    """The query of every list call."""
    model_config = ConfigDict(extra="forbid")
    cursor: str | None = Field(None, max_length=40, description="next_cursor of the page "
                               "before; leave out for the first page.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    updated_since: AwareDatetime | None = Field(
        None, description="Only records changed at or after this moment.")

    @field_validator("updated_since")
    @classmethod
    def _in_utc(cls, value):
        """The moment in UTC; one that UTC cannot hold (before year 1 or past 9999 there)
        is refused rather than failing in the database."""
        if value is None:
            return value
        try:
            return value.astimezone(timezone.utc)
        except OverflowError:
            raise ValueError(_l("Must be a date and time with a time zone (ISO 8601).")) \
                from None


def encode(last_id):
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind != "id" or not number.isascii() or not number.isdigit() or len(number) > 10:
            raise ValueError(cursor)
        return int(number)
    except ValueError:
        raise field_error("cursor", _l("Not a cursor of this list.")) from None


def page(db, query, model, params, updated=None):
    """One page of `query` (a select of `model`): (rows, next_cursor or None).
    `updated` is the column `updated_since` filters on (model.updated_at by default)."""
    if params.updated_since is not None:
        column = updated if updated is not None else model.updated_at
        query = query.where(column >= params.updated_since)
    if params.cursor:
        query = query.where(model.id > decode(params.cursor))
    rows = db.exec(query.order_by(model.id).limit(params.limit + 1)).all()
    more = len(rows) > params.limit
    rows = rows[:params.limit]
    return rows, (encode(rows[-1].id) if more else None)
