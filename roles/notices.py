"""Who is told what by e-mail: the sections of a user's digest and who gets an alert.

A digest counts what the user's role looks after: a worker's own caseload, a coordinator's
units, the privacy officer's oversight. The administrator has no cases and gets no digest;
an alert that the audit log failed its check goes to every privacy officer."""
from __future__ import annotations

from enum import StrEnum

from roles.definitions import WORKER_ROLES, Role


class Section(StrEnum):
    CASELOAD = "caseload"
    UNITS = "units"
    OVERSIGHT = "oversight"


def digest_sections(user) -> list[Section]:
    """The sections of ``user``'s digest, in the order they are written."""
    roles = user.role_set
    sections = []
    if roles & set(WORKER_ROLES):
        sections.append(Section.CASELOAD)
    if Role.COORDINATOR in roles:
        sections.append(Section.UNITS)
    if Role.PRIVACY_OFFICER in roles:
        sections.append(Section.OVERSIGHT)
    return sections


def digest_grant(grant_model):
    """SQL: a role grant (``RoleGrant``) whose holder may get a digest."""
    return grant_model.role != Role.ADMIN.value


def alert_grant(grant_model):
    """SQL: a role grant whose holder is alerted when the audit log fails its check."""
    return grant_model.role == Role.PRIVACY_OFFICER.value
