"""Saving and reading follow-up plans. Saving always adds a version; nothing is overwritten."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import now
from caseapp.editing import Refused, check_special_categories, require_follow_up
from caseapp.plans.models import Goal, Plan, PlanContent, PlanVersion
from caseapp.refusals import Conflict

PLAN_CATEGORIES = ("plan",)


class PlanError(Refused):
    """The plan cannot be saved."""


class StalePlan(Conflict):
    """Someone saved a newer version after the user opened the plan; nothing was saved."""


def plan_for(session: Session, case: Case) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.case_id == case.id))


def new_goal_key() -> str:
    return uuid.uuid4().hex


def save_plan(session: Session, actor: User, case: Case, content: PlanContent, *,
              review_date: date | None, agreed: bool, version: int,
              grounds: str | None = None, confirmed: bool = False) -> PlanVersion:
    """Add a version. ``version`` is the number the user opened (0 for a new plan). Texts
    that seem to mention special categories are checked and tagged as session notes are."""
    if case.status == CaseStatus.CLOSED.value:
        raise PlanError([_("The case is closed. The plan can no longer be changed.")])
    require_follow_up(session, case.participant_id, PlanError)
    plan = plan_for(session, case)
    special = check_special_categories(
        session, case.participant_id, [g.text for g in content.goals] +
        [m.text for m in content.measures], confirmed=confirmed, refusal=PlanError,
        known=plan.current.special_codes if plan and plan.current else ())
    current = plan.current.number if plan and plan.current else 0
    if version != current:
        raise StalePlan()
    if plan is None:
        plan = Plan(case_id=case.id, participant_id=case.participant_id, version=1)
        session.add(plan)
        try:
            session.flush()
        except IntegrityError:  # another first version won (one plan per case)
            raise StalePlan() from None
    else:
        claimed = session.execute(update(Plan).where(Plan.id == plan.id, Plan.version == current)
                                  .values(version=current + 1)
                                  .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # a concurrent save won between our check and our write
            raise StalePlan()  # nothing saved; the conflict page reads the winner's version
        session.expire(plan, ["version"])
    saved = PlanVersion(participant_id=case.participant_id, number=current + 1,
                        content_json=content.to_json(), review_date=review_date,
                        agreed_by_participant=agreed, saved_by_id=actor.id, saved_at=now(),
                        special_categories=",".join(special))
    plan.versions.append(saved)
    session.flush()
    audit.record("plan.save", actor=actor, object_type="plan", object_id=plan.id,
                 subject_id=case.participant_id, categories=PLAN_CATEGORIES, grounds=grounds,
                 details={"version": saved.number, "agreed": agreed})
    return saved


def show_plan(session: Session, actor: User, case: Case, action: str = "plan.view",
              grounds: str | None = None) -> Plan | None:
    """The case's plan for display (audited when there is one)."""
    plan = plan_for(session, case)
    if plan is not None:
        audit.record(action, actor=actor, object_type="plan", object_id=plan.id,
                     subject_id=case.participant_id, categories=PLAN_CATEGORIES, grounds=grounds)
    return plan


@dataclass
class Change:
    kind: str  # goal_added, goal_removed, goal_status, goal_changed, measures_changed, review_date
    text: str = ""
    old: str = ""
    new: str = ""


def changes(before: PlanVersion | None, after: PlanVersion) -> list[Change]:
    """What ``after`` changed compared with ``before``, goal by goal."""
    old = {g.key: g for g in (before.content.goals if before else [])}
    new = {g.key: g for g in after.content.goals}
    found: list[Change] = []
    for key, goal in new.items():
        if key not in old:
            found.append(Change("goal_added", goal.text))
        elif old[key].status != goal.status:
            found.append(Change("goal_status", goal.text, old[key].status, goal.status))
        elif (old[key].text, old[key].target_date) != (goal.text, goal.target_date):
            found.append(Change("goal_changed", goal.text))
    found += [Change("goal_removed", goal.text) for key, goal in old.items() if key not in new]
    if before and [vars(m) for m in before.content.measures] != [vars(m) for m in after.content.measures]:
        found.append(Change("measures_changed"))
    if before and before.review_date != after.review_date:
        found.append(Change("review_date"))
    return found


def overdue_goals(plan: Plan | None, today: date) -> list[Goal]:
    if plan is None or plan.current is None:
        return []
    return [goal for goal in plan.current.content.goals if goal.overdue(today)]


def goal_texts(plan: Plan | None) -> dict[str, str]:
    """Goal key → text over all versions (the latest wording wins), for linked sessions."""
    texts: dict[str, str] = {}
    for version in (plan.versions if plan else []):
        texts.update({goal.key: goal.text for goal in version.content.goals})
    return texts
