"""Field validators shared by the case-following forms (dates, phone numbers, e-mail)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms.validators import Regexp, ValidationError

from caseapp.clock import local_now

PHONE = Regexp(r"^\+?[0-9 ()-]{5,20}$", message=_l("Enter a phone number with digits only."))
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", flags=re.IGNORECASE,
               message=_l("Enter an e-mail address such as name@example.no."))

TOO_LONG = _l("The text can be at most %(max)d characters.")


def not_after_today(form, field) -> None:
    value = field.data
    if value is not None and _as_date(value) > local_now().date():
        raise ValidationError(_l("The date cannot be in the future."))


def within_years(years: int):
    """The date may be at most ``years`` ahead and not before 2000."""

    def check(form, field) -> None:
        value = field.data
        if value is None:
            return
        day = _as_date(value)
        if day > local_now().date() + timedelta(days=365 * years):
            raise ValidationError(_l("The date is too far in the future."))
        if day < date(2000, 1, 1):
            raise ValidationError(_l("The date is too far back."))

    return check


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value
