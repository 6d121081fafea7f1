"""The research extract: research consent only, configured columns only, fresh pseudonyms,
a data description, audited (also in each included person's log)."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.extensions import db
from caseapp.outcomes.models import Outcome
from caseapp.reports.cli import research_extract_command
from consent.services import withdraw

PROJECT = {"title": "Følgeforskning arbeidsleder", "columns": ["programme", "track",
                                                               "first_outcome", "birth_year"]}


@pytest.fixture(autouse=True)
def configured(app_config):
    app_config["CASEAPP_RESEARCH_PROJECTS"] = {"flere-i-arbeid": PROJECT}


@pytest.fixture
def people(factory):
    unit = factory.unit("Forskningsenheten", kind="care_home")
    leader = factory.user("work_leader", [unit])
    cases = {}
    for name in ("Astrid", "Bjørn", "Cecilie"):
        case = factory.case(leader, unit, factory.participant(given=name, family="Forsker"))
        factory.consent(case.participant)
        cases[name] = case
    db.session.add(Outcome(case_id=cases["Astrid"].id, participant_id=cases["Astrid"].participant_id,
                           code="paid_work", occurred_on=date(2026, 6, 1), recorded_by_id=leader.id))
    factory.consent(cases["Astrid"].participant, purpose="research")
    withdrawn = factory.consent(cases["Bjørn"].participant, purpose="research")
    withdraw(db.session, withdrawn)
    db.session.commit()
    return cases  # Cecilie never consented to research


def extract(app, tmp_path, name="x.zip"):
    path = tmp_path / name
    result = app.test_cli_runner().invoke(research_extract_command,
                                          ["--project", "flere-i-arbeid", "--out", str(path)])
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(path)
    rows = list(csv.reader(io.StringIO(archive.read("data.csv").decode()), delimiter=";"))
    return rows, json.loads(archive.read("description.json")), archive


def test_only_research_consent_only_configured_columns(app, people, tmp_path):
    rows, description, archive = extract(app, tmp_path)
    assert rows[0] == ["pseudonym", "programme", "track", "first_outcome", "birth_year"]
    assert len(rows) == 2 and rows[1][1:] == ["work_leader", "health", "paid_work", "2010"]
    raw = b"".join(archive.read(n) for n in archive.namelist())
    for secret in (b"Astrid", b"Forsker", str(people["Astrid"].participant_id).encode(),
                   people["Astrid"].participant.national_id.encode()):
        assert secret not in raw
    assert [c["name"] for c in description["columns"]] == rows[0]
    assert description["rows"] == 1 and description["project"] == "flere-i-arbeid"
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "research.extract")).all()
    assert [e.subject_id for e in events] == [people["Astrid"].participant_id]
    summary = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "research.extract_created")).one()
    assert summary.details["participants"] == 1 and summary.details["columns"] == PROJECT["columns"]


def test_every_extract_has_new_pseudonyms(app, people, tmp_path):
    first, _d, _a = extract(app, tmp_path, "a.zip")
    second, _d, _a = extract(app, tmp_path, "b.zip")
    assert first[1][0] != second[1][0] and len(first[1][0]) == 20


def test_the_privacy_officer_downloads_and_others_may_not(factory, people, client, login,
                                                         make_client):
    officer = factory.user("privacy_officer")
    login(client, officer)
    page = client.get("/reports/research")
    assert page.status_code == 200 and "flere-i-arbeid" in page.text
    response = client.submit("/reports/research", {"project": "flere-i-arbeid"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert client.submit("/reports/research", {"project": "ukjent"}).status_code == 404
    other = make_client()
    login(other, factory.user("coordinator"))
    refused = other.post("/reports/research", data={"csrf_token": other.csrf_token("/"),
                                                   "project": "flere-i-arbeid"})
    assert refused.status_code == 403


def test_an_unconfigured_project_is_refused(app, people, tmp_path):
    result = app.test_cli_runner().invoke(research_extract_command,
                                          ["--project", "nope", "--out", str(tmp_path / "n.zip")])
    assert result.exit_code != 0 and "nope" in result.output
    assert not (tmp_path / "n.zip").exists()
