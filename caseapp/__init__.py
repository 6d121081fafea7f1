"""caseapp: case following for youth mentors and work leaders.

``create_app`` reads like a table of contents: config → keys → extensions → blueprints →
request transaction → error pages → CLI.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context, has_request_context, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine

from caseapp import clock, config
from caseapp.crypto import keys
from caseapp.crypto.blind import INDEX_KEY
from caseapp.crypto.keyring import EXTENSION_KEY as KEYSTORE_EXTENSION
from caseapp.crypto.keys import EXTENSION_KEY as KEYS_EXTENSION
from caseapp.crypto.keystore import DEFERRED_BEGIN, open_keystore

from caseapp.extensions import babel, csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


class CaseApp(Flask):
    def log_exception(self, exc_info) -> None:  # never log exception messages (may hold data)
        from caseapp.errors import log_exception_without_data

        log_exception_without_data(self, exc_info[1])


def instance_path() -> Path:
    """The instance folder: ``CASEAPP_INSTANCE`` or ``instance/`` beside the package."""
    return Path(os.environ.get("CASEAPP_INSTANCE") or PROJECT_DIR / "instance").resolve()


def create_app(test_config: dict[str, Any] | None = None, instance: Path | None = None) -> Flask:
    folder = Path(instance or instance_path())
    app = CaseApp(__name__, instance_path=str(folder), instance_relative_config=True,
                  template_folder=str(PROJECT_DIR / "templates"))
    app.config.update(config.build(folder, test_config))
    load_keys(app, folder)
    app.extensions[clock.EXTENSION_KEY] = app.config.pop("CASEAPP_CLOCK", None) or clock.SystemClock()
    register_extensions(app)
    from caseapp.operations import check_audit_keys, init_logging

    check_audit_keys(app)
    init_logging(app)  # its after_request runs after the commit: the line has the final status
    register_blueprints(app)
    from caseapp import transaction

    transaction.register(app)  # the one commit or rollback of each request
    from caseapp.errors import register_errorhandlers

    register_errorhandlers(app)
    register_template_helpers(app)
    from caseapp.serving import init_compression, init_static

    init_static(app)
    init_compression(app)
    return app


def load_keys(app: Flask, folder: Path) -> None:
    """Keys come from the instance folder (KEKs also from the environment) and the key
    store; without them, or when they do not match, the app does not start."""
    loaded = keys.load_all(folder)
    app.extensions[KEYS_EXTENSION] = loaded
    app.extensions[INDEX_KEY] = {}
    app.secret_key = loaded["session"].material
    store = open_keystore(app.config, folder)
    try:
        store.check()
    except Exception:
        store.dispose()
        raise
    app.extensions[KEYSTORE_EXTENSION] = store


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _sqlite_write_lock_early() -> bool:
    """Requests and commands take SQLite's write lock at BEGIN, so a transaction never reads
    data (such as the audit chain head) that another writer changes before it writes. Only a
    test's own session, outside any request, keeps the driver's default (reads outside a
    transaction, a deferred BEGIN before the first write): the test client's requests must not
    wait for it, and it sees what they commit."""
    return has_request_context() or not (has_app_context() and current_app.testing)


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    if (conn.dialect.name == "sqlite" and _sqlite_write_lock_early()
            and not conn.get_execution_options().get(DEFERRED_BEGIN)):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def register_extensions(app: Flask) -> None:
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    options.setdefault("hide_parameters", True)  # SQL errors never carry values into logs
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": app.config["CASEAPP_SQLITE_BUSY_TIMEOUT_MS"] / 1000})
    else:
        options.setdefault("pool_pre_ping", True)
        from caseapp.serving import engine_options

        for key, value in engine_options(app.config).items():
            options.setdefault(key, value)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    import caseapp.models  # noqa: F401  (all tables known before anything queries)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    from caseapp.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # server-side login sessions do this job
    from caseapp.security import init_security

    init_security(app)


@login_manager.user_loader
def _load_user(user_id: str):
    from caseapp.auth.services import resolve_login_session

    return resolve_login_session(db.session, session.get("sid"), user_id)


def register_blueprints(app: Flask) -> None:
    from caseapp.accounts.views import bp as accounts_bp
    from caseapp.admin.views import bp as admin_bp
    from caseapp.auth.views import bp as auth_bp
    from caseapp.breakglass.views import bp as breakglass_bp
    from caseapp.caseload.views import bp as caseload_bp
    from caseapp.cases.views import bp as cases_bp
    from caseapp.contacts.views import bp as contacts_bp
    from caseapp.handovers.views import bp as handovers_bp
    from caseapp.jobs.views import bp as operations_bp
    from caseapp.meetings.views import bp as meetings_bp
    from caseapp.messages.views import bp as messages_bp
    from caseapp.main.views import bp as main_bp
    from caseapp.outcomes.views import bp as outcomes_bp
    from caseapp.participants.views import bp as participants_bp
    from caseapp.plans.views import bp as plans_bp
    from caseapp.transitions.views import bp as transitions_bp
    from consent.views import bp as consent_bp
    from caseapp.reports.views import bp as reports_bp
    from caseapp.oidc import init_app as init_oidc
    from caseapp.oidc.views import bp as oidc_bp
    from caseapp.portal.views import bp as portal_bp
    from caseapp.privacy.views import bp as privacy_bp

    for blueprint in (main_bp, auth_bp, participants_bp, cases_bp, plans_bp, contacts_bp,
                      transitions_bp, outcomes_bp, handovers_bp, caseload_bp, consent_bp,
                      privacy_bp, breakglass_bp, admin_bp, reports_bp, accounts_bp, oidc_bp,
                      operations_bp, portal_bp, meetings_bp, messages_bp):
        app.register_blueprint(blueprint)
    init_oidc(app)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import format_date, format_datetime, get_locale

    from caseapp.auth.forms import PostForm
    from caseapp.cases.models import LABELS
    from caseapp.contacts.models import ACTION_LABELS, KIND_LABELS, PRESENT_LABELS, TOPIC_LABELS
    from caseapp.revisions.models import ACTION_LABELS as REVISION_ACTIONS
    from consent.special_categories import CATEGORY_LABELS as SPECIAL_CATEGORIES
    from caseapp.outcomes.models import END_REASONS, OT_CODE_LABELS, OUTCOME_LABELS, PAID_WORK_KINDS
    from caseapp.participants.models import GENDER_LABELS, RELATION_LABELS
    from caseapp.plans.models import GOAL_STATUS_LABELS, RESPONSIBLE_LABELS
    from caseapp.main.forms import LanguageForm
    from caseapp.units.models import UNIT_KIND_LABELS
    from consent.purposes import PURPOSE_LABELS
    from roles import Perm, can

    from caseapp.i18n import RenderLabels, install_template_gettext

    install_template_gettext(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    from caseapp.formatting import register_filters

    register_filters(app)
    from audit.labels import register_filters as register_audit_filters

    register_audit_filters(app)
    from roles.definitions import roles_label

    app.add_template_filter(roles_label, "role_labels")
    from caseapp.jobs.labels import summary_text

    app.add_template_filter(summary_text, "duty_summary")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def helpers():
        # Label dicts translate each label once per render (RenderLabels), not at every use.
        labels = {"labels": LABELS, "unit_kinds": UNIT_KIND_LABELS,
                  "contact_kinds": KIND_LABELS, "contact_present": PRESENT_LABELS,
                  "contact_topics": TOPIC_LABELS, "contact_actions": ACTION_LABELS,
                  "revision_actions": REVISION_ACTIONS, "special_categories": SPECIAL_CATEGORIES,
                  "genders": GENDER_LABELS, "relations": RELATION_LABELS,
                  "goal_statuses": GOAL_STATUS_LABELS, "responsibles": RESPONSIBLE_LABELS,
                  "outcome_labels": OUTCOME_LABELS, "end_reasons": END_REASONS,
                  "paid_work_kinds": PAID_WORK_KINDS, "ot_codes": OT_CODE_LABELS, "consent_purposes": PURPOSE_LABELS}
        return {"can": can, "Perm": Perm,
                **{name: RenderLabels(values) for name, values in labels.items()},
                # header forms never read the request body (error pages render them too)
                "logout_form": lambda: PostForm(formdata=None),
                "language_form": lambda: LanguageForm(formdata=None),
                "format_date": format_date, "format_datetime": format_datetime, "current_locale": lambda: str(get_locale()),
                "organisation_name": app.config["CASEAPP_ORGANISATION_NAME"]}
