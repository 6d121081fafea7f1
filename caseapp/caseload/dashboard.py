"""The coordinator's caseload dashboard: per unit and worker, how many cases need attention,
and for each number the list of those cases (metadata only).

Every number is one SQL condition on ``cases`` (``conditions``); the dashboard sums them in one
GROUP BY query and a drill-down lists the cases that meet one of them, so a number and its list
cannot disagree. Only plain columns are read: nothing is decrypted, and the number of queries
does not grow with the number of cases.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case as when, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from caseapp.accounts.models import Membership, RoleGrant, User
from caseapp.caseload.models import GoalDeadline
from caseapp.cases.models import Case, CaseStatus
from caseapp.contacts.models import Contact
from caseapp.outcomes.models import Checkpoint
from caseapp.units.models import Unit
from consent.models import ConsentRecord
from consent.purposes import Purpose
from consent.services import basis_conditions, expiring_conditions
from roles.workers import caseload_grant

# The numbers, in the order shown; the key is also the drill-down's URL segment.
METRICS = {
    "active": _l("Active cases"),
    "no-contact": _l("No session lately"),
    "overdue-goals": _l("Overdue plan goals"),
    "checkpoints": _l("Cases with checkpoints due"),  # cases, like every number here
    "no-consent": _l("No valid consent"),
    "consent-expiring": _l("Consent expiring"),
}


class UnknownMetric(LookupError):
    pass


@dataclass(frozen=True)
class Limits:
    """What counts as too much or too late (from the settings, at one moment)."""

    today: date
    at: datetime
    no_contact_days: int
    expiry_days: int
    max_cases: dict[str, int]  # programme -> most active cases before a worker is flagged

    @classmethod
    def from_config(cls, config, today: date, at: datetime) -> "Limits":
        return cls(today=today, at=at, no_contact_days=config["CASEAPP_NO_CONTACT_DAYS"],
                   expiry_days=config["CASEAPP_CONSENT_EXPIRY_WARNING_DAYS"],
                   max_cases={"work_leader": config["CASEAPP_CASELOAD_MAX_WORK_LEADER"],
                              "youth_mentor": config["CASEAPP_CASELOAD_MAX_YOUTH_MENTOR"]})

    @property
    def no_contact_since(self) -> date:
        """A case whose last session (or start) is before this day has had no contact lately."""
        return self.today - timedelta(days=self.no_contact_days)


def conditions(limits: Limits) -> dict[str, ColumnElement[bool]]:
    """For each metric, the condition a case meets to be counted: correlated ``EXISTS`` that
    each probe one index per case, so the cost grows with the units' cases, not with the
    database."""
    active = Case.status == CaseStatus.ACTIVE.value
    not_closed = Case.status != CaseStatus.CLOSED.value
    cutoff = datetime.combine(limits.no_contact_since, time())
    live = and_(Contact.case_id == Case.id, Contact.deleted_at.is_(None))
    return {
        "active": active,
        # As on "Mine saker": days since the last session, or since the start without one.
        "no-contact": and_(active, ~exists().where(live, Contact.occurred_at >= cutoff),
                           or_(Case.started_on < limits.no_contact_since, exists().where(live))),
        "overdue-goals": and_(active, exists().where(GoalDeadline.case_id == Case.id,
                                                     GoalDeadline.target_date < limits.today)),
        # Checkpoints come after a case is closed: the worker still answers them.
        "checkpoints": exists().where(Checkpoint.case_id == Case.id,
                                      Checkpoint.answered_at.is_(None),
                                      Checkpoint.due_on <= limits.today),
        "no-consent": and_(not_closed, ~exists().where(
            ConsentRecord.participant_id == Case.participant_id,
            *basis_conditions(Purpose.FOLLOW_UP, limits.at))),
        "consent-expiring": and_(not_closed, exists().where(
            ConsentRecord.participant_id == Case.participant_id,
            *expiring_conditions(limits.at, limits.expiry_days))),
    }


def _in_view(units: list[Unit], limits: Limits) -> ColumnElement[bool]:
    """Cases of ``units`` that can count at all: open ones, and closed ones with checkpoints."""
    return and_(Case.unit_id.in_([u.id for u in units]),
                or_(Case.status != CaseStatus.CLOSED.value, conditions(limits)["checkpoints"]))


@dataclass
class WorkerRow:
    worker_id: uuid.UUID
    name: str
    active_user: bool
    limit: int | None
    all_active: int = 0  # the worker's active cases in every unit: the load that is flagged
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.all_active > self.limit


@dataclass
class UnitBoard:
    unit: Unit
    workers: list[WorkerRow]

    @property
    def totals(self) -> dict[str, int]:
        return {key: sum(w.counts[key] for w in self.workers) for key in METRICS}


def dashboard(session: Session, units: list[Unit], limits: Limits) -> list[UnitBoard]:
    """Per unit: every active worker (also with no cases) and anyone else still holding cases
    there, with the count of each metric. A worker is flagged when all their active cases (in
    any unit) are more than their programme's maximum. A constant number of queries."""
    if not units:
        return []
    conds = conditions(limits)
    sums = [func.sum(when((cond, 1), else_=0)).label(key.replace("-", "_"))
            for key, cond in conds.items()]
    counted = session.execute(
        select(Case.unit_id, Case.worker_id, *sums).where(_in_view(units, limits))
        .group_by(Case.unit_id, Case.worker_id)).all()
    members = session.execute(
        select(Membership.unit_id, User.id).join(User, User.id == Membership.user_id)
        .where(Membership.unit_id.in_([u.id for u in units]), User.active.is_(True),
               User.id.in_(select(RoleGrant.user_id).where(caseload_grant(RoleGrant))))).all()
    pairs = {(unit_id, worker_id) for unit_id, worker_id in members}
    pairs |= {(row[0], row[1]) for row in counted}
    worker_ids = {worker_id for _, worker_id in pairs}
    people = {row.id: row for row in session.execute(
        select(User.id, User.display_name, User.active).where(User.id.in_(worker_ids)))}
    programmes: dict[uuid.UUID, set[str]] = defaultdict(set)
    for grant in session.scalars(select(RoleGrant).where(RoleGrant.user_id.in_(worker_ids),
                                                         caseload_grant(RoleGrant))):
        programmes[grant.user_id].add(grant.role)
    all_active = dict(session.execute(
        select(Case.worker_id, func.count()).where(Case.worker_id.in_(worker_ids),
                                                   Case.status == CaseStatus.ACTIVE.value)
        .group_by(Case.worker_id)).all())
    rows: dict[tuple, WorkerRow] = {}
    for unit_id, worker_id in pairs:
        person = people[worker_id]
        limits_of = [limits.max_cases[p] for p in programmes[worker_id] if p in limits.max_cases]
        rows[(unit_id, worker_id)] = WorkerRow(worker_id, person.display_name, person.active,
                                               max(limits_of) if limits_of else None,
                                               all_active.get(worker_id, 0))
    for unit_id, worker_id, *values in counted:
        rows[(unit_id, worker_id)].counts = {key: int(value or 0)
                                             for key, value in zip(METRICS, values)}
    boards = []
    for unit in sorted(units, key=lambda u: u.display_name):
        workers = [row for (unit_id, _), row in rows.items() if unit_id == unit.id]
        boards.append(UnitBoard(unit, sorted(workers, key=lambda w: (not w.active_user, w.name))))
    return boards


