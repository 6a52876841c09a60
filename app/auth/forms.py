"""Forms of the sign-in screens."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..addresses import EmailAddress
from ..forms import single_line
from ..security import PASSWORD_MAX_LENGTH, password_problems


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), filters=[single_line], validators=[
        DataRequired(_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")),
        Length(max=PASSWORD_MAX_LENGTH, message=_l("The password may be at most %(num)s "
                                                   "characters long.",
                                                   num=PASSWORD_MAX_LENGTH))])
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class EmailForm(FlaskForm):
    email = EmailField(_l("E-mail address"), filters=[single_line], validators=[
        DataRequired(_l("Enter your e-mail address.")),
        EmailAddress(),
        Length(max=254)])
    submit = SubmitField(_l("Send"))


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter a password."))])
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(_l("Repeat the password.")),
        EqualTo("password", _l("The two passwords are not the same."))])
    submit = SubmitField(_l("Set password"))

    def __init__(self, *args, email=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_email = email  # a password may not contain it

    def validate_password(self, field):
        problems = password_problems(field.data or "", self.user_email)
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[single_line], validators=[
        DataRequired(_l("Enter the code.")), Length(max=40)])
    submit = SubmitField(_l("Log in"))


class PasskeyForm(FlaskForm):
    """The answer of the browser's passkey dialog, filled in by static/js/passkeys.js."""
    credential = HiddenField(validators=[
        DataRequired(_l("Your passkey was not used. Try again, or use another way.")),
        Length(max=20_000, message=_l("Your passkey could not be verified. Try again, or "
                                      "log in another way."))])
    next = HiddenField()
