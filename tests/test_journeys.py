"""Both key roles' whole journeys through the browser, end to end."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.participants.national_id import synthetic
from caseapp.participants.models import Participant


def register(client, unit, programme, track, born, given):
    national_id = synthetic(born, random.Random(given))
    response = client.submit("/participants/new", {
        "given_name": given, "family_name": "Reise", "national_id": national_id,
        "birth_date": born.isoformat(), "gender": "unknown", "programme": programme,
        "track": track, "unit": str(unit.id), "started_on": "2026-06-01", "basis": "consent",
        "consent_date": "2026-06-01",
        # a minor consents together with a guardian (the consent rules require it)
        **({"guardians-0-relation": "mother", "guardians-0-name": f"Mor {given}"}
           if born.year > 2008 else {})})
    assert response.status_code == 302, response.text
    return response.headers["Location"].rsplit("/", 1)[1]


def plan_and_session(client, case_id):
    assert client.submit(f"/cases/{case_id}/plan/edit", {
        "version": "0", "goals-0-text": "Komme i gang", "goals-0-status": "in_progress",
        "measures-0-text": "Ukentlige samtaler", "measures-0-responsible": "worker",
        "agreed": "y"}).status_code == 302
    assert client.submit(f"/cases/{case_id}/contacts/new", {
        "occurred_at": "2026-11-02T10:00", "duration_minutes": "30",
        "kind": "individual", "note": "Første samtale"}).status_code == 302


def test_work_leader_journey(client, login, factory, clock):
    unit = factory.unit("Lund omsorgssenter", kind="care_home")
    leader = factory.user("work_leader", [unit])
    login(client, leader)
    case_id = register(client, unit, "work_leader", "health", date(1999, 3, 3), "Amina")
    plan_and_session(client, case_id)
    assert client.submit(f"/cases/{case_id}/placements/new", {
        "workplace": "Lund omsorgssenter", "trade": "health", "started_on": "2026-06-15",
        "hours_per_week": "30"}).status_code == 302
    version = str(db.session.get(Case, __import__("uuid").UUID(case_id)).version)
    assert client.submit(f"/cases/{case_id}/close", {
        "ended_on": "2026-08-01", "end_reason": "outcome_reached", "code": "mfy",
        "occurred_on": "2026-08-01", "version": version}).status_code == 302
    clock.set(clock.now().replace(year=2026, month=11, day=2))
    start = client.get("/").text
    assert "Kontrollpunkter å svare på" in start  # 3 months after 1 Aug is due on 1 Nov
    point = start.split('href="/checkpoints/')[1].split('"')[0]
    assert client.submit(f"/checkpoints/{point}", {
        "still_active": "yes", "code": "paid_work", "occurred_on": "2026-11-01",
        "paid_work_kind": "permanent", "percent_of_full_time": "100"}).status_code == 302
    page = client.get(f"/cases/{case_id}").text
    for text in ("Arbeidspraksis", "Planversjon 1", "Første samtale", "Modulstrukturert",
                 "fortsatt i arbeid eller utdanning", "Lønnet arbeid"):
        assert text in page, text


def test_youth_mentor_journey_with_handover(client, login, factory, make_client):
    school = factory.unit("Lund ungdomsskole")
    vgs = factory.unit("Kvadraturen vgs", "Agder fylkeskommune", "upper_secondary")
    mentor = factory.user("youth_mentor", [school])
    receiver = factory.user("youth_mentor", [vgs])
    login(client, mentor)
    case_id = register(client, school, "youth_mentor", "lower_secondary", date(2011, 2, 2), "Jonas")
    plan_and_session(client, case_id)
    assert client.submit(f"/cases/{case_id}/transitions/new", {
        "from_school": "Lund ungdomsskole", "from_grade": "10. trinn",
        "to_school": "Kvadraturen vgs", "to_programme": "Vg1 helse- og oppvekstfag",
        "transition_date": "2026-08-17"}).status_code == 302
    person = db.session.scalar(select(Participant))
    factory.consent(person, purpose="share", organisation=vgs.organisation)
    assert client.submit(f"/cases/{case_id}/handover", {
        "receiver": f"{receiver.id}:{vgs.id}", "note": "Trives med praktiske fag",
        "version": "1"}).status_code == 302
    other = make_client()
    login(other, receiver)
    page = other.get(f"/cases/{case_id}").text
    assert "Trives med praktiske fag" in page and "Første samtale" not in page
    assert "Komme i gang" in other.get(f"/cases/{case_id}/plan").text
    assert other.submit(f"/cases/{case_id}/contacts/new", {
        "occurred_at": "2026-11-02T10:00", "duration_minutes": "20",
        "kind": "school_meeting", "note": "Møte på vgs"}).status_code == 302
    assert "Møte på vgs" in other.get(f"/cases/{case_id}").text
