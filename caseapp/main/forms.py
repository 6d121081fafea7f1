from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[("nb", "Norsk bokmål"), ("en", "English")])
    next = HiddenField()
