"""Rectification (GDPR Art. 16) of school transitions and workplace placements: corrected,
placements ended later, each with a history and conflict protection."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select, text

from audit.models import AuditEvent
from caseapp.extensions import db
from caseapp.revisions.models import RecordRevision
from caseapp.transitions.models import Placement, Transition


@pytest.fixture
def leader_case(factory, school):
    leader = factory.user("work_leader", [factory.unit("Lund omsorgssenter", kind="care_home")])
    case = factory.case(leader, leader.units[0])
    factory.consent(case.participant)
    return case


def version_of(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def transition_form(**changes):
    data = {"from_school": "Lund ungdomsskole", "from_grade": "10. trinn",
            "to_school": "Tangen vgs", "to_programme": "Vg1 elektro",
            "transition_date": "2026-08-17", "hospitation_days": "2"}
    data.update(changes)
    return data


def placement_form(**changes):
    data = {"workplace": "Lund omsorgssenter", "trade": "health", "started_on": "2026-11-02",
            "ended_on": "", "hours_per_week": "20", "workplace_contact": "Guri Leder, 91234567"}
    data.update(changes)
    return data


def test_a_school_transition_is_corrected_and_the_first_version_kept(client, login, mentor,
                                                                     case, factory):
    transition = factory.transition(case, to_school="Kvadraturen vgs")
    login(client, mentor)
    assert f"/transitions/{transition.id}/edit" in client.get(f"/cases/{case.id}").text
    form = client.get(f"/transitions/{transition.id}/edit").text
    assert 'value="Kvadraturen vgs"' in form
    response = client.submit(f"/transitions/{transition.id}/edit",
                             transition_form(version=version_of(form)))
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}").text
    assert "Tangen vgs (Vg1 elektro)" in page and "Kvadraturen vgs" not in page
    history = client.get(f"/transitions/{transition.id}/history").text
    assert "Kvadraturen vgs" in history and "Tangen vgs" in history
    assert "Rettet av" in history and "Registrert av" in history
    raw = b"".join(bytes(v) for v in db.session.execute(
        text("SELECT content FROM record_revisions")).scalars())
    assert b"Kvadraturen" not in raw and b"Tangen" not in raw  # sealed at rest
    assert {"transition.correct", "transition.history_view"} <= set(
        db.session.scalars(select(AuditEvent.action)))


def test_a_stale_transition_correction_is_refused(client, login, mentor, case, factory,
                                                  make_client):
    transition = factory.transition(case)
    login(client, mentor)
    other_tab = make_client()
    login(other_tab, mentor)
    token = other_tab.csrf_token(f"/transitions/{transition.id}/edit")
    assert client.submit(f"/transitions/{transition.id}/edit",
                         transition_form(version="1")).status_code == 302
    late = other_tab.post(f"/transitions/{transition.id}/edit", data={
        "csrf_token": token, **transition_form(to_school="Vennesla vgs", version="1")})
    assert late.status_code == 409
    assert "Noen andre lagret dette mens du redigerte" in late.text
    assert 'value="Vennesla vgs"' in late.text
    db.session.expire_all()
    assert db.session.get(Transition, transition.id).to_school == "Tangen vgs"


def test_a_placement_is_ended_later_and_the_end_is_in_the_history(client, login, leader_case,
                                                                  factory, clock):
    placement = factory.placement(leader_case)
    leader = leader_case.worker
    login(client, leader)
    page = client.get(f"/cases/{leader_case.id}").text
    assert f"/placements/{placement.id}/end" in page
    form = client.get(f"/placements/{placement.id}/end").text
    too_early = client.submit(f"/placements/{placement.id}/end", {
        "ended_on": "2026-10-01", "version": version_of(form)})
    assert "Sluttdatoen må være etter startdatoen" in too_early.text
    response = client.submit(f"/placements/{placement.id}/end", {
        "ended_on": "2026-11-30", "version": version_of(form)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).ended_on == date(2026, 11, 30)
    page = client.get(f"/cases/{leader_case.id}").text
    assert f"/placements/{placement.id}/end" not in page  # ended: nothing more to end
    history = client.get(f"/placements/{placement.id}/history").text
    assert "Avsluttet av" in history and "30. november 2026" in history
    assert [r.action for r in db.session.scalars(
        select(RecordRevision).order_by(RecordRevision.number))] == ["created", "ended"]
    assert "placement.end" in set(db.session.scalars(select(AuditEvent.action)))


def test_a_placement_is_corrected(client, login, leader_case, factory):
    placement = factory.placement(leader_case)
    login(client, leader_case.worker)
    form = client.get(f"/placements/{placement.id}/edit").text
    response = client.submit(f"/placements/{placement.id}/edit", placement_form(
        workplace="Tangvall sykehjem", hours_per_week="30", version=version_of(form)))
    assert response.status_code == 302
    page = client.get(f"/cases/{leader_case.id}").text
    assert "Tangvall sykehjem" in page and "30 timer i uka" in page
    stale = client.submit(f"/placements/{placement.id}/end", {"ended_on": "2026-11-02",
                                                              "version": "1"})
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).ended_on is None


def test_corrections_need_a_basis_and_the_case_worker(client, login, mentor, case, factory,
                                                      school, make_client):
    transition = factory.transition(case)
    colleague = make_client()
    login(colleague, factory.user("youth_mentor", [school]))
    assert colleague.get(f"/transitions/{transition.id}/edit").status_code == 404
    assert colleague.get(f"/transitions/{transition.id}/history").status_code == 404
    from consent.services import records_for, withdraw
    withdraw(db.session, records_for(db.session, case.participant_id)[0])
    db.session.commit()
    login(client, mentor)
    response = client.submit(f"/transitions/{transition.id}/edit", transition_form(version="1"))
    assert response.status_code == 200 and "Ingenting ble lagret" in response.text
    db.session.expire_all()
    assert db.session.get(Transition, transition.id).to_school == "Kvadraturen vgs"
