"""Phone numbers: the one parser that every form taking a number uses, and how a stored
number (E.164) is shown."""
import re

import phonenumbers
from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

REGION = "NL"  # a number without a country code is Dutch
INVALID, EXTENSION = "invalid", "extension"
# What people type in a number: digits, a leading +, spaces and the usual separators.
# Anything else (letters, ";ext=", "#", ",") would be dropped by phonenumbers without a word.
_TYPED = re.compile(r"\+?[0-9 ()./-]+")
NO_EXTENSION = _l("Enter the number without an extension (such as “ext 12” or “x12”).")
_MOBILE = (phonenumbers.PhoneNumberType.MOBILE,
           phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


class PhoneError(ValueError):
    """The text is not a number the form accepts; `reason` is INVALID or EXTENSION."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def normalise_phone(text, mobile=False):
    """The number in E.164 form (+31612345678); raises PhoneError when it is not a valid
    number (a mobile one when `mobile`) or carries an extension."""
    text = (text or "").strip()
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise PhoneError(INVALID) from None
    if number.extension:  # "06 12345678 ext 12", "x12", ";ext=12": refused, never dropped
        raise PhoneError(EXTENSION)
    if not _TYPED.fullmatch(text) or not phonenumbers.is_valid_number(number):
        raise PhoneError(INVALID)
    if mobile and phonenumbers.number_type(number) not in _MOBILE:
        raise PhoneError(INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164):
    """A stored number written for people: +31 6 12345678."""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def country_of(e164):
    """The ISO 3166 code of the country of a stored number ("NL"), or None."""
    return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))


def country_name(code):
    """The name of a country in the language of the page ("Duitsland" for "DE")."""
    return Locale.parse(str(get_locale() or "nl")).territories.get(code, code)


def is_country(code):
    """True for a country code that phone numbers can have ("NL", "DE", ...)."""
    return code in phonenumbers.SUPPORTED_REGIONS
