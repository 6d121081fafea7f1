"""Recording transitions and placements; each needs a valid basis for follow-up."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.editing import Refused, require_follow_up
from caseapp.transitions.models import Placement, Transition


class MoveError(Refused):
    """The transition or placement cannot be saved."""


def _save(session: Session, actor: User, case: Case, item, action: str, grounds: str | None):
    require_follow_up(session, case.participant_id, MoveError)
    session.add(item)
    session.flush()
    audit.record(action, actor=actor, object_type=item.__tablename__, object_id=item.id,
                 subject_id=case.participant_id, categories=["placement"], grounds=grounds)
    return item


def record_transition(session: Session, actor: User, case: Case, *, from_school: str,
                      from_grade: str | None, to_school: str, to_programme: str | None,
                      transition_date: date, hospitation_days: int | None,
                      grounds: str | None = None) -> Transition:
    item = Transition(case_id=case.id, participant_id=case.participant_id,
                      from_school=from_school.strip(), from_grade=(from_grade or "").strip() or None,
                      to_school=to_school.strip(), to_programme=(to_programme or "").strip() or None,
                      transition_date=transition_date, hospitation_days=hospitation_days,
                      created_by_id=actor.id)
    return _save(session, actor, case, item, "transition.create", grounds)


def record_placement(session: Session, actor: User, case: Case, *, workplace: str, trade: str,
                     started_on: date, ended_on: date | None, hours_per_week: int | None,
                     workplace_contact: str | None, grounds: str | None = None) -> Placement:
    item = Placement(case_id=case.id, participant_id=case.participant_id,
                     workplace=workplace.strip(), trade=trade, started_on=started_on,
                     ended_on=ended_on, hours_per_week=hours_per_week,
                     workplace_contact=(workplace_contact or "").strip() or None,
                     created_by_id=actor.id)
    return _save(session, actor, case, item, "placement.create", grounds)


def transitions_for(session: Session, case: Case) -> list[Transition]:
    return list(session.scalars(select(Transition).where(Transition.case_id == case.id)
                                .order_by(Transition.transition_date)))


def placements_for(session: Session, case: Case) -> list[Placement]:
    return list(session.scalars(select(Placement).where(Placement.case_id == case.id)
                                .order_by(Placement.started_on)))
