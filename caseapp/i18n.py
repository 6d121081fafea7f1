"""Language: Norwegian bokmål first, English on request (kept in the session)."""
from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, has_request_context, session
from flask_babel.speaklater import LazyString


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


class _Label(str):
    """A translated label as the lazy string rendered it: inserted unescaped (``__html__``,
    like Flask-Babel's ``LazyString``), so the page is the same."""

    def __html__(self) -> str:
        return str(self)


class RenderLabels(Mapping):
    """A label dict (code → lazy translated label) for one render: each label is translated
    the first time the template asks for it and kept for the rest of the render. A case page
    shows the same ~10 labels hundreds of times; each lazy string would look its translation
    up again every time."""

    def __init__(self, labels: Mapping) -> None:
        self._labels = labels
        self._done: dict = {}

    def __getitem__(self, key):
        try:
            return self._done[key]
        except KeyError:
            pass
        value = self._labels[key]
        if isinstance(value, LazyString):
            value = _Label(value)
        self._done[key] = value
        return value

    def __iter__(self):
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def __contains__(self, key) -> bool:
        return key in self._labels
