"""The staff side's forms of a dossier and of a progress step; the API (app/api/dossiers.py)
checks its input with them too."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..db import is_whole_number
from ..forms import multi_line, single_line, strip
from .dossier_changes import status_label


def id_or_none(value):
    # Not int: a missing or tampered value must give our own message, not WTForms' English.
    return int(value) if is_whole_number(value) else None


# ---- forms

class DossierForm(FlaskForm):
    number = StringField(_l("Dossier number"), filters=[single_line], validators=[
        DataRequired(_l("Enter the dossier number.")), Length(max=40)])
    description = TextAreaField(_l("Description"), filters=[multi_line, strip], validators=[
        DataRequired(_l("Enter a description.")), Length(max=300)])
    status = SelectField(_l("Status"), validators=[DataRequired(_l("Choose a status."))],
                         validate_choice=False)
    lawyer = SelectField(_l("Handling lawyer"), coerce=id_or_none, validate_choice=False,
                         validators=[DataRequired(_l("Choose the handling lawyer."))])
    # Set when the dossier is made from a client's page: who it is shared with at once.
    client = HiddenField()
    company = HiddenField()
    submit = SubmitField(_l("Save"))

    def __init__(self, statuses, lawyers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.code, status_label(s)) for s in statuses]
        self.lawyer.choices = [(u.id, u.name) for u in lawyers]

    def validate_status(self, field):
        if field.data not in {code for code, _label in self.status.choices}:
            raise ValidationError(_l("Choose a status."))

    def validate_lawyer(self, field):
        # A staff member can only hand a dossier to a lawyer they may act for.
        if field.data not in {id_ for id_, _name in self.lawyer.choices}:
            raise ValidationError(_l("You may not act for this lawyer. Choose a lawyer "
                                     "from the list."))


class StepForm(FlaskForm):
    title_nl = StringField(_l("Title in Dutch"), filters=[single_line], validators=[
        DataRequired(_l("Enter the title of the step in Dutch.")), Length(max=200)])
    title_en = StringField(_l("Title in English (optional)"), filters=[single_line], validators=[
        Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))
