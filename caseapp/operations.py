"""For operators: the health check a load balancer asks, and one JSON log line per request.

The log line carries only what an operator needs to follow a request: time, level, request id,
method, endpoint name (never the URL or its query string), status, duration and the internal
user id. Never names, national ids, form values or query strings (see docs/monitoring.md).
"""
from __future__ import annotations

import logging
import sys
import time

from flask import Flask, g, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import inspect, text

LOGGER_NAME = "caseapp"  # the app's logger (Flask's app.logger has the package's name)
REQUEST_LOGGER = "caseapp.requests"
FIELDS = ("request_id", "method", "endpoint", "status", "duration_ms", "user_id")


def json_formatter() -> logging.Formatter:
    return JsonFormatter("{asctime}{levelname}{name}{message}", style="{",
                         rename_fields={"asctime": "time", "levelname": "level"},
                         datefmt="%Y-%m-%dT%H:%M:%S%z")


def init_logging(app: Flask) -> None:
    """JSON lines on stderr for the app's logger (once per process), and the request log."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(getattr(handler, "caseapp_json", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(json_formatter())
        handler.caseapp_json = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    # The development server's own access log prints full URLs with query strings.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        user = g.get("_login_user")  # only a user already loaded: logging never queries
        logging.getLogger(REQUEST_LOGGER).info("request", extra={
            "request_id": g.get("request_id"),
            "method": request.method,
            "endpoint": request.url_rule.endpoint if request.url_rule else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user_id": _loaded_user_id(user),
        })
        return response


def _loaded_user_id(user) -> str | None:
    """The user's id from the session's identity map. The request's commit has expired the
    object, and reading ``user.id`` or ``is_authenticated`` would load it again: a new
    transaction (on SQLite a write lock) and five queries only to write a log line."""
    state = inspect(user, raiseerr=False) if user is not None else None
    return str(state.identity[0]) if state is not None and state.identity else None


def check_audit_keys(app: Flask) -> None:
    """Refuse to start when the audit keys do not match the audit log in the database. A
    database that cannot be reached or has no tables yet (before `caseapp init`) is not checked
    here: requests then answer 503 until it is back."""
    from sqlalchemy.exc import DBAPIError

    from audit.verify import key_problem
    from caseapp.config import ConfigError
    from caseapp.extensions import db

    with app.app_context():
        try:
            with db.engine.connect() as conn:
                problem = key_problem(conn)
        except DBAPIError:
            problem = None
        finally:
            db.engine.dispose()  # no connection of the check outlives start-up (fork-safe)
    if problem:
        from caseapp.crypto.keyring import EXTENSION_KEY

        app.extensions[EXTENSION_KEY].dispose()
        raise ConfigError(problem)


def health_problems() -> dict[str, str]:
    """Each component: "ok" or "unavailable". Reads nothing about people."""
    from audit.chain import HEAD
    from caseapp.crypto.keyring import store
    from caseapp.extensions import db

    checks = {
        "database": lambda: _select_one(db.engine),
        "keystore": lambda: store().active_kek(),
        "audit_chain": lambda: _read_chain_head(db.engine, HEAD),
    }
    status = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure makes the component unavailable
            logging.getLogger(LOGGER_NAME).warning(
                "health check %s failed: %s", name, type(exc).__name__)
            status[name] = "unavailable"
        else:
            status[name] = "ok"
    return status


def _select_one(engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _read_chain_head(engine, head) -> None:
    with engine.connect() as conn:
        conn.execute(head.select().limit(1)).all()
