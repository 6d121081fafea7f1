"""The need-to-know policy, called directly."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.extensions import db
from roles import Perm, UnknownPermission, can


def test_unknown_permission_name_raises(factory):
    user = factory.user("admin")
    with pytest.raises(UnknownPermission):
        can(user, "case.read_everything")


def test_anonymous_is_always_denied():
    for perm in Perm:
        assert not can(AnonymousUserMixin(), perm)


def test_workers_see_only_their_own_cases(factory):
    unit = factory.unit()
    mine, colleague = factory.user("youth_mentor", [unit]), factory.user("youth_mentor", [unit])
    case = factory.case(mine, unit)
    assert can(mine, Perm.CASE_VIEW, case).grounds == "own_caseload"
    assert not can(colleague, Perm.CASE_VIEW, case)


def test_work_leader_cannot_open_a_youth_mentor_case_even_if_assigned(factory):
    unit = factory.unit()
    leader = factory.user("work_leader", [unit])
    case = factory.case(leader, unit, programme="youth_mentor", track="lower_secondary")
    assert not can(leader, Perm.CASE_VIEW, case)


def test_coordinators_see_their_units_only(factory):
    school, other_school = factory.unit(), factory.unit()
    mentor = factory.user("youth_mentor", [school, other_school])
    here, there = factory.user("coordinator", [school]), factory.user("coordinator", [other_school])
    case = factory.case(mentor, school)
    assert can(here, Perm.CASE_VIEW, case).grounds == "coordinator_review"
    assert not can(there, Perm.CASE_VIEW, case)


@pytest.mark.parametrize("role", ["privacy_officer", "admin"])
def test_privacy_officer_and_admin_never_see_case_content(factory, role):
    unit = factory.unit()
    case = factory.case(factory.user("youth_mentor", [unit]), unit)
    assert not can(factory.user(role, [unit]), Perm.CASE_VIEW, case)


def test_conflicting_roles_deny(factory):
    """An admin who is also the worker on the case is refused: any DENY wins."""
    unit = factory.unit()
    both = factory.user(roles=["youth_mentor", "admin"], units=[unit])
    case = factory.case(both, unit, programme="youth_mentor")
    assert not can(both, Perm.CASE_VIEW, case)
    assert can(both, Perm.USERS_MANAGE)


def test_deactivated_user_is_denied(factory):
    from caseapp.accounts.services import deactivate_user

    user = factory.user("admin")
    deactivate_user(db.session, user)
    assert not can(user, Perm.USERS_MANAGE)


def test_opening_a_case_is_audited_with_grounds_and_subject(factory, client, login):
    unit = factory.unit()
    coordinator = factory.user("coordinator", [unit])
    case = factory.case(factory.user("youth_mentor", [unit]), unit)
    login(client, coordinator)
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200 and "Kari Nordmann" in page.text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.view")).one()
    assert event.subject_id == case.participant_id
    assert event.grounds == "coordinator_review"
    assert event.actor_id == coordinator.id
    assert "Kari" not in repr(event.__dict__)  # ids and categories, never names


def test_denied_case_access_is_audited_and_shows_nothing(factory, client, login):
    unit = factory.unit()
    case = factory.case(factory.user("youth_mentor", [unit]), unit)
    intruder = factory.user("youth_mentor", [unit])
    login(client, intruder)
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 404 and "Nordmann" not in page.text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
    assert event.outcome == "denied" and event.actor_id == intruder.id
    assert event.subject_id == case.participant_id


def test_start_page_lists_only_own_cases(factory, client, login):
    unit = factory.unit()
    mine, colleague = factory.user("youth_mentor", [unit]), factory.user("youth_mentor", [unit])
    factory.case(mine, unit, participant=factory.participant("Synne", "Eksempel"))
    factory.case(colleague, unit, participant=factory.participant("Tobias", "Annensen"))
    login(client, mine)
    page = client.get("/").text
    assert "Synne Eksempel" in page and "Annensen" not in page
    # listing is not opening: no case.view events
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.view")).all()
