"""Checking and normalising answers per question type, and showing them in the user's language:
`clean(question, raw)` gives (value to store, problem or None)."""
import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import get_group_symbol
from email_validator import EmailNotValidError, validate_email
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from .. import dates
from ..forms import multi_line, single_line
from ..phone import EXTENSION, NO_EXTENSION, PhoneError, display_phone, normalise_phone
from .definition import options

MAX_LENGTH = {"text": 500, "textarea": 5000}
MAX_OTHER = 500  # a number, date, e-mail address, phone number or IBAN is far shorter

REQUIRED = _l("This question must be answered.")
BAD_NUMBER = _l("Enter a number, such as 12 or 12,5.")
BAD_DATE = _l("Enter a date, such as 31-12-1980.")
DATE_RANGE = _l("Enter a date from 1-1-1900 to 31-12-2100.")
BAD_CHOICE = _l("Choose one of the options.")
BAD_EMAIL = _l("Enter an e-mail address, such as name@example.nl.")
BAD_PHONE = _l("Enter a phone number, such as 06 12345678 or +31 20 1234567.")
BAD_IBAN = _l("Enter an IBAN, such as NL91 ABNA 0417 1643 00.")
IBAN_CHECK = _l("This IBAN is not correct: check the number.")
NOT_SAVED = _l("Your answers have not been saved: an answer is too long. Shorten it and "
               "try again.")

# IBAN lengths of the SEPA countries; other countries get the general checks only.
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27,
    "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MIN_YEAR, MAX_YEAR = 1900, 2100  # wider is a typing error (1-1-0198), never a real answer


