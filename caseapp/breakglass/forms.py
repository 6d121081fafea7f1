from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from caseapp.breakglass.models import REVIEW_LABELS, Review


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Why do you need access to this case now?"), validators=[
        Length(max=2000)], description=_l(
            "Write the reason in full sentences. It is kept, shown to the privacy officer and "
            "the access is flagged in the audit log."))


class ReviewForm(FlaskForm):
    decision = RadioField(_l("Assessment"), choices=[
        SelectChoice(r.value, REVIEW_LABELS[r]) for r in (Review.REVIEWED, Review.QUESTIONED)],
        validate_choice=False)
    comment = TextAreaField(_l("Comment"), validators=[Length(max=2000)])
