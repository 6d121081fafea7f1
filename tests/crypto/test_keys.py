"""KEK providers: files in the instance folder or the environment, behind one interface."""
from __future__ import annotations

import base64
import os

import pytest

from caseapp import create_app
from caseapp.config import ConfigError, build
from caseapp.crypto import keyring
from caseapp.crypto.keys import EnvKekProvider, FileKekProvider, ensure_keys, kek_provider
from caseapp.crypto.keystore import init_keystore, rotate

KEK_A = "kek-aaaa:" + base64.b64encode(b"a" * 32).decode()
KEK_B = "kek-bbbb:" + base64.b64encode(b"b" * 32).decode()


def test_file_provider_creates_owner_only_keys(tmp_path):
    ensure_keys(tmp_path)
    provider = FileKekProvider(tmp_path)
    kek_id = provider.create()
    path = tmp_path / "keys" / f"{kek_id}.key"
    assert provider.ids() == [kek_id] and len(provider.get(kek_id)) == 32
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert not list((tmp_path / "keys").glob(".*tmp"))  # written via temp file + rename
    init_keystore(build(tmp_path, environ={}), tmp_path)
    assert os.stat(tmp_path / "keystore.db").st_mode & 0o777 == 0o600


def test_reindex_after_changing_the_index_settings(app, factory, make_app):
    from caseapp.cli import cli
    from caseapp.extensions import db
    from caseapp.participants.lookup import find_by_national_id

    from caseapp.crypto.blind import national_id_value

    number = factory.participant(given="Indeksert").national_id
    db.session.commit()
    before = national_id_value(number)
    slower = make_app(CASEAPP_BLIND_INDEX_ITERATIONS=50)
    with slower.app_context():
        if national_id_value(number) != before:  # (equal by chance once in 65 536)
            assert find_by_national_id(db.session, number) is None  # old index values
        result = slower.test_cli_runner().invoke(cli, ["keys", "reindex"])
        assert result.exit_code == 0 and "Re-indexed 1 participants" in result.output
        assert find_by_national_id(db.session, number).given_name == "Indeksert"
        db.session.remove()


def test_environment_provider(monkeypatch, tmp_path):
    assert isinstance(kek_provider(tmp_path, {}), FileKekProvider)
    provider = kek_provider(tmp_path, {"CASEAPP_KEKS": f"{KEK_A},{KEK_B}"})
    assert isinstance(provider, EnvKekProvider) and provider.ids() == ["kek-aaaa", "kek-bbbb"]
    with pytest.raises(ConfigError, match="made outside the app"):
        provider.create()
    with pytest.raises(ConfigError, match="CASEAPP_KEKS must hold"):
        EnvKekProvider("kek-x:c2hvcnQ=")


def test_an_app_on_environment_keks_rotates_with_to(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEAPP_KEKS", KEK_A)
    ensure_keys(tmp_path)
    settings = build(tmp_path)
    init_keystore(settings, tmp_path)
    assert not list((tmp_path / "keys").glob("kek-*.key"))  # nothing written to disk
    monkeypatch.setenv("CASEAPP_KEKS", f"{KEK_A},{KEK_B}")
    app = create_app({"TESTING": True}, instance=tmp_path)
    try:
        with app.app_context():
            store = keyring.store()
            assert store.active_kek() == "kek-aaaa"
            store.current_dek("someone")
            assert rotate(store, to="kek-bbbb") == ("kek-bbbb", 1, ["kek-aaaa"])
    finally:
        app.extensions[keyring.EXTENSION_KEY].dispose()
    monkeypatch.setenv("CASEAPP_KEKS", KEK_A)  # the new KEK missing: refuse to start
    with pytest.raises(ConfigError, match="kek-bbbb named by the key store is missing"):
        create_app({"TESTING": True}, instance=tmp_path)
