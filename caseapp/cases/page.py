"""The case page, built for its viewer.

Everyone who may open a case (``case.view``) sees its metadata, the person's name and birth
year, outcomes, checkpoints and the timeline's dates and kinds. Contact details, guardians,
session notes, schools and workplaces, outcome notes, the plan's content and the handover note
need ``case.notes_view``: for a viewer without it they are not loaded, so not decrypted, and
not given to the template (``Page.sealed`` keeps them unloaded while the page is built and
rendered).
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from caseapp.cases import services
from caseapp.cases.models import Case
from caseapp.cases.timeline import Timeline, timeline
from caseapp.clock import local_now
from caseapp.contacts.models import Contact
from caseapp.crypto.fields import kept_sealed
from caseapp.handovers.models import Handover
from caseapp.messages.services import thread
from caseapp.outcomes.models import Outcome
from caseapp.outcomes.services import checkpoints_for, outcomes_for
from caseapp.participants.models import Guardian, Participant
from caseapp.plans.models import PlanVersion
from caseapp.plans.services import goal_texts, plan_for
from caseapp.transitions.models import Placement, Transition
from caseapp.transitions.services import placements_for
from consent.purposes import Purpose
from consent.services import valid_basis
from roles import Perm, can
from roles.handover import hidden_before

# What stays sealed for a viewer without case.notes_view: class -> encrypted columns loaded.
WITHOUT_DETAILS: dict[type, tuple[str, ...]] = {
    Case: (), Participant: ("given_name", "family_name"), Guardian: (), Contact: (),
    Outcome: (), Transition: (), Placement: (), PlanVersion: (), Handover: ()}


def case_unopened():
    """Load the case inside this with its own encrypted values (school or workplace) left
    unopened until the page knows whether its viewer may see them."""
    return kept_sealed({Case: ()})


@dataclass
class Details:
    """What only a viewer with ``case.notes_view`` gets."""
    handover_note: Handover | None
    goal_texts: dict[str, str]
    summary: dict


@dataclass
class Page:
    case: Case
    grounds: str | None
    details: Details | None
    basis: Any
    timeline: Timeline
    outcomes: list
    checkpoints: list
    may: dict[str, bool] = field(default_factory=dict)
    unread: int = 0

    def sealed(self):
        """Keep the protected values unloaded (while rendering) when the viewer may not see them."""
        return nullcontext() if self.details else kept_sealed(WITHOUT_DETAILS)

    def context(self) -> dict:
        """The template's variables."""
        details = self.details
        return dict(case=self.case, grounds=self.grounds, details=details is not None,
                    basis=self.basis, timeline=self.timeline, outcomes=self.outcomes,
                    checkpoints=self.checkpoints, today=local_now().date(),
                    handover_note=details.handover_note if details else None,
                    goal_texts=details.goal_texts if details else {},
                    summary=details.summary if details else None, unread=self.unread,
                    **{f"may_{name}": allowed for name, allowed in self.may.items()})


def build(session: Session, viewer, case: Case, grounds: str | None, *, page: int,
          per_page: int) -> Page:
    """The page of ``case`` for ``viewer`` (who may view it), with its opening audited."""
    shown = bool(can(viewer, Perm.CASE_NOTES_VIEW, case))
    may_message = bool(can(viewer, Perm.MESSAGE_WRITE, case))
    with nullcontext() if shown else kept_sealed(WITHOUT_DETAILS):
        plan = plan_for(session, case)
        if not shown:
            _load_related(session, case, plan)
        hidden = hidden_before(case, viewer)  # a receiver without the earlier history
        messages = thread(session, case, hidden) if may_message else []
        services.open_case(session, viewer, case, grounds, with_details=shown,
                           with_messages=bool(messages))
        outcomes = outcomes_for(session, case)
        checkpoints = checkpoints_for(session, case)
        placements = placements_for(session, case)
        events = timeline(session, case, hidden, page=page, plan=plan, outcomes=outcomes,
                          checkpoints=checkpoints, placements=placements, messages=messages,
                          per_page=per_page)
    details = Details(
        handover_note=next((h for h in reversed(case.handovers)
                            if h.to_worker_id == viewer.id and h.note), None),
        goal_texts=goal_texts(plan), summary=_summary(plan, placements)) if shown else None
    return Page(case=case, grounds=grounds, details=details,
                basis=valid_basis(session, case.participant_id, Purpose.FOLLOW_UP),
                timeline=events, outcomes=outcomes, checkpoints=checkpoints,
                unread=sum(1 for m in messages if m.from_participant and not m.read_at),
                may={"outcome": bool(can(viewer, Perm.OUTCOME_WRITE, case)),
                     "log": bool(can(viewer, Perm.CONTACT_WRITE, case)),
                     "message": may_message,
                     "update": bool(can(viewer, Perm.CASE_UPDATE, case))})


def _load_related(session: Session, case: Case, plan) -> None:
    """Load the person, the case's handovers and the plan's versions with queries of their
    own, so that ``kept_sealed`` applies (it does not reach a relationship's lazy load)."""
    set_committed_value(case, "participant", session.get(Participant, case.participant_id))
    set_committed_value(case, "handovers", session.scalars(
        select(Handover).where(Handover.case_id == case.id).order_by(Handover.created_at)).all())
    if plan is not None:
        set_committed_value(plan, "versions", session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan.id)
            .order_by(PlanVersion.number)).all())


def _summary(plan, placements) -> dict:
    """What the worker needs first on a phone: the plan's open goals and the current placement."""
    version = plan.current if plan else None
    goals = [g for g in version.content.goals if g.open] if version else []
    current = [p for p in placements if p.ended_on is None or p.ended_on >= local_now().date()]
    return {"goals": goals, "placement": current[-1] if current else None,
            "today": local_now().date(), "plan": version}
