from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from caseapp.validators import TOO_LONG, within_years


class TransitionForm(FlaskForm):
    from_school = StringField(_l("From school"), validators=[
        DataRequired(message=_l("Enter the school the person leaves.")),
        Length(max=200, message=TOO_LONG)])
    from_grade = StringField(_l("From grade or programme"), validators=[Length(max=100, message=TOO_LONG)],
                             description=_l("For example 10th grade."))
    to_school = StringField(_l("To school"), validators=[
        DataRequired(message=_l("Enter the school the person starts at.")),
        Length(max=200, message=TOO_LONG)])
    to_programme = StringField(_l("To education programme"), validators=[Length(max=100, message=TOO_LONG)],
                               description=_l("For example Vg1 health and youth work."))
    transition_date = DateField(_l("Date of the transition"), validators=[
        DataRequired(message=_l("Enter the date of the transition.")), within_years(1)])
    hospitation_days = IntegerField(_l("Hospitation days"), validators=[
        Optional(), NumberRange(min=0, max=60, message=_l("Enter a number from 0 to 60."))])
    version = HiddenField()  # when correcting: the version the user opened


class PlacementForm(FlaskForm):
    workplace = StringField(_l("Workplace"), validators=[
        DataRequired(message=_l("Enter the workplace.")), Length(max=200, message=TOO_LONG)])
    trade = SelectField(_l("Trade"), choices=[])
    started_on = DateField(_l("Starts"), validators=[
        DataRequired(message=_l("Enter the start date.")), within_years(1)])
    ended_on = DateField(_l("Ends"), validators=[Optional(), within_years(3)])
    hours_per_week = IntegerField(_l("Hours per week"), validators=[
        Optional(), NumberRange(min=1, max=60, message=_l("Enter a number from 1 to 60."))])
    workplace_contact = StringField(_l("Contact at the workplace"), validators=[
        Length(max=200, message=TOO_LONG)], description=_l("Name and phone number."))
    version = HiddenField()  # when correcting: the version the user opened

    def validate_ended_on(self, field) -> None:
        if field.data and self.started_on.data and field.data < self.started_on.data:
            raise ValidationError(_l("The end date must be after the start date."))


class EndPlacementForm(FlaskForm):
    """Ending a running placement."""

    ended_on = DateField(_l("Ends"), validators=[
        DataRequired(message=_l("Enter the end date.")), within_years(3)])
    version = HiddenField()
