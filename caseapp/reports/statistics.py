"""Outcome statistics for a period: raw counts from aggregate SQL over plain columns.

Nothing here decrypts or loops over people: every query groups in the database and returns
at most a few hundred rows (one per programme, track, unit, code, …). The counts are *not*
for publishing; ``caseapp.reports.tables`` suppresses them first.

Counting unit: a follow-up course (a case). A person followed in two tracks counts in both.
In the period [from, to]:
  followed  started on or before ``to`` and not ended before ``from``;
  started   started in the period;      closed  ended in the period;
  active    followed and not ended by ``to`` (followed = active + closed).
Outcomes dated up to ``to`` count; "first" and "latest" are per case by date.
Checkpoints count when they fall due in the period.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, literal, or_, select, true
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
    unit_ids: tuple[uuid.UUID, ...] = ()  # empty: every unit (commands only)
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
    if f.unit_ids:
        query = query.where(Case.unit_id.in_(f.unit_ids))
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
        return func.cast(func.julianday(end) - func.julianday(start), Participant.birth_year.type)
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


def _ranked_outcomes(f: Filters):
    """Each outcome up to ``to`` with its rank from the first and from the latest in its case."""
    first = func.row_number().over(partition_by=Outcome.case_id,
                                   order_by=(Outcome.occurred_on, Outcome.recorded_at, Outcome.id))
    latest = func.row_number().over(
        partition_by=Outcome.case_id,
        order_by=(Outcome.occurred_on.desc(), Outcome.recorded_at.desc(), Outcome.id.desc()))
    return select(Outcome.case_id, Outcome.code, Outcome.occurred_on,
                  first.label("first"), latest.label("latest")).where(
        Outcome.occurred_on <= f.date_to).subquery()


def _outcomes(session: Session, f: Filters, counts: Counts) -> None:
    ranked = _ranked_outcomes(f)

    def grouped(*columns, where):
        query = select(Case.programme, Case.track, *columns, func.count()).select_from(Case).join(
            ranked, ranked.c.case_id == Case.id).join(
            Participant, Participant.id == Case.participant_id).where(_followed(f), where)
        return session.execute(_scope(query, f).group_by(Case.programme, Case.track, *columns))

    for programme, track, code, n in grouped(ranked.c.code, where=ranked.c.first == 1):
        counts.first_outcome[((programme, track), code)] += n
    for programme, track, code, n in grouped(ranked.c.code, where=ranked.c.latest == 1):
        counts.latest_outcome[((programme, track), code)] += n
    days = _days_between(session, Case.started_on, ranked.c.occurred_on).label("days")
    for programme, track, d, n in grouped(days, where=ranked.c.first == 1):
        counts.days_to_first.setdefault((programme, track), Counter())[int(d)] += n


def _checkpoints(session: Session, f: Filters, counts: Counts) -> None:
    answer = case((Checkpoint.answered_at.is_(None), literal(OPEN)),
                  (Checkpoint.still_active.is_(True), literal(YES)), else_=literal(NO))
    query = _scope(select(Checkpoint.months, answer.label("answer"), func.count()).select_from(
        Checkpoint).join(Case, Case.id == Checkpoint.case_id).join(
        Participant, Participant.id == Case.participant_id).where(
        Checkpoint.due_on >= f.date_from, Checkpoint.due_on <= f.date_to), f)
    for months, value, n in session.execute(query.group_by(Checkpoint.months, answer)):
        counts.checkpoints[(months, value)] += n


def _funnel(session: Session, f: Filters, counts: Counts) -> None:
    """Cases started in the period, by the furthest stage reached."""
    has_plan = exists().where(Plan.case_id == Case.id)
    has_outcome = exists().where(Outcome.case_id == Case.id, Outcome.occurred_on <= f.date_to)
    stays = exists().where(Checkpoint.case_id == Case.id, Checkpoint.months == 12,
                           Checkpoint.still_active.is_(True))
    stage = case((and_(has_plan, has_outcome, stays), literal(3)),
                 (and_(has_plan, has_outcome), literal(2)), (has_plan, literal(1)),
                 else_=literal(0))
    inner = _scope(select(stage.label("stage")).select_from(Case).join(
        Participant, Participant.id == Case.participant_id).where(_started(f), true()), f).subquery()
    for reached, n in session.execute(select(inner.c.stage, func.count()).group_by(inner.c.stage)):
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
