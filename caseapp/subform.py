"""Base for repeated rows inside a form (guardians, goals, measures): WTForms' own messages in
the user's language, as in ``FlaskForm``; CSRF stays with the enclosing form."""
from __future__ import annotations

from flask_wtf.i18n import translations
from wtforms import Form
from wtforms.meta import DefaultMeta


class SubForm(Form):
    class Meta(DefaultMeta):
        def get_translations(self, form):
            return translations
