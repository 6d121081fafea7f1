"""Recording outcomes, closing a case (with an outcome and checkpoints) and answering
checkpoints. Every write needs a valid basis for follow-up."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, null, select
from sqlalchemy.orm import Session, joinedload

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.cases.services import StaleCase, flush_case
from caseapp.clock import now
from caseapp.crypto.fields import defer_sealed
from caseapp.editing import Refused, require_follow_up
from caseapp.outcomes.models import CHECKPOINT_MONTHS, Checkpoint, Outcome, add_months
from caseapp.participants.models import names_only
from roles import Role

OUTCOME_CATEGORIES = ("outcome",)


class OutcomeError(Refused):
    """The outcome cannot be saved."""


@dataclass
class OutcomeData:
    code: str
    occurred_on: date
    paid_work_kind: str | None = None
    percent_of_full_time: int | None = None
    note: str | None = None


def add_outcome(session: Session, actor: User, case: Case, data: OutcomeData,
                 grounds: str | None) -> Outcome:
    paid = data.code == "paid_work"
    outcome = Outcome(case_id=case.id, participant_id=case.participant_id, code=data.code,
                      occurred_on=data.occurred_on,
                      paid_work_kind=data.paid_work_kind if paid else None,
                      percent_of_full_time=data.percent_of_full_time if paid else None,
                      note=(data.note or "").strip() or None, recorded_by_id=actor.id)
    session.add(outcome)
    session.flush()
    audit.record("outcome.record", actor=actor, object_type="outcome", object_id=outcome.id,
                 subject_id=case.participant_id, categories=OUTCOME_CATEGORIES, grounds=grounds,
                 details={"code": data.code})
    return outcome


def record_outcome(session: Session, actor: User, case: Case, data: OutcomeData,
                   grounds: str | None = None) -> Outcome:
    if case.status == CaseStatus.CLOSED.value:
        raise OutcomeError([_("The case is closed. Answer its checkpoints instead.")])
    if data.occurred_on < case.started_on:
        raise OutcomeError([_("The outcome cannot be dated before the case started.")])
    require_follow_up(session, case.participant_id, OutcomeError)
    return add_outcome(session, actor, case, data, grounds)


def close_case(session: Session, actor: User, case: Case, data: OutcomeData, *, ended_on: date,
               end_reason: str, version: int, grounds: str | None = None) -> Outcome:
    """Close with an outcome; checkpoints are created 3, 6 and 12 months after ``ended_on``."""
    if case.status == CaseStatus.CLOSED.value:
        raise OutcomeError([_("The case is already closed.")])
    if version != case.version:
        raise StaleCase()
    if ended_on < case.started_on:
        raise OutcomeError([_("The end date cannot be before the case started.")])
    require_follow_up(session, case.participant_id, OutcomeError)
    return add_closing(session, actor, case, data, ended_on=ended_on, end_reason=end_reason,
                       grounds=grounds)


def add_closing(session: Session, actor: User, case: Case, data: OutcomeData, *, ended_on: date,
                end_reason: str, grounds: str | None) -> Outcome:
    """The closing itself (checked by the caller): outcome, status, checkpoints, audit."""
    outcome = add_outcome(session, actor, case, data, grounds)
    case.status, case.ended_on, case.end_reason = CaseStatus.CLOSED.value, ended_on, end_reason
    for months in CHECKPOINT_MONTHS:
        session.add(Checkpoint(case_id=case.id, participant_id=case.participant_id, months=months,
                               due_on=add_months(ended_on, months)))
    flush_case(session)
    audit.record("case.close", actor=actor, object_type="case", object_id=case.id,
                 subject_id=case.participant_id, categories=OUTCOME_CATEGORIES, grounds=grounds,
                 details={"end_reason": end_reason})
    return outcome


def answer_checkpoint(session: Session, actor: User, checkpoint: Checkpoint, *, still_active: bool,
                      data: OutcomeData, grounds: str | None = None) -> Checkpoint:
    if checkpoint.answered_at is not None:
        raise OutcomeError([_("This checkpoint is already answered.")])
    require_follow_up(session, checkpoint.case.participant_id, OutcomeError)
    checkpoint.outcome = add_outcome(session, actor, checkpoint.case, data, grounds)
    checkpoint.still_active = still_active
    checkpoint.answered_at, checkpoint.answered_by_id = now(), actor.id
    session.flush()
    return checkpoint


def outcomes_for(session: Session, case: Case) -> list[Outcome]:
    return list(session.scalars(select(Outcome).where(Outcome.case_id == case.id)
                                .order_by(Outcome.occurred_on)))


def checkpoints_for(session: Session, case: Case) -> list[Checkpoint]:
    return list(session.scalars(select(Checkpoint).where(Checkpoint.case_id == case.id)
                                .order_by(Checkpoint.due_on)))


def get_checkpoint(session: Session, checkpoint_id: str) -> Checkpoint | None:
    try:
        return session.get(Checkpoint, uuid.UUID(checkpoint_id))
    except ValueError:
        return None


def due_checkpoints(session: Session, user: User, today: date) -> list[Checkpoint]:
    """Open checkpoints due by ``today`` that are ``user``'s task: in the user's own cases, and
    for a coordinator, in cases of the user's units whose worker has left."""
    query = (select(Checkpoint).join(Case, Checkpoint.case_id == Case.id)
             .where(Checkpoint.due_on <= today)
             # a task list shows the names: the other encrypted values are not decrypted
             .options(names_only(joinedload(Checkpoint.case).joinedload(Case.participant)),
                      defer_sealed(joinedload(Checkpoint.case), Case))
             .order_by(Checkpoint.due_on))
    # "Not answered" for a worker's own cases is written so that SQLite cannot answer it from
    # the open-and-due index: its planner would walk every worker's open checkpoints (~25 ms
    # at 100,000 participants) instead of the worker's few cases. The result is the same.
    own = list(session.scalars(query.where(Case.worker_id == user.id).where(
        func.coalesce(Checkpoint.answered_at, null()).is_(None))))
    if not user.has_role(Role.COORDINATOR) or not user.unit_ids:
        return own
    orphaned = [c for c in session.scalars(query.where(Checkpoint.answered_at.is_(None),
                                                       Case.unit_id.in_(user.unit_ids)))
                if not c.case.worker.active and c not in own]
    return own + orphaned
