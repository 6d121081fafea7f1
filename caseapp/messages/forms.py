"""The one message form, for the worker's page and the young person's."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from caseapp.messages.models import MAX_LENGTH
from caseapp.messages.services import text_problem


def _valid_text(form, field) -> None:
    """The domain's own check, so the form and the service say the same thing."""
    problem = text_problem(field.data)
    if problem:
        raise ValidationError(problem)


class MessageForm(FlaskForm):
    """No maxlength in the page: a browser would cut a pasted text without a word."""

    body = TextAreaField(_l("Message"), validators=[_valid_text],
                         description=_l("At most %(max)d characters. No attachments.",
                                        max=MAX_LENGTH),
                         render_kw={"rows": 4})
