"""Forms of Mijn gegevens."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    StringField,
    SubmitField,
    TelField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from .. import twostep
from ..auth.forms import PasskeyForm
from ..forms import LANGUAGES, email_field, language_field, name_field, single_line
from ..phone import (
    EXTENSION,
    NO_EXTENSION,
    PhoneError,
    country_name,
    country_of,
    normalise_phone,
)
from ..security import PASSWORD_MAX_LENGTH


class NameForm(FlaskForm):
    name = name_field(required=_l("Enter your name."),
                      too_long=_l("The name may be at most 200 characters long."))
    submit = SubmitField(_l("Save name"))


class EmailChangeForm(FlaskForm):
    """A new e-mail address takes effect once the link mailed to it is opened."""
    email = email_field(_l("New e-mail address"), _l("Enter the new e-mail address."),
                        too_long=_l("The e-mail address may be at most 254 characters long."))
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])
    submit = SubmitField(_l("Send confirmation link"))


class LanguageForm(FlaskForm):
    language = RadioField(_l("Language"), choices=LANGUAGES)
    submit = SubmitField(_l("Save language"))


class NotificationsForm(FlaskForm):
    documents = BooleanField(_l("New documents have been made available"))
    # Requests for documents are actions like questionnaires: one switch, reminders included.
    questionnaires = BooleanField(_l("Questionnaires or requests for documents have been sent "
                                     "to me (reminders too)"))
    messages = BooleanField(_l("Messages have been sent to me"))
    submit = SubmitField(_l("Save notifications"))


class StaffNotificationsForm(NotificationsForm):
    """Staff hear of what clients do in the dossiers they handle or act for; documents are
    published by staff, so that switch is the clients' only."""
    documents = None
    questionnaires = BooleanField(_l("A client has completed a questionnaire or handed in "
                                     "documents"))
    messages = BooleanField(_l("A client has sent a message"))


class PhoneForm(FlaskForm):
    """Setting up SMS (or changing its number) asks for the password again."""
    phone = TelField(_l("Mobile number"), filters=[single_line], validators=[
        DataRequired(_l("Enter your mobile number.")), Length(max=40)])
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])
    submit = SubmitField(_l("Send code"))

    def validate_phone(self, field):
        try:
            self.e164 = normalise_phone(field.data, mobile=True)
        except PhoneError as problem:
            raise ValidationError(NO_EXTENSION if problem.reason == EXTENSION else _l(
                "Enter a valid mobile number, like 06 12345678 or +32 470 12 34 56.")) from None
        if not twostep.sms_country_allowed(None, self.e164):
            raise ValidationError(_l(
                "We cannot send text messages to mobile numbers of this country "
                "(%(country)s). Use a number from another country, or the authenticator "
                "app.",
                country=country_name(country_of(self.e164))))


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[single_line], validators=[
        DataRequired(_l("Enter the code.")), Length(max=40)])
    submit = SubmitField(_l("Confirm"))


class PasswordAgainForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])
    submit = SubmitField(_l("Turn off"))


class ExtraAccountForm(FlaskForm):
    name = name_field()
    email = email_field()
    language = language_field()
    submit = SubmitField(_l("Add account"))


class AddPasskeyForm(FlaskForm):
    """Step 1 of adding a passkey: its name, and the password again."""
    name = StringField(_l("Name of the passkey"), filters=[single_line], validators=[
        DataRequired(_l("Give the passkey a name.")),
        Length(max=100, message=_l("The name may be at most 100 characters long."))])
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])
    submit = SubmitField(_l("Continue"))


class NewPasskeyForm(PasskeyForm):
    """Step 2 of adding a passkey: the browser's answer, and the name given in step 1."""
    name = HiddenField(validators=[DataRequired(), Length(max=100)])
