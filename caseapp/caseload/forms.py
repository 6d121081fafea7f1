from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from caseapp.validators import TOO_LONG


class ReassignForm(FlaskForm):
    """The choices are checked by ``caseapp.caseload.reassign`` with a message for each case
    (another unit, deactivated, the same worker), so the fields do not reject on their own."""

    worker = SelectField(_l("New responsible worker"), choices=[], validate_choice=False)
    reason = SelectField(_l("Why is the case reassigned?"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Note to the new worker"), validators=[
        Optional(), Length(max=3000, message=TOO_LONG)],
        description=_l("Optional. The plan and all sessions go along."))
    version = HiddenField()
