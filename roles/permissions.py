"""The registry of named permissions. Asking for a name that is not here raises."""
from __future__ import annotations

from enum import StrEnum


class UnknownPermission(LookupError):
    pass


class Perm(StrEnum):
    START_VIEW = "start.view"  # one's own start page
    CASE_LIST_OWN = "case.list_own"  # "Mine saker"
    CASE_VIEW = "case.view"  # open one case (object-level)
    CASE_NOTES_VIEW = "case.notes_view"  # contact details, guardians and session notes (object)
    PARTICIPANT_REGISTER = "participant.register"  # register a person and open a case
    CASE_UPDATE = "case.update"  # transitions, placements, handover of one's own case (object)
    CASE_REASSIGN = "case.reassign"  # coordinator: another worker in the same unit (object)
    PLAN_WRITE = "plan.write"  # save a new version of a case's follow-up plan (object-level)
    OUTCOME_WRITE = "outcome.write"  # record outcomes, close a case, answer checkpoints (object)
    CONTACT_WRITE = "contact.write"  # log, edit and delete sessions in a case (object-level)
    CASELOAD_VIEW = "caseload.view"  # coordinator's units, metadata only
    AUDIT_VIEW = "audit.view"  # the audit log (metadata only)
    USERS_MANAGE = "users.manage"
    UNITS_VIEW = "units.view"


def lookup(name: str | Perm) -> Perm:
    """Return the permission called ``name``; an unknown name is a programming error."""
    try:
        return Perm(name)
    except ValueError:
        raise UnknownPermission(f"No permission is registered as {name!r}.") from None
