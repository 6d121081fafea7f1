"""The plan form: existing goals and measures plus empty rows for new ones (no JavaScript)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, FormField, HiddenField,
                     SelectField, StringField)
from wtforms.validators import Length, Optional, ValidationError

from caseapp.choices import choices
from caseapp.plans.models import GOAL_STATUS_LABELS, RESPONSIBLE_LABELS, Measure, PlanContent
from caseapp.subform import SubForm
from caseapp.validators import TOO_LONG, within_years

EMPTY_ROWS = 2


class GoalForm(SubForm):
    key = HiddenField()
    text = StringField(_l("Goal"), validators=[Length(max=500, message=TOO_LONG)])
    target_date = DateField(_l("Target date"), validators=[Optional(), within_years(5)])
    status = SelectField(_l("Status"), choices=choices(GOAL_STATUS_LABELS), default="not_started")

    def validate_target_date(self, field) -> None:
        if field.data and not (self.text.data or "").strip():
            raise ValidationError(_l("Describe the goal, or leave the row empty."))


class MeasureForm(SubForm):
    text = StringField(_l("Measure"), validators=[Length(max=500, message=TOO_LONG)])
    responsible = SelectField(_l("Responsible"), choices=choices(RESPONSIBLE_LABELS),
                              default="worker")


class PlanForm(FlaskForm):
    goals = FieldList(FormField(GoalForm), min_entries=EMPTY_ROWS, max_entries=40)
    measures = FieldList(FormField(MeasureForm), min_entries=EMPTY_ROWS, max_entries=40)
    review_date = DateField(_l("Review date"), validators=[Optional(), within_years(2)])
    agreed = BooleanField(_l("The young person agrees to this version of the plan"),
                          description=_l("Tick this when they agreed with you. They can also "
                                         "agree, or say what they want changed, on their own "
                                         "page; their own answer then replaces this tick."))
    version = HiddenField()
    special_ok = BooleanField(_l("The information is needed for the follow-up, and the basis "
                                 "covers it"))

    def validate_goals(self, field) -> None:
        if not any((entry.form.text.data or "").strip() for entry in field):
            raise ValidationError(_l("A plan needs at least one goal."))

    def fill(self, content: PlanContent) -> None:
        """Show ``content`` with empty rows after it (for a GET)."""
        for name, items in (("goals", content.goals), ("measures", content.measures)):
            field = getattr(self, name)
            while len(field.entries):
                field.pop_entry()
            for item in items:
                field.append_entry(vars(item))
            for _ in range(EMPTY_ROWS):
                field.append_entry()

    def content(self, new_key) -> PlanContent:
        from caseapp.plans.models import Goal

        def key(value: str | None) -> str:  # keys are ours; anything else gets a new one
            return value if value and re.fullmatch(r"[0-9a-f]{32}", value) else new_key()

        goals = [Goal(key(e.form.key.data), e.form.text.data.strip(), e.form.target_date.data,
                      e.form.status.data)
                 for e in self.goals if (e.form.text.data or "").strip()]
        measures = [Measure(e.form.text.data.strip(), e.form.responsible.data)
                    for e in self.measures if (e.form.text.data or "").strip()]
        return PlanContent(goals, measures)
