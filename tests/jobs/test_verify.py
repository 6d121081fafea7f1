"""The nightly check of the audit log from the last signed checkpoint (incremental), the
privacy officer's button using it, the full check as a background job, and the alert when
the chain is broken."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from audit import verify
from audit.models import AuditEvent, Checkpoint
from audit.services import write_checkpoint
from caseapp.extensions import db
from caseapp.jobs.runner import run_duty
from tests.audit.test_chain import _events, tamper


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "CASEAPP_SMTP_HOST": "127.0.0.1", "CASEAPP_SMTP_PORT": smtp_server.port,
            "CASEAPP_SMTP_SECURITY": "none"}


def _verifications() -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.verify")
                              .order_by(AuditEvent.seq)).all()


def test_the_incremental_check_reads_only_what_came_after_the_checkpoint(app):
    _events(30)
    signed = write_checkpoint(db.session, app.instance_path).checkpoint_seq
    db.session.commit()
    _events(5)
    result = verify.incremental(db.session)
    assert result.ok and result.from_seq == signed == 30
    assert result.events == 6  # the checkpoint's own event and the 5 after it
    full = verify.full(db.session)
    assert full.ok and full.events == 36


@pytest.mark.parametrize("statement, problem, seq", [
    ("UPDATE audit_events SET grounds = 'break_glass' WHERE seq = 33", "changed", 33),
    ("UPDATE audit_events SET hash = :forged WHERE seq = 30", "checkpoint_mismatch", 30),
    ("UPDATE audit_events SET details = '{}' WHERE seq = 30", "changed", 30),
    ("DELETE FROM audit_events WHERE seq >= 30", "checkpoint_beyond_head", 30),
])
def test_the_incremental_check_finds_what_was_changed_since_or_at_a_signed_position(
        app, statement, problem, seq):
    _events(30)
    write_checkpoint(db.session, app.instance_path)
    db.session.commit()
    _events(5)
    tamper(statement, forged="f" * 64) if ":forged" in statement else tamper(statement)
    result = verify.incremental(db.session)
    assert (result.ok, result.problem, result.bad_seq) == (False, problem, seq)


def test_a_change_before_the_checkpoint_needs_the_full_check(app):
    _events(10)
    write_checkpoint(db.session, app.instance_path)
    db.session.commit()
    tamper("UPDATE audit_events SET grounds = 'break_glass' WHERE seq = 4")
    assert verify.incremental(db.session).ok  # signed before: not re-computed
    full = verify.full(db.session)
    assert (full.ok, full.problem, full.bad_seq) == (False, "changed", 4)


def test_the_nightly_duty_verifies_and_signs_so_the_next_night_starts_there(app, clock):
    _events(20)
    assert run_duty("audit_verify", "2026-11-02")["ok"] == 1
    first = db.session.scalars(select(Checkpoint)).one()
    _events(3)
    clock.advance(days=1)
    summary = run_duty("audit_verify", "2026-11-03")
    assert summary["ok"] == 1
    last = _verifications()[-1]
    assert last.details["from_seq"] == first.seq and last.details["events"] < 10
    assert len(db.session.scalars(select(Checkpoint)).all()) == 2


def test_a_broken_chain_is_not_signed_and_the_privacy_officer_is_alerted(
        app, factory, clock, smtp_server):
    officer = factory.user("privacy_officer")
    officer.email = "personvern@kommune.example"
    db.session.commit()
    _events(10)
    run_duty("audit_verify", "2026-11-02")
    _events(3)
    tamper("UPDATE audit_events SET grounds = 'break_glass' WHERE seq = 14")
    summary = run_duty("audit_verify", "2026-11-03")
    assert (summary["ok"], summary["alerted"]) == (0, 1)
    assert len(db.session.scalars(select(Checkpoint)).all()) == 1
    (mail,) = smtp_server.received
    assert mail["To"] == "personvern@kommune.example" and "FEILET" in mail["Subject"]
    assert _verifications()[-1].outcome == "denied"


def test_the_button_checks_incrementally_and_the_full_check_runs_in_the_background(
        app, factory, client, login, run_worker):
    officer = factory.user("privacy_officer")
    _events(10)
    run_duty("audit_verify", "2026-11-02")
    login(client, officer)
    response = client.submit("/audit/verify", form_page="/audit/")
    page = client.get(response.headers["Location"]).text
    assert "kjeden er hel fra det signerte kontrollpunktet" in page
    assert _verifications()[-1].details["from_seq"] > 0
    response = client.submit("/audit/verify/full", form_page="/audit/")
    assert "i bakgrunnen" in client.get(response.headers["Location"]).text
    run_worker()
    db.session.expire_all()
    full = _verifications()[-1]
    assert full.actor_id == officer.id and full.details["from_seq"] == 0 and full.details["ok"]
    assert full.details["events"] == full.seq - 1
