"""Forms of Mijn gegevens."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField


class LanguageForm(FlaskForm):
    language = RadioField(_l("Language"), choices=[("nl", "Nederlands"), ("en", "English")])
    submit = SubmitField(_l("Save language"))
