"""Plain deadlines of open plan goals, so the coordinator's dashboard can count overdue goals
with SQL instead of decrypting every plan.

A plan version's goals are one encrypted JSON document. Each new version replaces its plan's
rows here with one row per open goal that has a target date: a date and a stable goal key, no
text. An ORM event keeps the rows in step, like the blind index of participants
(``caseapp.participants.lookup``), so no writer of plan versions can forget them.
"""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, delete, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from caseapp.extensions import db
from caseapp.plans.models import Plan, PlanVersion


class GoalDeadline(db.Model):
    __tablename__ = "plan_goal_deadlines"
    # The dashboard asks "has this case an open goal past its date?" once per case.
    __table_args__ = (Index("ix_plan_goal_deadlines_case_target", "case_id", "target_date"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    goal_key: Mapped[str] = mapped_column(String(40))
    target_date: Mapped[date]

    plan: Mapped[Plan] = relationship()


def deadlines_of(plan: Plan, version: PlanVersion) -> list[GoalDeadline]:
    """One row per open goal of ``version`` that has a target date."""
    case_id = plan.case_id if plan.case_id is not None else plan.case.id
    return [GoalDeadline(plan=plan, case_id=case_id, participant_id=version.participant_id,
                         goal_key=goal.key, target_date=goal.target_date)
            for goal in version.content.goals if goal.open and goal.target_date is not None]


@event.listens_for(Session, "before_flush")
def _maintain_deadlines(session: Session, flush_context, instances) -> None:
    newest: dict[int, PlanVersion] = {}  # per plan, the newest version added in this flush
    for version in [o for o in session.new if isinstance(o, PlanVersion)]:
        if version.plan is None:  # not attached to a plan (yet): nothing to index
            continue
        known = newest.get(id(version.plan))
        if known is None or version.number > known.number:
            newest[id(version.plan)] = version
    for version in newest.values():
        plan = version.plan
        if inspect(plan).persistent:
            with session.no_autoflush:
                session.execute(delete(GoalDeadline).where(GoalDeadline.plan_id == plan.id))
        session.add_all(deadlines_of(plan, version))


def reindex_deadlines(session: Session, batch: int = 200) -> int:
    """Rebuild every plan's rows from its current version (for plans saved before migration
    0007_dash, or after a restore). Decrypts each current version once; returns the plans
    indexed. The caller commits."""
    done, offset = 0, 0
    while True:
        plans = list(session.scalars(select(Plan).order_by(Plan.id).offset(offset).limit(batch)
                                     .options(selectinload(Plan.versions))))
        if not plans:
            return done
        for plan in plans:
            session.execute(delete(GoalDeadline).where(GoalDeadline.plan_id == plan.id))
            if plan.current is not None:
                session.add_all(deadlines_of(plan, plan.current))
            done += 1
        session.flush()
        offset += batch
