"""The roles of DOMAIN.md, by code."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


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

# Roles that keep a caseload of their own, and the programme each follows.
WORKER_ROLES = {Role.YOUTH_MENTOR: "youth_mentor", Role.WORK_LEADER: "work_leader"}
