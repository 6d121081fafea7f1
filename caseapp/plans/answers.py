"""The young person's own answer to their plan: "Jeg er enig" (agree) or not, with a comment
to the worker. Each answer is a new state of the plan version (``PlanAnswer``) with the time
and the channel; it replaces the worker's tick "agreed with the person" for that version.
Like every other write about the person it needs a valid basis for follow-up."""
from __future__ import annotations

import uuid
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import now
from caseapp.editing import require_follow_up
from caseapp.messages.models import Message, Sender
from caseapp.participants.models import Participant
from caseapp.plans.models import Channel, Plan, PlanAnswer, PlanVersion
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
        raise PlanError([_("Write what you want changed, so your contact person knows.")])
    if len(comment) > COMMENT_MAX:
        raise PlanError([_("The comment can be at most %(max)d characters.", max=COMMENT_MAX)])
    return _answer(session, participant, plan_version, agreed=False, comment=comment,
                   channel=channel)


def open_disagreements_for_worker(session: Session, worker: User) -> dict[uuid.UUID, datetime]:
    """Per case the worker is responsible for (open or closed): when the young person said they
    do not agree with the plan, while that disagreement still waits for the worker ("Mine
    saker" flags it, as it flags unread messages). One query over plain columns: the comment
    stays sealed.

    The rule, from what is stored (no separate "seen" mark exists):

    - the disagreement is the latest answer (``PlanAnswer``, ``agreed`` false) to the plan's
      current version (``PlanVersion.number == Plan.version``), as ``PlanVersion.agreed`` reads
      it; a later "Jeg er enig" to the same version ends it;
    - the worker has answered it when they saved a new version of the plan (the answered
      version is then no longer current) or when a worker wrote a message in the case after
      the answer (``Message.sent_at`` later than ``PlanAnswer.answered_at``): the thread is where
      the worker tells the person what happens with their comment. Opening the plan alone does
      not end it: the flag says something is still owed to the young person."""
    later = aliased(PlanAnswer)
    rows = session.execute(
        select(Case.id, PlanAnswer.answered_at)
        .join(Plan, Plan.case_id == Case.id)
        .join(PlanVersion, (PlanVersion.plan_id == Plan.id) & (PlanVersion.number == Plan.version))
        .join(PlanAnswer, PlanAnswer.plan_version_id == PlanVersion.id)
        .where(Case.worker_id == worker.id, PlanAnswer.agreed.is_(False),
               ~exists().where(later.plan_version_id == PlanAnswer.plan_version_id,
                               later.answered_at > PlanAnswer.answered_at),
               ~exists().where(Message.case_id == Case.id,
                               Message.sender == Sender.WORKER.value,
                               Message.sent_at > PlanAnswer.answered_at)))
    return {case_id: answered_at for case_id, answered_at in rows}
