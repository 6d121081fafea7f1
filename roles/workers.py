"""Which worker may hold a case: an active worker of the case's programme (a youth mentor's
or a work leader's) who works in the case's unit. Opening a case, handing it over,
reassigning it and importing it all ask this one rule."""
from __future__ import annotations

from roles.definitions import WORKER_ROLES, Role

# Why a worker may not hold a case (``hold_refusal``), for the callers' own messages.
NOT_ACTIVE, OTHER_UNIT, OTHER_PROGRAMME = "not_active", "other_unit", "other_programme"


def programmes_of(user) -> list[str]:
    """The programmes ``user`` follows young people in, in a stable order."""
    return [WORKER_ROLES[role] for role in sorted(user.role_set) if role in WORKER_ROLES]


def hold_refusal(worker, programme: str, unit_id) -> str | None:
    """None when ``worker`` may hold a case of ``programme`` in the unit ``unit_id``; else
    one of the codes above (the first that applies)."""
    if not worker.active:
        return NOT_ACTIVE
    if unit_id not in worker.unit_ids:
        return OTHER_UNIT
    if programme not in programmes_of(worker):
        return OTHER_PROGRAMME
    return None


def may_hold(worker, programme: str, unit_id) -> bool:
    return hold_refusal(worker, programme, unit_id) is None


def covering_units(user) -> set:
    """The units whose cases ``user`` takes over once their worker is deactivated: a
    coordinator's own units."""
    return set(user.unit_ids) if user.has_role(Role.COORDINATOR) else set()


def covers_for_left_worker(user, case) -> bool:
    """``user`` is the coordinator of the case's unit and the case's worker is deactivated."""
    return case.unit_id in covering_units(user) and not case.worker.active


def caseload_grant(grant_model):
    """SQL: a role grant (``RoleGrant``) that gives a caseload, e.g. to list a unit's workers."""
    return grant_model.role.in_([role.value for role in WORKER_ROLES])

