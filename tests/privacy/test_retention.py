"""The retention schedule: a dry run reports, a real run acts, and every action is audited."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from audit import verify
from caseapp.privacy import retention
from caseapp.privacy.erasure import decide
from audit.models import AuditEvent
from caseapp.auth.models import LoginSession
from caseapp.breakglass.models import BreakGlassAccess
from caseapp.extensions import db
from caseapp.participants.models import Participant

DAYS = {"login_session": 90, "break_glass_reason": 730, "closed_case": 1825}


def test_dry_run_reports_and_run_acts(app, factory, clock):
    unit = factory.unit()
    mentor = factory.user("youth_mentor", [unit])
    long_ago = clock.now() - timedelta(days=2000)
    old = factory.case(mentor, unit, participant=factory.participant("Gammel", "Sak"), status="closed")
    old.ended_on = long_ago.date()
    kept = factory.case(mentor, unit, participant=factory.participant("Arkiv", "Sak"), status="closed")
    kept.ended_on = long_ago.date()
    active = factory.case(mentor, unit, participant=factory.participant("Aktiv", "Sak"))
    recent = factory.case(mentor, unit, participant=factory.participant("Ny", "Sak"), status="closed")
    recent.ended_on = date(2026, 10, 1)
    db.session.add_all([
        LoginSession(token_hash="a" * 64, user_id=mentor.id, created_at=long_ago,
                     last_seen_at=long_ago, ended_at=long_ago),
        LoginSession(token_hash="b" * 64, user_id=mentor.id, created_at=clock.now(),
                     last_seen_at=clock.now(), ended_at=clock.now() - timedelta(days=10)),
        BreakGlassAccess(user_id=mentor.id, case_id=active.id, participant_id=active.participant_id,
                         reason="Gammel begrunnelse med navn", granted_at=long_ago,
                         expires_at=long_ago + timedelta(hours=1)),
    ])
    decide(db.session, None, kept.participant, "archive", "Arkivplikt etter arkivlova.")
    db.session.commit()

    planned = retention.run(db.session, DAYS, dry_run=True)
    db.session.commit()
    assert {s.record: len(s.due) for s in planned} == {
        "login_session": 1, "break_glass_reason": 1, "closed_case": 1}
    assert db.session.scalar(select(func.count(LoginSession.id))) == 2

    done = retention.run(db.session, DAYS, dry_run=False)
    db.session.commit()
    db.session.expire_all()
    assert {s.record: s.due for s in done}["closed_case"] == [str(old.participant_id)]
    assert db.session.scalar(select(func.count(LoginSession.id))) == 1
    assert db.session.scalars(select(BreakGlassAccess)).one().reason == ""
    names = {p.id: p.family_name for p in db.session.scalars(select(Participant))}
    assert names[old.participant_id] is None  # crypto-shredded
    assert names[kept.participant_id] == names[active.participant_id] == names[recent.participant_id] == "Sak"
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("retention.%") | AuditEvent.action.like("erasure.%"))).all()
    assert sorted(actions) == ["erasure.archive", "erasure.crypto_shred", "retention.delete",
                               "retention.dry_run", "retention.erase_reason"]
    again = retention.run(db.session, DAYS, dry_run=True)  # nothing is done twice
    assert all(not s.due for s in again)
    assert verify.full(db.session).ok


def test_the_schedule_and_flag_settings_are_checked_at_start(tmp_path):
    import pytest

    from caseapp.config import ConfigError, build

    for bad in ({"CASEAPP_RETENTION_DAYS": {"audit_events": 10}},
                {"CASEAPP_RETENTION_DAYS": {"login_session": 0}},
                {"CASEAPP_AUDIT_WORKDAY_START_HOUR": 19},
                {"CASEAPP_BREAK_GLASS_MINUTES": 0}):
        with pytest.raises(ConfigError):
            build(tmp_path, bad, environ={})


def test_a_withdrawn_follow_up_consent_is_flagged_for_an_erasure_decision_once(app, factory, clock):
    from consent.services import grant, withdraw

    unit = factory.unit()
    mentor = factory.user("youth_mentor", [unit])
    gone = factory.case(mentor, unit, participant=factory.participant(born=date(2000, 1, 1)))
    again = factory.case(mentor, unit, participant=factory.participant(born=date(2000, 2, 2)))
    for case in (gone, again):
        withdraw(db.session, grant(db.session, participant_id=case.participant_id,
                                   purpose="follow_up"), channel="sms")
    clock.advance(days=40)
    grant(db.session, participant_id=again.participant_id, purpose="follow_up")  # consented again
    db.session.commit()
    days = {"withdrawn_consent": 30}
    assert [s.due for s in retention.run(db.session, days, dry_run=True)] == [[str(gone.participant_id)]]
    retention.run(db.session, days, dry_run=False)
    assert [s.due for s in retention.run(db.session, days, dry_run=False)] == [[]]  # once
    flags = db.session.scalars(select(AuditEvent.subject_id).where(
        AuditEvent.action == "retention.flag_withdrawn")).all()
    assert flags == [gone.participant_id]
