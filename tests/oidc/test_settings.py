"""CASEAPP_OIDC_PROVIDERS: wrong settings stop the app with a message saying what to fix."""
from __future__ import annotations

import pytest

from caseapp.config import ConfigError, build
from caseapp.oidc import parse

GOOD = {"issuer": "https://login.microsoftonline.com/tenant/v2.0", "client_id": "app",
        "client_secret": "secret"}


@pytest.mark.parametrize("kind, raw, words", [
    ("teachers", GOOD, "the kinds are"),
    ("staff", {**GOOD, "issuer": ""}, "needs issuer"),
    ("staff", {**GOOD, "issuer": "http://idp.example.org"}, "https://"),
    ("staff", {**GOOD, "private_key_file": "/k.jwk"}, "not both"),
    ("staff", {"issuer": GOOD["issuer"], "client_id": "app"}, "either client_secret"),
    ("staff", {**GOOD, "pid_claim": "pid"}, "unknown setting"),
    ("staff", {**GOOD, "require_mfa": "yes"}, "require_mfa must be of type bool"),
    ("staff", {**GOOD, "scopes": ["profile"]}, "must include openid"),
    ("citizen", {**GOOD, "minimum_acr": "level-9"}, "minimum_acr must be one of"),
])
def test_wrong_settings_are_named(kind, raw, words):
    with pytest.raises(ConfigError, match=words):
        parse(kind, raw)


def test_defaults_per_kind():
    staff, citizen = parse("staff", GOOD), parse("citizen", GOOD)
    assert staff.scopes == ["openid", "profile", "email"] and citizen.scopes == ["openid"]
    assert staff.options["require_mfa"] is True and staff.options["subject_claim"] == "sub"
    assert citizen.options["minimum_acr"] == "idporten-loa-substantial"
    assert staff.auth_method == "client_secret_basic"


def test_the_environment_gives_json(tmp_path):
    settings = build(tmp_path, environ={"CASEAPP_OIDC_PROVIDERS": '{"staff": {"issuer": "x"}}'})
    assert settings["CASEAPP_OIDC_PROVIDERS"] == {"staff": {"issuer": "x"}}
    with pytest.raises(ConfigError, match="JSON object"):
        build(tmp_path, environ={"CASEAPP_OIDC_PROVIDERS": "staff=x"})


def test_an_unreadable_key_file_stops_the_app(tmp_path):
    from flask import Flask

    from caseapp.oidc import init_app

    app = Flask(__name__)
    app.config["CASEAPP_OIDC_PROVIDERS"] = {"citizen": {
        "issuer": "https://test.idporten.no", "client_id": "x",
        "private_key_file": str(tmp_path / "missing.jwk")}}
    with pytest.raises(ConfigError, match="private_key_file could not be read"):
        init_app(app)
