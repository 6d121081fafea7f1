"""`caseapp audit verify` and `caseapp audit checkpoint`, run as an operator would."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.test_cli import cli_env, run  # noqa: F401  (cli_env is a fixture)


def test_verify_and_checkpoint_from_the_command_line(cli_env):  # noqa: F811
    run(cli_env, "init")
    run(cli_env, "demo", "--seed", "3")
    first = run(cli_env, "audit", "verify")
    assert "intact" in first.stdout and "no signed checkpoint yet" in first.stdout
    url = cli_env.get("DATABASE_URL") or f"sqlite:///{cli_env['CASEAPP_INSTANCE']}/caseapp.db"
    engine = create_engine(url)
    with engine.connect() as conn:  # creating the keys was recorded (by name)
        keys = conn.execute(text("SELECT object_id FROM audit_events WHERE action = 'key.create' "
                                 "ORDER BY seq")).scalars().all()
    engine.dispose()
    assert {"session", "index", "audit", "audit_signing"} <= set(keys)
    signed = run(cli_env, "audit", "checkpoint")
    assert "Signed checkpoint at position" in signed.stdout
    copy = Path(cli_env["CASEAPP_INSTANCE"]) / "audit-checkpoints.jsonl"
    assert copy.stat().st_mode & 0o777 == 0o600 and len(copy.read_text().splitlines()) == 1
    assert "last signed checkpoint at position" in run(cli_env, "audit", "verify").stdout
    planned = run(cli_env, "retention", "run", "--dry-run").stdout
    assert "closed_case: 0 would be handled" in planned and "login_session:" in planned

    engine = create_engine(url)
    with engine.begin() as conn:  # an attacker with database access
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET object_id = 'tampered' WHERE seq = 2"))
    engine.dispose()
    broken = run(cli_env, "audit", "verify", check=False)
    assert broken.returncode != 0
    assert "BROKEN at the event at position 2" in broken.stderr
    refused = run(cli_env, "audit", "checkpoint", check=False)
    assert refused.returncode != 0 and "No checkpoint was signed" in refused.stderr
    assert len(copy.read_text().splitlines()) == 1
