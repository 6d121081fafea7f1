"""Error pages: a clear message in the user's language, never a stack trace or personal data."""
from __future__ import annotations

import traceback

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from caseapp.crypto.envelope import DecryptionError

MESSAGES = {
    400: (_l("The request could not be understood"),
          _l("Something in the request was wrong. Go back and try again.")),
    403: (_l("You do not have access"),
          _l("Your role does not give access to this page. If you need it for your work, "
             "ask your coordinator.")),
    404: (_l("Page not found"),
          _l("The page does not exist, or you do not have access to it.")),
    405: (_l("Not allowed here"),
          _l("This page cannot be used that way. Go back and use the buttons on the page.")),
    413: (_l("The file is too large"),
          _l("What you sent is larger than the app accepts. Choose a smaller file.")),
    429: (_l("Too many attempts"),
          _l("You have tried too many times in a short while. Wait a minute and try again.")),
    503: (_l("The service is unavailable"),
          _l("The database cannot be reached just now, so nothing was saved. Wait a moment "
             "and try again; if it goes on, tell your administrator the reference below.")),
    507: (_l("Not enough storage space"),
          _l("There is no room left to store what you sent, so nothing was saved. Tell your "
             "administrator the reference below.")),
    500: (_l("Something went wrong"),
          _l("The app ran into an error and nothing was saved. Try again; if it happens again, "
             "tell your administrator the reference below.")),
}
DECRYPTION_MESSAGE = (_l("Protected data could not be read"),
                      _l("Some protected data could not be decrypted, so the page cannot be "
                         "shown. Nothing was changed. Tell your administrator the reference "
                         "below."))
CSRF_MESSAGE = (_l("The form has expired"),
                _l("For your safety the form was too old or came from elsewhere. "
                   "Go back, reload the page and try again."))


def render_error(status: int, title=None, message=None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title or default_title,
                           message=message or default_message,
                           reference=g.get("request_id")), status


def log_exception_without_data(app: Flask, exc: BaseException) -> None:
    """Operator log for a crash: exception type, place and request id — not its message,
    which may hold values (SQL parameters, form input)."""
    frames = "\n".join(f"  {frame.filename}:{frame.lineno} in {frame.name}"
                        for frame in traceback.extract_tb(exc.__traceback__))
    app.logger.error("Unhandled %s in %s %s (request %s)\n%s", type(exc).__name__,
                     request.method, request.url_rule, g.get("request_id"), frames)


STORAGE_FULL = ("database or disk is full", "no space left on device", "disk full")


def database_unavailable_status(exc: BaseException | None) -> int | None:
    """503 when the database cannot be reached (or is locked), 507 when it is full, None for
    other errors (those are bugs: 500)."""
    if not isinstance(exc, (OperationalError, InterfaceError)) and not (
            isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return None
    original = str(getattr(exc, "orig", "") or "").lower()
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if sqlstate == "53100" or any(words in original for words in STORAGE_FULL):
        return 507
    return 503


def render_database_error(status: int):
    """The page without the database: nothing half-saved, and no user lookup for the header."""
    from caseapp.extensions import db, login_manager

    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it on the next request
        pass
    g._login_user = login_manager.anonymous_user()
    current_app.logger.warning("Database unavailable (%s) in %s %s (request %s)", status,
                               request.method, request.url_rule, g.get("request_id"))
    return render_error(status)


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        status = database_unavailable_status(exc)
        if status is None:
            log_exception_without_data(app, exc)
            return render_error(500)
        return render_database_error(status)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(DecryptionError)
    def decryption_error(exc: DecryptionError):
        log_exception_without_data(app, exc)
        return render_error(500, *DECRYPTION_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # A failed commit (after the view) arrives here as a 500 wrapping the original error.
        status = database_unavailable_status(getattr(exc, "original_exception", None))
        if status is not None:
            return render_database_error(status)
        if exc.code in MESSAGES:
            return render_error(exc.code)
        return render_error(400 if exc.code and exc.code < 500 else 500)

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        log_exception_without_data(app, exc)
        return render_error(500)
