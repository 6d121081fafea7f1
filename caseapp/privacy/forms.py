"""The privacy officer's search form (GET, no CSRF: it changes nothing)."""
from __future__ import annotations

import uuid
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (HiddenField, RadioField, SelectField, StringField, TextAreaField,
                     ValidationError)
from wtforms.validators import Length
from wtforms.fields.choices import SelectChoice

FLAG_LABELS = {
    "break_glass": _l("Break-glass"),
    "outside_caseload": _l("Outside own caseload"),
    "unusual_hours": _l("Unusual hours"),
    "bulk": _l("Bulk access"),
    "restricted_registration": _l("Registration attempt on a restricted person"),
}


def _date(field) -> date | None:
    raw = (field.data or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_l("Enter the date as YYYY-MM-DD, for example 2026-03-31.")) from None


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    user = SelectField(_l("User"), choices=[], validate_choice=True)
    participant = StringField(_l("Participant id"),
                              description=_l("The participant's id as shown in the log."))
    action = SelectField(_l("Action"), choices=[])
    grounds = SelectField(_l("Grounds"), choices=[])
    date_from = StringField(_l("From date"), render_kw={"type": "date"})
    date_to = StringField(_l("To date"), render_kw={"type": "date"})
    flag = SelectField(_l("Flag"), choices=[SelectChoice("", _l("All events"))] + [
        SelectChoice(code, label) for code, label in FLAG_LABELS.items()])

    def validate_participant(self, field) -> None:
        raw = (field.data or "").strip()
        if raw:
            try:
                uuid.UUID(raw)
            except ValueError:
                raise ValidationError(_l("A participant id looks like "
                                         "3f2b8c1e-0d4a-4b6e-9c2f-1a2b3c4d5e6f.")) from None

    def validate_date_from(self, field) -> None:
        _date(field)

    def validate_date_to(self, field) -> None:
        end = _date(field)
        try:
            start = _date(self.date_from)
        except ValidationError:
            return
        if start and end and end < start:
            raise ValidationError(_l("The to date must be on or after the from date."))


class SubjectForm(FlaskForm):
    """A data subject request starts from the national ID (posted, never in a URL)."""

    national_id = StringField(_l("National ID number"), description=_l("11 digits."),
                              render_kw={"autocomplete": "off", "inputmode": "numeric"})

    def validate_national_id(self, field) -> None:
        from caseapp.participants.national_id import InvalidNationalId, parse

        try:
            parse((field.data or "").replace(" ", ""))
        except InvalidNationalId:
            raise ValidationError(_l("Enter a valid national ID number (11 digits).")) from None


class ErasureForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], description=_l(
        "Say why: for example the request from the young person and the archive rules that apply."))
    confirm = HiddenField()  # set on the confirmation step of a crypto-shredding
    case_reference = StringField(_l("Type the case reference to confirm"),
                                 render_kw={"autocomplete": "off", "spellcheck": "false"})


class LiftForm(FlaskForm):
    """Lifting a restriction (art. 18(3)): the reason is written in the letter to the person."""

    reason = TextAreaField(_l("Why the restriction is lifted"), validators=[Length(max=2000)],
                           description=_l("Written in the letter to the young person: say it "
                                          "plainly."))
