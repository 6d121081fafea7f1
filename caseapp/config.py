"""Validated settings.

Order: defaults here → ``<instance>/config.py`` → ``CASEAPP_*`` environment variables (and
``DATABASE_URL``) → the ``test_config`` given to ``create_app``. Unknown ``CASEAPP_`` keys and
values of the wrong type stop the app with a clear message; there are no fallback secrets:
keys come from the instance folder (see ``caseapp.crypto.keys``).
"""
from __future__ import annotations

import os
import ssl
from pathlib import Path
from typing import Any

ENV_PREFIX = "CASEAPP_"


class ConfigError(RuntimeError):
    """The app cannot start with this configuration; the message says what to do."""


DEFAULTS: dict[str, Any] = {
    # Database: SQLite in the instance folder unless DATABASE_URL is set.
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "CASEAPP_SQLITE_BUSY_TIMEOUT_MS": 15000,
    # PostgreSQL pool and timeouts, per app process (caseapp/serving.py: engine_options).
    "CASEAPP_DB_POOL_SIZE": 5,
    "CASEAPP_DB_MAX_OVERFLOW": 5,
    "CASEAPP_DB_POOL_TIMEOUT": 10,
    "CASEAPP_DB_POOL_RECYCLE": 1800,
    "CASEAPP_DB_CONNECT_TIMEOUT": 5,
    "CASEAPP_DB_STATEMENT_TIMEOUT_MS": 60000,
    # PostgreSQL's JIT compiler: off, because it costs ~90–180 ms on the dashboard's
    # per-unit GROUP BY (docs/benchmarks.md); it pays only for queries of seconds.
    "CASEAPP_DB_JIT": False,
    # Cookies: Secure on by default; `make run` on plain http://127.0.0.1 turns it off explicitly.
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "caseapp_session",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "PREFERRED_URL_SCHEME": "https",
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": 3600 * 12,
    # Login hardening (OWASP ASVS level 2).
    "CASEAPP_IDLE_TIMEOUT_MINUTES": 20,
    # The browser warns this many seconds before the idle logout (WCAG 2.2.1: at least 20).
    "CASEAPP_IDLE_WARNING_SECONDS": 120,
    "CASEAPP_ABSOLUTE_TIMEOUT_HOURS": 12,
    "CASEAPP_LOCKOUT_THRESHOLD": 5,
    "CASEAPP_LOCKOUT_MINUTES": 15,
    "CASEAPP_PASSWORD_MIN_LENGTH": 12,
    "CASEAPP_PENDING_LOGIN_MINUTES": 5,
    "CASEAPP_LOGIN_RATE_LIMIT": "30 per minute",
    "CASEAPP_ARGON2_TIME_COST": 3,
    "CASEAPP_ARGON2_MEMORY_COST": 65536,
    "CASEAPP_ARGON2_PARALLELISM": 4,
    "CASEAPP_TOTP_ISSUER": "caseapp",
    "RATELIMIT_ENABLED": True,
    # The login rate limit's counters: shared by every worker and server, in the Redis of the
    # job queue (CASEAPP_REDIS_URL) unless set; per process only with "memory://". When Redis
    # cannot be reached, each process counts for itself until it can again.
    "RATELIMIT_STORAGE_URI": None,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "caseapp",
    "RATELIMIT_HEADERS_ENABLED": False,
    # Consent (DOMAIN.md; the law is being revised, so the thresholds are settings).
    "CASEAPP_CONSENT_ADULT_AGE": 18,  # from this age the young person consents alone
    "CASEAPP_CONSENT_MATURE_AGE": 15,  # from this age alone, with a recorded maturity assessment
    "CASEAPP_CONSENT_GUARDIANS_REQUIRED": 1,  # 1 or 2 guardians below the adult age
    "CASEAPP_CONSENT_EXPIRY_WARNING_DAYS": 30,
    "CASEAPP_EVIDENCE_MAX_BYTES": 5 * 1024 * 1024,
    "CASEAPP_PRIVACY_OFFICER_CONTACT": "personvernombud@example.invalid",
    # Field-level encryption (caseapp.crypto): the key store, and the slow national-ID index.
    "CASEAPP_KEYSTORE_URL": None,
    "CASEAPP_KEYSTORE_SCHEMA": "caseapp_keys",
    "CASEAPP_BLIND_INDEX_ITERATIONS": 20000,
    # The privacy officer's flags: working hours (local time), bulk access (more than N persons
    # opened within M minutes); break-glass access lasts this many minutes.
    "CASEAPP_AUDIT_WORKDAY_START_HOUR": 7,
    "CASEAPP_AUDIT_WORKDAY_END_HOUR": 18,
    "CASEAPP_AUDIT_BULK_PERSONS": 20,
    "CASEAPP_AUDIT_BULK_MINUTES": 10,
    "CASEAPP_BREAK_GLASS_MINUTES": 60,
    # Retention (`caseapp retention run`): days after each record type's trigger (see
    # caseapp/privacy/retention.py for the trigger and the action of each). Set in instance/config.py.
    "CASEAPP_RETENTION_DAYS": {"login_session": 90, "break_glass_reason": 730,
                               "closed_case": 1825, "withdrawn_consent": 30},
    # Presentation.
    "CASEAPP_ORGANISATION_NAME": "caseapp",
    "BABEL_DEFAULT_LOCALE": "nb",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",
    "CASEAPP_LANGUAGES": ["nb", "en"],
    "CASEAPP_ENV": "production",
    # Case following: tracks per programme ({} = the defaults in caseapp.cases.models), the
    # topics a session can be tagged with, and when a case counts as "no contact lately".
    "CASEAPP_TRACKS": {},
    "CASEAPP_CONTACT_TOPICS": ["school", "work_training", "language", "health", "economy",
                               "leisure", "family", "housing", "transport", "social"],
    "CASEAPP_NO_CONTACT_DAYS": 14,
    # After a handover the sender may read the case (not change it) for this many days.
    "CASEAPP_HANDOVER_READ_DAYS": 14,
    # Coordinator dashboard: a worker above this many active cases is flagged. A work leader
    # follows about 20 people a year (DOMAIN.md); the youth-mentor pilot followed 128 pupils
    # at 8 schools, about 16 each.
    "CASEAPP_CASELOAD_MAX_WORK_LEADER": 20,
    "CASEAPP_CASELOAD_MAX_YOUTH_MENTOR": 16,
    "CASEAPP_CASELOAD_PAGE_SIZE": 50,
    # The case page's timeline shows this many sessions a page, the newest first.
    "CASEAPP_TIMELINE_SESSIONS_PER_PAGE": 50,
    # Nøkkeltall cost figures (caseapp/reports/costs.py): per programme the yearly cost of one
    # worker and how many people one worker follows a year; a comparison per person-month.
    # Defaults from the source report: a work leader NOK 850,000 / 20 people; AFT NOK 20,975.
    "CASEAPP_REPORT_COSTS": {"programmes": {"work_leader": {"annual_cost": 850000,
                                                            "persons_per_year": 20}},
                             "comparison": {"label": "AFT", "per_person_month": 20975}},
    # Research extracts (caseapp/reports/research.py): project code -> {"title": …, "columns":
    # [names from research.COLUMNS]}. Only configured projects can be extracted.
    "CASEAPP_RESEARCH_PROJECTS": {},
    # Sign-in with OpenID Connect (caseapp/oidc): {"staff": {…}, "citizen": {…}}, see README
    # "Signing in". In the environment as JSON (CASEAPP_OIDC_PROVIDERS='{"staff": {…}}').
    "CASEAPP_OIDC_PROVIDERS": {},
    # Scheduled duties (caseapp/jobs): the Redis server of the RQ queue, the queue's name, the
    # back-off of a failed duty's retries (seconds, one per retry), a duty's time limit, and
    # how often the cron scheduler looks for duties that are due.
    "CASEAPP_REDIS_URL": "redis://127.0.0.1:6379/0",
    "CASEAPP_JOB_QUEUE": "caseapp",
    "CASEAPP_JOB_RETRY_SECONDS": [60, 300, 1800, 7200],
    "CASEAPP_JOB_TIMEOUT_SECONDS": 1800,
    "CASEAPP_JOB_TICK_SECONDS": 300,
    # The young person's login session (/meg) is shorter than a staff session.
    "CASEAPP_PORTAL_IDLE_TIMEOUT_MINUTES": 10,
    "CASEAPP_PORTAL_ABSOLUTE_TIMEOUT_MINUTES": 60,
    # E-mail (digests and alerts, caseapp/jobs/mail.py): no host, no mail. Security is
    # "starttls", "tls" (implicit, port 465) or "none" (a local relay only); certificates are
    # checked against the system's CAs, or only those in CASEAPP_SMTP_CA_FILE (a PEM file, e.g.
    # the municipality's internal CA). Links in messages start with CASEAPP_PUBLIC_URL.
    "CASEAPP_SMTP_HOST": None,
    "CASEAPP_SMTP_PORT": 587,
    "CASEAPP_SMTP_SECURITY": "starttls",
    "CASEAPP_SMTP_CA_FILE": None,
    "CASEAPP_SMTP_USER": None,
    "CASEAPP_SMTP_PASSWORD": None,
    "CASEAPP_SMTP_TIMEOUT_SECONDS": 30,
    "CASEAPP_MAIL_SENDER": "caseapp@example.invalid",
    "CASEAPP_PUBLIC_URL": "http://127.0.0.1:5000",
}

