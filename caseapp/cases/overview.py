""""Mine saker": each active case with what needs attention. Listing is not a view of a
person (no audit per row); only the names and plain columns are read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.cases.services import cases_for_worker
from caseapp.clock import local_now, now
from caseapp.contacts.models import Contact
from caseapp.handovers.models import Handover
from caseapp.caseload.models import GoalDeadline
from caseapp.participants.lookup import find_by_name, name_candidates
from consent.purposes import Purpose
from consent.services import participants_with_basis


@dataclass
class CaseRow:
    case: Case
    last_contact: datetime | None
    next_session: date | None
    overdue_goals: int
    basis_valid: bool
    days_since_contact: int | None
    no_contact_lately: bool
    new_to_me: datetime | None = None  # handed or reassigned to this worker lately


# A case handed or reassigned to the worker is marked as new for this many days.
NEW_CASE_DAYS = 14


def overview(session: Session, worker: User, *, today: date, at: datetime, threshold_days: int,
             query: str = "") -> list[CaseRow]:
    candidates = None
    if query.strip():
        # The name index narrows to the worker's cases that may match; only those names are
        # decrypted and compared (whole words, as find_by_name does everywhere).
        candidates = name_candidates(query)
        if candidates is None:
            return []
    cases = cases_for_worker(session, worker, participants=candidates, names_only=True)
    if query.strip():
        people = {p.id for p in find_by_name(session, query, among=[c.participant for c in cases])}
        cases = [c for c in cases if c.participant_id in people]
    if not cases:
        return []
    ids = [c.id for c in cases]
    # One row per case (its latest session), not every session of every case.
    last = (select(Contact.case_id, func.max(Contact.occurred_at).label("at"))
            .where(Contact.case_id.in_(ids), Contact.deleted_at.is_(None))
            .group_by(Contact.case_id).subquery())
    latest: dict = {}
    for case_id, occurred_at, next_date in session.execute(
            select(Contact.case_id, Contact.occurred_at, Contact.next_date)
            .join(last, (last.c.case_id == Contact.case_id) & (last.c.at == Contact.occurred_at))
            .where(Contact.deleted_at.is_(None))):
        latest.setdefault(case_id, (occurred_at, next_date))
    received = dict(session.execute(
        select(Handover.case_id, func.max(Handover.created_at))
        .where(Handover.case_id.in_(ids), Handover.to_worker_id == worker.id,
               Handover.created_at >= at - timedelta(days=NEW_CASE_DAYS))
        .group_by(Handover.case_id)).all())
    # Overdue goals from the plain deadlines of the current plan versions' open goals (kept
    # with each version, caseapp/caseload/models.py): no plan is decrypted for a count.
    overdue = dict(session.execute(
        select(GoalDeadline.case_id, func.count(GoalDeadline.id))
        .where(GoalDeadline.case_id.in_(ids), GoalDeadline.target_date < today)
        .group_by(GoalDeadline.case_id)).all())
    covered = participants_with_basis(session, {c.participant_id for c in cases},
                                      Purpose.FOLLOW_UP, at=at)
    rows = []
    for case in cases:
        last, next_date = latest.get(case.id, (None, None))
        since = (today - last.date()).days if last else (today - case.started_on).days
        rows.append(CaseRow(
            case=case, last_contact=last,
            next_session=next_date if next_date and next_date >= today else None,
            overdue_goals=overdue.get(case.id, 0),
            basis_valid=case.participant_id in covered,
            days_since_contact=(today - last.date()).days if last else None,
            no_contact_lately=since > threshold_days, new_to_me=received.get(case.id)))
    return rows


def worker_overview(session: Session, worker: User, query: str = "") -> list[CaseRow]:
    """``overview`` for now, with the configured no-contact threshold."""
    from flask import current_app

    return overview(session, worker, today=local_now().date(), at=now(), query=query,
                    threshold_days=current_app.config["CASEAPP_NO_CONTACT_DAYS"])