@dataclass
class CaseLine:
    """One case in a drill-down list: metadata only, no name, national ID or notes."""

    id: uuid.UUID
    programme: str
    track: str
    status: str
    started_on: date
    unit_id: uuid.UUID
    worker_id: uuid.UUID
    worker_name: str = ""
    last_contact: datetime | None = None
    due: date | None = None  # the date that matters for the metric (goal, checkpoint, consent)

    @property
    def reference(self) -> str:
        return str(self.id)[:8]


@dataclass
class Listing:
    metric: str
    lines: list[CaseLine]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _due_dates(session: Session, metric: str, case_ids: list, limits: Limits) -> dict:
    """The earliest date behind the metric per case (one query for the page)."""
    if metric == "overdue-goals":
        query = (select(GoalDeadline.case_id, func.min(GoalDeadline.target_date))
                 .where(GoalDeadline.case_id.in_(case_ids),
                        GoalDeadline.target_date < limits.today)
                 .group_by(GoalDeadline.case_id))
    elif metric == "checkpoints":
        query = (select(Checkpoint.case_id, func.min(Checkpoint.due_on))
                 .where(Checkpoint.case_id.in_(case_ids), Checkpoint.answered_at.is_(None),
                        Checkpoint.due_on <= limits.today)
                 .group_by(Checkpoint.case_id))
    elif metric == "consent-expiring":
        query = (select(Case.id, func.min(ConsentRecord.valid_until))
                 .join(ConsentRecord, ConsentRecord.participant_id == Case.participant_id)
                 .where(Case.id.in_(case_ids), *expiring_conditions(limits.at, limits.expiry_days))
                 .group_by(Case.id))
    else:
        return {}
    return {case_id: value.date() if isinstance(value, datetime) else value
            for case_id, value in session.execute(query)}


def drill_down(session: Session, units: list[Unit], metric: str, limits: Limits, *,
               worker_id: uuid.UUID | None = None, page: int = 1,
               per_page: int = 50) -> Listing:
    """The cases counted in ``metric`` (in ``units``, optionally one worker's), a page at a
    time, oldest first. Raises ``UnknownMetric``."""
    if metric not in METRICS:
        raise UnknownMetric(metric)
    query = select(Case.id, Case.programme, Case.track, Case.status, Case.started_on,
                   Case.unit_id, Case.worker_id).where(_in_view(units, limits),
                                                       conditions(limits)[metric])
    if worker_id is not None:
        query = query.where(Case.worker_id == worker_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    page = max(1, min(page, max(1, -(-total // per_page))))
    lines = [CaseLine(*row) for row in session.execute(
        query.order_by(Case.started_on, Case.id).limit(per_page).offset((page - 1) * per_page))]
    if lines:
        ids = [line.id for line in lines]
        names = dict(session.execute(select(User.id, User.display_name).where(
            User.id.in_({line.worker_id for line in lines}))).all())
        last = dict(session.execute(
            select(Contact.case_id, func.max(Contact.occurred_at))
            .where(Contact.case_id.in_(ids), Contact.deleted_at.is_(None))
            .group_by(Contact.case_id)).all())
        due = _due_dates(session, metric, ids, limits)
        for line in lines:
            line.worker_name = names.get(line.worker_id, "")
            line.last_contact = last.get(line.id)
            line.due = due.get(line.id)
    return Listing(metric, lines, total, page, per_page)
