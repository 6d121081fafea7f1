"""Outcome statistics for a period: raw counts from aggregate SQL over plain columns.

Nothing here decrypts or loops over people: every query groups in the database and returns
at most a few hundred rows (one per programme, track, unit, code, …). The counts are *not*
for publishing; ``caseapp.reports.tables`` suppresses them first.

Counting unit: a follow-up course (a case). A person followed in two tracks counts in both.
In the period [from, to]:
  followed  started on or before ``to`` and not ended before ``from``;
  started   started in the period;      closed  ended in the period;
  active    followed and not ended by ``to`` (followed = active + closed).
Outcomes dated up to ``to`` count; "first" and "latest" are per case by date (on one date,
by code).
Checkpoints count when they fall due in the period.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from caseapp.cases.models import Case
from caseapp.outcomes.models import Checkpoint, Outcome
from caseapp.participants.models import Participant
from caseapp.plans.models import Plan

Track = tuple[str, str]  # (programme, track)


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    unit_ids: tuple[uuid.UUID, ...] = ()  # only these units (none given: nothing counts)
    programme: str | None = None
    track: str | None = None
    minority: bool | None = None  # only (not) minority-language background


@dataclass
class Counts:
    followed: Counter = field(default_factory=Counter)  # (track, unit_id, status) -> n
    started: Counter = field(default_factory=Counter)  # (track, minority) -> n
    first_outcome: Counter = field(default_factory=Counter)  # (track, code) -> n
    latest_outcome: Counter = field(default_factory=Counter)  # (track, code) -> n
    days_to_first: dict[Track, Counter] = field(default_factory=dict)  # track -> {days: n}
    checkpoints: Counter = field(default_factory=Counter)  # (months, answer) -> n
    funnel: Counter = field(default_factory=Counter)  # stage reached -> n (started cases)


ACTIVE, CLOSED = "active", "closed"
YES, NO, OPEN = "yes", "no", "open"  # still in work or education / not / not answered yet
FUNNEL = ("started", "plan", "outcome", "stays")  # each stage needs the one before


def _scope(query, f: Filters):
    """Restrict a query over ``Case`` (joined with ``Participant``) to the filters."""
    query = query.where(Case.unit_id.in_(f.unit_ids))  # an empty list matches nothing
    if f.programme:
        query = query.where(Case.programme == f.programme)
    if f.track:
        query = query.where(Case.track == f.track)
    if f.minority is not None:
        query = query.where(Participant.minority_language.is_(f.minority))
    return query


def _followed(f: Filters):
    return and_(Case.started_on <= f.date_to,
                or_(Case.ended_on.is_(None), Case.ended_on >= f.date_from))


def _started(f: Filters):
    return and_(Case.started_on >= f.date_from, Case.started_on <= f.date_to)


def _days_between(session: Session, start, end):
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(end) - func.julianday(start), Integer)
    return end - start  # PostgreSQL: date - date is a whole number of days


def compute(session: Session, f: Filters) -> Counts:
    counts = Counts()
    _followed_and_started(session, f, counts)
    _outcomes(session, f, counts)
    _checkpoints(session, f, counts)
    _funnel(session, f, counts)
    return counts


def _followed_and_started(session: Session, f: Filters, counts: Counts) -> None:
    is_closed = and_(Case.ended_on.is_not(None), Case.ended_on <= f.date_to)
    query = _scope(select(
        Case.programme, Case.track, Case.unit_id, Participant.minority_language,
        func.sum(case((is_closed, 1), else_=0)), func.count(),
        func.sum(case((_started(f), 1), else_=0)),
    ).join(Participant, Participant.id == Case.participant_id).where(_followed(f)), f).group_by(
        Case.programme, Case.track, Case.unit_id, Participant.minority_language)
    for programme, track, unit_id, minority, closed, followed, started in session.execute(query):
        key = (programme, track)
        counts.followed[(key, unit_id, CLOSED)] += int(closed or 0)
        counts.followed[(key, unit_id, ACTIVE)] += int(followed) - int(closed or 0)
        counts.started[(key, bool(minority))] += int(started or 0)


def _per_case_outcomes(f: Filters):
    """One row per case with outcomes up to ``to``: the first and latest as "date|code" keys
    (plain aggregates, no window: ties on one date go by code) and the first date."""
    key = cast(Outcome.occurred_on, String) + literal("|") + Outcome.code
    return select(Outcome.case_id.label("case_id"), func.min(key).label("first_key"),
                  func.max(key).label("latest_key"),
                  func.min(Outcome.occurred_on).label("first_on")).where(
        Outcome.occurred_on <= f.date_to).group_by(Outcome.case_id).subquery()


def _outcomes(session: Session, f: Filters, counts: Counts) -> None:
    """First and latest outcome per track, and the days to the first, in one statement: the
    joined per-case rows are a CTE that both groupings read (materialised once)."""
    per_case = _per_case_outcomes(f)
    rows = _scope(_with_participants(select(
        Case.programme, Case.track,
        func.substr(per_case.c.first_key, 12).label("first"),  # after "YYYY-MM-DD|"
        func.substr(per_case.c.latest_key, 12).label("latest"),
        _days_between(session, Case.started_on, per_case.c.first_on).label("days"),
    ).select_from(Case).join(per_case, per_case.c.case_id == Case.id), f).where(_followed(f)),
        f).cte("case_outcomes")
    codes = select(literal("codes").label("kind"), rows.c.programme, rows.c.track, rows.c.first,
                   rows.c.latest, literal(0).label("days"), func.count().label("n")).group_by(
        rows.c.programme, rows.c.track, rows.c.first, rows.c.latest)
    days = select(literal("days"), rows.c.programme, rows.c.track, literal(""), literal(""),
                  rows.c.days, func.count()).group_by(rows.c.programme, rows.c.track, rows.c.days)
    for kind, programme, track, first, latest, d, n in session.execute(union_all(codes, days)):
        if kind == "codes":
            counts.first_outcome[((programme, track), first)] += n
            counts.latest_outcome[((programme, track), latest)] += n
        else:
            counts.days_to_first.setdefault((programme, track), Counter())[int(d)] += n


def _with_participants(query, f: Filters):
    """Join participants only when the filter needs their minority-language background."""
    if f.minority is None:
        return query
    return query.join(Participant, Participant.id == Case.participant_id)


def _checkpoints(session: Session, f: Filters, counts: Counts) -> None:
    answer = case((Checkpoint.answered_at.is_(None), literal(OPEN)),
                  (Checkpoint.still_active.is_(True), literal(YES)), else_=literal(NO))
    query = _scope(_with_participants(select(
        Checkpoint.months, answer.label("answer"), func.count()).select_from(Checkpoint).join(
        Case, Case.id == Checkpoint.case_id), f).where(
        Checkpoint.due_on >= f.date_from, Checkpoint.due_on <= f.date_to), f)
    for months, value, n in session.execute(query.group_by(Checkpoint.months, answer)):
        counts.checkpoints[(months, value)] += n


def _funnel(session: Session, f: Filters, counts: Counts) -> None:
    """Cases started in the period, by the furthest stage reached (outer joins, not EXISTS per
    row, so the database can hash them)."""
    outcome = select(Outcome.case_id).where(Outcome.occurred_on <= f.date_to).distinct().subquery()
    stays = select(Checkpoint.case_id).where(Checkpoint.months == 12,
                                             Checkpoint.still_active.is_(True)).distinct().subquery()
    has_plan, has_outcome = Plan.case_id.is_not(None), outcome.c.case_id.is_not(None)
    stage = case((and_(has_plan, has_outcome, stays.c.case_id.is_not(None)), literal(3)),
                 (and_(has_plan, has_outcome), literal(2)), (has_plan, literal(1)),
                 else_=literal(0)).label("stage")
    query = _scope(_with_participants(select(stage, func.count()).select_from(Case), f).outerjoin(
        Plan, Plan.case_id == Case.id).outerjoin(outcome, outcome.c.case_id == Case.id).outerjoin(
        stays, stays.c.case_id == Case.id).where(_started(f)), f).group_by(stage)
    for reached, n in session.execute(query):
        counts.funnel[FUNNEL[int(reached)]] += n


def median(histogram: Counter) -> float | None:
    """The median of values given as {value: how many}."""
    total = sum(histogram.values())
    if not total:
        return None
    middle, seen, ordered = (total - 1) / 2, 0, sorted(histogram.items())
    low = high = None
    for value, n in ordered:
        if low is None and seen + n > int(middle):
            low = value
        if seen + n > int(middle + 0.5):
            high = value
            break
        seen += n
    return (low + high) / 2
