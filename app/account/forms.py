"""Forms of Mijn gegevens."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    StringField,
    SubmitField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError

from .. import twostep
from ..security import PASSWORD_MAX_LENGTH

# Language names are written in their own language on purpose.
LANGUAGES = [SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class NameForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_strip], validators=[
        DataRequired(_l("Enter your name.")),
        Length(max=200, message=_l("The name may be at most 200 characters long."))])
    submit = SubmitField(_l("Save name"))


class EmailChangeForm(FlaskForm):
    """A new e-mail address takes effect once the link mailed to it is opened."""
    email = EmailField(_l("New e-mail address"), filters=[_strip], validators=[
        DataRequired(_l("Enter the new e-mail address.")),
        Email(_l("Enter a valid e-mail address, like name@example.nl."),
              check_deliverability=False),
        Length(max=254, message=_l("The e-mail address may be at most 254 characters "
                                   "long."))])
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])
    submit = SubmitField(_l("Send confirmation link"))


class ConfirmEmailForm(FlaskForm):
    submit = SubmitField(_l("Confirm e-mail address"))


class EndOtherSessionsForm(FlaskForm):
    submit = SubmitField(_l("Log out everywhere else"))


class LanguageForm(FlaskForm):
    language = RadioField(_l("Language"), choices=LANGUAGES)
    submit = SubmitField(_l("Save language"))


class NotificationsForm(FlaskForm):
    documents = BooleanField(_l("New documents have been made available"))
    questionnaires = BooleanField(_l("Questionnaires have been sent to me"))
    messages = BooleanField(_l("Messages have been sent to me"))
    submit = SubmitField(_l("Save notifications"))


class PhoneForm(FlaskForm):
    phone = TelField(_l("Mobile number"), filters=[_strip], validators=[
        DataRequired(_l("Enter your mobile number.")), Length(max=40)])
    submit = SubmitField(_l("Send code"))

    def validate_phone(self, field):
        self.e164 = twostep.normalise_phone(field.data)
        if self.e164 is None:
            raise ValidationError(_l("Enter a valid mobile number, like 06 12345678 or "
                                     "+32 470 12 34 56."))


class ChangePhoneForm(PhoneForm):
    """Changing the number of an SMS set-up that is on asks for the password again."""
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[_strip], validators=[
        DataRequired(_l("Enter the code.")), Length(max=40)])
    submit = SubmitField(_l("Confirm"))


class PasswordAgainForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])
    submit = SubmitField(_l("Turn off"))


class ExtraAccountForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_strip], validators=[
        DataRequired(_l("Enter a name.")), Length(max=200)])
    email = EmailField(_l("E-mail address"), filters=[_strip], validators=[
        DataRequired(_l("Enter the e-mail address.")),
        Email(_l("Enter a valid e-mail address, like name@example.nl."),
              check_deliverability=False),
        Length(max=254)])
    language = RadioField(_l("Language of the portal and its e-mails"), choices=LANGUAGES,
                          validators=[DataRequired(_l("Choose a language."))])
    submit = SubmitField(_l("Add account"))


class ExtraAccountDeleteForm(FlaskForm):
    submit = SubmitField(_l("Delete account"))
