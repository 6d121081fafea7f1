"""The rule after a withdrawal (consent/__init__.py): nothing new is recorded about the person,
while what ends or reduces the processing (pause, close, delete a session) stays possible and
audited. One request per write route, through the browser-like client: a refusal is a page
with the reason (never HTTP 500) and writes nothing; an ending is saved and audited."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.contacts.models import Contact
from caseapp.extensions import db
from caseapp.outcomes.models import Checkpoint, Outcome
from consent.services import records_for, withdraw
from tests.contacts.test_sessions import quick
from tests.outcomes.test_rectification import outcome_form
from tests.plans.test_plans import first_plan
from tests.transitions.test_rectification import placement_form, transition_form


def writes() -> int:
    """Audit events of changes (opening a page or being denied is not a change)."""
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        ~AuditEvent.action.like("%view"), AuditEvent.action != "access.denied"))


def withdraw_all(participant_id) -> None:
    for record in records_for(db.session, participant_id):
        withdraw(db.session, record)
    db.session.commit()


@pytest.fixture
def world(factory, mentor, school):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    ids = {"case": case.id, "contact": factory.contact(case).id,
           "checkpoint": factory.checkpoint(case).id, "outcome": factory.outcome(case).id,
           "transition": factory.transition(case).id, "placement": factory.placement(case).id}
    factory.plan(case)
    receiver = factory.user("youth_mentor", [school])
    withdraw_all(case.participant_id)
    return {"case": case, "ids": ids, "receiver": f"{receiver.id}:{school.id}"}


REFUSED = {  # route -> (path, form data)
    "participants.edit": ("/cases/{case}/person", {
        "phone": "40000000", "email": "", "address": "Ny vei 2", "home_municipality": "4204",
        "guardians-0-relation": "father", "guardians-0-name": "Per Nordmann",
        "guardians-0-phone": "41111111", "guardians-0-email": ""}),
    "contacts.new": ("/cases/{case}/contacts/new", quick()),
    "contacts.edit": ("/contacts/{contact}/edit", quick(version="1")),
    "plans.edit": ("/cases/{case}/plan/edit", first_plan(version="1")),
    "transitions.new_transition": ("/cases/{case}/transitions/new", transition_form()),
    "transitions.edit_transition": ("/transitions/{transition}/edit",
                                    transition_form(version="1")),
    "transitions.new_placement": ("/cases/{case}/placements/new", placement_form()),
    "transitions.edit_placement": ("/placements/{placement}/edit", placement_form(version="1")),
    "transitions.end_placement": ("/placements/{placement}/end",
                                  {"ended_on": "2026-11-02", "version": "1"}),
    "outcomes.record": ("/cases/{case}/outcomes/new", outcome_form(occurred_on="2026-11-02")),
    "outcomes.edit": ("/outcomes/{outcome}/edit", outcome_form(version="1")),
    "outcomes.checkpoint": ("/checkpoints/{checkpoint}",
                            outcome_form(still_active="yes", occurred_on="2026-11-02")),
    "handovers.handover": ("/cases/{case}/handover", {"note": "", "version": "1"}),
}


@pytest.mark.parametrize("route", sorted(REFUSED))
def test_nothing_new_is_recorded_after_withdrawal(client, login, mentor, world, route):
    path, data = REFUSED[route]
    if route == "handovers.handover":
        data = {**data, "receiver": world["receiver"]}
    login(client, mentor)
    before = writes()
    response = client.submit(path.format(**world["ids"]), data, follow_redirects=True)
    assert response.status_code == 200, response.status_code  # a page, never HTTP 500
    assert "Ingenting ble lagret" in response.text
    assert writes() == before


def test_resuming_is_refused_after_withdrawal(client, login, mentor, world):
    case = world["case"]
    case.status = "paused"
    db.session.commit()
    login(client, mentor)
    before = writes()
    response = client.submit(f"/cases/{case.id}/status", {"pause": "0", "version": str(
        case.version)}, form_page=f"/cases/{case.id}", follow_redirects=True)
    assert response.status_code == 200 and "Ingenting ble lagret" in response.text
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "paused" and writes() == before


def test_a_new_case_is_refused_after_withdrawal(client, login, mentor, factory, school):
    case = factory.case(mentor, school, status="closed")
    factory.consent(case.participant)
    withdraw_all(case.participant_id)
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/new-case", {
        "programme": "youth_mentor", "track": "upper_secondary", "unit": str(school.id),
        "school_or_workplace": "Kvadraturen vgs", "grade_or_programme": "Vg1",
        "started_on": "2026-11-02"})
    assert response.status_code == 200 and "Ingenting ble lagret" in response.text
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_pausing_stays_possible_and_audited(client, login, mentor, world):
    case = world["case"]
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/status", {"pause": "1", "version": str(
        case.version)}, form_page=f"/cases/{case.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "paused"
    assert "case.pause" in set(db.session.scalars(select(AuditEvent.action)))


def test_deleting_a_session_stays_possible_and_audited(client, login, mentor, world):
    contact_id = world["ids"]["contact"]
    login(client, mentor)
    response = client.submit(f"/contacts/{contact_id}/delete", {"version": "1"},
                             form_page=f"/contacts/{contact_id}/edit")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, contact_id).deleted
    assert "contact.delete" in set(db.session.scalars(select(AuditEvent.action)))


def test_deleting_a_session_in_a_closed_case_is_a_refusal_not_an_error(client, login, mentor,
                                                                       world):
    contact_id = world["ids"]["contact"]
    login(client, mentor)
    token = client.csrf_token(f"/contacts/{contact_id}/edit")
    world["case"].status = "closed"
    db.session.commit()
    response = client.post(f"/contacts/{contact_id}/delete",
                           data={"csrf_token": token, "version": "1"}, follow_redirects=True)
    assert response.status_code == 200 and "Saken er avsluttet" in response.text
    db.session.expire_all()
    assert not db.session.get(Contact, contact_id).deleted


def test_closing_stays_possible_without_a_new_outcome_or_checkpoints(client, login, mentor,
                                                                     factory, school):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    withdraw_all(case.participant_id)
    login(client, mentor)
    form = client.get(f"/cases/{case.id}/close").text
    assert 'name="code"' not in form  # no outcome is recorded after a withdrawal
    response = client.submit(f"/cases/{case.id}/close", {
        "ended_on": "2026-11-02", "end_reason": "declined", "version": str(case.version)})
    assert response.status_code == 302
    db.session.expire_all()
    closed = db.session.get(Case, case.id)
    assert closed.status == "closed" and closed.end_reason == "declined"
    assert db.session.scalar(select(func.count(Outcome.id))) == 0
    assert db.session.scalar(select(func.count(Checkpoint.id))) == 0  # no follow-up after
    assert "case.close" in set(db.session.scalars(select(AuditEvent.action)))
