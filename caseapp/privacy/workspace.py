"""The privacy officer's workspace: search the audit log and flag what deserves a look.

Metadata only: events hold ids, categories and grounds, never case content. Flags:

* ``break_glass`` — access on the grounds of break-glass (emergency access with a reason);
* ``outside_caseload`` — a person's data opened by someone who is not the responsible worker
  on any of that person's cases (coordinator reviews, break-glass, denied attempts);
* ``unusual_hours`` — a person's data opened outside working hours (local time) or at a weekend;
* ``bulk`` — one user opened more than N different persons within M minutes;
* ``restricted_registration`` — someone tried to register a restricted person again
  (``caseapp.privacy.restriction``).
"""
from __future__ import annotations

import csv
import io
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from audit.models import AuditEvent
from caseapp.privacy.restriction import ATTEMPT, FLAG
from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.reports.cells import safe_cell

FLAGS = ("break_glass", "outside_caseload", "unusual_hours", "bulk", "restricted_registration")
BREAK_GLASS = "break_glass"
RESTRICTED_REGISTRATION = FLAG
MAX_RESULTS = 10_000  # a search shows (and exports) at most this many events


@dataclass
class Filters:
    actor_id: uuid.UUID | None = None
    subject_id: uuid.UUID | None = None
    action: str | None = None
    grounds: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    flag: str | None = None


@dataclass
class Rules:
    """Thresholds from the settings (``CASEAPP_AUDIT_*``)."""

    timezone: str = "Europe/Oslo"
    day_starts: int = 7
    day_ends: int = 18
    bulk_persons: int = 20
    bulk_minutes: int = 10

    @classmethod
    def from_config(cls, config) -> Rules:
        return cls(timezone=config["BABEL_DEFAULT_TIMEZONE"],
                   day_starts=config["CASEAPP_AUDIT_WORKDAY_START_HOUR"],
                   day_ends=config["CASEAPP_AUDIT_WORKDAY_END_HOUR"],
                   bulk_persons=config["CASEAPP_AUDIT_BULK_PERSONS"],
                   bulk_minutes=config["CASEAPP_AUDIT_BULK_MINUTES"])


@dataclass
class Hit:
    event: AuditEvent
    flags: set[str] = field(default_factory=set)


@dataclass
class Result:
    hits: list[Hit]
    truncated: bool
    users: dict[uuid.UUID, User]


def _query(filters: Filters) -> Select:
    query = select(AuditEvent)
    if filters.actor_id:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.subject_id:
        query = query.where(AuditEvent.subject_id == filters.subject_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.grounds:
        query = query.where(AuditEvent.grounds == filters.grounds)
    if filters.date_from:
        query = query.where(AuditEvent.at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        query = query.where(AuditEvent.at < datetime.combine(filters.date_to + timedelta(days=1),
                                                             time.min))
    if filters.flag == BREAK_GLASS:
        query = query.where(AuditEvent.grounds == BREAK_GLASS)
    elif filters.flag == RESTRICTED_REGISTRATION:
        query = query.where(AuditEvent.action == ATTEMPT)
    elif filters.flag:
        query = query.where(AuditEvent.subject_id.is_not(None), AuditEvent.actor_id.is_not(None))
    return query.order_by(AuditEvent.seq.desc())


def search(session: Session, filters: Filters, rules: Rules, limit: int = MAX_RESULTS) -> Result:
    """Events matching ``filters`` (newest first, at most ``limit``), each with its flags."""
    events = list(session.scalars(_query(filters).limit(limit + 1)))
    truncated = len(events) > limit
    hits = [Hit(e) for e in events[:limit]]
    _flag(session, hits, rules)
    if filters.flag:
        hits = [h for h in hits if filters.flag in h.flags]
    actor_ids = {h.event.actor_id for h in hits if h.event.actor_id}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(actor_ids)))} \
        if actor_ids else {}
    return Result(hits, truncated, users)


