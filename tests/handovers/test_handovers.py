"""Handing a case over across organisations (consent to share) and reassigning within a unit."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.handovers.models import Handover


@pytest.fixture
def case(factory, mentor, school):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    factory.contact(case, occurred_at=datetime(2026, 10, 1, 10, 0), note="Tidlig samtale om hjemmet")
    factory.plan(case, goals=("Fullføre 10. trinn",))
    return case


def choose(vgs, receiver):
    return f"{receiver.id}:{vgs.id}"


def test_without_consent_to_share_nothing_is_handed_over(client, login, mentor, case, vgs, receiver):
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/handover", {
        "receiver": choose(vgs, receiver), "note": "Trenger tett oppfølging", "version": "1"})
    assert response.status_code == 200
    assert "har ikke samtykket til deling med Agder fylkeskommune" in response.text
    db.session.expire_all()
    assert db.session.get(Case, case.id).worker_id == mentor.id
    assert db.session.scalar(select(Handover)) is None


def test_handover_with_consent_gives_plan_and_note_not_history(client, login, mentor, case, vgs,
                                                              receiver, factory, make_client,
                                                              clock):
    factory.consent(case.participant, purpose="share", organisation=vgs.organisation)
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/handover", {
        "receiver": choose(vgs, receiver), "note": "Trenger tett oppfølging", "version": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Case, case.id)
    assert moved.worker_id == receiver.id and moved.unit_id == vgs.id
    new_worker = make_client()
    login(new_worker, receiver)
    page = new_worker.get(f"/cases/{case.id}").text
    assert "Trenger tett oppfølging" in page
    assert "Tidlig samtale om hjemmet" not in page
    assert "Fullføre 10. trinn" in new_worker.get(f"/cases/{case.id}/plan").text
    old = db.session.scalar(select(Handover))
    contact_id = case_contact_id(case)
    assert new_worker.get(f"/contacts/{contact_id}/history").status_code == 404
    assert old.sender_read_until is not None and not old.history_shared
    # the sender may read for the configured days, never write
    sender_page = client.get(f"/cases/{case.id}")
    assert sender_page.status_code == 200 and "Tidlig samtale om hjemmet" in sender_page.text
    assert "Registrer samtale" not in sender_page.text
    assert client.get(f"/cases/{case.id}/contacts/new").status_code == 404
    clock.advance(days=15)
    relogin = make_client()
    login(relogin, mentor)
    assert relogin.get(f"/cases/{case.id}").status_code == 404
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.handover"))


def case_contact_id(case):
    from caseapp.contacts.models import Contact

    return db.session.scalar(select(Contact.id).where(Contact.case_id == case.id))


def test_a_receiver_outside_the_programme_cannot_be_chosen(client, login, mentor, case, factory,
                                                           vgs):
    leader = factory.user("work_leader", [vgs])
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/handover", {
        "receiver": f"{leader.id}:{vgs.id}", "version": "1"})
    assert response.status_code == 200 and "Ikke et gyldig valg" in response.text


def test_coordinator_reassigns_within_the_unit_with_full_history(client, login, mentor, case,
                                                                 factory, school, make_client):
    colleague = factory.user("youth_mentor", [school])
    coordinator = factory.user("coordinator", [school])
    login(client, coordinator)
    response = client.submit(f"/cases/{case.id}/reassign", {
        "worker": str(colleague.id), "reason": "workload", "version": "1"})
    assert response.status_code == 302
    new_worker = make_client()
    login(new_worker, colleague)
    assert "Tidlig samtale om hjemmet" in new_worker.get(f"/cases/{case.id}").text
    old = make_client()
    login(old, mentor)
    assert old.get(f"/cases/{case.id}").status_code == 404


def test_a_stale_handover_is_a_conflict(client, login, mentor, case, vgs, receiver, factory):
    factory.consent(case.participant, purpose="share", organisation=vgs.organisation)
    login(client, mentor)
    case.status = "paused"
    db.session.commit()
    response = client.submit(f"/cases/{case.id}/handover", {
        "receiver": choose(vgs, receiver), "version": "1"})
    assert response.status_code == 409 and "Noen andre endret saken" in response.text


def test_a_waiver_covering_notes_gives_the_receiver_the_history(client, login, mentor, case, vgs,
                                                              receiver, make_client):
    from consent.services import grant

    grant(db.session, participant_id=case.participant_id, purpose="share",
          organisation_id=vgs.organisation_id, data_categories=["identity", "notes"],
          given_by="subject_and_guardians", guardians=[{"name": "Mor", "relation": "mor"}])
    db.session.commit()
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/handover", {
        "receiver": choose(vgs, receiver), "note": "Trenger tett oppfølging", "version": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(Handover)).history_shared
    new_worker = make_client()
    login(new_worker, receiver)
    assert "Tidlig samtale om hjemmet" in new_worker.get(f"/cases/{case.id}").text
