from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(message=_l("Enter your username.")), Length(max=80)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("Enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"})


class CodeForm(FlaskForm):
    code = StringField(_l("Six-digit code from your authenticator app"), validators=[
        DataRequired(message=_l("Enter the code from your authenticator app.")),
        Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PostForm(FlaskForm):
    """A form with nothing but its CSRF token (logout, deactivate …)."""


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(message=_l("Enter a new password.")), Length(max=128)],
        description=_l("At least 12 characters. A few unrelated words make a good password."),
        render_kw={"autocomplete": "new-password"})
    repeated = PasswordField(_l("The new password again"), validators=[
        DataRequired(message=_l("Enter the new password again.")), Length(max=128)],
        render_kw={"autocomplete": "new-password"})
