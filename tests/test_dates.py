"""One format for a date and one for a date with time, per language, in Amsterdam time:
the filters `date` and `datetime` (app/dates.py), and nothing else formats a date."""
import pathlib
import re
from datetime import date, datetime, timezone

import pytest
from flask_babel import force_locale
from helpers import outbox_rows

from app import outbox
from app.outbox import queue_mail

ROOT = pathlib.Path(__file__).parent.parent
UTC = timezone.utc
# 23:30 UTC on 6 December is 00:30 on 7 December in Amsterdam (winter time, UTC+1).
WINTER = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
# 22:15 UTC on 31 July is 00:15 on 1 August in Amsterdam (summer time, UTC+2).
SUMMER = datetime(2026, 7, 31, 22, 15, tzinfo=UTC)


def shown(app, lang, template, **values):
    """`template` rendered in `lang` in an app context without a request (as the worker)."""
    with app.app_context(), force_locale(lang):
        return app.jinja_env.from_string(template).render(**values)


@pytest.mark.parametrize("lang, moment, day, moment_text", [
    ("nl", WINTER, "7 december 2026", "7 december 2026 om 00:30"),
    ("en", WINTER, "7 December 2026", "7 December 2026 at 00:30"),
    ("nl", SUMMER, "1 augustus 2026", "1 augustus 2026 om 00:15"),
    ("en", SUMMER, "1 August 2026", "1 August 2026 at 00:15"),
    # Stored values read back without a zone are UTC too.
    ("nl", WINTER.replace(tzinfo=None), "7 december 2026", "7 december 2026 om 00:30"),
    # An afternoon: a 24-hour clock in English too, no "PM".
    ("en", datetime(2026, 3, 31, 12, 5, 9, tzinfo=UTC), "31 March 2026",
     "31 March 2026 at 14:05"),
])
def test_the_two_filters_in_amsterdam_time(app, lang, moment, day, moment_text):
    assert shown(app, lang, "{{ m|date }}|{{ m|datetime }}", m=moment) == f"{day}|{moment_text}"


@pytest.mark.parametrize("lang, expected", [("nl", "31 december 1980"),
                                            ("en", "31 December 1980")])
def test_a_calendar_day_is_shown_as_it_is(app, lang, expected):
    assert shown(app, lang, "{{ d|date }}", d=date(1980, 12, 31)) == expected


def test_nothing_shows_as_nothing(app):
    """Flask-Babel's filters show the current time for None; these show nothing."""
    assert shown(app, "nl", "[{{ m|date }}{{ m|datetime }}]", m=None) == "[]"


def test_a_page_shows_dates_in_the_language_of_the_request(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert app.jinja_env.from_string("{{ m|datetime }}").render(m=WINTER) == \
            "7 December 2026 at 00:30"
    with app.test_request_context():
        assert app.jinja_env.from_string("{{ m|datetime }}").render(m=WINTER) == \
            "7 december 2026 om 00:30"


# ---- one format: nothing formats a date another way

TEMPLATES = sorted((ROOT / "app" / "templates").rglob("*.*"))
# Flask-Babel's filters and functions, and Python's own, each with its own formats.
OTHER_WAYS = re.compile(r"\b(strftime|datetimeformat|dateformat|timeformat|format_date|"
                        r"format_datetime|format_time|format_skeleton|isoformat)\b")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_format_dates_only_through_the_filters(path):
    assert not OTHER_WAYS.findall(path.read_text()), \
        f"{path.name}: show a date with |date or |datetime (app/dates.py)"


def test_python_code_formats_dates_for_people_only_through_app_dates():
    """Flask-Babel's and Babel's date formatting only in app/dates.py; strftime only for
    ISO-like stamps (file names, CSV cells)."""
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path.name == "dates.py" or "migrations" in path.parts:
            continue
        source = path.read_text()
        if re.search(r"(?<!\bdates\.)\bformat_(date|datetime|time|skeleton)\b", source):
            found.append(f"{path.name}: format_date/format_datetime not of app/dates.py")
        for pattern in re.findall(r"strftime\(\s*([^)]*)\)", source):
            if not re.fullmatch(r"""["']%Y-?%m-?%d[-T _]?(%H:?%M:?%S)?["']""", pattern):
                found.append(f"{path.name}: strftime({pattern})")
    assert found == []


# ---- mails: the recipient's language and Amsterdam time, also without a request

@pytest.mark.parametrize("lang, expected", [
    ("nl", "Dit gebeurde op 7 december 2026 om 00:30."),
    ("en", "This happened on 7 December 2026 at 00:30."),
])
def test_a_security_notice_says_when_in_the_recipients_language(app, session, make,
                                                                 monkeypatch, lang, expected):
    monkeypatch.setattr(outbox, "utcnow", lambda: WINTER)
    user = make.user(email="klant@example.nl", language=lang)
    with app.app_context():  # no request: as the background worker renders mail
        queue_mail(session, user, "password_set", "Onderwerp")
    # From a request in the other language (a staff member's Dutch page, say).
    other = "nl" if lang == "en" else "en"
    with app.test_request_context(headers={"Cookie": f"lang={other}"}):
        queue_mail(session, user, "password_set", "Onderwerp")
    session.commit()
    rows = outbox_rows(session)
    assert len(rows) == 2
    for row in rows:
        assert expected in " ".join(row.body_text.split())
        assert expected in " ".join(re.sub(r"<[^>]+>", " ", row.body_html).split())
