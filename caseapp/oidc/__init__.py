"""Sign-in with an OpenID Connect provider: staff (the organisation's Entra ID or similar) and
young people (ID-porten or similar). ``CASEAPP_OIDC_PROVIDERS`` configures them per
installation; a kind that is not configured has no button and its URLs answer 404.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from caseapp.config import ConfigError
from caseapp.oidc.client import OIDCError, Provider, Settings

EXTENSION_KEY = "caseapp.oidc"
STAFF = "staff"
CITIZEN = "citizen"

# The settings every provider takes, and those of each kind (with their defaults).
COMMON = {"issuer", "client_id", "client_secret", "private_key_file", "scopes",
          "clock_skew_seconds", "max_age_seconds", "acr_values", "timeout_seconds",
          "redirect_uri", "post_logout_redirect_uri"}
KIND_OPTIONS: dict[str, dict[str, Any]] = {
    STAFF: {"subject_claim": "sub", "email_claim": "email", "email_must_be_verified": True,
            "require_mfa": True, "mfa_acr_values": []},
    CITIZEN: {"pid_claim": "pid", "minimum_acr": "idporten-loa-substantial",
              "acr_levels": ["idporten-loa-low", "idporten-loa-substantial",
                             "idporten-loa-high"]},
}
DEFAULT_SCOPES = {STAFF: ["openid", "profile", "email"], CITIZEN: ["openid"]}

__all__ = ["OIDCError", "provider", "init_app", "STAFF", "CITIZEN"]


def parse(kind: str, raw: dict[str, Any]) -> Settings:
    """Validated settings of one provider (``ConfigError`` says what is wrong)."""
    where = f"CASEAPP_OIDC_PROVIDERS[{kind!r}]"
    if kind not in KIND_OPTIONS:
        raise ConfigError(f"{where}: the kinds are {', '.join(sorted(KIND_OPTIONS))}.")
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a dict of settings.")
    unknown = set(raw) - COMMON - set(KIND_OPTIONS[kind])
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}.")
    for key in ("issuer", "client_id"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise ConfigError(f"{where} needs {key}.")
    if not raw["issuer"].startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ConfigError(f"{where}: the issuer must be an https:// address.")
    if bool(raw.get("client_secret")) == bool(raw.get("private_key_file")):
        raise ConfigError(f"{where} needs either client_secret (client_secret_basic) or "
                          "private_key_file (private_key_jwt), not both.")
    options = {**KIND_OPTIONS[kind], **{k: v for k, v in raw.items() if k in KIND_OPTIONS[kind]}}
    for key, default in KIND_OPTIONS[kind].items():
        if not isinstance(options[key], type(default)):
            raise ConfigError(f"{where}: {key} must be of type {type(default).__name__}.")
    common = {k: v for k, v in raw.items() if k in COMMON}
    common.setdefault("scopes", list(DEFAULT_SCOPES[kind]))
    if "openid" not in common["scopes"]:
        raise ConfigError(f"{where}: scopes must include openid.")
    if kind == CITIZEN and options["minimum_acr"] not in options["acr_levels"]:
        raise ConfigError(f"{where}: minimum_acr must be one of acr_levels.")
    return Settings(kind=kind, options=options, **common)


def init_app(app: Flask) -> None:
    configured = app.config["CASEAPP_OIDC_PROVIDERS"]
    providers = {}
    for kind, raw in configured.items():
        try:
            providers[kind] = Provider(parse(kind, raw))
        except (OSError, ValueError) as error:  # the private key file
            raise ConfigError(f"CASEAPP_OIDC_PROVIDERS[{kind!r}]: private_key_file could not be "
                              f"read ({type(error).__name__}).") from None
    app.extensions[EXTENSION_KEY] = providers


def provider(kind: str) -> Provider | None:
    """The configured provider of ``kind`` in the current app, or None."""
    return current_app.extensions.get(EXTENSION_KEY, {}).get(kind)
