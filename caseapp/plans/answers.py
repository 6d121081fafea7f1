"""The young person's own answer to their plan: "Jeg er enig" (agree) or not, with a comment
to the worker. Each answer is a new state of the plan version (``PlanAnswer``) with the time
and the channel; it replaces the worker's tick "agreed with the person" for that version.
Like every other write about the person it needs a valid basis for follow-up."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

import audit
from caseapp.cases.models import CaseStatus
from caseapp.clock import now
from caseapp.editing import require_follow_up
from caseapp.participants.models import Participant
from caseapp.plans.models import Channel, PlanAnswer, PlanVersion
from caseapp.plans.services import PLAN_CATEGORIES, PlanError

COMMENT_MAX = 1000


def _answer(session: Session, participant: Participant, version: PlanVersion, *, agreed: bool,
            comment: str | None, channel: str) -> PlanAnswer:
    if version.participant_id != participant.id:
        raise PermissionError("not the person's own plan")  # a caller's bug, never shown
    if version.plan.current is not version:
        raise PlanError([_("The plan has changed since you opened it. Read the new version "
                           "before you answer.")])
    if version.plan.case.status == CaseStatus.CLOSED.value:
        raise PlanError([_("The follow-up has ended, so the plan can no longer be answered.")])
    require_follow_up(session, participant.id, PlanError)
    answer = PlanAnswer(participant_id=participant.id, agreed=agreed,
                        channel=Channel(channel).value, comment=comment, answered_at=now())
    version.answers.append(answer)
    session.flush()
    audit.record("plan.agree" if agreed else "plan.disagree", actor=participant,
                 object_type="plan", object_id=version.plan_id, subject_id=participant.id,
                 categories=PLAN_CATEGORIES, grounds="own_data",
                 details={"version": version.number, "channel": answer.channel})
    return answer


def agree(session: Session, participant: Participant, plan_version: PlanVersion,
          channel: str = Channel.DIGITAL.value) -> PlanAnswer:
    """The person agrees to ``plan_version`` (which must be the plan's current version)."""
    return _answer(session, participant, plan_version, agreed=True, comment=None,
                   channel=channel)


def disagree(session: Session, participant: Participant, plan_version: PlanVersion,
             comment: str, channel: str = Channel.DIGITAL.value) -> PlanAnswer:
    """The person does not agree; ``comment`` (what they want changed) goes to the worker."""
    comment = (comment or "").strip()
    if not comment:
        raise PlanError([_("Write what you want changed, so your worker knows.")])
    if len(comment) > COMMENT_MAX:
        raise PlanError([_("The comment can be at most %(max)d characters.", max=COMMENT_MAX)])
    return _answer(session, participant, plan_version, agreed=False, comment=comment,
                   channel=channel)
