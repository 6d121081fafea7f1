"""The restore drill, run as an operator runs it: `caseapp backup` and `caseapp keys backup` on a
working instance, then `caseapp keys restore` and `caseapp restore` into a fresh one."""
from __future__ import annotations

import json
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, select, text

from tests.backup.conftest import close_app, open_app, run


@pytest.fixture
def source(new_instance):
    """A working instance with the demo data and a signed audit checkpoint."""
    env = new_instance("backup_src")
    run(env, "init")
    run(env, "demo", "--seed", "5")
    run(env, "audit", "checkpoint")
    return env


@pytest.fixture
def small_source(new_instance):
    """A working instance without people (for the refusals; quicker than the demo)."""
    env = new_instance("backup_src")
    run(env, "init")
    run(env, "create-unit", "Lund ungdomsskole", "--organisation", "Kristiansand kommune")
    run(env, "audit", "checkpoint")
    return env


def _url(env) -> str:
    return env.get("DATABASE_URL") or f"sqlite:///{env['CASEAPP_INSTANCE']}/caseapp.db"


def _counts(env) -> dict[str, int]:
    engine = create_engine(_url(env))
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                names = conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "AND name NOT LIKE 'sqlite_%'")).all()
            else:
                names = conn.scalars(text("SELECT tablename FROM pg_tables "
                                          "WHERE schemaname = 'public'")).all()
            return {name: conn.scalar(text(f'SELECT count(*) FROM "{name}"')) for name in names}
    finally:
        engine.dispose()


def _a_participant(env) -> uuid.UUID:
    engine = create_engine(_url(env))
    try:
        with engine.connect() as conn:
            value = conn.scalar(text("SELECT id FROM participants ORDER BY id LIMIT 1"))
    finally:
        engine.dispose()
    return uuid.UUID(str(value))


def test_restore_drill_into_a_fresh_instance(source, new_instance, tmp_path, is_postgres):
    backup_dir, keys_dir = tmp_path / "db-backup", tmp_path / "key-backup"
    made = run(source, "backup", "--out", str(backup_dir))
    assert "separately" in made.stdout
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["counts"]["participants"] == 300 and manifest["counts"]["cases"] == 300
    assert manifest["audit_head"]["seq"] > manifest["audit_checkpoint_seq"] > 0
    assert manifest["app_version"] and manifest["created_at"] and manifest["schema_revision"]
    for path in backup_dir.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600
    if is_postgres:  # the key store's schema stays out of the database dump
        listing = subprocess.run(["pg_restore", "--list", str(backup_dir / "database.dump")],
                                 capture_output=True, text=True, check=True).stdout
        assert "caseapp_keys" not in listing and "audit_events" in listing

    # After the database backup a person is crypto-shredded; the key backup comes later.
    shredded = _a_participant(source)
    run(source, "keys", "shred", str(shredded), "--yes")
    run(source, "keys", "backup", "--out", str(keys_dir))
    assert json.loads((keys_dir / "manifest.json").read_text())["erased_data_keys"] == 1

    target = new_instance("restore")
    refused = run(target, "restore", str(backup_dir), check=False)
    assert refused.returncode == 1 and "caseapp keys restore" in refused.stderr
    run(target, "keys", "restore", str(keys_dir))
    restored = run(target, "restore", str(backup_dir))
    assert "every table's row count matches the manifest" in restored.stdout
    assert "300 participants, every encrypted value opens (1 erased" in restored.stdout
    assert "Traceback" not in restored.stderr

    counts = _counts(target)
    assert counts["audit_events"] == manifest["counts"]["audit_events"] + 1  # backup.restore
    assert {k: v for k, v in counts.items() if k != "audit_events"} == \
        {k: v for k, v in manifest["counts"].items() if k != "audit_events"}
    verified = run(target, "audit", "verify")
    assert f"last signed checkpoint at position {manifest['audit_checkpoint_seq']}" in verified.stdout

    from caseapp.extensions import db
    from caseapp.participants.models import Participant

    app = open_app(target)
    try:
        with app.app_context():
            people = db.session.scalars(select(Participant)).all()
            assert len(people) == 300
            erased = [p.id for p in people if p.erased]
            assert erased == [shredded]  # the old database backup cannot bring them back
            assert all(p.national_id and p.family_name for p in people if p.id != shredded)
            actions = db.session.scalars(text(
                "SELECT action FROM audit_events ORDER BY seq DESC LIMIT 2")).all()
            assert actions == ["audit.verify", "backup.restore"]
    finally:
        close_app(app)


