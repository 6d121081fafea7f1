from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from caseapp.choices import choices
from caseapp.outcomes.models import END_REASONS, OUTCOME_LABELS, PAID_WORK_KINDS
from caseapp.validators import TOO_LONG, not_after_today, within_years


class OutcomeForm(FlaskForm):
    """Recording an outcome, or correcting one (``version``: the one the user opened)."""

    code = SelectField(_l("Outcome"), choices=choices(OUTCOME_LABELS))
    occurred_on = DateField(_l("Date of the outcome"), validators=[
        DataRequired(message=_l("Enter the date of the outcome.")), not_after_today,
        within_years(1)])
    paid_work_kind = SelectField(_l("Kind of work"), validators=[Optional()],
                                 choices=choices([("", _l("Choose"))] + list(PAID_WORK_KINDS.items())))
    percent_of_full_time = IntegerField(_l("Percent of full time"), validators=[
        Optional(), NumberRange(min=1, max=100, message=_l("Enter a percentage from 1 to 100."))],
        render_kw={"inputmode": "numeric"})
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000, message=TOO_LONG)])
    version = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.code.data != "paid_work":
            return valid
        if not self.paid_work_kind.data and not self.paid_work_kind.errors:
            self.paid_work_kind.errors = [_l("For paid work, choose the kind of work.")]
            valid = False
        if self.percent_of_full_time.data is None and not self.percent_of_full_time.errors:
            self.percent_of_full_time.errors = [_l("For paid work, enter the percent of full time.")]
            valid = False
        return valid


class EndForm(FlaskForm):
    """Closing a case whose outcome is already recorded: only the end."""

    ended_on = DateField(_l("Case ends on"), validators=[
        DataRequired(message=_l("Enter the end date.")), not_after_today])
    end_reason = SelectField(_l("Reason for ending"), choices=choices(END_REASONS))
    version = HiddenField()


class CloseForm(EndForm, OutcomeForm):
    """Closing a case without an outcome yet: the end and the outcome."""


class CheckpointForm(OutcomeForm):
    still_active = RadioField(_l("Is the person still in work or education?"),
                              choices=choices([("yes", _l("Yes")), ("no", _l("No"))]),
                              validators=[DataRequired(message=_l("Answer yes or no."))])
