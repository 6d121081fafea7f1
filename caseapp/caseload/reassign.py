"""A coordinator gives a case to another worker in the same unit (a reassignment).

Within one unit the case stays in the same organisation, so it is no sharing with a new
recipient: the follow-up basis must be valid (as for every write about the person), no
confidentiality waiver is needed, and the new worker gets the full history
(``caseapp.handovers.services.hand_over`` with ``within_unit``). The previous worker loses
access at once (need to know)."""
from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from caseapp.accounts.models import User
from caseapp.cases.models import LABELS, Case
from caseapp.editing import Refused
from caseapp.handovers.models import Handover
from caseapp.handovers.services import hand_over, receivers
from roles.workers import NOT_ACTIVE, OTHER_UNIT, hold_refusal

REASONS = {
    "workload": _l("Balancing the workload"),
    "absence": _l("The worker is away"),
    "worker_left": _l("The worker has left"),
    "better_match": _l("A better match for the young person"),
    "other": _l("Other reason"),
}


class ReassignError(Refused):
    """The case cannot be reassigned to that worker; ``messages`` say why (translated)."""


def candidates(session: Session, case: Case) -> list[User]:
    """Active workers of the case's unit and programme, other than the current worker."""
    return [user for user, _unit in receivers(session, case, same_unit=True)]


def _refusal(case: Case, worker: User | None) -> str | None:
    if worker is None:
        return _("Choose the worker who takes over the case.")
    if worker.id == case.worker_id:
        return _("The case already belongs to %(name)s. Choose another worker.",
                 name=worker.display_name)
    refusal = hold_refusal(worker, case.programme, case.unit_id)
    if refusal == NOT_ACTIVE:
        return _("%(name)s is deactivated and cannot take over cases.", name=worker.display_name)
    if refusal == OTHER_UNIT:
        return _("%(name)s does not work in %(unit)s. A case can only be reassigned within its "
                 "unit.", name=worker.display_name, unit=case.unit.display_name)
    if refusal:
        return _("%(name)s does not work in the programme %(programme)s.",
                 name=worker.display_name, programme=LABELS[case.programme])
    return None


def reassign(session: Session, actor: User, case: Case, *, to_worker_id: str | None,
             reason: str | None, note: str | None, version: int,
             grounds: str | None = None) -> Handover:
    """Make the chosen worker responsible for ``case``; audited as ``case.reassign`` with the
    reason's code. Raises ``ReassignError`` (nothing saved) for an invalid choice."""
    try:
        worker = session.get(User, uuid.UUID(to_worker_id or ""))
    except ValueError:
        worker = None
    errors = [message for message in (_refusal(case, worker),) if message]
    if reason not in REASONS:
        errors.append(_("Choose why the case is reassigned."))
    if errors:
        raise ReassignError(errors)
    return hand_over(session, actor, case, to_worker=worker, to_unit=case.unit, note=note,
                     version=version, read_days=0, within_unit=True, grounds=grounds,
                     reason=reason)
