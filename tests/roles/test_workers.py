"""Which worker may hold a case (roles/workers.py): the one rule behind opening, handing
over, reassigning and importing a case."""
from __future__ import annotations

from caseapp.extensions import db
from roles.workers import NOT_ACTIVE, OTHER_PROGRAMME, OTHER_UNIT, hold_refusal, may_hold, programmes_of


def test_an_active_worker_of_the_programme_in_the_unit_may_hold_the_case(factory):
    school, other = factory.unit(), factory.unit()
    mentor = factory.user("youth_mentor", [school])
    assert may_hold(mentor, "youth_mentor", school.id)
    assert hold_refusal(mentor, "youth_mentor", other.id) == OTHER_UNIT
    assert hold_refusal(mentor, "work_leader", school.id) == OTHER_PROGRAMME
    mentor.active = False
    db.session.commit()
    assert hold_refusal(mentor, "youth_mentor", school.id) == NOT_ACTIVE


def test_only_workers_have_programmes(factory):
    unit = factory.unit()
    both = factory.user(roles=["work_leader", "youth_mentor", "coordinator"], units=[unit])
    assert programmes_of(both) == ["work_leader", "youth_mentor"]
    coordinator = factory.user("coordinator", [unit])
    assert programmes_of(coordinator) == []
    assert hold_refusal(coordinator, "youth_mentor", unit.id) == OTHER_PROGRAMME
