"""Recording, correcting and ending transitions and placements; each needs a valid basis for
follow-up, and a correction keeps the earlier state in the record's history."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import LABELS, Case
from caseapp.editing import Refused, require_follow_up
from caseapp.revisions.services import as_date, revise
from caseapp.transitions.models import Placement, Transition

CATEGORIES = ("placement",)
# What a history shows of each revision: (field, label, how to show the value).
TRANSITION_FIELDS = (
    ("from_school", _l("From school"), None), ("from_grade", _l("From grade or programme"), None),
    ("to_school", _l("To school"), None), ("to_programme", _l("To education programme"), None),
    ("transition_date", _l("Date of the transition"), as_date),
    ("hospitation_days", _l("Hospitation days"), None),
)
PLACEMENT_FIELDS = (
    ("workplace", _l("Workplace"), None), ("trade", _l("Trade"), lambda t: LABELS.get(t, t)),
    ("started_on", _l("Starts"), as_date), ("ended_on", _l("Ends"), as_date),
    ("hours_per_week", _l("Hours per week"), None),
    ("workplace_contact", _l("Contact at the workplace"), None),
)


class MoveError(Refused):
    """The transition or placement cannot be saved."""


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def transition_values(*, from_school: str, from_grade: str | None, to_school: str,
                      to_programme: str | None, transition_date: date,
                      hospitation_days: int | None) -> dict:
    """A transition's columns from the form's values (blank optional texts as none)."""
    return {"from_school": from_school.strip(), "from_grade": _text(from_grade),
            "to_school": to_school.strip(), "to_programme": _text(to_programme),
            "transition_date": transition_date, "hospitation_days": hospitation_days}


def placement_values(*, workplace: str, trade: str, started_on: date, ended_on: date | None,
                     hours_per_week: int | None, workplace_contact: str | None) -> dict:
    """A placement's columns from the form's values (blank optional texts as none)."""
    return {"workplace": workplace.strip(), "trade": trade, "started_on": started_on,
            "ended_on": ended_on, "hours_per_week": hours_per_week,
            "workplace_contact": _text(workplace_contact)}


def _audit(action: str, actor: User, item, grounds: str | None) -> None:
    audit.record(action, actor=actor, object_type=item.__tablename__, object_id=item.id,
                 subject_id=item.participant_id, categories=CATEGORIES, grounds=grounds)


def _save(session: Session, actor: User, case: Case, item, action: str, grounds: str | None):
    require_follow_up(session, case.participant_id, MoveError)
    session.add(item)
    session.flush()
    _audit(action, actor, item, grounds)
    return item


def record_transition(session: Session, actor: User, case: Case, *, grounds: str | None = None,
                      **fields) -> Transition:
    item = Transition(case_id=case.id, participant_id=case.participant_id,
                      created_by_id=actor.id, **transition_values(**fields))
    return _save(session, actor, case, item, "transition.create", grounds)


def record_placement(session: Session, actor: User, case: Case, *, grounds: str | None = None,
                     **fields) -> Placement:
    item = Placement(case_id=case.id, participant_id=case.participant_id,
                     created_by_id=actor.id, **placement_values(**fields))
    return _save(session, actor, case, item, "placement.create", grounds)


def correct(session: Session, actor: User, item: Transition | Placement, changes: dict, *,
            version: int, grounds: str | None = None, action: str = "corrected"):
    """Rectify a transition or placement (Art. 16), or end a placement (``action="ended"``);
    the earlier state stays in its history. A stale ``version`` raises ``StaleRecord``."""
    require_follow_up(session, item.participant_id, MoveError)
    revise(session, actor, item, changes, version=version, action=action)
    _audit(f"{item.object_type}.{'end' if action == 'ended' else 'correct'}", actor, item, grounds)
    return item


def end_placement(session: Session, actor: User, placement: Placement, ended_on: date, *,
                  version: int, grounds: str | None = None) -> Placement:
    """The placement ended on ``ended_on`` (it ran on until now)."""
    if ended_on < placement.started_on:
        raise MoveError([_("The end date must be after the start date.")])
    return correct(session, actor, placement, {"ended_on": ended_on}, version=version,
                   grounds=grounds, action="ended")


def transitions_for(session: Session, case: Case) -> list[Transition]:
    return list(session.scalars(select(Transition).where(Transition.case_id == case.id)
                                .order_by(Transition.transition_date)))


def placements_for(session: Session, case: Case) -> list[Placement]:
    return list(session.scalars(select(Placement).where(Placement.case_id == case.id)
                                .order_by(Placement.started_on)))
