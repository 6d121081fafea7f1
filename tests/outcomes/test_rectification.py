"""Rectification (GDPR Art. 16) of outcomes: corrected with a history and conflict protection,
flowing into statistics; closing a case whose outcome is recorded asks for it only once."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.outcomes.models import Outcome
from caseapp.reports import statistics


def outcome_form(**changes):
    data = {"code": "vgs_started", "occurred_on": "2026-08-17", "paid_work_kind": "",
            "percent_of_full_time": "", "note": "Startet på Vg1."}
    data.update(changes)
    return data


def version_of(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def record(client, case) -> Outcome:
    assert client.submit(f"/cases/{case.id}/outcomes/new", outcome_form()).status_code == 302
    return db.session.scalar(select(Outcome).where(Outcome.case_id == case.id))


def test_a_correction_replaces_the_outcome_and_keeps_the_earlier_one_in_the_history(
        client, login, mentor, case, clock):
    login(client, mentor)
    outcome = record(client, case)
    assert f"/outcomes/{outcome.id}/edit" in client.get(f"/cases/{case.id}").text
    clock.advance(minutes=5)
    form = client.get(f"/outcomes/{outcome.id}/edit").text
    assert 'value="vgs_started" selected' in form or 'selected value="vgs_started"' in form
    response = client.submit(f"/outcomes/{outcome.id}/edit", outcome_form(
        code="dropout", occurred_on="2026-09-01", note="Sluttet etter tre uker.",
        version=version_of(form)))
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}").text
    outcomes = page[page.index('id="outcomes"'):page.index('id="timeline"')]
    assert "Avbrudd" in outcomes and "Startet på videregående skole" not in outcomes
    history = client.get(f"/outcomes/{outcome.id}/history").text
    assert "Startet på videregående skole" in history and "Avbrudd" in history
    assert "Startet på Vg1." in history and "Sluttet etter tre uker." in history
    assert "Rettet av" in history and "Registrert av" in history
    assert db.session.scalar(select(func.count(Outcome.id))) == 1
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"outcome.correct", "outcome.history_view"} <= actions


def test_a_stale_correction_gets_a_conflict_and_does_not_overwrite(client, login, mentor, case,
                                                                  make_client):
    login(client, mentor)
    outcome = record(client, case)
    other_tab = make_client()
    login(other_tab, mentor)
    token = other_tab.csrf_token(f"/outcomes/{outcome.id}/edit")
    assert client.submit(f"/outcomes/{outcome.id}/edit", outcome_form(
        code="dropout", version="1")).status_code == 302
    late = other_tab.post(f"/outcomes/{outcome.id}/edit", data={
        "csrf_token": token, **outcome_form(code="continued_in_school", version="1")})
    assert late.status_code == 409
    assert "Noen andre lagret dette mens du redigerte" in late.text
    assert 'value="continued_in_school" selected' in late.text or \
        'selected value="continued_in_school"' in late.text  # the user's choice is kept
    db.session.expire_all()
    assert db.session.get(Outcome, outcome.id).code == "dropout"


def test_a_correction_needs_a_valid_basis(client, login, mentor, case):
    login(client, mentor)
    outcome = record(client, case)
    from consent.services import records_for, withdraw
    withdraw(db.session, records_for(db.session, case.participant_id)[0])
    db.session.commit()
    response = client.submit(f"/outcomes/{outcome.id}/edit", outcome_form(code="dropout",
                                                                          version="1"))
    assert response.status_code == 200 and "Ingenting ble lagret" in response.text
    db.session.expire_all()
    assert db.session.get(Outcome, outcome.id).code == "vgs_started"


def test_a_colleague_cannot_correct_the_outcome(client, login, mentor, case, factory, school,
                                                make_client):
    login(client, mentor)
    outcome = record(client, case)
    colleague = make_client()
    login(colleague, factory.user("youth_mentor", [school]))
    assert colleague.get(f"/outcomes/{outcome.id}/edit").status_code == 404
    assert colleague.get(f"/outcomes/{outcome.id}/history").status_code == 404


def test_a_corrected_outcome_flows_into_statistics(client, login, mentor, case, school):
    login(client, mentor)
    outcome = record(client, case)
    f = statistics.Filters(date(2026, 1, 1), date(2026, 10, 31), (school.id,))
    track = (case.programme, case.track)
    before = statistics.compute(db.session, f)
    assert before.first_outcome[(track, "vgs_started")].n == 1
    client.submit(f"/outcomes/{outcome.id}/edit", outcome_form(code="dropout", version="1"))
    db.session.expire_all()
    after = statistics.compute(db.session, f)
    assert after.first_outcome[(track, "vgs_started")].n == 0
    assert after.first_outcome[(track, "dropout")].n == 1
    assert after.latest_outcome[(track, "dropout")].n == 1


def test_closing_after_an_outcome_does_not_ask_for_it_again(client, login, mentor, case):
    login(client, mentor)
    record(client, case)
    form = client.get(f"/cases/{case.id}/close").text
    assert 'name="code"' not in form
    assert "Startet på videregående skole" in form  # the recorded outcome is shown
    response = client.submit(f"/cases/{case.id}/close", {
        "ended_on": "2026-10-30", "end_reason": "outcome_reached", "version": version_of(form)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Case)).status == "closed"
    assert db.session.scalars(select(Outcome.code)).all() == ["vgs_started"]
    page = client.get(f"/cases/{case.id}").text
    outcomes = page[page.index('id="outcomes"'):page.index('id="timeline"')]
    assert outcomes.count("Startet på videregående skole") == 1


def test_closing_without_any_outcome_still_asks_for_one(client, login, mentor, case):
    login(client, mentor)
    form = client.get(f"/cases/{case.id}/close").text
    assert 'name="code"' in form
    response = client.submit(f"/cases/{case.id}/close", {
        "ended_on": "2026-10-30", "end_reason": "outcome_reached", "version": version_of(form),
        "code": "", "occurred_on": ""})
    assert response.status_code == 200
    assert db.session.scalar(select(Case)).status == "active"


def test_a_checkpoint_that_confirms_the_outcome_adds_no_copy(client, login, mentor, case,
                                                             factory, clock):
    login(client, mentor)
    record(client, case)
    form = client.get(f"/cases/{case.id}/close").text
    client.submit(f"/cases/{case.id}/close", {
        "ended_on": "2026-10-30", "end_reason": "outcome_reached", "version": version_of(form)})
    point = factory.checkpoint(case)
    response = client.submit(f"/checkpoints/{point.id}", outcome_form(
        still_active="yes", occurred_on="2026-11-02"))
    assert response.status_code == 302
    assert db.session.scalars(select(Outcome.code)).all() == ["vgs_started"]
    page = client.get(f"/cases/{case.id}").text
    outcomes = page[page.index('id="outcomes"'):page.index('id="timeline"')]
    assert outcomes.count("Startet på videregående skole") == 2  # the list and the checkpoint
