from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from caseapp.choices import MultiCheckboxField, choices
from consent.purposes import (CHANNEL_LABELS, DATA_CATEGORIES, GIVEN_BY_LABELS, METHOD_LABELS,
                              PURPOSE_LABELS)
from consent.own import DURATION_LABELS, WAIVER_CATEGORIES


class ConsentForm(FlaskForm):
    purpose = SelectField(_l("Purpose"), choices=choices(PURPOSE_LABELS))
    organisation = SelectField(_l("Organisation the duty of confidentiality is lifted towards"),
                               choices=[], validate_choice=False,
                               description=_l("Only for sharing with a named organisation."))
    legal_basis = SelectField(_l("Legal basis"), choices=[
        SelectChoice("consent", _l("Consent")),
        SelectChoice("statutory", _l("Statutory basis (the law is named below)"))])
    statutory_reference = StringField(_l("Law and section"), validators=[Optional(), Length(max=200)])
    given_by = SelectField(_l("Given by"), choices=choices(GIVEN_BY_LABELS))
    guardian1_name = StringField(_l("Guardian 1: name"), validators=[Optional(), Length(max=200)])
    guardian1_relation = StringField(_l("Guardian 1: relation"), validators=[Optional(), Length(max=60)])
    guardian2_name = StringField(_l("Guardian 2: name"), validators=[Optional(), Length(max=200)])
    guardian2_relation = StringField(_l("Guardian 2: relation"), validators=[Optional(), Length(max=60)])
    maturity_reason = TextAreaField(
        _l("Maturity assessment"), validators=[Optional(), Length(max=2000)],
        description=_l("Only when a young person under the adult age consents alone: why they "
                       "can decide for themselves. You are recorded as the assessor."))
    data_categories = MultiCheckboxField(_l("Data categories"), choices=choices(DATA_CATEGORIES))
    method = SelectField(_l("How the consent was given"), choices=choices(METHOD_LABELS))
    witness = StringField(_l("Witness"), validators=[Optional(), Length(max=200)])
    evidence = FileField(_l("Evidence (scanned form: PDF, JPEG or PNG)"))
    valid_from = DateField(_l("Valid from"), validators=[
        DataRequired(message=_l("Enter a valid date (yyyy-mm-dd)."))])
    valid_until = DateField(_l("Valid until (optional)"), validators=[Optional()])


class WithdrawForm(FlaskForm):
    channel = SelectField(_l("How the withdrawal reached you"), choices=choices(CHANNEL_LABELS))
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])


class OwnWaiverForm(FlaskForm):
    """The young person's own waiver on My pages (consent/own.py), in their words."""

    organisation = SelectField(_l("Who may see it?"), choices=[], validate_choice=False)
    categories = MultiCheckboxField(_l("What may they see?"), choices=choices(WAIVER_CATEGORIES),
                                    validate_choice=False)
    duration = RadioField(_l("For how long?"), choices=choices(DURATION_LABELS), default="12",
                          validate_choice=False)


class OwnWithdrawForm(FlaskForm):
    """One tap: only the CSRF token (the consent is in the URL)."""