# Keys a deployment may set, with the type each must have.
TYPES: dict[str, type | tuple[type, ...]] = {
    key: (type(value) if value is not None else str) for key, value in DEFAULTS.items()
}
TYPES["SQLALCHEMY_ENGINE_OPTIONS"] = dict
RETENTION_RECORDS = {"login_session", "break_glass_reason", "closed_case", "withdrawn_consent"}
# Keys only tests may set (objects, not settings).
TEST_ONLY = {"TESTING", "CASEAPP_CLOCK", "SERVER_NAME"}


def _parse_env(key: str, raw: str) -> Any:
    expected = TYPES[key]
    if expected is bool:
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{key} must be true or false, not {raw!r}.")
    if expected is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{key} must be a whole number, not {raw!r}.") from None
    if expected is list:
        return [part.strip() for part in raw.split(",") if part.strip()]
    if expected is dict and key == "CASEAPP_OIDC_PROVIDERS":
        import json

        try:
            value = json.loads(raw)
        except ValueError:
            raise ConfigError(f"{key} must be a JSON object.") from None
        if not isinstance(value, dict):
            raise ConfigError(f"{key} must be a JSON object.")
        return value
    if expected is dict:
        raise ConfigError(f"{key} cannot be set from the environment; use instance/config.py.")
    return raw


