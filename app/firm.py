"""The firm's effective settings: what an admin saved under Instellingen, else the configuration."""
import hashlib
import os
import re
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.local import LocalProxy

from . import storage
from .db import get_session
from .models import FirmSettings
from .phone import PhoneError, display_phone, normalise_phone

SETTINGS_ID = 1
MB = 1024 * 1024
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg"}  # a logo's type: its extension


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
    # How clients reach the firm (None: not shown), and the login page's welcome text.
    phone: str | None = None  # E.164 as the settings store it
    email: str | None = None
    website: str | None = None  # "https://www.kantoor.nl" (older rows: "www.kantoor.nl")
    address: str | None = None  # lines separated by "\n"
    welcome_text: str | None = None
    # Requests for documents: reminder days (0: none) and the identity retention in years.
    remind_days_before: int = 3
    remind_every_days: int = 7
    identity_retention_years: int = 5
    seal_approved_documents: bool = False  # Ter goedkeuring: seal the approved PDF too

    @property
    def version(self):
        """Changes whenever the colour or the logo changes: it keeps cached copies fresh."""
        text = f"{self.colour}|{self.logo_key}"
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    @property
    def has_contact(self):
        """True when there is any way to reach the firm to show."""
        return bool(self.phone or self.email or self.website_url or self.address_lines)

    @property
    def phone_text(self):
        """The phone number as people read it: +31 20 123 4567."""
        e164 = phone_e164(self.phone)
        return display_phone(e164) if e164 else self.phone

    @property
    def phone_uri(self):
        """A tel: link to the number, or None when it is no number a phone can dial."""
        e164 = phone_e164(self.phone)
        return f"tel:{e164}" if e164 else None

    @property
    def website_url(self):
        """The website as a link (https:// when it has no scheme); None unless http(s)."""
        return website_url(self.website) if self.website else None

    @property
    def website_text(self):
        """The website as people read it: www.kantoor.nl, without https:// or a last /."""
        url = self.website_url
        return url.split("://", 1)[1].rstrip("/") if url else None

    @property
    def welcome_paragraphs(self):
        """The login page's welcome text, paragraph by paragraph (a blank line between)."""
        parts = re.split(r"\n\s*\n", (self.welcome_text or "").replace("\r", ""))
        return [part.strip() for part in parts if part.strip()]

    @property
    def address_lines(self):
        """The postal address, line by line."""
        return [line.strip() for line in (self.address or "").splitlines() if line.strip()]


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
        phone=_pick(saved and saved.contact_phone, cfg["FIRM_PHONE"]),
        email=_pick(saved and saved.contact_email, cfg["FIRM_EMAIL"]),
        website=_pick(saved and saved.contact_website, cfg["FIRM_WEBSITE"]),
        address=_pick(saved and saved.contact_address, cfg["FIRM_ADDRESS"]),
        welcome_text=_pick(saved and saved.welcome_text, cfg["FIRM_WELCOME_TEXT"]),
        remind_days_before=_number(saved and saved.remind_days_before,
                                   cfg["REQUEST_REMIND_DAYS_BEFORE"]),
        remind_every_days=_number(saved and saved.remind_every_days,
                                  cfg["REQUEST_REMIND_EVERY_DAYS"]),
        identity_retention_years=_number(saved and saved.identity_retention_years,
                                         cfg["IDENTITY_RETENTION_YEARS"]),
        seal_approved_documents=bool(saved and saved.seal_approved_documents),
    )


def _number(value, default):
    """A saved number, where 0 counts (it switches something off); None: the default."""
    return default if value is None else value


def phone_e164(text):
    """A phone number in E.164 form, or None when `text` is none (the configuration, or a
    row written elsewhere, may hold it as typed)."""
    try:
        return normalise_phone(text) if text else None
    except PhoneError:
        return None


# Characters no web address has, typed or not: a link made of them could break out of its
# attribute or be read as another address.
_NOT_IN_URL = set(" \t<>\"'\\`{}|^")


def website_url(text):
    """`text` ("www.kantoor.nl", "https://kantoor.nl/contact") as an http(s) URL with a host
    name, else None: never javascript:, data:, a user name or a bare word."""
    text = (text or "").strip()
    url = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    if (parts.scheme.lower() not in ("http", "https") or "." not in host.strip(".")
            or "@" in parts.netloc or _NOT_IN_URL.intersection(url)
            or not url.isprintable()):
        return None
    return url


def logo_file(settings=None):
    """(path, content type) of the firm's logo on disk, or None when there is none."""
    settings = settings or current()
    if not settings.logo_key or settings.logo_type not in LOGO_TYPES:
        return None
    try:
        path = storage.path_for(settings.logo_key)
    except ValueError:
        return None
    return (path, settings.logo_type) if os.path.isfile(path) else None


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
