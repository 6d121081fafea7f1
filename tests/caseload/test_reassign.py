"""A coordinator reassigns a case within the unit: audited with grounds and reason, the new
worker sees it on "Mine saker", the old one loses it; invalid choices save nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.accounts.services import deactivate_user
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.handovers.models import Handover


@pytest.fixture
def setting(factory, school, mentor):
    colleague = factory.user("youth_mentor", [school])
    coordinator = factory.user("coordinator", [school])
    case = factory.case(mentor, school, participant=factory.participant(given="Sigrid"))
    factory.consent(case.participant)
    factory.contact(case, note="Samtale om skolestart")
    return {"colleague": colleague, "coordinator": coordinator, "case": case}


def reassign(client, case, worker_id, reason="workload", note=""):
    return client.submit(f"/cases/{case.id}/reassign", {
        "worker": str(worker_id), "reason": reason, "note": note, "version": str(case.version)})


def test_reassign_end_to_end(client, login, make_client, mentor, setting):
    case, colleague = setting["case"], setting["colleague"]
    login(client, setting["coordinator"])
    form = client.get(f"/cases/{case.id}/reassign")
    assert form.status_code == 200
    assert "Sigrid" not in form.text  # the form shows metadata, not the person
    assert colleague.display_name in form.text and f'value="{mentor.id}"' not in form.text
    response = reassign(client, case, colleague.id, note="Hun liker å bli ringt")
    assert response.status_code == 302 and response.headers["Location"] == "/caseload/"
    db.session.expire_all()
    assert db.session.get(Case, case.id).worker_id == colleague.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.reassign")).one()
    assert event.grounds == "coordinator_review"
    assert event.object_id == str(case.id) and event.actor_id == setting["coordinator"].id
    assert event.details["reason"] == "workload" and event.details["to_worker"] == str(colleague.id)
    assert "Hun liker" not in str(event.details)
    assert db.session.scalar(select(Handover)).reason == "workload"

    new_worker = make_client()
    login(new_worker, colleague)
    start = new_worker.get("/").text
    assert "Sigrid" in start and "Ny for deg fra" in start
    page = new_worker.get(f"/cases/{case.id}").text
    assert "Samtale om skolestart" in page and "Hun liker å bli ringt" in page
    old = make_client()
    login(old, mentor)
    assert old.get(f"/cases/{case.id}").status_code == 404
    assert "Sigrid" not in old.get("/").text


@pytest.mark.parametrize("who,message", [
    ("self", "Saken tilhører allerede"),
    ("other_unit", "arbeider ikke ved Kristiansand kommune / Lund ungdomsskole"),
    ("inactive", "er deaktivert og kan ikke overta saker"),
    ("work_leader", "arbeider ikke i ordningen"),
    ("garbage", "Velg hvem som skal overta saken"),
])
def test_invalid_choices_save_nothing(client, login, factory, mentor, setting, who, message):
    case = setting["case"]
    other_unit = factory.unit("Vågsbygd ungdomsskole")
    workers = {
        "self": mentor.id,
        "other_unit": factory.user("youth_mentor", [other_unit]).id,
        "inactive": setting["colleague"].id,
        "work_leader": factory.user("work_leader", [case.unit]).id,
        "garbage": "not-an-id",
    }
    if who == "inactive":
        deactivate_user(db.session, setting["colleague"])
        db.session.commit()
    login(client, setting["coordinator"])
    response = reassign(client, case, workers[who])
    assert response.status_code == 200
    assert message in response.text
    db.session.expire_all()
    assert db.session.get(Case, case.id).worker_id == mentor.id
    assert db.session.scalar(select(Handover)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.reassign")) is None


def test_a_reason_is_required(client, login, mentor, setting):
    login(client, setting["coordinator"])
    response = reassign(client, setting["case"], setting["colleague"].id, reason="")
    assert "Velg hvorfor saken gis til en annen" in response.text
    db.session.expire_all()
    assert db.session.get(Case, setting["case"].id).worker_id == mentor.id


def test_without_a_basis_for_follow_up_nothing_is_reassigned(client, login, factory, school,
                                                             mentor, setting):
    case = factory.case(mentor, school)  # no consent recorded
    login(client, setting["coordinator"])
    response = reassign(client, case, setting["colleague"].id)
    assert response.status_code == 200
    assert "Det finnes ikke noe gyldig samtykke eller rettslig grunnlag" in response.text
    db.session.expire_all()
    assert db.session.get(Case, case.id).worker_id == mentor.id


def test_a_coordinator_of_another_unit_cannot_reassign(client, login, factory, setting):
    elsewhere = factory.user("coordinator", [factory.unit("Vågsbygd ungdomsskole")])
    login(client, elsewhere)
    case = setting["case"]
    assert client.get(f"/cases/{case.id}/reassign").status_code == 404
    response = client.post(f"/cases/{case.id}/reassign", data={
        "csrf_token": client.csrf_token("/"), "worker": str(setting["colleague"].id),
        "reason": "workload", "version": "1"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Case, case.id).worker_id != setting["colleague"].id


def test_reassign_needs_the_csrf_token(client, login, setting):
    login(client, setting["coordinator"])
    response = client.post(f"/cases/{setting['case'].id}/reassign", data={
        "worker": str(setting["colleague"].id), "reason": "workload", "version": "1"})
    assert response.status_code == 400