def is_empty(value):
    """True for an answer that says nothing: None, blank text, no choice."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return False


def clean(question, raw):
    """(value to store, problem or None) for one answer; see the module docstring."""
    kind = question["type"]
    if kind == "upload":
        value = raw if isinstance(raw, dict) and raw.get("document") else None
        return value, (REQUIRED if value is None and question.get("required") else None)
    if kind == "multichoice":
        chosen = [str(v) for v in (raw if isinstance(raw, list) else [raw]) if v]
        if not chosen:
            return [], (REQUIRED if question.get("required") else None)
        allowed = [value for value, _label in options(question)]
        if any(v not in allowed for v in chosen):
            return chosen, BAD_CHOICE
        return [v for v in allowed if v in chosen], None
    if kind == "number" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # JSON (the preview's carried answers) can hold NaN and Infinity: not numbers.
        if not math.isfinite(raw):
            return str(raw), BAD_NUMBER
        return _number_in_range(question, Decimal(str(raw)), raw)
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    # No control or bidi characters in any answer; line breaks only in a text area.
    text = (multi_line(text) if kind == "textarea" else single_line(text)).strip()
    if not text:
        return "", (REQUIRED if question.get("required") else None)
    check = CHECKS.get(kind, _text)
    return check(question, text)


def _text(question, text):
    limit = answer_limit(question)
    if len(text) > limit:
        return text, too_long_message(limit)
    return text, None


def answer_limit(question):
    """The most characters an answer to `question` may have (a multiple choice: all its
    chosen values together)."""
    kind = question["type"]
    if kind in MAX_LENGTH:
        return int(question.get("max_length") or MAX_LENGTH[kind])
    if kind == "multichoice":
        return max(MAX_OTHER, sum(len(value) + 1 for value, _label in options(question)))
    return MAX_OTHER


def too_long_message(limit):
    """The message of an answer over its limit."""
    return _l("The answer may be at most %(max)s characters long.", max=limit)


def too_long(question, raw):
    """The message when `raw` is longer than any answer to `question` may be, else None.
    Such an answer is refused on every save, "Vorige" included: it is never stored."""
    if question["type"] == "upload" or raw is None:
        return None
    values = raw if isinstance(raw, list) else [raw]
    size = sum(len(str(value).strip()) for value in values) + len(values) - 1
    limit = answer_limit(question)
    return too_long_message(limit) if size > limit else None


def parse_number(text, group=None):
    """A Decimal from "12", "12,5", "-3.25" or "1 000", else None. With one kind of
    separator it is the decimal one, unless it is the language's group separator
    (`group`, "." in Dutch) in groups of three: 52.000 is fifty-two thousand in Dutch."""
    group = group or _group_symbol()
    compact = text.replace(" ", "").replace("\u00a0", "")
    if "," in compact and "." in compact:
        # The separator written last is the decimal one: 1.234,5 and 1,234.5.
        compact = compact.replace("." if compact.rfind(",") > compact.rfind(".") else ",", "")
    elif re.fullmatch(r"[-+]?\d{1,3}(" + re.escape(group) + r"\d{3})+", compact):
        compact = compact.replace(group, "")
    compact = compact.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", compact):
        return None
    try:
        number = Decimal(compact)
    except InvalidOperation:
        return None
    # Only what a float holds: a longer number would be stored as infinity.
    return number if math.isfinite(float(number)) else None


def _group_symbol():
    symbol = get_group_symbol(get_locale() or "nl")
    return symbol if symbol in (".", ",") else ","


def _number(question, text):
    number = parse_number(text)
    if number is None:
        return text, BAD_NUMBER
    return _number_in_range(question, number, text)


def _number_in_range(question, number, as_given):
    # A valid number is stored as a JSON number, so that reading it back never depends
    # on the language: "1.234" would be 1234 to a Dutch reader.
    if question.get("min") is not None and number < Decimal(str(question["min"])):
        return as_given, _l("The number must be at least %(min)s.", min=question["min"])
    if question.get("max") is not None and number > Decimal(str(question["max"])):
        return as_given, _l("The number must be at most %(max)s.", max=question["max"])
    return (int(number) if number == number.to_integral_value() else float(number)), None


def parse_date(text):
    """A date from 2026-03-31 (what a date field sends) or 31-3-2026, 31/03/2026, 31.3.2026,
    in the years MIN_YEAR to MAX_YEAR; else None."""
    parsed = _any_date(text)
    return parsed if parsed and MIN_YEAR <= parsed.year <= MAX_YEAR else None


def _any_date(text):
    """The date written in `text` in either form, whatever its year; else None."""
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DATE.match(text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:  # 30-02, or year 0
        return None


def is_iso_date(value):
    """True for a real date written as 2026-03-31 (what a date field holds)."""
    return isinstance(value, str) and bool(_ISO_DATE.match(value)) \
        and parse_date(value) is not None


def _date(question, text):
    parsed = _any_date(text)
    if parsed is None:
        return text, BAD_DATE
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        return text, DATE_RANGE
    return parsed.isoformat(), None


def _yesno(question, text):
    return (text, None) if text in ("yes", "no") else (text, BAD_CHOICE)


def _choice(question, text):
    allowed = [value for value, _label in options(question)]
    return (text, None) if text in allowed else (text, BAD_CHOICE)


def _email(question, text):
    try:
        return validate_email(text, check_deliverability=False).normalized, None
    except EmailNotValidError:
        return text, BAD_EMAIL


def _phone(question, text):
    try:  # stored in international format: "+31 6 12345678"
        return display_phone(normalise_phone(text)), None
    except PhoneError as problem:
        return text, NO_EXTENSION if problem.reason == EXTENSION else BAD_PHONE


def iban_checksum_ok(compact):
    """The ISO 13616 check: country and check digits moved to the end, letters as 10..35,
    the whole number mod 97 must be 1."""
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def _iban(question, text):
    compact = re.sub(r"[\s-]", "", text).upper()
    if not _IBAN.match(compact) or len(compact) != IBAN_LENGTHS.get(compact[:2], len(compact)):
        return text, BAD_IBAN
    if not iban_checksum_ok(compact):
        return text, IBAN_CHECK
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4)), None


CHECKS = {"text": _text, "textarea": _text, "number": _number, "date": _date,
          "yesno": _yesno, "choice": _choice, "email": _email, "phone": _phone,
          "iban": _iban}


def input_value(question, value):
    """An answer as it goes back into its form field (numbers in the current language)."""
    if value is None:
        return ""
    if question["type"] == "number" and isinstance(value, (int, float)):
        return format_decimal(value, format="0.##########")
    return str(value)


def display(question, value):
    """An answer as a person reads it, in the current language ("" when unanswered)."""
    if is_empty(value):
        return ""
    kind = question["type"]
    labels = dict(options(question))
    if kind == "yesno":
        return {"yes": _l("Yes"), "no": _l("No")}.get(value, value)
    if kind == "choice":
        return labels.get(value, value)
    if kind == "multichoice":
        return ", ".join(labels.get(v, v) for v in value)
    if kind == "upload":
        return value.get("filename", "")
    if kind == "date" and _ISO_DATE.match(value):
        parsed = parse_date(value)
        return dates.format_date(parsed) if parsed else value
    if kind == "number" and isinstance(value, (int, float)):
        return format_decimal(value, format="#,##0.##########")
    return value
