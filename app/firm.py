"""The firm's effective settings: what an admin saved under Instellingen, else the configuration."""
import hashlib
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.local import LocalProxy

from .db import get_session
from .models import FirmSettings

SETTINGS_ID = 1
MB = 1024 * 1024

@dataclass(frozen=True)
class Firm:
    """The effective settings of the firm."""

    name: str
    colour: str | None  # None: the portal's own colour
    logo_key: str | None
    logo_type: str | None
    sender: str  # the From of outgoing mail
    sender_address: str
    max_file_mb: float
    max_message_mb: float
    upload_mb_per_day: int  # a client's storage quota (app/quota.py)
    max_open_drafts: int
    sms_countries: tuple  # country codes whose mobile numbers may receive SMS codes

    @property
    def version(self):
        """Changes whenever the colour or the logo changes: it keeps cached copies fresh."""
        text = f"{self.colour}|{self.logo_key}"
        return hashlib.sha256(text.encode()).hexdigest()[:10]


def row(db=None):
    """The FirmSettings row, or None while nothing has been saved."""
    db = db or get_session()
    return db.get(FirmSettings, SETTINGS_ID)


def current(db=None):
    """The effective settings, read once per request (or app context) and kept on g.

    Pass the session you work in outside a request: on SQLite a second connection would wait
    for the write lock that session holds.
    """
    if "firm" not in g:
        try:
            saved = row(db)
        except SQLAlchemyError:  # no table yet (before `db upgrade`): the configuration
            (db or get_session()).rollback()
            saved = None
        g.firm = effective(saved)
    return g.firm


class _Name:
    """The firm's name for templates, read only when a template prints it (no __html__:
    Jinja escapes it like any text)."""

    def __str__(self):
        return current().name


def template_context():
    """What every template gets: `firm_name`, and `firm` (the effective settings), both read
    only when used, so rendering a mail outside a request never opens a second session."""
    return {"firm_name": _Name(), "firm": LocalProxy(current)}


def forget():
    """Drop the cached settings (after saving new ones)."""
    g.pop("firm", None)


def effective(saved):
    """Combine a FirmSettings row (or None) with the configuration."""
    cfg = current_app.config
    name = (saved.name if saved and saved.name else None) or cfg["FIRM_NAME"]
    if saved and saved.mail_sender:
        sender, address = formataddr((name, saved.mail_sender)), saved.mail_sender
    else:
        sender = cfg["MAIL_DEFAULT_SENDER"]
        address = parseaddr(sender)[1]
    return Firm(
        name=name,
        colour=saved.colour if saved else None,
        logo_key=saved.logo_key if saved else None,
        logo_type=saved.logo_type if saved else None,
        sender=sender,
        sender_address=address,
        max_file_mb=_pick(saved and saved.max_file_mb, cfg["MAX_FILE_MB"]),
        max_message_mb=_pick(saved and saved.max_message_mb, cfg["MAX_MESSAGE_FILES_MB"]),
        upload_mb_per_day=_pick(saved and saved.upload_mb_per_day, cfg["UPLOAD_MB_PER_DAY"]),
        max_open_drafts=_pick(saved and saved.max_open_drafts, cfg["MAX_OPEN_DRAFTS"]),
        sms_countries=tuple((saved and saved.sms_countries or "").split()
                            or cfg["SMS_COUNTRIES"]),
    )


def upload_ceiling_mb():
    """The highest upload limit per message the settings accept: what fits in one request
    (MAX_CONTENT_LENGTH) with a megabyte to spare for the rest of the form."""
    return max(1, current_app.config["MAX_CONTENT_LENGTH"] // MB - 1)


def _pick(saved, default):
    return saved if saved else default


def is_hex_colour(value):
    """True for a colour written as #rrggbb."""
    return (isinstance(value, str) and len(value) == 7 and value[0] == "#"
            and all(c in "0123456789abcdefABCDEF" for c in value[1:]))


# WCAG 2.1 AA for normal text: the header's white text needs 4.5:1 on the firm's colour.
HEADER_MIN_CONTRAST = 4.5


def readable_on(colour):
    """True when `colour` may be the header's background: #rrggbb, and dark enough for its
    white text.

    The settings page refuses other colours, but this goes into CSS and a database restored
    from elsewhere or edited by hand may hold anything: the portal's own colour then.
    """
    return bool(colour) and is_hex_colour(colour) and \
        contrast_with_white(colour) >= HEADER_MIN_CONTRAST


def contrast_with_white(colour):
    """The WCAG contrast ratio of white text on `colour` (#rrggbb): 1 to 21."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return 1.05 / (luminance + 0.05)
