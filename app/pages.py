"""Pages of a long list (?page=): which page is asked for and shown, and its rows."""
from dataclasses import dataclass

from flask import current_app, request
from sqlmodel import func, select


@dataclass(frozen=True)
class Page:
    """Which page of a list is shown: its number (from 1), rows per page, rows in all."""

    number: int
    size: int
    total: int

    @classmethod
    def clamped(cls, asked, size, total):
        """The page asked for, moved into 1..last (a page past the end shows the last one)."""
        pages = max((total + size - 1) // size, 1)
        # Clamping here also keeps a huge ?page= from overflowing the database's OFFSET.
        return cls(min(max(asked or 1, 1), pages), size, total)

    @property
    def pages(self):
        """How many pages there are (at least one, even for an empty list)."""
        return max((self.total + self.size - 1) // self.size, 1)

    @property
    def offset(self):
        """The rows before this page."""
        return (self.number - 1) * self.size


def asked_page():
    """The page number of the request's ?page= (1 when absent or not a number)."""
    return request.args.get("page", 1, type=int) or 1


def page_size():
    """Rows per page of the client's lists (PAGE_SIZE)."""
    return max(int(current_app.config["PAGE_SIZE"]), 1)


def paginate(db, query, order_by, asked, size):
    """One page of `query` in the given order, and its Page (counted first, then clamped)."""
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    page = Page.clamped(asked, size, total)
    rows = db.exec(query.order_by(*order_by).offset(page.offset).limit(page.size)).all()
    return rows, page
