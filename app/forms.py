"""What the forms of every area share: the filters that clean typed text, the check of
names, the fields of a person, the button-only form, and the one-time form key."""
import re
import secrets
import unicodedata
from datetime import timedelta

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select
from wtforms import EmailField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from .addresses import EmailAddress
from .models import FormKey, utcnow

# Zero-width (non-)joiners are format characters that Persian, Hindi and emoji need.
JOINERS = frozenset("\u200c\u200d")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _unwanted(char):
    """Control and format characters (bidi overrides and isolates, zero-width marks, NUL,
    escape, ...): invisible, and able to make a text read differently than it is."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char not in JOINERS


def strip(value):
    """Leading and trailing white space off."""
    return value.strip() if isinstance(value, str) else value


def single_line(value):
    """A one-line field's text: line breaks and tabs become spaces, other control and
    bidi characters go, and white space at either end."""
    if not isinstance(value, str):
        return value
    value = _LINE_BREAKS.sub(" ", value).replace("\t", " ")
    return "".join(char for char in value if not _unwanted(char)).strip()


def multi_line(value):
    """A text area's text: line breaks as "\\n" (browsers send CRLF) and tabs kept, other
    control and bidi characters gone."""
    if not isinstance(value, str):
        return value
    value = _LINE_BREAKS.sub("\n", value)
    return "".join(char for char in value if char in "\n\t" or not _unwanted(char))


def has_control_characters(text):
    """True when `text` holds a line break, tab, control or bidi character."""
    return any(_unwanted(char) for char in text or "")


def plain_name(form, field):
    """A name is shown in mails and pages as it is: refuse what would hide or reorder
    text in it (line breaks, control and bidi characters) rather than change it unseen."""
    if has_control_characters(field.data):
        raise ValidationError(_l("A name may not contain line breaks, tabs or other "
                                 "invisible control characters."))


# ---- the fields of a person: each form keeps its own label and messages

# Language names are written in their own language on purpose.
LANGUAGES = [SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")]


def name_field(label=_l("Name"), required=_l("Enter a name."), too_long=None):
    """A name typed by hand (of a person, company or firm): at most 200 characters."""
    return StringField(label, filters=[strip], validators=[
        plain_name, DataRequired(required), Length(max=200, message=too_long)])


def email_field(label=_l("E-mail address"), required=_l("Enter the e-mail address."),
                too_long=None):
    """An e-mail address that mail can be sent to: at most 254 characters."""
    return EmailField(label, filters=[single_line], validators=[
        DataRequired(required), EmailAddress(), Length(max=254, message=too_long)])


def language_field(**kwargs):
    """The language of the portal and its e-mails for an account."""
    return RadioField(_l("Language of the portal and its e-mails"), choices=LANGUAGES,
                      validators=[DataRequired(_l("Choose a language."))], **kwargs)


# ---- button-only POSTs

class ButtonForm(FlaskForm):
    """A form that is just a button: only its CSRF token is checked."""


def require_button():
    """Check the CSRF token of a button's form; 400 when it is missing or stale."""
    if not ButtonForm().validate_on_submit():
        abort(400)


# ---- the one-time form key: a double click acts once

_FORM_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")
FORM_KEY_HOURS = 24  # a form left open longer is submitted as a new one


def new_form_key():
    """A fresh random key for a form about to be shown."""
    return secrets.token_urlsafe(24)


class FormKeyField(HiddenField):
    """A hidden field with a new random key each time the form is shown; its posted value
    is kept only when it looks like a key (else None: the submission is not guarded)."""

    def process_formdata(self, valuelist):
        """The posted key, or None."""
        value = valuelist[0] if valuelist else ""
        self.data = value if _FORM_KEY.fullmatch(value or "") else None

    def _value(self):
        # Every page shown carries a key of its own, also one shown again after a POST:
        # only the two requests of one double click share a key.
        return new_form_key()


def claim_form_key(db, user, key, result):
    """Claim `key` for `user` in the current transaction, noting `result` (the URL the
    submission leads to). Returns None when it was free, else the result noted by the
    submission that claimed it: then act no further.

    On PostgreSQL the insert of a key another transaction is inserting waits for that
    transaction: the second request learns the outcome of the first, not a guess. SQLite
    runs one writing transaction at a time anyway (app/db.py)."""
    if not key:
        return None
    try:
        with db.begin_nested():
            db.add(FormKey(user_id=user.id, key=key, result=result))
    except IntegrityError:
        return db.exec(select(FormKey.result).where(FormKey.user_id == user.id,
                                                         FormKey.key == key)).one()
    return None


def forget_old_form_keys(db, now=None):
    """Delete keys older than FORM_KEY_HOURS (the cleanup run); not committed."""
    cutoff = (now or utcnow()) - timedelta(hours=FORM_KEY_HOURS)
    db.exec(delete(FormKey).where(FormKey.created_at < cutoff))
