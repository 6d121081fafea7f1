"""Outcome statistics for a period: raw counts from aggregate SQL over plain columns.

Nothing here decrypts or loops over people: every query groups in the database and returns
at most a few hundred rows (one per programme, track, unit, code, …). Each count comes as a
``Tally``: the number of cases and the sum of their record keys (``cases.record_key``), which
``caseapp.reports.cellkey`` turns into the published figure. The counts are *not* for
publishing; ``caseapp.reports.tables`` publishes them through the cell-key method.

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
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from caseapp.cases.models import Case
from caseapp.outcomes.models import Checkpoint, Outcome
from caseapp.participants.models import Participant
from caseapp.plans.models import Plan
from caseapp.reports import ot
from caseapp.reports.cellkey import Tally

Track = tuple[str, str]  # (programme, track)


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    unit_ids: tuple[uuid.UUID, ...] = ()  # only these units (none given: nothing counts)
    programme: str | None = None
    track: str | None = None
    minority: bool | None = None  # only (not) minority-language background


def _tallies() -> defaultdict:
    return defaultdict(Tally)


@dataclass
class Counts:
    followed: dict = field(default_factory=_tallies)  # (track, unit_id, status) -> Tally
    started: dict = field(default_factory=_tallies)  # (track, minority) -> Tally
    first_outcome: dict = field(default_factory=_tallies)  # (track, code) -> Tally
    latest_outcome: dict = field(default_factory=_tallies)  # (track, code) -> Tally
    days_to_first: dict[Track, Counter] = field(default_factory=dict)  # track -> {days: n}
    checkpoints: dict = field(default_factory=_tallies)  # (months, answer) -> Tally
    # (has a plan, has an outcome, in work or education at 12 months) -> Tally (started cases)
    funnel: dict = field(default_factory=_tallies)
    ot: dict = field(default_factory=_tallies)  # (OT code at ``to``, unit_id, county) -> Tally


ACTIVE, CLOSED = "active", "closed"
YES, NO, OPEN = "yes", "no", "open"  # still in work or education / not / not answered yet
FUNNEL = ("started", "plan", "outcome", "stays")  # each stage counted on its own


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
    _ot(session, f, counts)
    return counts


def _flag(condition):
    return case((condition, 1), else_=0)


def _keys(condition=None):
    """The sum of the record keys of the rows (meeting ``condition``): a cell's key."""
    if condition is None:
        return func.coalesce(func.sum(Case.record_key), 0)
    return func.coalesce(func.sum(case((condition, Case.record_key), else_=0)), 0)


def _followed_and_started(session: Session, f: Filters, counts: Counts) -> None:
    is_closed = and_(Case.ended_on.is_not(None), Case.ended_on <= f.date_to)
    query = _scope(select(
        Case.programme, Case.track, Case.unit_id, Participant.minority_language,
        func.sum(case((is_closed, 1), else_=0)), func.count(),
        func.sum(case((_started(f), 1), else_=0)),
        _keys(is_closed), _keys(), _keys(_started(f)),
    ).join(Participant, Participant.id == Case.participant_id).where(_followed(f)), f).group_by(
        Case.programme, Case.track, Case.unit_id, Participant.minority_language)
    for (programme, track, unit_id, minority, closed, followed, started,
         closed_keys, followed_keys, started_keys) in session.execute(query):
        key = (programme, track)
        closed = Tally(int(closed or 0), int(closed_keys))
        counts.followed[(key, unit_id, CLOSED)] += closed
        counts.followed[(key, unit_id, ACTIVE)] += Tally(int(followed), int(followed_keys)) - closed
        counts.started[(key, bool(minority))] += Tally(int(started or 0), int(started_keys))


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
        Case.record_key,
    ).select_from(Case).join(per_case, per_case.c.case_id == Case.id), f).where(_followed(f)),
        f).cte("case_outcomes")
    codes = select(literal("codes").label("kind"), rows.c.programme, rows.c.track, rows.c.first,
                   rows.c.latest, literal(0).label("days"), func.count().label("n"),
                   func.sum(rows.c.record_key).label("keys")).group_by(
        rows.c.programme, rows.c.track, rows.c.first, rows.c.latest)
    days = select(literal("days"), rows.c.programme, rows.c.track, literal(""), literal(""),
                  rows.c.days, func.count(), literal(0)).group_by(rows.c.programme, rows.c.track,
                                                                  rows.c.days)
    for kind, programme, track, first, latest, d, n, keys in session.execute(
            union_all(codes, days)):
        if kind == "codes":
            tally = Tally(int(n), int(keys))
            counts.first_outcome[((programme, track), first)] += tally
            counts.latest_outcome[((programme, track), latest)] += tally
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
        Checkpoint.months, answer.label("answer"), func.count(), _keys()).select_from(
        Checkpoint).join(Case, Case.id == Checkpoint.case_id), f).where(
        Checkpoint.due_on >= f.date_from, Checkpoint.due_on <= f.date_to), f)
    for months, value, n, keys in session.execute(query.group_by(Checkpoint.months, answer)):
        counts.checkpoints[(months, value)] += Tally(int(n), int(keys))


def _funnel(session: Session, f: Filters, counts: Counts) -> None:
    """Cases started in the period, by whether they have a plan, an outcome (up to ``to``) and
    a 12-month answer "in work or education" — each on its own, not nested (outer joins, not
    EXISTS per row, so the database can hash them)."""
    outcome = select(Outcome.case_id).where(Outcome.occurred_on <= f.date_to).distinct().subquery()
    stays = select(Checkpoint.case_id).where(Checkpoint.months == 12,
                                             Checkpoint.still_active.is_(True)).distinct().subquery()
    flags = [case((column.is_not(None), literal(1)), else_=literal(0)).label(name)
             for name, column in (("plan", Plan.case_id), ("outcome", outcome.c.case_id),
                                  ("stays", stays.c.case_id))]
    query = _scope(_with_participants(select(*flags, func.count(), _keys()).select_from(Case),
                                      f).outerjoin(
        Plan, Plan.case_id == Case.id).outerjoin(outcome, outcome.c.case_id == Case.id).outerjoin(
        stays, stays.c.case_id == Case.id).where(_started(f)), f).group_by(*flags)
    for plan, has_outcome, stays_on, n, keys in session.execute(query):
        counts.funnel[(bool(plan), bool(has_outcome), bool(stays_on))] += Tally(int(n), int(keys))


def _ot(session: Session, f: Filters, counts: Counts) -> None:
    """The cases followed in the period by their OT status at ``to`` (``caseapp.reports.ot``),
    unit and county (the home municipality number's first two digits): grouped by what decides
    the status — ended by ``to``, declined, the latest outcome — then mapped here."""
    per_case = _per_case_outcomes(f)
    closed = and_(Case.ended_on.is_not(None), Case.ended_on <= f.date_to)
    declined = and_(closed, Case.end_reason == "declined")
    county = func.substr(func.coalesce(Participant.home_municipality, ""), 1, 2)
    latest = func.substr(per_case.c.latest_key, 12)
    groups = (Case.unit_id, county, _flag(closed), _flag(declined), latest)
    query = _scope(select(*groups, func.count(), _keys()).select_from(Case).join(
        Participant, Participant.id == Case.participant_id).outerjoin(
        per_case, per_case.c.case_id == Case.id).where(_followed(f)), f).group_by(*groups)
    for unit_id, prefix, is_closed, is_declined, code, n, keys in session.execute(query):
        code = ot.status(bool(is_closed), bool(is_declined), code or None)
        counts.ot[(code, unit_id, ot.county(prefix))] += Tally(int(n), int(keys))


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
