"""Opening a case: programme, track, unit, school or workplace, start."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from caseapp.cases.models import LABELS, tracks_for
from caseapp.choices import choices
from caseapp.clock import local_now
from caseapp.validators import TOO_LONG, within_years
from roles.workers import programmes_of


class CaseForm(FlaskForm):
    programme = SelectField(_l("Programme"), choices=[])
    track = SelectField(_l("Track"), choices=[])
    unit = SelectField(_l("Unit"), choices=[])
    school_or_workplace = StringField(_l("School or workplace"),
                                      validators=[Length(max=200, message=TOO_LONG)])
    grade_or_programme = StringField(
        _l("Grade or education programme"), validators=[Length(max=100, message=TOO_LONG)],
        description=_l("For example 10th grade, or Vg1 health and youth work."))
    started_on = DateField(_l("Follow-up starts"), validators=[
        DataRequired(message=_l("Enter the start date.")), within_years(1)])

    def offer(self, user) -> None:
        """The worker's own programmes, their tracks and the worker's units; start today."""
        programmes = programmes_of(user)
        self.programme.choices = choices((p, LABELS[p]) for p in programmes)
        self.track.choices = choices((t, f"{LABELS[p]}: {LABELS.get(t, t)}") for p in programmes
                                     for t in tracks_for(p))
        self.unit.choices = choices((str(u.id), u.display_name)
                                    for u in sorted(user.units, key=lambda u: u.display_name))
        if not self.is_submitted():
            self.started_on.data = local_now().date()

    def chosen_unit(self, user):
        return next(u for u in user.units if str(u.id) == self.unit.data)

    def validate_track(self, field) -> None:
        if not self.programme.data:
            return
        try:
            tracks = tracks_for(self.programme.data)
        except ValueError:  # not a programme: the programme field says "not a valid choice"
            return
        if field.data not in tracks:
            raise ValidationError(_l("Choose a track that belongs to the programme."))
