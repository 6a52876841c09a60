"""The form for writing a message (new, reply or draft; both sides), and what it shows."""
from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from .. import firm, uploads
from ..forms import FormKeyField, multi_line, single_line
from .drafts import MAX_SUBJECT

MAX_BODY = 4000  # the manual: "U kunt maximaal 4.000 tekens invoeren in een bericht."
ACTIONS = ("send", "upload", "save")


def normalise_newlines(value):
    """Browsers send a textarea's line breaks as CRLF but count them as one character."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def body_length(text):
    """The length of a message text as the counter and the limit count it."""
    return len(normalise_newlines(text or ""))


def counted(text):
    """The live counter's values for a message text ("N van 4000 tekens")."""
    return dict(count=body_length(text), maximum=MAX_BODY)


def upload_limits():
    """The limits and types shown before an upload (and checked in the browser)."""
    settings = firm.current()
    per_file, per_message = uploads.limits()
    return dict(max_file_mb=uploads.megabytes(settings.max_file_mb),
                max_message_mb=uploads.megabytes(settings.max_message_mb),
                max_file_bytes=per_file, max_message_bytes=per_message,
                extensions=uploads.allowed_extensions())


class MessageForm(FlaskForm):
    subject = StringField(_l("Subject"), filters=[single_line], validators=[
        Length(max=MAX_SUBJECT, message=_l("The subject may be at most %(max)d characters "
                                           "long."))])
    body = TextAreaField(_l("Message"), filters=[multi_line])
    files = MultipleFileField(_l("Choose files"))
    form_key = FormKeyField()  # Versturen clicked twice sends once

    @property
    def action(self):
        """What the button pressed asks for: send, upload or save (Enter in a field)."""
        action = request.form.get("action")
        return action if action in ACTIONS else "save"

    def validate_body(self, field):
        count = body_length(field.data)
        if count > MAX_BODY:
            raise ValidationError(_l("A message may be at most 4000 characters long; yours "
                                     "has %(count)s. Shorten it and send it again.",
                                     count=count))

    def has_content(self):
        """True when something was typed (worth keeping as a draft)."""
        return bool(self.subject.data or (self.body.data or "").strip())

    def ready_to_send(self):
        """True when subject and text are filled in, else adds the messages and is False."""
        if not self.subject.data:
            self.subject.errors = [*self.subject.errors, _l("Enter a subject.")]
        if not (self.body.data or "").strip():
            self.body.errors = [*self.body.errors, _l("Enter your message.")]
        return not (self.subject.errors or self.body.errors)
