from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from caseapp.validators import TOO_LONG


class HandoverForm(FlaskForm):
    receiver = SelectField(_l("New responsible worker"), choices=[], validators=[
        DataRequired(message=_l("Choose who takes over."))])
    note = TextAreaField(_l("Handover note"), validators=[Optional(), Length(max=3000, message=TOO_LONG)],
                         description=_l("What the new worker needs to know. The plan goes along."))
    version = HiddenField()
