"""Language: Norwegian bokmål first, English on request (kept in the session)."""
from __future__ import annotations

from flask import current_app, has_request_context, session


def select_locale() -> str:
    if has_request_context():
        chosen = session.get("language")
        if chosen in current_app.config["CASEAPP_LANGUAGES"]:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]



def install_template_gettext(app) -> None:
    """Templates translate many strings (a case page with 200 sessions: ~2,000), and
    Flask-Babel's own template callables look the translations up again for each one (about a
    third of that page's time). Here each render looks them up once, in a context processor,
    and the callables read them from the template context (included templates share it);
    without it (a macro imported without context) they fall back to Flask-Babel's lookup."""
    from flask_babel import get_translations
    from jinja2 import pass_context

    def lookup(context):
        return context.get(TRANSLATIONS) or get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda c, s: lookup(c).ugettext(s)),
        ngettext=pass_context(lambda c, s, p, n: lookup(c).ungettext(s, p, n)),
        pgettext=pass_context(lambda c, x, s: lookup(c).upgettext(x, s)),
        npgettext=pass_context(lambda c, x, s, p, n: lookup(c).unpgettext(x, s, p, n)),
        newstyle=True)
    app.context_processor(lambda: {TRANSLATIONS: get_translations()})


TRANSLATIONS = "_caseapp_translations"
