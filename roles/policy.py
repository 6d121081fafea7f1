"""The need-to-know policy: ``can(user, permission, obj)``.

Each role answers ALLOW (with grounds), DENY or nothing for a permission. Anonymous and inactive
users are always denied; any DENY wins over any ALLOW ("when checks disagree, deny"); with no
ALLOW the answer is no. Grounds say *why* access was given and go into the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from roles.definitions import WORKER_ROLES, Role
from roles.handover import sender_may_read
from roles.permissions import Perm, lookup
from roles.workers import covers_for_left_worker


@dataclass(frozen=True)
class Decision:
    allowed: bool
    grounds: str | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = "allow"
DENY = "deny"
Answer = tuple[str, str | None] | None
Rule = Callable[[Any, Any], Answer]


def _allow(grounds: str) -> Answer:
    return (ALLOW, grounds)


def _deny() -> Answer:
    return (DENY, None)


def _any_user(grounds: str) -> Rule:
    return lambda user, obj: _allow(grounds)


def _worker_own_case(role: Role) -> Rule:
    programme = WORKER_ROLES[role]

    def rule(user, case) -> Answer:
        if case is not None and case.programme == programme and case.worker_id == user.id:
            return _allow("own_caseload")
        return None

    return rule


def _coordinator_unit_case(user, case) -> Answer:
    if case is not None and case.unit_id in user.unit_ids:
        return _allow("coordinator_review")
    return None


def _participant_cases(participant):
    """The cases of a participant (who follows them, in which units)."""
    from sqlalchemy import select

    from caseapp.cases.models import Case
    from caseapp.extensions import db

    return db.session.scalars(select(Case).where(Case.participant_id == participant.id)).all()


def _worker_of_participant(role: Role) -> Rule:
    programme = WORKER_ROLES[role]

    def rule(user, participant) -> Answer:
        if participant is not None and any(
                c.worker_id == user.id and c.programme == programme
                for c in _participant_cases(participant)):
            return _allow("own_caseload")
        return None

    return rule


def _former_worker(role: Role) -> Rule:
    """After a handover the sender may read the case for the configured time."""
    own = _worker_own_case(role)

    def rule(user, case) -> Answer:
        from caseapp.clock import now

        answer = own(user, case)
        if answer is None and case is not None and sender_may_read(case, user, now()):
            return _allow("handover_sender")
        return answer

    return rule


def _break_glass(user, case) -> Answer:
    """An unexpired break-glass access the user opened with a written reason."""
    from caseapp.breakglass.services import active_access
    from caseapp.extensions import db

    if case is not None and active_access(db.session, user, case) is not None:
        return _allow("break_glass")
    return None


def _first(*rules: Rule) -> Rule:
    """The first rule with an answer decides."""

    def rule(user, obj) -> Answer:
        for candidate in rules:
            answer = candidate(user, obj)
            if answer is not None:
                return answer
        return None

    return rule


def _coordinator_of_participant(user, participant) -> Answer:
    if participant is not None and any(c.unit_id in user.unit_ids
                                       for c in _participant_cases(participant)):
        return _allow("coordinator_review")
    return None


def _coordinator_when_worker_left(user, case) -> Answer:
    """The unit's coordinator takes over a case's tasks once its worker is deactivated."""
    if case is not None and covers_for_left_worker(user, case):
        return _allow("worker_left")
    return None


def _never(user, obj) -> Answer:
    return _deny()


# permission -> role -> rule. A role missing for a permission has no say.
POLICY: dict[Perm, dict[Role, Rule]] = {
    Perm.START_VIEW: {role: _any_user("authenticated") for role in Role},
    Perm.PROFILE_OWN: {role: _any_user("own_account") for role in Role},
    Perm.CASE_LIST_OWN: {
        Role.YOUTH_MENTOR: _any_user("own_caseload"),
        Role.WORK_LEADER: _any_user("own_caseload"),
    },
    Perm.CASE_VIEW: {
        Role.YOUTH_MENTOR: _first(_former_worker(Role.YOUTH_MENTOR), _break_glass),
        Role.WORK_LEADER: _first(_former_worker(Role.WORK_LEADER), _break_glass),
        Role.COORDINATOR: _first(_coordinator_unit_case, _break_glass),
        Role.PRIVACY_OFFICER: _never,  # metadata only, never case content
        Role.ADMIN: _never,  # no personal data of young people
    },
    Perm.BREAK_GLASS: {  # asking is allowed; the reason is required and reviewed
        Role.YOUTH_MENTOR: _any_user("break_glass"),
        Role.WORK_LEADER: _any_user("break_glass"),
        Role.COORDINATOR: _any_user("break_glass"),
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    Perm.BREAK_GLASS_REVIEW: {Role.PRIVACY_OFFICER: _any_user("privacy_oversight")},
    # Coordinators see the case's metadata and identity, not notes (that needs a logged reason).
    # Break-glass (a written, reviewed reason) opens the notes too.
    Perm.CASE_NOTES_VIEW: {
        Role.YOUTH_MENTOR: _first(_former_worker(Role.YOUTH_MENTOR), _break_glass),
        Role.WORK_LEADER: _first(_former_worker(Role.WORK_LEADER), _break_glass),
        Role.COORDINATOR: _break_glass,
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    Perm.PARTICIPANT_REGISTER: {
        Role.YOUTH_MENTOR: _any_user("own_caseload"),
        Role.WORK_LEADER: _any_user("own_caseload"),
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    Perm.CASE_UPDATE: {
        Role.YOUTH_MENTOR: _worker_own_case(Role.YOUTH_MENTOR),
        Role.WORK_LEADER: _worker_own_case(Role.WORK_LEADER),
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    Perm.CASE_REASSIGN: {
        Role.COORDINATOR: _coordinator_unit_case,
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    Perm.PLAN_WRITE: {
        Role.YOUTH_MENTOR: _worker_own_case(Role.YOUTH_MENTOR),
        Role.WORK_LEADER: _worker_own_case(Role.WORK_LEADER),
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    Perm.OUTCOME_WRITE: {
        Role.YOUTH_MENTOR: _worker_own_case(Role.YOUTH_MENTOR),
        Role.WORK_LEADER: _worker_own_case(Role.WORK_LEADER),
        Role.COORDINATOR: _coordinator_when_worker_left,
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    Perm.CONTACT_WRITE: {
        Role.YOUTH_MENTOR: _worker_own_case(Role.YOUTH_MENTOR),
        Role.WORK_LEADER: _worker_own_case(Role.WORK_LEADER),
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    # Messages are between the young person and the worker who follows them now: not the
    # coordinator, a former worker or a break-glass opening (they see no messages at all).
    Perm.MESSAGE_WRITE: {
        Role.YOUTH_MENTOR: _worker_own_case(Role.YOUTH_MENTOR),
        Role.WORK_LEADER: _worker_own_case(Role.WORK_LEADER),
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    Perm.CASELOAD_VIEW: {
        Role.COORDINATOR: _any_user("coordinator_review"),
        Role.ADMIN: _never,
    },
    Perm.AUDIT_VIEW: {Role.PRIVACY_OFFICER: _any_user("privacy_oversight")},
    Perm.AUDIT_EXPORT: {Role.PRIVACY_OFFICER: _any_user("privacy_oversight")},
    Perm.AUDIT_VERIFY: {Role.PRIVACY_OFFICER: _any_user("privacy_oversight")},
    Perm.AUDIT_ACCESS_REPORT: {Role.PRIVACY_OFFICER: _any_user("privacy_oversight")},
    Perm.SUBJECT_REQUESTS: {Role.PRIVACY_OFFICER: _any_user("data_subject_request")},
    Perm.USERS_MANAGE: {Role.ADMIN: _any_user("administration")},
    Perm.UNITS_VIEW: {Role.ADMIN: _any_user("administration")},
    Perm.OPERATIONS: {Role.ADMIN: _any_user("administration")},
    Perm.UNITS_MANAGE: {Role.ADMIN: _any_user("administration")},
    Perm.CONSENT_MANAGE: {
        Role.YOUTH_MENTOR: _worker_of_participant(Role.YOUTH_MENTOR),
        Role.WORK_LEADER: _worker_of_participant(Role.WORK_LEADER),
        Role.COORDINATOR: _coordinator_of_participant,
        Role.PRIVACY_OFFICER: _never,
        Role.ADMIN: _never,
    },
    Perm.CONSENT_OVERVIEW: {
        Role.COORDINATOR: _any_user("coordinator_review"),
        Role.PRIVACY_OFFICER: _any_user("privacy_oversight"),
    },
    # Figures leave a worker's own caseload only protected (cell-key method), and only to the
    # units' coordinator. The exact figures are for the privacy officer's control alone.
    Perm.REPORTS_EXACT: {Role.PRIVACY_OFFICER: _any_user("privacy_oversight")},
    Perm.REPORTS_VIEW: {
        Role.COORDINATOR: _any_user("coordinator_review"),
        Role.ADMIN: _never,  # no figures about young people
    },
    # The privacy officer hands pseudonymised extracts to a configured research project.
    Perm.RESEARCH_EXTRACT: {Role.PRIVACY_OFFICER: _any_user("research_consent")},
}

missing = set(Perm) - set(POLICY)
if missing:  # every registered permission must have a decision table
    raise RuntimeError(f"Permissions without policy: {sorted(missing)}")


def can(user, permission: str | Perm, obj: Any = None) -> Decision:
    """May ``user`` exercise ``permission`` (on ``obj``)?"""
    perm = lookup(permission)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Decision(False)
    answers = []
    for role in user.role_set:
        rule = POLICY[perm].get(role)
        if rule is not None:
            answer = rule(user, obj)
            if answer is not None:
                answers.append(answer)
    if any(kind == DENY for kind, _ in answers):
        return Decision(False)
    allowed = [grounds for kind, grounds in answers if kind == ALLOW]
    if not allowed:
        return Decision(False)
    return Decision(True, allowed[0])
