"""School transitions and workplace placements, and the case page's timeline."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text

from caseapp.extensions import db
from caseapp.transitions.models import Placement


def test_a_school_transition_shows_on_the_timeline(client, login, mentor, case):
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/transitions/new", {
        "from_school": "Lund ungdomsskole", "from_grade": "10. trinn",
        "to_school": "Kvadraturen vgs", "to_programme": "Vg1 helse- og oppvekstfag",
        "transition_date": "2026-08-17", "hospitation_days": "3"})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}").text
    assert "Lund ungdomsskole (10. trinn) → Kvadraturen vgs (Vg1 helse- og oppvekstfag)" in page
    assert "3 hospiteringsdager" in page
    raw = bytes(db.session.execute(text("SELECT to_school FROM transitions")).scalar())
    assert b"Kvadraturen" not in raw


def test_a_placement_with_bad_dates_is_refused(client, login, factory, school):
    leader = factory.user("work_leader", [school])
    case = factory.case(leader, school)
    factory.consent(case.participant)
    login(client, leader)
    bad = client.submit(f"/cases/{case.id}/placements/new", {
        "workplace": "Lund omsorgssenter", "trade": "health", "started_on": "2026-09-01",
        "ended_on": "2026-08-01", "hours_per_week": "20"})
    assert "Sluttdatoen må være etter startdatoen" in bad.text
    assert db.session.scalar(select(Placement)) is None
    good = client.submit(f"/cases/{case.id}/placements/new", {
        "workplace": "Lund omsorgssenter", "trade": "health", "started_on": "2026-09-01",
        "hours_per_week": "20", "workplace_contact": "Guri Leder, 91234567"})
    assert good.status_code == 302
    page = client.get(f"/cases/{case.id}").text
    assert "Arbeidspraksis (Helse og omsorg): Lund omsorgssenter" in page
    assert "20 timer i uka" in page and "Guri Leder" in page


def test_the_timeline_orders_everything_newest_first(client, login, factory, mentor, case):
    factory.contact(case, occurred_at=datetime(2026, 10, 20, 10, 0), note="Oktobersamtale")
    factory.plan(case)
    login(client, mentor)
    client.submit(f"/cases/{case.id}/transitions/new", {
        "from_school": "Lund ungdomsskole", "to_school": "Kvadraturen vgs",
        "transition_date": "2026-08-17"})
    page = client.get(f"/cases/{case.id}").text
    timeline = page[page.index('id="timeline"'):]
    order = [timeline.index(marker) for marker in (
        "Planversjon 1", "Grunnlag registrert", "Oktobersamtale", "Skoleovergang", "Saken startet")]
    assert order == sorted(order)


def test_the_coordinator_sees_the_timeline_without_content(client, login, factory, mentor, case,
                                                          school, make_client):
    login(client, mentor)
    client.submit(f"/cases/{case.id}/transitions/new", {
        "from_school": "Lund ungdomsskole", "to_school": "Kvadraturen vgs",
        "transition_date": "2026-08-17"})
    coordinator = make_client()
    login(coordinator, factory.user("coordinator", [school]))
    page = coordinator.get(f"/cases/{case.id}").text
    assert "Skoleovergang" in page and "Kvadraturen" not in page
    assert coordinator.get(f"/cases/{case.id}/transitions/new").status_code == 403
