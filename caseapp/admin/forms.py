from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from caseapp.choices import MultiCheckboxField
from roles.definitions import ROLE_LABELS


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(message=_l("Enter a username.")), Length(max=80)])
    display_name = StringField(_l("Full name"), validators=[
        DataRequired(message=_l("Enter the person's name.")), Length(max=200)])
    password = PasswordField(_l("First password"), validators=[
        DataRequired(message=_l("Enter a first password.")), Length(max=128)],
        description=_l("At least 12 characters. The user sets up two-factor login at first login."),
        render_kw={"autocomplete": "new-password"})
    roles = MultiCheckboxField(_l("Roles"), choices=[SelectChoice(r.value, label)
                                                     for r, label in ROLE_LABELS.items()])
    units = MultiCheckboxField(_l("Units"), choices=[])
