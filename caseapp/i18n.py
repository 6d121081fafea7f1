"""Language: Norwegian bokmål first, English on request (kept in the session)."""
from __future__ import annotations

from flask import current_app, has_request_context, session


def select_locale() -> str:
    if has_request_context():
        chosen = session.get("language")
        if chosen in current_app.config["CASEAPP_LANGUAGES"]:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
