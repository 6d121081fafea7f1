"""The case page's timeline: sessions, plan versions, transitions, placements, outcomes and
consent events in one list, newest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from caseapp.cases.models import Case
from caseapp.contacts.services import contacts_for_case
from caseapp.outcomes.services import checkpoints_for, outcomes_for
from caseapp.plans.services import plan_for
from caseapp.transitions.services import placements_for, transitions_for
from consent.services import records_for


@dataclass
class Entry:
    at: datetime
    kind: str
    item: Any


def _day(value: date) -> datetime:
    return datetime.combine(value, time())


def timeline(session: Session, case: Case, hide_sessions_before: datetime | None = None
             ) -> list[Entry]:
    """``hide_sessions_before``: a receiver of a cross-organisation handover does not see the
    earlier sessions."""
    entries = [Entry(_day(case.started_on), "started", case)]
    entries += [Entry(c.occurred_at, "contact", c) for c in contacts_for_case(session, case)
                if hide_sessions_before is None or c.created_at > hide_sessions_before]
    plan = plan_for(session, case)
    entries += [Entry(v.saved_at, "plan_version", v) for v in (plan.versions if plan else [])]
    entries += [Entry(_day(t.transition_date), "transition", t) for t in transitions_for(session, case)]
    entries += [Entry(_day(p.started_on), "placement", p) for p in placements_for(session, case)]
    entries += [Entry(_day(o.occurred_on), "outcome", o) for o in outcomes_for(session, case)]
    entries += [Entry(c.answered_at, "checkpoint", c) for c in checkpoints_for(session, case)
                if c.answered_at]
    for record in records_for(session, case.participant_id):
        entries.append(Entry(record.valid_from, "consent_granted", record))
        if record.withdrawn_at:
            entries.append(Entry(record.withdrawn_at, "consent_withdrawn", record))
    if case.ended_on:
        entries.append(Entry(_day(case.ended_on), "closed", case))
    return sorted(entries, key=lambda e: e.at, reverse=True)
