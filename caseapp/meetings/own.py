"""What the young person sees of their sessions on their own page (/meg/meetings): the next
meeting (date, the time when one is set, place, with whom) and the past sessions by date and type. A session's note and
next step are the worker's internal notes; the young person sees them only as the summary the
worker shared (``Contact.summary_shared``): the page gets plain values, never a session with
an unshared note."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.cases.models import Case
from caseapp.contacts.models import Contact


@dataclass(frozen=True)
class NextMeeting:
    day: date
    time: time | None  # Europe/Oslo wall-clock time, when the worker set one
    place: str | None
    worker: str  # the name of the worker who follows the person up


@dataclass(frozen=True)
class PastSession:
    id: uuid.UUID
    occurred_at: datetime
    kind: str
    summary: str | None = None  # only a shared note
    next_step: str | None = None  # only with a shared note


def _kept(case_ids):
    return (Contact.case_id.in_(case_ids), Contact.deleted_at.is_(None))


def next_meeting(session: Session, case: Case | None, today: date) -> NextMeeting | None:
    """The next session the latest session of the current case set, if it is today or later."""
    if case is None:
        return None
    latest = session.scalar(
        select(Contact).where(*_kept([case.id]))
        .order_by(Contact.occurred_at.desc(), Contact.created_at.desc()).limit(1))
    if latest is None or latest.next_date is None or latest.next_date < today:
        return None
    return NextMeeting(latest.next_date, latest.next_time, latest.next_place,
                       case.worker.display_name)


def past_sessions(session: Session, cases: list[Case]) -> list[PastSession]:
    """The person's sessions in ``cases``, newest first; summaries only where shared."""
    ids = [c.id for c in cases]
    rows = session.execute(select(Contact.id, Contact.occurred_at, Contact.kind)
                           .where(*_kept(ids)).order_by(Contact.occurred_at.desc())).all()
    shared = {c.id: c for c in session.scalars(
        select(Contact).where(*_kept(ids), Contact.summary_shared.is_(True)))}
    return [PastSession(row.id, row.occurred_at, row.kind,
                        shared[row.id].note if row.id in shared else None,
                        shared[row.id].next_step if row.id in shared else None)
            for row in rows]
