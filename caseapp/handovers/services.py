"""Handing a case over. Across organisations the young person's consent to share with the
receiving organisation is required; within one organisation it is a reassignment."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.privacy.restriction import refuse_if_restricted
from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.cases.services import StaleCase, flush_case
from caseapp.clock import now
from caseapp.editing import Refused, require_follow_up
from caseapp.handovers.models import Handover
from caseapp.units.models import Unit
from consent import services as consent
from consent.purposes import Purpose
from roles.workers import may_hold


class HandoverError(Refused):
    """The handover cannot be made."""


def receivers(session: Session, case: Case, *, same_unit: bool = False) -> list[tuple[User, Unit]]:
    """Active workers of the case's programme (and the units they work in) who may receive it."""
    pairs = []
    for user in session.scalars(select(User).where(User.active.is_(True), User.id != case.worker_id)):
        pairs += [(user, unit) for unit in user.units
                  if may_hold(user, case.programme, unit.id)
                  and (not same_unit or unit.id == case.unit_id)]
    return sorted(pairs, key=lambda p: (p[1].display_name, p[0].display_name))


def hand_over(session: Session, actor: User, case: Case, *, to_worker: User, to_unit: Unit,
              note: str | None, version: int, read_days: int, within_unit: bool = False,
              grounds: str | None = None, reason: str | None = None) -> Handover:
    """Make ``to_worker`` (in ``to_unit``) responsible for ``case``. ``reason`` is the code of
    why a coordinator reassigned it."""
    if refuse_if_restricted(session, actor, case.participant_id, via="handover"):
        raise HandoverError([_("This case cannot be handed over now. Ask your coordinator for "
                               "help.")])
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


# What a receiver in each organisation gets, said on the form before the worker confirms.
SAME_ORGANISATION, WITH_NOTES, WITHOUT_NOTES, NO_CONSENT = "same", "notes", "plan", "none"


def what_goes_along(session: Session, case: Case, units: list[Unit]) -> list[tuple[object, str]]:
    """(organisation, one of the codes above) for each organisation among ``units``: what the
    receiving worker there will see, by the young person's consent to share with it (the same
    rule as ``hand_over``)."""
    result = {}
    for unit in units:
        organisation = unit.organisation
        if organisation.id in result:
            continue
        if organisation.id == case.unit.organisation_id:
            result[organisation.id] = (organisation, SAME_ORGANISATION)
            continue
        waiver = consent.valid_basis(session, case.participant_id, Purpose.SHARE,
                                     organisation_id=organisation.id)
        code = NO_CONSENT if waiver is None else (
            WITH_NOTES if "notes" in (waiver.data_categories or []) else WITHOUT_NOTES)
        result[organisation.id] = (organisation, code)
    return sorted(result.values(), key=lambda pair: (pair[1] != SAME_ORGANISATION, pair[0].name))


def sent_by(session: Session, worker: User, at: datetime) -> list[tuple[Handover, Case]]:
    """Cases ``worker`` handed to another organisation and may still read (newest first)."""
    return [(handover, case) for handover, case in session.execute(
        select(Handover, Case).join(Case, Case.id == Handover.case_id).where(
            Handover.from_worker_id == worker.id, Handover.sender_read_until > at)
        .order_by(Handover.created_at.desc()))]

