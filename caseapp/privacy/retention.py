"""Retention: what is kept how long, applied by `caseapp retention run [--dry-run]`.

Each record type has a trigger and an action; the period (days) is a setting
(``CASEAPP_RETENTION_DAYS``). Every action is written to the audit log; a dry run reports what
would happen and records only that it was run. The audit log itself is not shortened here: it
is append-only, and its own retention needs signed archive segments (not built yet).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.privacy import erasure
from audit.models import AuditEvent
from caseapp.privacy.models import ErasureDecision
from caseapp.auth.models import LoginSession
from caseapp.breakglass.models import BreakGlassAccess
from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import now
from caseapp.participants.models import Participant

SCHEDULE = {  # record type -> (trigger, action), for the report
    "login_session": ("ended", "delete"),
    "break_glass_reason": ("access expired", "erase the written reason"),
    "closed_case": ("every case of the person closed", "crypto-shred the person"),
    "withdrawn_consent": ("follow-up consent withdrawn, no valid basis since",
                          "flag for the privacy officer's erasure decision"),
}


@dataclass
class Step:
    record: str
    days: int
    trigger: str
    action: str
    due: list[str] = field(default_factory=list)  # ids


def run(session: Session, days_by_record: dict[str, int], dry_run: bool) -> list[Step]:
    """Find what is due under each rule and, unless ``dry_run``, act on it (audited)."""
    at = now()
    steps = []
    for record, days in sorted(days_by_record.items()):
        trigger, action = SCHEDULE[record]
        step = Step(record, days, trigger, action)
        cutoff = at - timedelta(days=days)
        RULES[record](session, step, cutoff, dry_run)
        steps.append(step)
    if dry_run:
        audit.record("retention.dry_run", actor=None, session=session,
                     details={s.record: len(s.due) for s in steps})
    return steps


def _login_sessions(session: Session, step: Step, cutoff, dry_run: bool) -> None:
    for login in session.scalars(select(LoginSession).where(LoginSession.ended_at < cutoff)):
        step.due.append(str(login.id))
        if not dry_run:
            session.delete(login)
            audit.record("retention.delete", actor=None, object_type="login_session",
                         object_id=login.id, session=session)
    from caseapp.portal.models import PortalSession  # the young people's login sessions too

    for login in session.scalars(select(PortalSession).where(PortalSession.ended_at < cutoff)):
        step.due.append(str(login.id))
        if not dry_run:
            session.delete(login)
            audit.record("retention.delete", actor=None, object_type="portal_session",
                         object_id=login.id, subject_id=login.participant_id, session=session)
    session.flush()


def _break_glass_reasons(session: Session, step: Step, cutoff, dry_run: bool) -> None:
    for access in session.scalars(select(BreakGlassAccess).where(
            BreakGlassAccess.expires_at < cutoff)):
        if access.reason == "":
            continue  # already erased
        step.due.append(str(access.id))
        if not dry_run:
            access.reason = ""
            audit.record("retention.erase_reason", actor=None, object_type="break_glass",
                         object_id=access.id, subject_id=access.participant_id,
                         categories=["break_glass_reason"], session=session)
    session.flush()


def _closed_cases(session: Session, step: Step, cutoff, dry_run: bool) -> None:
    """People whose every case closed before the cutoff, unless kept for the archive or done."""
    decided = {pid for pid, in session.execute(select(ErasureDecision.participant_id).where(
        ErasureDecision.outcome.in_([erasure.Outcome.ARCHIVE.value,
                                     erasure.Outcome.CRYPTO_SHRED.value])))}
    cases_by_person: dict = {}
    for case in session.scalars(select(Case)):
        cases_by_person.setdefault(case.participant_id, []).append(case)
    for pid, cases in sorted(cases_by_person.items(), key=lambda item: str(item[0])):
        if pid in decided or not all(
                c.status == CaseStatus.CLOSED.value and c.ended_on and c.ended_on < cutoff.date()
                for c in cases):
            continue
        step.due.append(str(pid))
        if not dry_run:
            erasure.decide(session, None, session.get(Participant, pid),
                           erasure.Outcome.CRYPTO_SHRED.value,
                           f"Retention: every case closed more than {step.days} days ago.")


def _withdrawn_consents(session: Session, step: Step, cutoff, dry_run: bool) -> None:
    """People whose follow-up consent was withdrawn before the cutoff and who have had no
    valid basis since: the privacy officer decides (restrict, erase or archive). Flagged once."""
    from consent.models import ConsentRecord
    from consent.purposes import Purpose
    from consent.services import participants_with_basis

    decided = set(session.scalars(select(ErasureDecision.participant_id)))
    flagged = set(session.scalars(select(AuditEvent.subject_id).where(
        AuditEvent.action == "retention.flag_withdrawn")))
    withdrawn = session.scalars(select(ConsentRecord.participant_id).where(
        ConsentRecord.purpose == Purpose.FOLLOW_UP.value,
        ConsentRecord.withdrawn_at < cutoff).distinct())
    candidates = set(withdrawn) - decided - flagged
    consented_again = participants_with_basis(session, candidates, Purpose.FOLLOW_UP)
    for pid in sorted(candidates - consented_again, key=str):
        step.due.append(str(pid))
        if not dry_run:
            audit.record("retention.flag_withdrawn", actor=None, object_type="participant",
                         object_id=pid, subject_id=pid, categories=["consent"], session=session)


RULES = {"login_session": _login_sessions, "break_glass_reason": _break_glass_reasons,
         "closed_case": _closed_cases, "withdrawn_consent": _withdrawn_consents}
