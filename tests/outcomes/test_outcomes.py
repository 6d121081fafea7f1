"""Outcomes, closing a case, and the checkpoints 3, 6 and 12 months later."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.outcomes.models import OT_CODES, OUTCOME_LABELS, Checkpoint, Outcome, add_months


@pytest.fixture
def leader_unit(factory):
    return factory.unit("Lund omsorgssenter", kind="care_home")


@pytest.fixture
def leader(factory, leader_unit):
    return factory.user("work_leader", [leader_unit])


@pytest.fixture
def case(factory, leader, leader_unit):
    case = factory.case(leader, leader_unit)
    factory.consent(case.participant)
    return case


def closing(**changes):
    data = {"ended_on": "2026-10-30", "end_reason": "outcome_reached", "code": "paid_work",
            "occurred_on": "2026-10-30", "paid_work_kind": "permanent",
            "percent_of_full_time": "80", "note": ""}
    data.update(changes)
    return data


def test_every_outcome_code_maps_to_an_ot_code_or_explicitly_to_none():
    assert set(OT_CODES) == set(OUTCOME_LABELS)
    assert {"mfy", "paid_work", "education", "primary_school_completed", "apprenticeship",
            "vgs_started", "vgs_completed", "trade_certificate", "continued_in_school", "dropout",
            "other_measure", "moved", "unknown"} <= set(OT_CODES)
    assert OT_CODES["paid_work"] == "OTAR" and OT_CODES["apprenticeship"] == "OTLL"
    assert OT_CODES["unknown"] == "OTUK" and OT_CODES["other_measure"] == "OTAP"


def test_months_are_added_by_the_calendar():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 10, 30), 3) == date(2027, 1, 30)


def test_closing_requires_an_outcome_and_creates_three_checkpoints(client, login, leader, case):
    login(client, leader)
    page = client.get(f"/cases/{case.id}/close")
    version = page.text.split('name="version" type="hidden" value="')[1].split('"')[0]
    response = client.submit(f"/cases/{case.id}/close", closing(version=version))
    assert response.status_code == 302
    db.session.expire_all()
    closed = db.session.get(Case, case.id)
    assert closed.status == "closed" and closed.ended_on == date(2026, 10, 30)
    outcome = db.session.scalar(select(Outcome))
    assert outcome.code == "paid_work" and outcome.percent_of_full_time == 80
    assert outcome.ot_code == "OTAR"
    due = [(c.months, c.due_on) for c in db.session.scalars(select(Checkpoint)
                                                             .order_by(Checkpoint.due_on))]
    assert due == [(3, date(2027, 1, 30)), (6, date(2027, 4, 30)), (12, date(2027, 10, 30))]
    detail = client.get(f"/cases/{case.id}")
    assert "Lønnet arbeid" in detail.text and "Avsluttet" in detail.text
    assert "OTAR – i arbeid" in detail.text  # the OT code explained where it is shown
    assert "Før en samtale" not in detail.text
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.close"))


@pytest.mark.parametrize("changes,message", [
    ({"code": ""}, "Ikke et gyldig valg"),
    ({"code": "paid_work", "paid_work_kind": ""}, "For lønnet arbeid, velg hva slags arbeid"),
    ({"code": "paid_work", "percent_of_full_time": ""}, "For lønnet arbeid, skriv inn stillingsprosent"),
    ({"percent_of_full_time": "150"}, "Skriv inn en prosent fra 1 til 100"),
    ({"ended_on": "2025-12-01"}, "Sluttdatoen kan ikke være før saken startet"),
    ({"ended_on": "2027-01-01"}, "Datoen kan ikke være fram i tid"),
    ({"occurred_on": ""}, "Skriv inn datoen for resultatet"),
])
def test_bad_closing_input_is_explained_and_the_case_stays_open(client, login, leader, case,
                                                                changes, message):
    login(client, leader)
    response = client.submit(f"/cases/{case.id}/close", closing(version="1", **changes))
    assert response.status_code == 200 and message in response.text
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "active"
    assert db.session.scalar(select(Outcome)) is None
    assert db.session.scalar(select(Checkpoint)) is None


def test_closing_a_case_changed_meanwhile_is_a_conflict(client, login, leader, case):
    login(client, leader)
    case.status = "paused"  # someone else changed the case after the form was opened
    db.session.commit()
    response = client.submit(f"/cases/{case.id}/close", closing(version="1"))
    assert response.status_code == 409 and "Noen andre endret saken" in response.text
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "paused"


def test_outcomes_during_the_case(client, login, leader, case):
    login(client, leader)
    response = client.submit(f"/cases/{case.id}/outcomes/new", {
        "code": "mfy", "occurred_on": "2026-09-01", "note": ""})
    assert response.status_code == 302
    assert db.session.scalar(select(Outcome)).ot_code == "OTOA"
    assert "Modulstrukturert" in client.get(f"/cases/{case.id}").text


def test_due_checkpoints_are_tasks_for_the_worker_and_get_answered(client, login, leader, case,
                                                                   factory):
    later = factory.checkpoint(case, months=6, due_on=date(2027, 4, 30))
    point = factory.checkpoint(case)
    login(client, leader)
    start = client.get("/")
    assert "Kontrollpunkter å svare på" in start.text and f"/checkpoints/{point.id}" in start.text
    assert f"/checkpoints/{later.id}" not in start.text
    assert f"{point.months} måneder etter at saken ble avsluttet" in start.text  # not "etter saken"
    response = client.submit(f"/checkpoints/{point.id}", {
        "still_active": "yes", "code": "paid_work", "occurred_on": "2026-11-02",
        "paid_work_kind": "temporary", "percent_of_full_time": "50"})
    assert response.status_code == 302
    db.session.expire_all()
    answered = db.session.get(Checkpoint, point.id)
    assert answered.still_active and answered.outcome.code == "paid_work"
    assert f"/checkpoints/{point.id}" not in client.get("/").text


def test_when_the_worker_has_left_the_coordinator_gets_the_task(client, login, leader, case,
                                                               factory, leader_unit, make_client):
    point = factory.checkpoint(case)
    coordinator = factory.user("coordinator", [leader_unit])
    other_unit_coordinator = factory.user("coordinator", [factory.unit("Annet")])
    login(client, coordinator)
    assert f"/checkpoints/{point.id}" not in client.get("/").text
    assert client.get(f"/checkpoints/{point.id}").status_code == 404
    leader.active = False
    db.session.commit()
    assert f"/checkpoints/{point.id}" in client.get("/").text
    assert client.get(f"/checkpoints/{point.id}").status_code == 200
    elsewhere = make_client()
    login(elsewhere, other_unit_coordinator)
    assert elsewhere.get(f"/checkpoints/{point.id}").status_code == 404


def test_due_checkpoints_also_show_on_my_cases(client, login, leader, case, factory):
    point = factory.checkpoint(case)
    login(client, leader)
    assert f"/checkpoints/{point.id}" in client.get("/cases/").text