def _from_instance_file(instance_path: Path) -> dict[str, Any]:
    path = instance_path / "config.py"
    if not path.exists():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    except Exception as exc:  # a broken config file must stop the app with its location
        raise ConfigError(f"{path} could not be read: {exc}") from exc
    return {k: v for k, v in namespace.items() if k.isupper()}


def _from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw in environ.items():
        if name == "DATABASE_URL":
            values["SQLALCHEMY_DATABASE_URI"] = raw
        elif name.startswith(ENV_PREFIX) and name not in {"CASEAPP_INSTANCE", "CASEAPP_KEKS"}:
            # CASEAPP_IDLE_TIMEOUT_MINUTES sets itself; CASEAPP_SESSION_COOKIE_SECURE sets
            # Flask's SESSION_COOKIE_SECURE.
            key = name if name in TYPES else name[len(ENV_PREFIX):]
            if key not in TYPES:
                raise ConfigError(f"Unknown setting {name} in the environment.")
            values[key] = _parse_env(key, raw)
    return values


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def build(instance_path: Path, test_config: dict[str, Any] | None = None,
          environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return validated settings for an app whose instance folder is ``instance_path``."""
    settings = dict(DEFAULTS)
    settings["CASEAPP_LANGUAGES"] = list(DEFAULTS["CASEAPP_LANGUAGES"])
    settings["CASEAPP_RETENTION_DAYS"] = dict(DEFAULTS["CASEAPP_RETENTION_DAYS"])
    layers = [
        ("instance/config.py", _from_instance_file(instance_path)),
        ("environment", _from_environment(os.environ if environ is None else environ)),
    ]
    if test_config:
        layers.append(("test config", dict(test_config)))
    for origin, layer in layers:
        for key, value in layer.items():
            if key not in TYPES and not (origin == "test config" and key in TEST_ONLY):
                raise ConfigError(f"Unknown setting {key} in {origin}.")
            expected = TYPES.get(key)
            if expected and value is not None and not isinstance(value, expected):
                raise ConfigError(
                    f"Setting {key} in {origin} must be of type {expected.__name__}.")
            if key == "SQLALCHEMY_DATABASE_URI" and value is None:
                continue
            settings[key] = value
    if not settings["SQLALCHEMY_DATABASE_URI"]:
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'caseapp.db'}"
    settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(settings["SQLALCHEMY_DATABASE_URI"])
    settings["RATELIMIT_STORAGE_URI"] = settings["RATELIMIT_STORAGE_URI"] or settings["CASEAPP_REDIS_URL"]
    _validate(settings)
    return settings


def _validate(settings: dict[str, Any]) -> None:
    uri = settings["SQLALCHEMY_DATABASE_URI"]
    if not (uri.startswith("sqlite:///") or uri.startswith("postgresql+psycopg://")):
        raise ConfigError("DATABASE_URL must be a sqlite:/// or postgresql:// address.")
    for key in ("CASEAPP_IDLE_TIMEOUT_MINUTES", "CASEAPP_ABSOLUTE_TIMEOUT_HOURS",
                "CASEAPP_PORTAL_IDLE_TIMEOUT_MINUTES", "CASEAPP_PORTAL_ABSOLUTE_TIMEOUT_MINUTES",
                "CASEAPP_LOCKOUT_THRESHOLD", "CASEAPP_LOCKOUT_MINUTES"):
        if settings[key] <= 0:
            raise ConfigError(f"{key} must be greater than zero.")
    shortest_idle = min(settings["CASEAPP_IDLE_TIMEOUT_MINUTES"],
                        settings["CASEAPP_PORTAL_IDLE_TIMEOUT_MINUTES"]) * 60
    if not 20 <= settings["CASEAPP_IDLE_WARNING_SECONDS"] < shortest_idle:
        raise ConfigError("CASEAPP_IDLE_WARNING_SECONDS must be at least 20 (WCAG 2.2.1) and "
                          "shorter than the idle timeouts (staff and My pages).")
    if settings["CASEAPP_BLIND_INDEX_ITERATIONS"] < 1:
        raise ConfigError("CASEAPP_BLIND_INDEX_ITERATIONS must be at least 1.")
    for key in ("CASEAPP_AUDIT_BULK_PERSONS", "CASEAPP_AUDIT_BULK_MINUTES",
                "CASEAPP_BREAK_GLASS_MINUTES"):
        if settings[key] <= 0:
            raise ConfigError(f"{key} must be greater than zero.")
    retention = settings["CASEAPP_RETENTION_DAYS"]
    if not set(retention) <= RETENTION_RECORDS or not all(
            isinstance(days, int) and days > 0 for days in retention.values()):
        raise ConfigError("CASEAPP_RETENTION_DAYS maps record types "
                          f"({', '.join(sorted(RETENTION_RECORDS))}) to whole days above zero.")
    if not 0 <= settings["CASEAPP_AUDIT_WORKDAY_START_HOUR"] < \
            settings["CASEAPP_AUDIT_WORKDAY_END_HOUR"] <= 24:
        raise ConfigError("CASEAPP_AUDIT_WORKDAY_START_HOUR must be before "
                          "CASEAPP_AUDIT_WORKDAY_END_HOUR, both between 0 and 24.")
    if settings["CASEAPP_PASSWORD_MIN_LENGTH"] < 12:
        raise ConfigError("CASEAPP_PASSWORD_MIN_LENGTH must be at least 12 (OWASP ASVS 2.1.1).")
    if settings["SESSION_COOKIE_SAMESITE"] not in {"Lax", "Strict"}:
        raise ConfigError("SESSION_COOKIE_SAMESITE must be Lax or Strict.")
    if not 0 < settings["CASEAPP_CONSENT_MATURE_AGE"] <= settings["CASEAPP_CONSENT_ADULT_AGE"]:
        raise ConfigError("CASEAPP_CONSENT_MATURE_AGE must be between 1 and CASEAPP_CONSENT_ADULT_AGE.")
    if settings["CASEAPP_CONSENT_GUARDIANS_REQUIRED"] not in (1, 2):
        raise ConfigError("CASEAPP_CONSENT_GUARDIANS_REQUIRED must be 1 or 2.")
    if not settings["CASEAPP_CONTACT_TOPICS"]:
        raise ConfigError("CASEAPP_CONTACT_TOPICS must name at least one topic.")
    if settings["CASEAPP_NO_CONTACT_DAYS"] <= 0:
        raise ConfigError("CASEAPP_NO_CONTACT_DAYS must be greater than zero.")
    for key in ("CASEAPP_CASELOAD_MAX_WORK_LEADER", "CASEAPP_CASELOAD_MAX_YOUTH_MENTOR",
                "CASEAPP_CASELOAD_PAGE_SIZE", "CASEAPP_TIMELINE_SESSIONS_PER_PAGE"):
        if settings[key] <= 0:
            raise ConfigError(f"{key} must be greater than zero.")
    try:
        retries = [int(seconds) for seconds in settings["CASEAPP_JOB_RETRY_SECONDS"]]
    except (TypeError, ValueError):
        retries = [0]
    if not all(seconds > 0 for seconds in retries):
        raise ConfigError("CASEAPP_JOB_RETRY_SECONDS lists whole seconds above zero, one per retry.")
    if settings["CASEAPP_SMTP_SECURITY"] not in {"starttls", "tls", "none"}:
        raise ConfigError("CASEAPP_SMTP_SECURITY must be starttls, tls or none.")
    if settings["CASEAPP_SMTP_USER"] and settings["CASEAPP_SMTP_SECURITY"] == "none":
        raise ConfigError("CASEAPP_SMTP_USER is set while CASEAPP_SMTP_SECURITY is none: the mail "
                          "password would be sent unencrypted. Use starttls or tls.")
    _check_ca_file(settings["CASEAPP_SMTP_CA_FILE"])
    for key in ("CASEAPP_JOB_TIMEOUT_SECONDS", "CASEAPP_JOB_TICK_SECONDS",
                "CASEAPP_SMTP_PORT", "CASEAPP_SMTP_TIMEOUT_SECONDS"):
        if settings[key] <= 0:
            raise ConfigError(f"{key} must be greater than zero.")
    languages = settings["CASEAPP_LANGUAGES"]
    if settings["BABEL_DEFAULT_LOCALE"] not in languages or not set(languages) <= {"nb", "en"}:
        raise ConfigError("CASEAPP_LANGUAGES may hold nb and en, and must include the default locale.")


def _check_ca_file(path: str | None) -> None:
    """CASEAPP_SMTP_CA_FILE, when set, must load as PEM certificates (as the mail duties load
    it), so a wrong path stops the app at start rather than the first digest at night."""
    if not path:
        return
    try:
        ssl.create_default_context(cafile=path)
    except OSError as exc:  # also ssl.SSLError: not PEM, no certificate in it
        raise ConfigError(f"CASEAPP_SMTP_CA_FILE {path} cannot be read as PEM CA certificates: "
                          f"{exc.strerror or exc}.") from None
