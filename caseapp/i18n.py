"""Language: Norwegian bokmål first, English on request (kept in the session)."""
from __future__ import annotations

from flask import current_app, session


def select_locale() -> str:
    chosen = session.get("language")
    if chosen in current_app.config["CASEAPP_LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
