from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from caseapp.choices import MultiCheckboxField
from caseapp.units.models import UNIT_KIND_LABELS
from caseapp.units.services import has_separator
from roles.definitions import ROLE_LABELS


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(message=_l("Enter a username.")), Length(max=80)])
    display_name = StringField(_l("Full name"), validators=[
        DataRequired(message=_l("Enter the person's name.")), Length(max=200)])
    email = StringField(_l("Work e-mail (optional)"), validators=[Length(max=254)],
                        description=_l("Receives notices from caseapp; it can also link the account "
                                       "to the organisation's sign-in."),
                        render_kw={"autocomplete": "off", "inputmode": "email", "spellcheck": "false"})
    work_phone = StringField(_l("Work phone (optional)"), validators=[Length(max=40)],
                             render_kw={"autocomplete": "off", "inputmode": "tel"})
    password = PasswordField(_l("First password"), validators=[
        DataRequired(message=_l("Enter a first password.")), Length(max=128)],
        description=_l("At least 12 characters. Give it to the user in a safe way: at the first "
                       "login they choose their own password and set up two-factor login."),
        render_kw={"autocomplete": "new-password"})
    roles = MultiCheckboxField(_l("Roles"), choices=[SelectChoice(r.value, label)
                                                     for r, label in ROLE_LABELS.items()])
    units = MultiCheckboxField(_l("Units"), choices=[])


class EditUserForm(FlaskForm):
    """An administrator's change of an account: name, work e-mail, roles and units."""
    display_name = UserForm.display_name
    email = UserForm.email
    roles = UserForm.roles
    units = MultiCheckboxField(_l("Units"), choices=[])


def _kind_field():
    return SelectField(_l("Kind"), choices=[SelectChoice(code, label)
                                            for code, label in UNIT_KIND_LABELS.items()])


def no_separator(form, field) -> None:
    """" / " and ";" separate organisation, unit and units in names the log keeps."""
    if field.data and has_separator(field.data):
        raise ValidationError(_l("A name cannot contain \" / \" or \";\"."))


class UnitForm(FlaskForm):
    name = StringField(_l("Name of the unit"), validators=[
        DataRequired(message=_l("Enter the name of the unit.")), Length(max=200), no_separator],
        description=_l("For example Lund ungdomsskole or Vågsbygd sykehjem."))
    organisation = StringField(_l("Organisation"), validators=[
        DataRequired(message=_l("Enter the organisation.")), Length(max=200), no_separator],
        description=_l("An existing organisation, or a new one, like Kristiansand kommune."),
        render_kw={"list": "organisations", "autocomplete": "off"})
    kind = _kind_field()


class RenameUnitForm(FlaskForm):
    name = UnitForm.name
    kind = _kind_field()
