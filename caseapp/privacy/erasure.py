"""Requests for erasure, decided by the privacy officer, and restriction (sperring).

A public body cannot always delete (arkivlova), so each decision has one of three outcomes:

* ``restrict`` — the person is hidden from every user's queries (a global ORM filter on cases
  and participants); only break-glass, with a written reason and logged, opens them again;
* ``crypto_shred`` — the person's data key is erased (``caseapp.crypto.services``): every
  encrypted value about them is unreadable here and in every older copy of the database;
  statistics attributes stay;
* ``archive`` — the data is kept for the archive; the decision and its reason are recorded.

The privacy officer (who handles the requests) and command-line jobs are not filtered.
"""
from __future__ import annotations

import uuid
from contextvars import ContextVar
from enum import StrEnum
from functools import cache

from flask import g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, event, select
from sqlalchemy.orm import ORMExecuteState, Session, aliased, with_loader_criteria

import audit
from caseapp.privacy.models import ErasureDecision
from caseapp.clock import now
from caseapp.participants.models import INCLUDE_RESTRICTED, Participant
from caseapp.refusals import Refusal
from roles.oversight import sees_restricted

GROUNDS = "data_subject_request"


class Outcome(StrEnum):
    RESTRICT = "restrict"
    CRYPTO_SHRED = "crypto_shred"
    ARCHIVE = "archive"


OUTCOME_LABELS = {
    Outcome.RESTRICT: _l("Restrict (hide from everyone; only break-glass opens it)"),
    Outcome.CRYPTO_SHRED: _l("Erase (crypto-shredding of all identifying and free-text data)"),
    Outcome.ARCHIVE: _l("Keep for the archive (the duty to archive outweighs erasure)"),
}
LIFT = "lift_restriction"  # a restriction lifted by the privacy officer (art. 18(3))
DECISION_LABELS = {**OUTCOME_LABELS, LIFT: _l("The restriction is lifted")}
MIN_REASON = 10


class ErasureError(Refusal):
    """An erasure decision cannot be recorded; ``messages`` say why (translated)."""


def case_reference(participant_id: uuid.UUID) -> str:
    """The short reference of the person's erasure case ("3F2B-8C1E"), shown to the privacy
    officer and typed back to confirm a crypto-shredding; derived from the random id."""
    letters = participant_id.hex[:8].upper()
    return f"{letters[:4]}-{letters[4:]}"


def confirms(participant: Participant, typed: str | None) -> bool:
    """Did the privacy officer type the case reference (any case, spaces ignored)?"""
    return "".join((typed or "").split()).upper() == case_reference(participant.id)


def _reason_problems(reason: str) -> list[str]:
    if len(reason) < MIN_REASON:
        return [_("Give the reason for the decision (at least %(num)d characters).",
                  num=MIN_REASON)]
    return []


def check(outcome: str, reason: str) -> str:
    """The stripped reason; ``ErasureError`` for an unknown outcome or a missing reason."""
    reason = (reason or "").strip()
    problems = [] if outcome in set(Outcome) else [_("Choose what happens to the data.")]
    problems += _reason_problems(reason)
    if problems:
        raise ErasureError(problems)
    return reason


def check_reason(reason: str) -> str:
    """The stripped reason of a decision that is not a choice (lifting a restriction)."""
    reason = (reason or "").strip()
    if problems := _reason_problems(reason):
        raise ErasureError(problems)
    return reason


def decide(session: Session, actor, participant: Participant, outcome: str,
           reason: str) -> ErasureDecision:
    """Record the decision (audited) and carry it out in the same transaction. The privacy
    officer's page asks for the case reference before a crypto-shredding (``confirms``)."""
    reason = check(outcome, reason)
    decision = ErasureDecision(participant_id=participant.id, outcome=outcome, reason=reason,
                               decided_by_id=getattr(actor, "id", None), decided_at=now())
    session.add(decision)
    session.flush()
    shredded = _shred(session, actor, participant) if outcome == Outcome.CRYPTO_SHRED else []
    audit.record(f"erasure.{outcome}", actor=actor, object_type="participant",
                 object_id=participant.id, subject_id=participant.id, categories=shredded,
                 grounds=GROUNDS, details={"decision_id": str(decision.id)})
    return decision


def decisions_for(session: Session, participant_id: uuid.UUID) -> list[ErasureDecision]:
    return list(session.scalars(select(ErasureDecision).where(
        ErasureDecision.participant_id == participant_id).order_by(ErasureDecision.decided_at)))


def _shred(session: Session, actor, participant: Participant) -> list[str]:
    """Crypto-shred the person (their data key is erased at once); return the categories."""
    from caseapp.crypto.services import ERASED_CATEGORIES, shred_participant

    shred_participant(session, actor, participant.id, grounds=GROUNDS)
    return list(ERASED_CATEGORIES)


# --- restriction: a global filter on every user's queries ----------------------------------


@cache
def restricted_ids() -> Select:
    """The ids of the persons restricted now: a restriction not lifted at or after it.

    Built once (a statement is immutable; ``.where`` makes a new one): it is part of nearly
    every query a request makes, and building the alias anew each time cost more than the
    queries themselves."""
    lifted = aliased(ErasureDecision)
    later_lift = select(lifted.id).where(lifted.participant_id == ErasureDecision.participant_id,
                                         lifted.outcome == LIFT,
                                         lifted.decided_at >= ErasureDecision.decided_at)
    return select(ErasureDecision.participant_id).where(
        ErasureDecision.outcome == Outcome.RESTRICT.value, ~later_lift.exists())



def _filtered_user():
    """(applies, user id): the filter applies in requests, except for the privacy officer."""
    if not has_request_context():
        return False, None
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        if sees_restricted(user):
            return False, None
        return True, user.id
    return True, None


_deciding: ContextVar[bool] = ContextVar("caseapp_restriction_deciding", default=False)


@event.listens_for(Session, "do_orm_execute")
def _hide_restricted(state: ORMExecuteState) -> None:
    if (not state.is_select or state.is_column_load or _deciding.get()
            or state.execution_options.get(INCLUDE_RESTRICTED)):
        return
    token = _deciding.set(True)  # reading the user's roles may load them: no filter for that
    try:
        applies, user_id = _filtered_user()
    finally:
        _deciding.reset(token)
    if not applies:
        return
    from caseapp.breakglass.models import BreakGlassAccess
    from caseapp.cases.models import Case

    opened = select(BreakGlassAccess.participant_id).where(
        BreakGlassAccess.user_id == user_id, BreakGlassAccess.expires_at > now())
    hidden = restricted_ids().where(ErasureDecision.participant_id.not_in(opened))
    state.statement = state.statement.options(
        with_loader_criteria(Case, Case.participant_id.not_in(hidden), include_aliases=True),
        with_loader_criteria(Participant, Participant.id.not_in(hidden), include_aliases=True),
    )


def is_hidden(session: Session, model, object_id) -> bool:
    """Is this row hidden from the current user by a restriction?"""
    return session.scalar(select(model.id).where(model.id == object_id)) is None


def get_unfiltered(session: Session, model, object_id):
    """Load a row whatever its restriction (for the break-glass request itself)."""
    return session.get(model, object_id, execution_options={INCLUDE_RESTRICTED: True})