def _is_access(event: AuditEvent) -> bool:
    return event.subject_id is not None and event.actor_id is not None


def _flag(session: Session, hits: list[Hit], rules: Rules) -> None:
    for hit in hits:
        if hit.event.action == ATTEMPT:
            hit.flags.add(RESTRICTED_REGISTRATION)
    access = [h for h in hits if _is_access(h.event)]
    if not access:
        return
    own = _own_caseload_pairs(session, {h.event.subject_id for h in access})
    zone = ZoneInfo(rules.timezone)
    bulky = _bulk_events(session, [h.event for h in access], rules)
    for hit in access:
        event = hit.event
        if event.grounds == BREAK_GLASS:
            hit.flags.add("break_glass")
        if (event.actor_id, event.subject_id) not in own:
            hit.flags.add("outside_caseload")
        local = event.at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
        if local.weekday() >= 5 or not rules.day_starts <= local.hour < rules.day_ends:
            hit.flags.add("unusual_hours")
        if event.id in bulky:
            hit.flags.add("bulk")


def _own_caseload_pairs(session: Session, subjects: set[uuid.UUID]) -> set[tuple]:
    rows = session.execute(select(Case.worker_id, Case.participant_id)
                           .where(Case.participant_id.in_(subjects)))
    return {(worker, participant) for worker, participant in rows}


def _bulk_events(session: Session, events: list[AuditEvent], rules: Rules) -> set[int]:
    """Ids of access events in a window where one user opened more than N persons in M minutes."""
    window = timedelta(minutes=rules.bulk_minutes)
    actors = {e.actor_id for e in events}
    start = min(e.at for e in events) - window
    end = max(e.at for e in events) + window
    rows = session.execute(
        select(AuditEvent.id, AuditEvent.actor_id, AuditEvent.subject_id, AuditEvent.at)
        .where(AuditEvent.actor_id.in_(actors), AuditEvent.subject_id.is_not(None),
               and_(AuditEvent.at >= start, AuditEvent.at <= end))
        .order_by(AuditEvent.actor_id, AuditEvent.at, AuditEvent.seq)).all()
    flagged: set[int] = set()
    by_actor: dict[uuid.UUID, list] = {}
    for row in rows:
        by_actor.setdefault(row.actor_id, []).append(row)
    for rows_of_actor in by_actor.values():
        recent: deque = deque()
        for row in rows_of_actor:
            recent.append(row)
            while row.at - recent[0].at > window:
                recent.popleft()
            if len({r.subject_id for r in recent}) > rules.bulk_persons:
                flagged.update(r.id for r in recent)
    return flagged


# --- CSV --------------------------------------------------------------------------------------

CSV_COLUMNS = ("seq", "time_utc", "actor", "actor_id", "actor_roles", "actor_units", "action",
               "object_type", "object_id", "subject_id", "categories", "grounds", "outcome",
               "flags", "request_id", "ip")


def _cell(value) -> str:
    """A cell a spreadsheet will not run (``caseapp.reports.cells``), always as text."""
    return str(safe_cell(value))


def to_csv(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for hit in result.hits:
        e = hit.event
        actor = result.users.get(e.actor_id)
        writer.writerow([_cell(v) for v in (
            e.seq, e.at.isoformat(timespec="seconds"), actor.username if actor else "",
            e.actor_id, e.actor_roles, e.actor_units, e.action, e.object_type, e.object_id,
            e.subject_id, ";".join(e.categories or []), e.grounds, e.outcome,
            ";".join(sorted(hit.flags)), e.request_id, e.ip)])
    return out.getvalue()


def distinct_values(session: Session, column) -> list[str]:
    return [v for v in session.scalars(select(column).distinct().order_by(column)) if v]


def as_filter_details(filters: Filters) -> dict:
    """The search as ids and codes, for the audit event of an export."""
    return {k: str(v) for k, v in vars(filters).items() if v is not None}
