""""Mine saker": each active case with what needs attention. Listing is not a view of a
person (no audit per row); only the names and plain columns are read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.cases.services import worker_cases_query
from caseapp.clock import local_now, now
from caseapp.contacts.models import Contact
from caseapp.handovers.models import Handover
from caseapp.caseload.models import GoalDeadline
from caseapp.messages.services import unread_counts_for_worker
from caseapp.participants.lookup import find_by_name, name_candidates
from caseapp.plans.answers import open_disagreements_for_worker
from consent.purposes import Purpose
from consent.models import ConsentRecord
from consent.services import basis_conditions


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
    unread_messages: int = 0  # the young person's messages the worker has not opened
    # when the young person said they disagree with the current plan, while the worker has not
    # answered it yet (caseapp/plans/answers.py open_disagreements_for_worker has the rule)
    plan_disagreed: datetime | None = None
    next_time: time | None = None  # of next_session, when set: Europe/Oslo wall-clock time


# A case handed or reassigned to the worker is marked as new for this many days.
NEW_CASE_DAYS = 14


def overview(session: Session, worker: User, *, today: date, at: datetime, threshold_days: int,
             query: str = "", closed: bool = False) -> list[CaseRow]:
    """The worker's open cases (active and paused), or with ``closed`` their closed ones."""
    candidates = None
    if query.strip():
        # The name index narrows to the worker's cases that may match; only those names are
        # decrypted and compared (whole words, as find_by_name does everywhere).
        candidates = name_candidates(query, within=select(Case.participant_id)
                                     .where(Case.worker_id == worker.id))
        if candidates is None:
            return []
    # Per case in the same query: its latest session (time, planned next date and time), the
    # latest handover to this worker lately, the overdue goals (from the plain deadlines of the
    # current plan's open goals, caseapp/caseload/models.py: no plan is decrypted for a count)
    # and whether a basis for follow-up is valid.
    live = (Contact.case_id == Case.id, Contact.deleted_at.is_(None))
    # the latest session as the case page and /meg take it (caseapp/meetings/own.py)
    latest = (Contact.occurred_at.desc(), Contact.created_at.desc())
    cases = worker_cases_query(worker, include_closed=closed, participants=candidates,
                               names_only=True)
    if closed:
        cases = cases.where(Case.status == CaseStatus.CLOSED.value)
    found = session.execute(
        cases.add_columns(
            select(func.max(Contact.occurred_at)).where(*live).scalar_subquery(),
            select(Contact.next_date).where(*live).order_by(*latest).limit(1).scalar_subquery(),
            select(Contact.next_time).where(*live).order_by(*latest).limit(1).scalar_subquery(),
            select(func.max(Handover.created_at)).where(
                Handover.case_id == Case.id, Handover.to_worker_id == worker.id,
                Handover.created_at >= at - timedelta(days=NEW_CASE_DAYS)).scalar_subquery(),
            select(func.count(GoalDeadline.id)).where(
                GoalDeadline.case_id == Case.id, GoalDeadline.target_date < today)
            .scalar_subquery(),
            exists().where(ConsentRecord.participant_id == Case.participant_id,
                           *basis_conditions(Purpose.FOLLOW_UP, at)))).all()
    if query.strip():
        people = {p.id for p in find_by_name(session, query,
                                             among=[row[0].participant for row in found])}
        found = [row for row in found if row[0].participant_id in people]
    unread = unread_counts_for_worker(session, worker) if found else {}
    disagreed = open_disagreements_for_worker(session, worker) if found else {}
    rows = []
    for case, last, next_date, next_time, received, overdue, basis in found:
        since = (today - last.date()).days if last else (today - case.started_on).days
        upcoming = next_date is not None and next_date >= today
        rows.append(CaseRow(
            case=case, last_contact=last, next_session=next_date if upcoming else None,
            next_time=next_time if upcoming else None,
            overdue_goals=overdue or 0, basis_valid=bool(basis),
            days_since_contact=(today - last.date()).days if last else None,
            no_contact_lately=since > threshold_days, new_to_me=received,
            unread_messages=unread.get(case.id, 0), plan_disagreed=disagreed.get(case.id)))
    return rows


def worker_overview(session: Session, worker: User, query: str = "",
                    closed: bool = False) -> list[CaseRow]:
    """``overview`` for now, with the configured no-contact threshold."""
    from flask import current_app

    return overview(session, worker, today=local_now().date(), at=now(), query=query,
                    threshold_days=current_app.config["CASEAPP_NO_CONTACT_DAYS"], closed=closed)
