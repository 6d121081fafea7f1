from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length

from caseapp.choices import choices


class ProfileForm(FlaskForm):
    work_phone = StringField(_l("Work phone"), validators=[Length(max=40)],
                             description=_l("Shown to the young people you follow, on their plan, "
                                            "as how to reach you. Leave empty to show none."),
                             render_kw={"autocomplete": "tel", "inputmode": "tel"})
    digest_frequency = SelectField(
        _l("E-mail digest"), choices=choices([("weekly", _l("Weekly (Monday morning)")),
                                              ("daily", _l("Daily (every morning)")),
                                              ("never", _l("Never"))]),
        description=_l("Counts of what is waiting for you and a link: never names or other "
                       "information about the young people."))
    digest_language = SelectField(_l("Language of the e-mail"),
                                  choices=choices([("nb", "Norsk bokmål"), ("en", "English")]))
