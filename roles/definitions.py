"""The roles of DOMAIN.md, by code."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from audit.models import PARTICIPANT_ACTOR


class Role(StrEnum):
    YOUTH_MENTOR = "youth_mentor"
    WORK_LEADER = "work_leader"
    COORDINATOR = "coordinator"
    PRIVACY_OFFICER = "privacy_officer"
    ADMIN = "admin"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.YOUTH_MENTOR: _l("Youth mentor"),
    Role.WORK_LEADER: _l("Work leader"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.PRIVACY_OFFICER: _l("Privacy officer"),
    Role.ADMIN: _l("Administrator"),
}


def roles_label(codes: str | None) -> str:
    """"youth_mentor,coordinator" (as the audit log keeps them) as "Youth mentor, Coordinator";
    the young person on My pages in words too; an unknown code as it is."""
    names = []
    for code in (codes or "").split(","):
        if code == PARTICIPANT_ACTOR:
            names.append(str(_l("The young person (My pages)")))
        elif code:
            names.append(str(ROLE_LABELS[Role(code)]) if code in set(Role) else code)
    return ", ".join(names)


# Roles that keep a caseload of their own, and the programme each follows.
WORKER_ROLES = {Role.YOUTH_MENTOR: "youth_mentor", Role.WORK_LEADER: "work_leader"}
