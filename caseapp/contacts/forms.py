"""The session form: the first three fields are enough, the rest is optional."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, IntegerField,
                     SelectField, StringField, TextAreaField, TimeField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from caseapp.admin.forms import MultiCheckboxField
from caseapp.clock import local_now
from caseapp.contacts.models import KIND_LABELS, PRESENT_LABELS, TOPIC_LABELS
from caseapp.choices import choices
from caseapp.validators import within_years


class CodesField(MultiCheckboxField):
    """Checkboxes of codes; a code not on the list gets a plain message."""

    def pre_validate(self, form) -> None:
        known = {choice.value for choice in self.choices}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_l("Choose from the list."))


class ContactForm(FlaskForm):
    occurred_at = DateTimeLocalField(_l("Date and time"), format="%Y-%m-%dT%H:%M", validators=[
        DataRequired(message=_l("Enter the date and time of the session."))])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=45, validators=[
        InputRequired(message=_l("Enter the duration in minutes.")),
        NumberRange(min=1, max=720, message=_l("The duration must be between 1 and 720 minutes."))],
        render_kw={"inputmode": "numeric"})
    kind = SelectField(_l("Type"), choices=choices(KIND_LABELS), default="individual")
    present = CodesField(_l("Present"), choices=choices(PRESENT_LABELS),
                                 default=["participant"])
    topics = CodesField(_l("Topics"), choices=[])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(
        max=5000, message=_l("The note can be at most %(max)d characters."))])
    goals = CodesField(_l("Plan goals worked on"), choices=[])
    next_step = StringField(_l("Next step"), validators=[Optional(), Length(
        max=500, message=_l("The next step can be at most %(max)d characters."))])
    next_date = DateField(_l("Next session"), validators=[Optional(), within_years(2)])
    next_time = TimeField(_l("Time of the next session"), format="%H:%M",
                          validators=[Optional()],
                          description=_l("Optional. The young person sees the time with the date."))
    next_place = StringField(_l("Place of the next session"), validators=[Optional(), Length(
        max=200, message=_l("The place can be at most %(max)d characters."))],
        description=_l("The young person sees the date and place on their own page."))
    summary_shared = BooleanField(
        _l("Share the note and next step with the young person"),
        description=_l("They will see them as the summary of this session on their own page. "
                       "Leave this off for internal notes."))
    version = HiddenField()
    special_ok = BooleanField(_l("The information is needed for the follow-up, and the basis "
                                 "covers it"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.topics.choices = choices((code, TOPIC_LABELS.get(code, code))
                                      for code in current_app.config["CASEAPP_CONTACT_TOPICS"])
        if self.occurred_at.data is None and not self.is_submitted():
            self.occurred_at.data = local_now().replace(second=0, microsecond=0)

    def validate_occurred_at(self, field) -> None:
        if field.data is None:
            return
        if field.data > local_now() + timedelta(hours=1):
            raise ValidationError(_l("A session cannot be logged ahead of time. Use next session."))
        if field.data.year < 2000:
            raise ValidationError(_l("The date is too far back."))

    def validate_next_date(self, field) -> None:
        if field.data and self.occurred_at.data and field.data < self.occurred_at.data.date():
            raise ValidationError(_l("The next session cannot be before this one."))

    def validate_next_time(self, field) -> None:
        if field.data is not None and self.next_date.data is None:
            raise ValidationError(_l("Enter the date of the next session too, or leave the time "
                                     "empty."))
