"""Recording outcomes, closing a case (with an outcome and checkpoints) and answering
checkpoints. Every write needs a valid basis for follow-up."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, null, select
from sqlalchemy.orm import Session, joinedload

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.cases.services import StaleCase, flush_case
from caseapp.clock import now
from caseapp.crypto.fields import defer_sealed
from caseapp.editing import Refused, require_follow_up
from caseapp.outcomes.models import (CHECKPOINT_MONTHS, OUTCOME_LABELS, PAID_WORK_KINDS, Checkpoint,
                                     Outcome, add_months)
from caseapp.participants.models import names_only
from caseapp.revisions.services import as_date, revise
from consent.purposes import Purpose
from consent.services import valid_basis
from roles.workers import covering_units, covers_for_left_worker

OUTCOME_CATEGORIES = ("outcome",)
# What an outcome's history shows of each revision: (field, label, how to show the value).
HISTORY_FIELDS = (
    ("code", _l("Outcome"), lambda code: OUTCOME_LABELS.get(code, code)),
    ("occurred_on", _l("Date of the outcome"), as_date),
    ("paid_work_kind", _l("Kind of work"), lambda kind: PAID_WORK_KINDS.get(kind, kind)),
    ("percent_of_full_time", _l("Percent of full time"), lambda percent: f"{percent} %"),
    ("note", _l("Note"), None),
)


class OutcomeError(Refused):
    """The outcome cannot be saved."""


@dataclass
class OutcomeData:
    code: str
    occurred_on: date
    paid_work_kind: str | None = None
    percent_of_full_time: int | None = None
    note: str | None = None

    def columns(self) -> dict:
        """The outcome's columns: paid-work details only for paid work, a blank note as none."""
        paid = self.code == "paid_work"
        return {"code": self.code, "occurred_on": self.occurred_on,
                "paid_work_kind": self.paid_work_kind if paid else None,
                "percent_of_full_time": self.percent_of_full_time if paid else None,
                "note": (self.note or "").strip() or None}


def add_outcome(session: Session, actor: User, case: Case, data: OutcomeData,
                 grounds: str | None) -> Outcome:
    outcome = Outcome(case_id=case.id, participant_id=case.participant_id,
                      recorded_by_id=actor.id, **data.columns())
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


def correct_outcome(session: Session, actor: User, outcome: Outcome, data: OutcomeData, *,
                    version: int, grounds: str | None = None) -> Outcome:
    """Rectify a recorded outcome (Art. 16): the outcome itself changes, so statistics count
    the corrected one; the earlier state stays in its history. ``version`` is the one the user
    opened: when it is not the current one, ``StaleRecord`` is raised and nothing is saved."""
    if data.occurred_on < outcome.case.started_on:
        raise OutcomeError([_("The outcome cannot be dated before the case started.")])
    require_follow_up(session, outcome.participant_id, OutcomeError)
    revise(session, actor, outcome, data.columns(), version=version)
    audit.record("outcome.correct", actor=actor, object_type="outcome", object_id=outcome.id,
                 subject_id=outcome.participant_id, categories=OUTCOME_CATEGORIES,
                 grounds=grounds, details={"code": outcome.code})
    return outcome


def close_case(session: Session, actor: User, case: Case, data: OutcomeData | None, *,
               ended_on: date, end_reason: str, version: int,
               grounds: str | None = None) -> Outcome | None:
    """Close with an outcome; checkpoints are created 3, 6 and 12 months after ``ended_on``.
    ``data`` is None when the case already has an outcome: that one is kept, not copied.
    Without a valid basis for follow-up the case is still closed — closing ends the
    processing — but nothing new is recorded: no outcome, no checkpoints."""
    if case.status == CaseStatus.CLOSED.value:
        raise OutcomeError([_("The case is already closed.")])
    if version != case.version:
        raise StaleCase()
    if ended_on < case.started_on:
        raise OutcomeError([_("The end date cannot be before the case started.")])
    follow_up = bool(valid_basis(session, case.participant_id, Purpose.FOLLOW_UP))
    return add_closing(session, actor, case, data if follow_up else None, ended_on=ended_on,
                       end_reason=end_reason, grounds=grounds, follow_up=follow_up)


def add_closing(session: Session, actor: User, case: Case, data: OutcomeData | None, *,
                ended_on: date, end_reason: str, grounds: str | None,
                follow_up: bool = True) -> Outcome | None:
    """The closing itself (checked by the caller): outcome (unless one is recorded and no new
    one is given), status, checkpoints (only with ``follow_up``), audit."""
    recorded = latest_outcome(session, case)
    if data is None and recorded is None and follow_up:
        raise OutcomeError([_("A case is closed with an outcome. Record the outcome.")])
    outcome = recorded if data is None else add_outcome(session, actor, case, data, grounds)
    case.status, case.ended_on, case.end_reason = CaseStatus.CLOSED.value, ended_on, end_reason
    for months in CHECKPOINT_MONTHS if follow_up else ():
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
    # An answer that confirms the outcome recorded points to it instead of adding a copy.
    recorded = latest_outcome(session, checkpoint.case)
    same = recorded is not None and _same_outcome(recorded, data)
    checkpoint.outcome = recorded if same else add_outcome(session, actor, checkpoint.case, data,
                                                           grounds)
    checkpoint.still_active = still_active
    checkpoint.answered_at, checkpoint.answered_by_id = now(), actor.id
    session.flush()
    return checkpoint


def outcomes_for(session: Session, case: Case) -> list[Outcome]:
    return list(session.scalars(select(Outcome).where(Outcome.case_id == case.id)
                                .order_by(Outcome.occurred_on)))


def latest_outcome(session: Session, case: Case) -> Outcome | None:
    """The case's latest outcome (as statistics count it), or None."""
    return session.scalars(select(Outcome).where(Outcome.case_id == case.id).order_by(
        Outcome.occurred_on.desc(), Outcome.recorded_at.desc()).limit(1)).first()


def _same_outcome(outcome: Outcome, data: OutcomeData) -> bool:
    columns = data.columns()
    return all(getattr(outcome, name) == columns[name]
               for name in ("code", "paid_work_kind", "percent_of_full_time"))


def checkpoints_for(session: Session, case: Case) -> list[Checkpoint]:
    return list(session.scalars(select(Checkpoint).where(Checkpoint.case_id == case.id)
                                .order_by(Checkpoint.due_on)))


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
    units = covering_units(user)
    if not units:
        return own
    orphaned = [c for c in session.scalars(query.where(Checkpoint.answered_at.is_(None),
                                                       Case.unit_id.in_(units)))
                if covers_for_left_worker(user, c.case) and c not in own]
    return own + orphaned
