"""The one way a date and a date with time are shown to people (filters `date` and
`datetime`): Babel's long date and short time, in Europe/Amsterdam."""
from datetime import datetime, timezone

from babel import dates as babel_dates
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

# English as written in Britain and on GOV.UK: "6 December 2026", a 24-hour clock, as
# the Dutch clients of a Dutch firm read it ("December 6" and "10:15 PM" are American).
_LOCALE_FOR_DATES = {"en": "en_GB"}


def init_app(app):
    """Register the filters, and drop Flask-Babel's own, so templates know one format."""
    for name in ("datetimeformat", "dateformat", "timeformat"):
        app.jinja_env.filters.pop(name, None)
    app.jinja_env.filters.update(date=format_date, datetime=format_datetime)


def local(value):
    """A stored moment (UTC, aware or naive) in the firm's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(get_timezone())


def format_date(value):
    """"6 december 2026" / "6 December 2026"; a moment is its day in Amsterdam."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return babel_dates.format_date(value, "long", locale=_locale())


def format_datetime(value):
    """"6 december 2026 om 22:15" / "6 December 2026 at 22:15", in Amsterdam time."""
    if value is None:
        return ""
    value = local(value)
    time = babel_dates.format_time(value, "short", locale=_locale())
    return _("%(date)s at %(time)s", date=format_date(value), time=time)


def _locale():
    locale = str(get_locale())
    return _LOCALE_FOR_DATES.get(locale, locale)
