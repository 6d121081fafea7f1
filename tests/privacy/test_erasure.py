"""Requests for erasure: the privacy officer restricts, crypto-shreds or keeps for the archive,
always with a reason; a restricted person is hidden from everyone except through break-glass."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.privacy import erasure, restriction
from audit.models import AuditEvent
from caseapp.privacy.models import ErasureDecision
from caseapp.extensions import db
from caseapp.participants.models import Participant

REASON = "Den unge ba om sletting 3. november; arkivplikten gjelder saken."


@pytest.fixture
def world(factory):
    school = factory.unit("Lund skole")
    mentor = factory.user("youth_mentor", [school])
    officer = factory.user("privacy_officer")
    case = factory.case(mentor, school, participant=factory.participant("Ola", "Sperresen"))
    return {"mentor": mentor, "officer": officer, "case": case}


def decide(client, login, world, outcome, reason=REASON):
    login(client, world["officer"])
    path = f"/audit/participants/{world['case'].participant_id}/erasure"
    return client.submit(path, {"outcome": outcome, "reason": reason})


def test_restriction_hides_the_person_except_through_break_glass(world, client, make_client,
                                                                  login):
    case = world["case"]
    assert decide(client, login, world, "restrict").status_code == 302
    worker = make_client()
    login(worker, world["mentor"])
    assert "Sperresen" not in worker.get("/cases/").text
    assert worker.get(f"/cases/{case.id}").status_code == 404
    glass = f"/break-glass/cases/{case.id}"
    assert worker.get(glass).status_code == 200  # the way in is break-glass, with a reason
    opened = worker.submit(glass, {"reason": "Akutt situasjon på skolen, må se kontaktinfo."})
    assert opened.status_code == 302
    page = worker.get(f"/cases/{case.id}")
    assert page.status_code == 200 and "Ola Sperresen" in page.text
    # the privacy officer still handles the person's requests
    found = client.submit("/audit/subjects", {"national_id": case.participant.national_id})
    assert "Ola Sperresen" in found.text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "erasure.restrict")).one()
    assert event.subject_id == case.participant_id and REASON not in str(event.details)


def test_the_filter_is_built_once_and_still_hides_a_restriction_made_after(
        world, client, make_client, login):
    """Every query of a request carries the restriction filter: its statement is built once per
    process (building the alias anew for each query cost more than the queries), and being
    built once freezes nothing: a restriction decided after it was built hides at once."""
    assert erasure.restricted_ids() is erasure.restricted_ids()
    case = world["case"]
    worker = make_client()
    login(worker, world["mentor"])
    assert worker.get(f"/cases/{case.id}").status_code == 200  # the filter is in use
    assert decide(client, login, world, "restrict").status_code == 302
    assert worker.get(f"/cases/{case.id}").status_code == 404
    assert "Sperresen" not in worker.get("/cases/").text
    restriction.lift(db.session, world["officer"], db.session.get(Participant, case.participant_id),
                     REASON)
    db.session.commit()
    assert worker.get(f"/cases/{case.id}").status_code == 200


def confirm(client, world, typed):
    path = f"/audit/participants/{world['case'].participant_id}/erasure"
    return client.submit(path, {"outcome": "crypto_shred", "reason": REASON, "confirm": "1",
                                "case_reference": typed})


def test_crypto_shredding_destroys_identity_and_free_text(world, client, make_client, login):
    case = world["case"]
    other = make_client()
    login(other, world["mentor"])
    assert decide(client, login, world, "crypto_shred").status_code == 200  # asks first
    assert confirm(client, world, erasure.case_reference(case.participant_id)).status_code == 302
    from caseapp.crypto import keyring

    keyring.forget(str(case.participant_id))  # this test's own context cached the key earlier
    db.session.expire_all()
    person = db.session.get(Participant, case.participant_id)
    assert person.erased  # the data key is gone: nothing about the person can be read
    assert (person.given_name, person.family_name, person.national_id) == (None, None, None)
    assert person.birth_year == 2010  # statistics stay
    decision = db.session.scalars(select(ErasureDecision)).one()
    assert decision.reason == REASON and decision.outcome == "crypto_shred"
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "erasure.crypto_shred")).one()
    assert event.categories == ["all_personal_data"]
    assert "Sperresen" not in other.get("/cases/").text


def test_archive_keeps_the_data_and_records_the_reason(world, client, login):
    assert decide(client, login, world, "archive").status_code == 302
    page = client.get(f"/audit/participants/{world['case'].participant_id}/erasure")
    assert "Bevar for arkiv" in page.text and REASON in page.text
    db.session.expire_all()
    assert db.session.get(Participant, world["case"].participant_id).family_name == "Sperresen"


def test_a_decision_without_reason_is_refused(world, client, login):
    page = decide(client, login, world, "restrict", reason="")
    assert page.status_code == 200 and "Begrunn vedtaket" in page.text
    assert db.session.scalar(select(ErasureDecision)) is None


def test_erasure_is_confirmed_by_typing_the_case_reference_after_seeing_what_goes(
        world, client, login, factory):
    case = world["case"]
    factory.consent(case.participant)
    factory.plan(case, goals=("Hemmelig mål om skolegang",))
    factory.contact(case, note="Fortrolig samtale om hjemmet.")
    factory.contact(case, note="Andre samtale.")
    reference = erasure.case_reference(case.participant_id)
    page = decide(client, login, world, "crypto_shred")
    assert page.status_code == 200 and reference in page.text
    text = page.text
    for content in ("Sperresen", "Ola", "Fortrolig", "Hemmelig", case.participant.national_id):
        assert content not in text  # counts and the reference, never the content
    counts = text.split('id="erasure-counts"')[1].split("</table>")[0]
    assert "Samtaler" in counts and ">2<" in counts  # two sessions
    assert "Planversjoner" in counts and "Saker" in counts
    assert db.session.scalar(select(ErasureDecision)) is None  # nothing decided yet
    wrong = confirm(client, world, "ABCD-1234")
    assert wrong.status_code == 200 and "Skriv saksreferansen" in wrong.text
    assert confirm(client, world, "").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(ErasureDecision)) is None
    assert db.session.get(Participant, case.participant_id).family_name == "Sperresen"
    done = confirm(client, world, reference.lower())
    assert done.status_code == 302
    assert db.session.scalar(select(ErasureDecision)).outcome == "crypto_shred"


def test_decisions_are_shown_in_norwegian_local_time(world, client, login, clock):
    assert decide(client, login, world, "archive").status_code == 302
    page = client.get(f"/audit/participants/{world['case'].participant_id}/erasure")
    decided = db.session.scalar(select(ErasureDecision)).decided_at
    assert decided.hour == 9 and decided.minute >= 0  # stored in UTC (09:0x in November)
    assert f"kl. 10:{decided.minute:02d}" in page.text and "UTC" not in page.text


def test_every_record_type_about_a_person_has_a_human_label(app):
    from caseapp.privacy.records import RECORD_TYPES, participant_tables

    assert {model.__tablename__ for model in participant_tables()} <= set(RECORD_TYPES)