def test_restore_refuses_a_target_with_data_and_a_changed_backup(small_source, new_instance,
                                                                 tmp_path):
    source = small_source
    backup_dir, keys_dir = tmp_path / "db-backup", tmp_path / "key-backup"
    run(source, "backup", "--out", str(backup_dir))
    run(source, "keys", "backup", "--out", str(keys_dir))
    before = _counts(source)
    onto_itself = run(source, "restore", str(backup_dir), check=False)
    assert onto_itself.returncode == 1 and "not empty" in onto_itself.stderr
    assert "nothing was changed" in onto_itself.stderr
    keys_again = run(source, "keys", "restore", str(keys_dir), check=False)
    assert keys_again.returncode == 1 and "already has keys" in keys_again.stderr
    assert _counts(source) == before

    again = run(source, "backup", "--out", str(backup_dir), check=False)
    assert again.returncode == 1 and "not empty" in again.stderr

    target = new_instance("restore")
    run(target, "keys", "restore", str(keys_dir))
    dump = next(p for p in backup_dir.iterdir() if p.name.startswith("database."))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    changed = run(target, "restore", str(backup_dir), check=False)
    assert changed.returncode == 1 and "changed since the backup" in changed.stderr
    assert not {k: v for k, v in _counts(target).items() if v}  # nothing restored


def test_backup_while_the_app_writes_is_consistent(small_source, tmp_path):
    """A backup taken while another process writes matches its own manifest (one snapshot)."""
    import threading

    stop = threading.Event()

    def write():
        while not stop.is_set():
            run(small_source, "audit", "verify")  # each run appends an audit event

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for n in range(3):
            run(small_source, "backup", "--out", str(tmp_path / f"b{n}"))
    finally:
        stop.set()
        writer.join()
    for n in range(3):
        manifest = json.loads((tmp_path / f"b{n}" / "manifest.json").read_text())
        # the head names the last event in the copy: counts and head come from the same snapshot
        assert manifest["audit_head"]["seq"] == manifest["counts"]["audit_events"]


def test_backup_refuses_a_pg_dump_older_than_the_server(small_source, tmp_path, is_postgres):
    if not is_postgres:
        pytest.skip("pg_dump is for PostgreSQL")
    old = tmp_path / "pg_dump"  # stands in for an old client installed beside a newer server
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    refused = run(small_source, "backup", "--out", str(tmp_path / "b"), "--pg-dump", str(old),
                  check=False)
    assert refused.returncode == 1 and "pg_dump 9 cannot dump a PostgreSQL" in refused.stderr
    assert not (tmp_path / "b" / "manifest.json").exists()


@pytest.mark.parametrize("older_backup", [False, True], ids=["keys-in-manifest", "older-manifest"])
def test_restore_with_other_keys_says_so_and_leaves_nothing_behind(small_source, new_instance,
                                                                   tmp_path, older_backup):
    """An operator who lost the key backup and gave the new instance other keys: the restore
    says the keys are not the backup's (not "the audit chain is BROKEN"), and neither data nor
    the copied checkpoint file stays in the new instance. A backup from before the manifest
    named its keys is refused just as plainly, after the restore, and removed again."""
    from audit.checkpoints import checkpoint_file

    backup_dir, other_keys = tmp_path / "db-backup", tmp_path / "other-keys"
    run(small_source, "create-user", "--username", "admin.one", "--role", "admin",
        "--name", "Admin One", "--password-stdin", stdin="et langt og trygt passord 2026\n")
    run(small_source, "backup", "--out", str(backup_dir))
    if older_backup:
        manifest = json.loads((backup_dir / "manifest.json").read_text())
        del manifest["keys"]
        (backup_dir / "manifest.json").write_text(json.dumps(manifest))
    other = new_instance("other")
    run(other, "init")
    run(other, "keys", "backup", "--out", str(other_keys))

    target = new_instance("restore")
    run(target, "keys", "restore", str(other_keys))
    refused = run(target, "restore", str(backup_dir), check=False)
    assert refused.returncode == 1
    assert "not the keys this backup was made with" in refused.stderr
    assert "audit key" in refused.stderr and "Nothing was restored" in refused.stderr
    assert "BROKEN" not in refused.stderr and "Traceback" not in refused.stderr
    assert _counts(target) == {}  # not a table, not a row
    assert not checkpoint_file(target["CASEAPP_INSTANCE"]).exists()
