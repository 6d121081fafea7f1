"""The statistics filter (GET, no CSRF: it changes nothing). Parameter names are those of the
URLs: ``from``, ``to``, ``unit``, ``programme``, ``track``, ``minority``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from caseapp.cases.models import LABELS, Programme, tracks_for


class StatisticsForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = StringField(_l("From date"), name="from", render_kw={"type": "date"})
    date_to = StringField(_l("To date"), name="to", render_kw={"type": "date"})
    unit = SelectField(_l("Unit"), choices=[], validate_choice=False)
    programme = SelectField(_l("Programme"), choices=[], validate_choice=False)
    track = SelectField(_l("Track"), choices=[], validate_choice=False)
    minority = SelectField(_l("Minority-language background"), validate_choice=False, choices=[
        SelectChoice("", _l("All")), SelectChoice("yes", _l("Only with")),
        SelectChoice("no", _l("Only without"))])

    def fill_choices(self, units) -> None:
        everyone = [SelectChoice("", _l("All"))]
        self.unit.choices = everyone + [SelectChoice(str(u.id), u.display_name) for u in units]
        self.programme.choices = everyone + [SelectChoice(p.value, LABELS[p.value])
                                             for p in Programme]
        self.track.choices = everyone + [SelectChoice(t, f"{LABELS[p.value]} – {LABELS.get(t, t)}")
                                         for p in Programme for t in tracks_for(p.value)]
