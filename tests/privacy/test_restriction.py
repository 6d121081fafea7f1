"""A restriction (GDPR art. 18) cannot be bypassed: registering the restricted person again — by
the form, the import or a handover — is refused with the neutral message any person the worker
may not see gets, and the privacy officer sees the attempt flagged with actor and time."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.privacy import erasure
from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.participants.models import Participant
from tests.imports.test_import import good_rows, run, write_csv
from tests.participants.test_registration import form

REASON = "Den unge ba om sletting 3. november; arkivplikten gjelder saken."
BORN = date(2011, 3, 14)
NEUTRAL = "Denne personen kan ikke registreres av deg"
ATTEMPT = "participant.register_restricted"


@pytest.fixture
def world(factory, school, mentor):
    officer = factory.user("privacy_officer")
    person = factory.participant("Ola", "Sperresen", born=BORN)
    case = factory.case(mentor, school, participant=person)
    factory.consent(person)
    erasure.decide(db.session, officer, person, "restrict", REASON)
    db.session.commit()
    return {"officer": officer, "case": case, "person": person}


def attempts() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == ATTEMPT)))


def people() -> int:
    return db.session.scalar(select(func.count(Participant.id)))


def test_the_form_refuses_a_restricted_national_id_like_any_hidden_person(
        world, client, make_client, login, factory, school, mentor):
    other = factory.user("youth_mentor", [school])
    login(client, other)
    page = client.submit("/participants/new", form(school, national_id=world["person"].national_id,
                                                   birth_date=BORN.isoformat()))
    assert page.status_code == 200 and NEUTRAL in page.text
    assert "Sperresen" not in page.text and "sperr" not in page.text.lower()
    assert people() == 1  # no second record for the same person
    # the same words as for a person registered by a worker in another unit
    elsewhere = factory.unit("Vågsbygd skole")
    stranger = factory.participant("Kari", "Annensted", born=date(2011, 6, 1))
    factory.case(factory.user("youth_mentor", [elsewhere]), elsewhere, participant=stranger)
    hidden = client.submit("/participants/new", form(school, national_id=stranger.national_id,
                                                     birth_date="2011-06-01"))
    assert NEUTRAL in hidden.text
    [event] = attempts()
    assert event.actor_id == other.id and event.subject_id == world["person"].id
    assert event.outcome == "denied" and REASON not in str(event.details)


def test_the_privacy_officer_sees_the_attempt_flagged_with_actor_and_local_time(
        world, client, make_client, login, clock, factory, school):
    other = factory.user("youth_mentor", [school], username="mentor.forsok")
    worker = make_client()
    login(worker, other)
    worker.submit("/participants/new", form(school, national_id=world["person"].national_id,
                                            birth_date=BORN.isoformat()))
    login(client, world["officer"])
    page = client.get("/audit/")
    assert "Registreringsforsøk på sperret person" in page.text
    [event] = attempts()
    local = event.at.replace(tzinfo=__import__("zoneinfo").ZoneInfo("UTC")).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Oslo"))
    panel = page.text.split('id="restricted-attempts"')[1].split("</section>")[0]
    assert other.display_name in panel and local.strftime("%H:%M") in panel
    flagged = client.get("/audit/?flag=restricted_registration")
    assert "mentor.forsok" in flagged.text and "Registreringsforsøk på sperret person" in flagged.text


def test_the_import_refuses_a_restricted_national_id_and_the_attempt_is_flagged(
        app, world, tmp_path, factory):
    unit = factory.unit("Lund omsorgssenter", kind="care_home")
    factory.user("work_leader", [unit], username="al.lund")
    row = good_rows()[0]
    row[2], row[3] = world["person"].national_id, BORN.isoformat()
    result = run(app, write_csv(tmp_path / "liste.csv", [row]))
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "allerede registrert" in result.output  # as for anyone already registered
    assert people() == 1
    db.session.expire_all()
    [event] = attempts()  # kept although the import saved nothing
    assert event.subject_id == world["person"].id and event.details.get("via") == "import"


def test_a_handover_of_a_restricted_person_is_refused_even_under_break_glass(
        world, client, login, factory, school, mentor):
    receiver = factory.user("youth_mentor", [school])
    case = world["case"]
    login(client, mentor)
    opened = client.submit(f"/break-glass/cases/{case.id}",
                           {"reason": "Akutt situasjon på skolen, må se kontaktinfo."})
    assert opened.status_code == 302
    page = client.submit(f"/cases/{case.id}/handover", {
        "receiver": f"{receiver.id}:{school.id}", "note": "", "version": str(case.version)})
    assert page.status_code == 200 and "kan ikke overføres" in page.text
    db.session.expire_all()
    assert db.session.get(Case, case.id).worker_id == mentor.id
    [event] = attempts()
    assert event.actor_id == mentor.id and event.details.get("via") == "handover"


def test_a_crypto_shredded_person_is_registered_anew_as_a_new_processing(
        world, client, login, factory, school, mentor):
    from caseapp.crypto import keyring
    from consent.models import ConsentRecord

    person, national_id = world["person"], world["person"].national_id
    erasure.decide(db.session, world["officer"], person, "crypto_shred", REASON)  # confirmed
    db.session.commit()
    keyring.forget(str(person.id))
    login(client, mentor)
    page = client.submit("/participants/new", form(school, national_id=national_id,
                                                   birth_date=BORN.isoformat()))
    assert page.status_code == 302  # nothing recognises the erased person
    db.session.expire_all()
    new = db.session.scalar(select(Participant).where(Participant.id != person.id))
    assert new.national_id == national_id and not attempts()
    bases = db.session.scalars(select(ConsentRecord).where(
        ConsentRecord.participant_id == new.id)).all()
    assert len(bases) == 1  # a new basis, recorded with the new registration


LIFT_REASON = "Klagen er behandlet; arkivet trenger ikke lenger sperringen."


def lift(client, person, reason=LIFT_REASON):
    return client.submit(f"/audit/participants/{person.id}/restriction/lift",
                         {"lift-reason": reason},
                         form_page=f"/audit/participants/{person.id}/erasure")


def pdf_text(response) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)


def test_the_privacy_officer_lifts_a_restriction_and_the_case_is_visible_again(
        world, client, make_client, login, clock, mentor, app):
    app.config["CASEAPP_ORGANISATION_NAME"] = "Kristiansand kommune"
    case, person = world["case"], world["person"]
    worker = make_client()
    login(worker, mentor)
    assert worker.get(f"/cases/{case.id}").status_code == 404
    login(client, world["officer"])
    page = client.get(f"/audit/participants/{person.id}/erasure")
    assert "Opphev sperringen" in page.text
    clock.advance(minutes=5)
    refused = lift(client, person, reason="")
    assert refused.status_code == 200 and "Begrunn" in refused.text
    assert worker.get(f"/cases/{case.id}").status_code == 404  # still restricted
    assert lift(client, person).status_code == 302
    shown = worker.get(f"/cases/{case.id}")
    assert shown.status_code == 200 and "Ola Sperresen" in shown.text
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "erasure.lift_restriction"))
    assert event.actor_id == world["officer"].id and event.subject_id == person.id
    assert LIFT_REASON not in str(event.details)
    decisions = client.get(f"/audit/participants/{person.id}/erasure").text
    assert "Sperringen er opphevet" in decisions and "Opphev sperringen" not in decisions
    letter = pdf_text(client.get(f"/audit/participants/{person.id}/restriction-lifted.pdf"))
    for expected in ("Kristiansand kommune", "Ola Sperresen", "opphevet", LIFT_REASON,
                     "Datatilsynet", "2. november 2026"):
        assert expected in letter
    english = pdf_text(client.get(f"/audit/participants/{person.id}/restriction-lifted.pdf?lang=en"))
    assert "lifted" in english and "Ola Sperresen" in english and "November 2, 2026" in english
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "erasure.lift_letter")).subject_id == person.id
    assert worker.get(f"/audit/participants/{person.id}/restriction-lifted.pdf").status_code in (403, 404)
    clock.advance(minutes=5)  # restricted again later: hidden again
    erasure.decide(db.session, world["officer"], person, "restrict", REASON)
    db.session.commit()
    assert worker.get(f"/cases/{case.id}").status_code == 404


def test_only_a_restricted_person_can_have_a_restriction_lifted(world, client, login, factory,
                                                               school, mentor):
    other = factory.case(mentor, school, participant=factory.participant("Per", "Fri")).participant
    login(client, world["officer"])
    assert lift(client, other).status_code == 200
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "erasure.lift_restriction")) is None
    assert client.get(f"/audit/participants/{other.id}/restriction-lifted.pdf").status_code == 404
