"""The case page's timeline: sessions, plan versions, transitions, placements, outcomes,
consent events and messages in one list, newest first.

A long follow-up has hundreds of sessions; the page shows them a page at a time (the newest
``per_page`` first) with the other events of the same period, so the page's cost does not
grow with the history. Every event belongs to exactly one page: a page holds its sessions and
the other events from its oldest session up to (not including) the previous page's oldest
session; the first page has no upper bound, the last no lower one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.cases.models import Case
from caseapp.contacts.models import Contact
from caseapp.transitions.services import transitions_for
from consent.services import records_for


@dataclass
class Entry:
    at: datetime
    kind: str
    item: Any


@dataclass
class Timeline:
    entries: list[Entry]
    page: int = 1
    pages: int = 1
    sessions: int = 0  # sessions the viewer may see, on all pages
    first: int = 0  # the page's sessions are numbers first..last of ``sessions``, newest = 1
    last: int = 0

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def _day(value: date) -> datetime:
    return datetime.combine(value, time())


def _visible(case: Case, hide_sessions_before: datetime | None) -> list:
    conditions = [Contact.case_id == case.id]
    if hide_sessions_before is not None:
        conditions.append(Contact.created_at > hide_sessions_before)
    return conditions


def timeline(session: Session, case: Case, hide_sessions_before: datetime | None = None, *,
             plan, outcomes: list, checkpoints: list, placements: list, messages: list = (),
             page: int = 1, per_page: int = 50) -> Timeline:
    """``hide_sessions_before``: a receiver of a cross-organisation handover does not see the
    earlier sessions. ``plan``, ``outcomes`` and ``checkpoints``: as the page loaded them
    (``plan_for``, ``outcomes_for``, ``checkpoints_for``, ``placements_for``), so they are read
    once; ``messages``: the case's messages, for a viewer who may read them."""
    visible = _visible(case, hide_sessions_before)
    total = session.scalar(select(func.count(Contact.id)).where(*visible))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    # On a later page, one session more: the previous page's oldest, which bounds this page.
    rows = list(session.scalars(
        select(Contact).where(*visible).order_by(Contact.occurred_at.desc(), Contact.created_at.desc(),
                                Contact.id.desc())
        .offset(start - 1 if page > 1 else 0).limit(per_page + (1 if page > 1 else 0))))
    newer_bound = rows.pop(0).occurred_at if page > 1 else None
    older_bound = rows[-1].occurred_at if rows and page < pages else None

    def on_page(at: datetime) -> bool:
        return ((older_bound is None or at >= older_bound)
                and (newer_bound is None or at < newer_bound))

    others = [Entry(_day(case.started_on), "started", case)]
    others += [Entry(v.saved_at, "plan_version", v) for v in (plan.versions if plan else [])]
    others += [Entry(_day(t.transition_date), "transition", t)
               for t in transitions_for(session, case)]
    others += [Entry(_day(p.started_on), "placement", p) for p in placements]
    others += [Entry(_day(o.occurred_on), "outcome", o) for o in outcomes]
    others += [Entry(c.answered_at, "checkpoint", c) for c in checkpoints if c.answered_at]
    others += [Entry(m.sent_at, "message", m) for m in messages]
    for record in records_for(session, case.participant_id):
        others.append(Entry(record.valid_from, "consent_granted", record))
        if record.withdrawn_at:
            others.append(Entry(record.withdrawn_at, "consent_withdrawn", record))
    if case.ended_on:
        others.append(Entry(_day(case.ended_on), "closed", case))
    entries = [Entry(c.occurred_at, "contact", c) for c in rows]
    entries += [e for e in others if on_page(e.at)]
    return Timeline(sorted(entries, key=lambda e: e.at, reverse=True), page=page, pages=pages,
                    sessions=total, first=start + 1 if rows else 0, last=start + len(rows))
