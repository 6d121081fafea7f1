"""Correcting a record with history and conflict protection, and reading its history.

The same rules as for sessions (``caseapp.contacts``): the user posts the version they opened;
if someone saved in between, nothing is written and ``StaleRecord`` is raised. A record that
was never corrected has no revisions yet: its first correction first keeps the state as
registered (revision 1), so the history always starts with the original.
"""
from __future__ import annotations

from datetime import date

from flask_babel import format_date
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import audit
from caseapp.accounts.models import User
from caseapp.clock import now
from caseapp.refusals import Conflict
from caseapp.revisions.models import RecordRevision, Revised


class StaleRecord(Conflict):
    """Someone else saved the record after the user opened it; nothing was saved."""


def _revisions(session: Session, record) -> list[RecordRevision]:
    return list(session.scalars(select(RecordRevision).where(
        RecordRevision.record_type == record.__tablename__, RecordRevision.record_id == record.id)
        .order_by(RecordRevision.number)))


def _revision(record: Revised, number: int, action: str, by_id, at) -> RecordRevision:
    return RecordRevision(record_type=record.__tablename__, record_id=record.id,
                          participant_id=record.participant_id, number=number, action=action,
                          content=record.state(), saved_by_id=by_id, saved_at=at)


def revise(session: Session, actor: User, record: Revised, changes: dict, *, version: int,
           action: str = "corrected") -> None:
    """Apply ``changes`` to ``record`` as a new revision; the earlier state stays in the
    history. The caller checks access and basis, and audits."""
    if version != record.version:
        raise StaleRecord()
    with session.no_autoflush:
        count = session.scalar(select(func.count(RecordRevision.id)).where(
            RecordRevision.record_type == record.__tablename__,
            RecordRevision.record_id == record.id))
    if count == 0:  # never corrected: keep the state as registered first
        by_field, at_field = record.author_fields
        session.add(_revision(record, 1, "created", getattr(record, by_field),
                              getattr(record, at_field)))
        count = 1
    for name, value in changes.items():
        setattr(record, name, value)
    session.add(_revision(record, count + 1, action, actor.id, now()))
    try:
        session.flush()
    except StaleDataError:  # a concurrent save won between our check and our write
        raise StaleRecord() from None


def history(session: Session, actor: User, record: Revised, *, grounds: str | None,
            categories) -> list[RecordRevision]:
    """Every saved state, oldest first (a record never corrected: its state as registered);
    opening it is audited."""
    audit.record(f"{record.object_type}.history_view", actor=actor,
                 object_type=record.object_type, object_id=record.id,
                 subject_id=record.participant_id, categories=categories, grounds=grounds)
    revisions = _revisions(session, record)
    if revisions:
        return revisions
    by_field, at_field = record.author_fields
    original = _revision(record, 1, "created", getattr(record, by_field), getattr(record, at_field))
    original.saved_by = session.get(User, getattr(record, by_field))
    return [original]


def newer_than(session: Session, record, opened: int) -> list[RecordRevision]:
    """The revisions saved after the version the user opened (for the conflict message)."""
    return [r for r in _revisions(session, record) if r.number > opened]


def as_date(value: str) -> str:
    """A date kept in a revision, shown the local way."""
    return format_date(date.fromisoformat(value))


def shown(revisions: list[RecordRevision], fields) -> list[tuple[RecordRevision, list]]:
    """Each revision with its (label, text) rows; ``fields``: (name, label, show or None)."""
    return [(revision, [(label, show(value) if show else str(value))
                        for name, label, show in fields
                        if (value := revision.values.get(name)) not in (None, "")])
            for revision in revisions]
