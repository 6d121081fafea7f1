"""Handing a case over. Across organisations the young person's consent to share with the
receiving organisation is required; within one organisation it is a reassignment."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.cases.services import StaleCase, flush_case
from caseapp.clock import now
from caseapp.editing import Refused, require_follow_up
from caseapp.handovers.models import Handover
from caseapp.units.models import Unit
from consent import services as consent
from consent.purposes import Purpose
from roles import WORKER_ROLES


class HandoverError(Refused):
    """The handover cannot be made."""


def receivers(session: Session, case: Case, *, same_unit: bool = False) -> list[tuple[User, Unit]]:
    """Active workers of the case's programme (and the units they work in) who may receive it."""
    roles = [role for role, programme in WORKER_ROLES.items() if programme == case.programme]
    pairs = []
    for user in session.scalars(select(User).where(User.active.is_(True), User.id != case.worker_id)):
        if any(user.has_role(role) for role in roles):
            pairs += [(user, unit) for unit in user.units
                      if not same_unit or unit.id == case.unit_id]
    return sorted(pairs, key=lambda p: (p[1].display_name, p[0].display_name))


def hand_over(session: Session, actor: User, case: Case, *, to_worker: User, to_unit: Unit,
              note: str | None, version: int, read_days: int, within_unit: bool = False,
              grounds: str | None = None, reason: str | None = None) -> Handover:
    """Make ``to_worker`` (in ``to_unit``) responsible for ``case``. ``reason`` is the code of
    why a coordinator reassigned it."""
    if case.status == CaseStatus.CLOSED.value:
        raise HandoverError([_("A closed case cannot be handed over.")])
    if version != case.version:
        raise StaleCase()
    if (to_worker, to_unit) not in receivers(session, case, same_unit=within_unit):
        raise HandoverError([_("Choose a worker in the programme from the list.")])
    require_follow_up(session, case.participant_id, HandoverError)
    cross = to_unit.organisation_id != case.unit.organisation_id
    history_shared = not cross
    if cross:
        try:
            waiver = consent.require(session, case.participant_id, Purpose.SHARE,
                                     organisation_id=to_unit.organisation_id)
        except consent.NoValidBasis:
            raise HandoverError([_(
                "The young person has not consented to sharing with %(organisation)s. Record "
                "that consent first; nothing was handed over.",
                organisation=to_unit.organisation.name)]) from None
        # The earlier sessions go along only when the waiver covers notes and plans.
        history_shared = "notes" in (waiver.data_categories or [])
    handover = Handover(
        case_id=case.id, participant_id=case.participant_id, from_worker_id=case.worker_id,
        to_worker_id=to_worker.id, from_unit_id=case.unit_id, to_unit_id=to_unit.id,
        note=(note or "").strip() or None, history_shared=history_shared, by_id=actor.id,
        reason=reason,
        sender_read_until=now() + timedelta(days=read_days) if cross else None)
    session.add(handover)
    case.worker_id, case.unit_id = to_worker.id, to_unit.id
    flush_case(session)
    audit.record("case.reassign" if within_unit else "case.handover", actor=actor, object_type="case", object_id=case.id,
                 subject_id=case.participant_id, categories=["plan", "handover_note"],
                 grounds=grounds, details={"cross_organisation": cross,
                                           "to_worker": str(to_worker.id),
                                           "to_unit": str(to_unit.id),
                                           **({"reason": reason} if reason else {})})
    return handover


def hidden_before(case: Case, viewer: User) -> datetime | None:
    """For a receiver without the full history: sessions before this time are not shown."""
    for handover in reversed(case.handovers):
        if handover.to_worker_id == viewer.id and not handover.history_shared:
            return handover.created_at
    return None


def sender_may_read(case: Case, user: User, at: datetime) -> bool:
    return any(h.from_worker_id == user.id and h.sender_read_until and h.sender_read_until > at
               for h in case.handovers)
