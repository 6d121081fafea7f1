"""The app refuses to start without valid config and keys, and never falls back to defaults."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from caseapp import create_app
from caseapp.config import ConfigError, build
from caseapp.crypto.keys import ensure_keys, key_path
from caseapp.crypto.keystore import init_keystore


def init_instance(folder):
    ensure_keys(folder)
    init_keystore(build(folder, environ={}), folder)


@pytest.fixture
def folder(tmp_path):
    init_instance(tmp_path)
    return tmp_path


def test_starts_with_keys(folder):
    app = create_app(instance=folder)
    assert app.secret_key and len(app.secret_key) == 64


def test_refuses_to_start_without_keys(tmp_path):
    with pytest.raises(ConfigError, match="caseapp init"):
        create_app(instance=tmp_path)


def test_refuses_a_key_readable_by_others(folder):
    os.chmod(key_path(folder, "index"), 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        create_app(instance=folder)


def test_refuses_a_malformed_or_short_key(folder):
    path = key_path(folder, "session")
    path.write_text(json.dumps({"id": "x", "key": "c2hvcnQ="}))
    with pytest.raises(ConfigError, match="wrong length"):
        create_app(instance=folder)
    path.write_text("not json")
    with pytest.raises(ConfigError, match="not a valid key file"):
        create_app(instance=folder)


def test_keys_are_owner_only_and_never_overwritten(tmp_path):
    names = ["session", "index", "audit", "audit_signing"]
    assert ensure_keys(tmp_path) == names
    before = {name: key_path(tmp_path, name).read_bytes() for name in names}
    assert ensure_keys(tmp_path) == []
    for name, content in before.items():
        path = key_path(tmp_path, name)
        assert path.read_bytes() == content
        assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700


def test_two_instances_have_their_own_keys_and_databases(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    init_instance(one), init_instance(two)
    app_one, app_two = create_app(instance=one), create_app(instance=two)
    assert app_one.secret_key != app_two.secret_key
    assert str(one) in app_one.config["SQLALCHEMY_DATABASE_URI"]
    assert str(two) in app_two.config["SQLALCHEMY_DATABASE_URI"]


def test_unknown_settings_are_refused(folder):
    with pytest.raises(ConfigError, match="Unknown setting CASEAPP_IDEL_TIMEOUT_MINUTES"):
        build(folder, environ={"CASEAPP_IDEL_TIMEOUT_MINUTES": "5"})
    (folder / "config.py").write_text("SECRET_KEY = 'dev'\n")
    with pytest.raises(ConfigError, match="Unknown setting SECRET_KEY"):
        build(folder, environ={})


def test_wrong_types_are_refused(folder):
    with pytest.raises(ConfigError, match="whole number"):
        build(folder, environ={"CASEAPP_IDLE_TIMEOUT_MINUTES": "twenty"})
    with pytest.raises(ConfigError, match="true or false"):
        build(folder, environ={"CASEAPP_SESSION_COOKIE_SECURE": "maybe"})
    (folder / "config.py").write_text("CASEAPP_LOCKOUT_THRESHOLD = '5'\n")
    with pytest.raises(ConfigError, match="must be of type int"):
        build(folder, environ={})


def test_a_broken_config_file_names_itself(folder):
    (folder / "config.py").write_text("CASEAPP_LOCKOUT_THRESHOLD = \n")
    with pytest.raises(ConfigError, match="config.py could not be read"):
        build(folder, environ={})


def test_environment_overrides_the_instance_file(folder):
    (folder / "config.py").write_text("CASEAPP_IDLE_TIMEOUT_MINUTES = 30\n")
    assert build(folder, environ={})["CASEAPP_IDLE_TIMEOUT_MINUTES"] == 30
    assert build(folder, environ={"CASEAPP_IDLE_TIMEOUT_MINUTES": "10"})["CASEAPP_IDLE_TIMEOUT_MINUTES"] == 10


def test_database_url_selects_postgresql_with_psycopg(folder):
    settings = build(folder, environ={"DATABASE_URL": "postgres://u@127.0.0.1:5432/caseapp"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1:5432/caseapp"
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        build(folder, environ={"DATABASE_URL": "mysql://x/y"})


def test_secure_cookies_are_the_default(folder):
    settings = build(folder, environ={})
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert build(folder, environ={"CASEAPP_SESSION_COOKIE_SECURE": "false"})["SESSION_COOKIE_SECURE"] is False


def test_weak_password_minimum_is_refused(folder):
    with pytest.raises(ConfigError, match="at least 12"):
        build(folder, environ={"CASEAPP_PASSWORD_MIN_LENGTH": "8"})


def test_example_config_is_valid(folder):
    example = os.path.join(os.path.dirname(__file__), "..", "instance", "config.example.py")
    shutil.copy(example, folder / "config.py")
    build(folder, environ={})


def test_the_smtp_ca_file_must_hold_pem_certificates(folder):
    from tests.certificates import CertificateAuthority

    ca = CertificateAuthority(folder)
    assert build(folder, environ={"CASEAPP_SMTP_CA_FILE": str(ca.ca_file)})[
        "CASEAPP_SMTP_CA_FILE"] == str(ca.ca_file)
    assert build(folder, environ={})["CASEAPP_SMTP_CA_FILE"] is None  # the system's CAs
    with pytest.raises(ConfigError, match="CASEAPP_SMTP_CA_FILE .*missing.pem .*No such file"):
        build(folder, environ={"CASEAPP_SMTP_CA_FILE": str(folder / "missing.pem")})
    (folder / "not-a-cert.pem").write_text("CASEAPP_SMTP_CA_FILE is a PEM bundle\n")
    with pytest.raises(ConfigError, match="cannot be read as PEM CA certificates"):
        build(folder, environ={"CASEAPP_SMTP_CA_FILE": str(folder / "not-a-cert.pem")})
    with pytest.raises(ConfigError, match="CASEAPP_SMTP_CA_FILE"):
        create_app({"CASEAPP_SMTP_CA_FILE": str(folder / "missing.pem")}, instance=folder)


def test_a_mail_password_is_never_sent_unencrypted(folder):
    login = {"CASEAPP_SMTP_HOST": "smtp.example.no", "CASEAPP_SMTP_USER": "caseapp"}
    with pytest.raises(ConfigError, match="password would be sent unencrypted"):
        build(folder, environ={**login, "CASEAPP_SMTP_SECURITY": "none"})
    assert build(folder, environ={**login, "CASEAPP_SMTP_SECURITY": "starttls"})[
        "CASEAPP_SMTP_USER"] == "caseapp"
    # A relay without a login (on the same host, say) may still be plain.
    build(folder, environ={"CASEAPP_SMTP_HOST": "localhost", "CASEAPP_SMTP_SECURITY": "none"})


def test_the_timeout_warning_comes_before_the_shorter_idle_timeout(folder):
    with pytest.raises(ConfigError, match="shorter than the idle timeouts"):
        build(folder, environ={"CASEAPP_PORTAL_IDLE_TIMEOUT_MINUTES": "2",
                               "CASEAPP_IDLE_WARNING_SECONDS": "120"})
    build(folder, environ={"CASEAPP_PORTAL_IDLE_TIMEOUT_MINUTES": "3",
                           "CASEAPP_IDLE_WARNING_SECONDS": "120"})
