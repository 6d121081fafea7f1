"""The privacy officer searches the audit log, sees flags and exports a result as CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

import audit
from audit.models import AuditEvent
from caseapp.extensions import db


@pytest.fixture
def app_config(app_config):
    """Bulk access here: more than 3 persons within 10 minutes."""
    return {**app_config, "CASEAPP_AUDIT_BULK_PERSONS": 3, "CASEAPP_AUDIT_BULK_MINUTES": 10}


@pytest.fixture
def office(factory):
    unit = factory.unit("Lund skole")
    mentor = factory.user("youth_mentor", [unit], username="uv.lund")
    other = factory.user("youth_mentor", [unit], username="uv.annen")
    coordinator = factory.user("coordinator", [unit], username="koord")
    officer = factory.user("privacy_officer", username="personvern")
    cases = [factory.case(mentor, unit) for _ in range(5)]
    return {"unit": unit, "mentor": mentor, "other": other, "coordinator": coordinator,
            "officer": officer, "cases": cases}


def opened(user, case, grounds="own_caseload"):
    audit.record("case.view", actor=user, object_type="case", object_id=case.id,
                 subject_id=case.participant_id, categories=["identity"], grounds=grounds)
    db.session.commit()


def export(client, **params) -> list[dict]:
    response = client.get("/audit/export.csv", query_string=params)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.text)))


def views(rows):
    return [r for r in rows if r["action"] == "case.view"]


def test_filters_by_user_participant_action_grounds_and_period(office, client, clock, login):
    mentor, coordinator, cases = office["mentor"], office["coordinator"], office["cases"]
    opened(mentor, cases[0])
    clock.advance(days=2)
    opened(coordinator, cases[0], grounds="coordinator_review")
    opened(mentor, cases[1])
    login(client, office["officer"])

    by_user = views(export(client, user=str(coordinator.id)))
    assert [(r["actor"], r["grounds"]) for r in by_user] == [("koord", "coordinator_review")]
    by_person = views(export(client, participant=str(cases[0].participant_id)))
    assert {r["actor"] for r in by_person} == {"uv.lund", "koord"}
    assert all(r["subject_id"] == str(cases[0].participant_id) for r in by_person)
    assert {r["action"] for r in export(client, action="case.view")} == {"case.view"}
    assert len(export(client, action="case.view", grounds="own_caseload")) == 2
    first_day = export(client, action="case.view", date_from="2026-11-02", date_to="2026-11-02")
    assert [r["object_id"] for r in first_day] == [str(cases[0].id)]
    page = client.get("/audit/", query_string={"participant": str(cases[1].participant_id)})
    assert page.status_code == 200 and "1 hendelse funnet" in page.text


def test_flags(office, client, clock, login):
    mentor, other, coordinator, cases = (office["mentor"], office["other"], office["coordinator"],
                                         office["cases"])
    opened(mentor, cases[0])  # Monday 10:00 in Oslo, own caseload: no flag
    opened(coordinator, cases[0], grounds="coordinator_review")
    opened(other, cases[1], grounds="break_glass")
    clock.set(datetime(2026, 11, 2, 22, 30))  # 23:30 in Oslo
    opened(mentor, cases[2])
    clock.set(datetime(2026, 11, 3, 9, 0))
    for case in cases[:4]:  # four persons within four minutes: more than three in ten minutes
        opened(other, case, grounds="break_glass")
        clock.advance(minutes=1)
    clock.set(datetime(2026, 11, 4, 9, 0))
    for case in cases[:4]:  # four persons over 45 minutes: not bulk
        opened(mentor, case)
        clock.advance(minutes=15)
    login(client, office["officer"])

    rows = views(export(client))
    flags = {(r["actor"], r["time_utc"]): set(filter(None, r["flags"].split(";"))) for r in rows}
    assert flags[("uv.lund", "2026-11-02T09:00:00")] == set()
    assert flags[("koord", "2026-11-02T09:00:00")] == {"outside_caseload"}
    assert flags[("uv.annen", "2026-11-02T09:00:00")] == {"break_glass", "outside_caseload"}
    assert flags[("uv.lund", "2026-11-02T22:30:00")] == {"unusual_hours"}
    assert flags[("uv.annen", "2026-11-03T09:03:00")] == {"break_glass", "outside_caseload", "bulk"}
    assert all(not f for (actor, at), f in flags.items() if at.startswith("2026-11-04"))

    bulk = views(export(client, flag="bulk"))
    assert len(bulk) == 4 and {r["actor"] for r in bulk} == {"uv.annen"}
    page = client.get("/audit/", query_string={"flag": "break_glass"})
    assert page.text.count('class="tag flag flag-break_glass"') == 5


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_never_start_a_formula(factory, office, client, login, name):
    unit = factory.unit("Skole", organisation=name)  # names an administrator typed in
    worker = factory.user("youth_mentor", [unit])
    opened(worker, factory.case(worker, unit))
    login(client, office["officer"])
    rows = views(export(client, user=str(worker.id)))
    assert rows[0]["actor_units"] == "'" + name + " / Skole"
    raw = client.get("/audit/export.csv").text
    for row in csv.reader(io.StringIO(raw)):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_the_export_is_itself_audited(office, client, login):
    opened(office["mentor"], office["cases"][0])
    login(client, office["officer"])
    export(client, action="case.view")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")).one()
    assert event.actor_id == office["officer"].id
    assert event.details == {"filters": {"action": "case.view"}, "rows": 1}


@pytest.mark.parametrize("params, message", [
    ({"participant": "Kari Nordmann"}, "En deltaker-id ser slik ut"),
    ({"date_from": "2026-13-01"}, "Skriv datoen som ÅÅÅÅ-MM-DD"),
    ({"date_from": "2026-11-05", "date_to": "2026-11-01"}, "Til-datoen må være samme dag"),
    ({"user": "not-a-user"}, "Ikke et gyldig valg"),
])
def test_bad_search_input_gets_a_norwegian_field_error(office, client, login, params, message):
    login(client, office["officer"])
    for path in ("/audit/", "/audit/export.csv"):
        page = client.get(path, query_string=params)
        assert page.status_code == 200 and page.mimetype == "text/html"
        assert message in page.text
