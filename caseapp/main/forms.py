from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[SelectChoice("nb", "Norsk bokmål"),
                                                       SelectChoice("en", "English")])
    next = HiddenField()
