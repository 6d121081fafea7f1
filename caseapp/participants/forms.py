"""Registering a young person with the first case, and changing contact details."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, FieldList, FormField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from flask_wtf import FlaskForm

from caseapp.cases.forms import CaseForm
from caseapp.choices import choices
from caseapp.participants.models import GENDER_LABELS, RELATION_LABELS
from caseapp.participants.national_id import InvalidNationalId, parse
from caseapp.subform import SubForm
from caseapp.validators import EMAIL, PHONE, TOO_LONG, not_after_today

BASIS_CHOICES = [("consent", _l("Consent from the young person (or guardians)")),
                 ("statutory", _l("Statutory basis"))]


class GuardianForm(SubForm):
    relation = SelectField(_l("Relation"), validators=[Optional()],
                           choices=choices([("", _l("Choose"))] + list(RELATION_LABELS.items())))
    name = StringField(_l("Guardian's name"), validators=[Length(max=200, message=TOO_LONG)])
    phone = StringField(_l("Guardian's phone"), validators=[Optional(), PHONE])
    email = StringField(_l("Guardian's e-mail"),
                        validators=[Optional(), Length(max=200, message=TOO_LONG), EMAIL])

    @property
    def filled(self) -> bool:
        return any((self.relation.data, self.name.data, self.phone.data, self.email.data))

    def validate_name(self, field) -> None:
        if self.filled and not (field.data or "").strip():
            raise ValidationError(_l("Enter the guardian's name."))

    def validate_relation(self, field) -> None:
        if self.filled and not field.data:
            raise ValidationError(_l("Choose the guardian's relation to the young person."))


class ContactDetailsForm(FlaskForm):
    """Changing how to reach the young person and the guardians."""

    phone = StringField(_l("Phone"), validators=[Optional(), PHONE],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=200, message=TOO_LONG),
                                                  EMAIL],
                        render_kw={"inputmode": "email", "autocomplete": "off"})
    address = TextAreaField(_l("Address"),
                            validators=[Optional(), Length(max=300, message=TOO_LONG)])
    home_municipality = StringField(_l("Home municipality number"), validators=[
        Optional(), Regexp(r"^\d{4}$", message=_l("Enter the four-digit municipality number."))],
        description=_l("For example 4204 for Kristiansand."), render_kw={"inputmode": "numeric"})
    guardians = FieldList(FormField(GuardianForm), min_entries=1, max_entries=6)


class RegistrationForm(CaseForm, ContactDetailsForm):
    """A young person and the first case."""

    given_name = StringField(_l("Given name"), validators=[
        DataRequired(message=_l("Enter the given name.")), Length(max=100, message=TOO_LONG)])
    family_name = StringField(_l("Family name"), validators=[
        DataRequired(message=_l("Enter the family name.")), Length(max=100, message=TOO_LONG)])
    national_id = StringField(_l("National ID number"), validators=[
        DataRequired(message=_l("Enter the national ID number (11 digits)."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    birth_date = DateField(_l("Birth date"), validators=[
        DataRequired(message=_l("Enter the birth date."))])
    gender = SelectField(_l("Gender"), choices=choices(GENDER_LABELS), default="unknown")
    minority_language = BooleanField(_l("Minority-language background"))
    guardians = FieldList(FormField(GuardianForm), min_entries=2, max_entries=2)

    basis = RadioField(_l("Basis for follow-up"), choices=choices(BASIS_CHOICES), validators=[
        DataRequired(message=_l("Choose the basis for following up this person."))])
    consent_date = DateField(_l("Consent given on"), validators=[Optional(), not_after_today])
    statutory_reference = StringField(_l("Law and section"),
                                      validators=[Length(max=200, message=TOO_LONG)],
                                      description=_l("For example opplæringslova § 3-10."))

    def validate_national_id(self, field) -> None:
        try:
            parse(field.data or "")
        except InvalidNationalId:
            raise ValidationError(_l("The national ID number is not valid. Check the 11 digits.")) from None

    def validate_birth_date(self, field) -> None:
        try:
            _digits, born, _synthetic = parse(self.national_id.data or "")
        except InvalidNationalId:
            return  # the national ID field says what is wrong
        if field.data != born:
            raise ValidationError(_l("The birth date does not match the national ID number."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.basis.data == "consent" and self.consent_date.data is None \
                and not self.consent_date.errors:
            self.consent_date.errors = [_l("Enter the date the consent was given.")]
            return False
        return valid

    def validate_statutory_reference(self, field) -> None:
        if self.basis.data == "statutory" and not (field.data or "").strip():
            raise ValidationError(_l("Name the law that gives the statutory basis."))

