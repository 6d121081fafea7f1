"""Each key file missing or wrong: the app refuses to start, with a message saying which key and
what to do (never a half-working app that writes data it cannot read or verify later)."""
from __future__ import annotations

import base64
import json
import os
import shutil

import pytest

import audit
from audit.checkpoints import sign_checkpoint
from caseapp import create_app
from caseapp.config import ConfigError
from caseapp.crypto.keys import KEY_SPECS
from caseapp.extensions import db


@pytest.fixture
def instance_copy(instance_dir, tmp_path):
    """A copy of the test instance folder (keys and SQLite key store) to break."""
    copy = tmp_path / "instance"
    shutil.copytree(instance_dir, copy, ignore=shutil.ignore_patterns("test.db*"))
    return copy


def key_files(folder):
    return sorted(p.name for p in (folder / "keys").glob("*.key"))


def start(app_config, folder):
    app = create_app(app_config, instance=folder)
    from caseapp.crypto.keyring import EXTENSION_KEY

    with app.app_context():
        db.engine.dispose()
    app.extensions[EXTENSION_KEY].dispose()
    return app


def test_every_key_file_is_covered(app, instance_dir):
    names = key_files(instance_dir)
    assert {f"{name}.key" for name in KEY_SPECS} <= set(names)
    assert any(name.startswith("kek-") for name in names)


@pytest.mark.parametrize("damage,message", [
    ("missing", "missing"),
    ("not_json", "not a valid key file|missing|does not match"),
    ("short", "wrong length|missing|does not match"),
    ("readable_by_others", "readable by others"),
])
def test_a_damaged_key_file_stops_the_start(damage, message, app_config, instance_copy):
    start(app_config, instance_copy)  # the intact copy starts
    for name in key_files(instance_copy):
        folder = instance_copy.parent / f"{damage}-{name}"
        shutil.copytree(instance_copy, folder)
        path = folder / "keys" / name
        if damage == "missing":
            path.unlink()
        elif damage == "not_json":
            path.write_text("not a key")
        elif damage == "short":
            payload = json.loads(path.read_text())
            payload["key"] = base64.b64encode(b"short").decode()
            path.write_text(json.dumps(payload))
        else:
            os.chmod(path, 0o644)
        with pytest.raises(ConfigError, match=message) as stopped:
            start(app_config, folder)
        assert name.removesuffix(".key").removeprefix("kek-") in str(stopped.value) \
            or "key-encryption key" in str(stopped.value), str(stopped.value)


@pytest.mark.parametrize("name,message", [
    ("audit", "audit key does not match the audit log"),
    ("audit_signing", "signing key does not verify"),
])
def test_a_different_audit_key_stops_the_start(name, message, app, app_config, instance_copy):
    audit.record("unit.create", object_type="unit")
    db.session.commit()
    head = db.session.scalar(db.select(audit.models.AuditEvent.hash).order_by(
        audit.models.AuditEvent.seq.desc()))
    sign_checkpoint(db.session, 1, head)
    db.session.commit()
    start(app_config, instance_copy)  # the right keys start
    path = instance_copy / "keys" / f"{name}.key"
    payload = json.loads(path.read_text())
    payload["key"] = base64.b64encode(os.urandom(KEY_SPECS[name])).decode()
    path.write_text(json.dumps(payload))
    with pytest.raises(ConfigError, match=message):
        start(app_config, instance_copy)
