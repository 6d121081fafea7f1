"""A worker registers a young person and opens the first case, in the browser."""
from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.participants.models import Guardian, Participant
from caseapp.participants.national_id import synthetic
from consent.models import ConsentRecord

BORN = date(2011, 3, 14)
NATIONAL_ID = synthetic(BORN, random.Random(1))


def form(unit, **changes):
    data = {
        "given_name": "Sara", "family_name": "Haugen", "national_id": NATIONAL_ID,
        "birth_date": BORN.isoformat(), "gender": "female", "minority_language": "y",
        "home_municipality": "4204", "phone": "+47 912 34 567", "email": "sara@example.no",
        "address": "Skolegata 1\n4612 Kristiansand",
        "guardians-0-relation": "mother", "guardians-0-name": "Mona Haugen",
        "guardians-0-phone": "98765432", "guardians-0-email": "",
        "guardians-1-relation": "", "guardians-1-name": "", "guardians-1-phone": "",
        "guardians-1-email": "",
        "programme": "youth_mentor", "track": "lower_secondary", "unit": str(unit.id),
        "school_or_workplace": "Lund ungdomsskole", "grade_or_programme": "10. trinn",
        "started_on": "2026-11-02", "basis": "consent", "consent_date": "2026-10-30",
        "statutory_reference": "",
    }
    data.update(changes)
    return data


def count(model) -> int:
    return len(db.session.scalars(select(model)).all())


def test_register_person_with_guardian_and_open_case(client, login, mentor, school):
    login(client, mentor)
    response = client.submit("/participants/new", form(school))
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert response.headers["Location"] == f"/cases/{case.id}"
    assert case.worker_id == mentor.id and case.track == "lower_secondary"
    person = case.participant
    assert person.national_id == NATIONAL_ID and person.birth_year == 2011
    assert person.minority_language and person.home_municipality == "4204"
    assert [(g.relation, g.name) for g in person.guardians] == [("mother", "Mona Haugen")]
    basis = db.session.scalar(select(ConsentRecord))
    assert basis.participant_id == person.id and basis.purpose == "follow_up"
    assert basis.legal_basis == "consent" and basis.valid_from == datetime(2026, 10, 30)
    page = client.get(response.headers["Location"])
    assert "Sara Haugen" in page.text and "Mona Haugen" in page.text and "10. trinn" in page.text
    assert "Gyldig" in page.text  # basis for follow-up
    actions = set(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_id == person.id)))
    assert {"participant.register", "consent.grant", "case.create", "case.view"} <= actions


def test_identity_contact_and_guardian_data_are_encrypted_at_rest(client, login, mentor, school):
    login(client, mentor)
    client.submit("/participants/new", form(school))
    raw = b" ".join(
        bytes(value) for row in db.session.execute(text(
            "SELECT p.given_name, p.national_id, p.phone, p.email, p.address, g.name, g.phone, "
            "c.school_or_workplace FROM participants p JOIN guardians g ON g.participant_id = p.id "
            "JOIN cases c ON c.participant_id = p.id")) for value in row)
    for plain in (b"Sara", NATIONAL_ID.encode(), b"912", b"example.no", b"Skolegata", b"Mona",
                  b"98765432", b"Lund"):
        assert plain not in raw
    events = db.session.scalars(select(AuditEvent)).all()
    for event in events:
        assert "Sara" not in str(event.details) and NATIONAL_ID not in str(event.details)


def test_statutory_basis_records_the_law(client, login, mentor, school):
    login(client, mentor)
    response = client.submit("/participants/new", form(
        school, basis="statutory", consent_date="", statutory_reference="opplæringslova § 3-10"))
    assert response.status_code == 302
    basis = db.session.scalar(select(ConsentRecord))
    assert basis.legal_basis == "statutory" and basis.statutory_reference == "opplæringslova § 3-10"


@pytest.mark.parametrize("changes,message", [
    ({"national_id": "12345678901"}, "Fødselsnummeret er ikke gyldig"),
    ({"national_id": NATIONAL_ID[:-1] + str((int(NATIONAL_ID[-1]) + 1) % 10)},
     "Fødselsnummeret er ikke gyldig"),
    ({"birth_date": "2011-03-15"}, "Fødselsdatoen stemmer ikke med fødselsnummeret"),
    ({"given_name": ""}, "Skriv inn fornavnet"),
    ({"birth_date": "31.02.2011"}, "Skriv inn fødselsdatoen"),
    ({"given_name": "x" * 101}, "Teksten kan ha høyst 100 tegn"),
    ({"started_on": "2031-01-01"}, "Datoen er for langt fram i tid"),
    ({"consent_date": "2026-12-24"}, "Datoen kan ikke være fram i tid"),
    ({"consent_date": ""}, "Skriv inn datoen samtykket ble gitt"),
    ({"basis": "statutory", "statutory_reference": ""}, "Oppgi loven som gir hjemmelen"),
    ({"basis": ""}, "Velg grunnlaget for oppfølgingen"),
    ({"track": "health"}, "Velg et løp som hører til programmet"),
    ({"email": "ikke-en-adresse"}, "Skriv inn en e-postadresse"),
    ({"phone": "ring meg"}, "Skriv inn et telefonnummer"),
    ({"guardians-1-phone": "12345678"}, "Skriv inn navnet til den foresatte"),
    ({"home_municipality": "42"}, "Skriv inn det firesifrede kommunenummeret"),
])
def test_bad_input_is_explained_in_norwegian_and_nothing_is_saved(client, login, mentor, school,
                                                                  changes, message):
    login(client, mentor)
    response = client.submit("/participants/new", form(school, **changes))
    assert response.status_code == 200
    assert 'ds-error-summary' in response.text and message in response.text
    assert count(Participant) == count(Case) == count(ConsentRecord) == count(Guardian) == 0


def test_another_workers_unit_cannot_be_chosen(client, login, mentor, school, factory):
    elsewhere = factory.unit("Grim skole")
    db.session.commit()
    login(client, mentor)
    response = client.submit("/participants/new", form(elsewhere))
    assert response.status_code == 200 and count(Participant) == 0


def test_duplicate_leads_to_the_existing_case_when_visible(client, login, mentor, school):
    login(client, mentor)
    first = client.submit("/participants/new", form(school))
    again = client.submit("/participants/new", form(school, given_name="Sara Marie"))
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert count(Participant) == 1 and count(Case) == 1
    page = client.get(again.headers["Location"])
    assert "allerede registrert" in page.text


def test_duplicate_of_someone_elses_person_gets_a_neutral_message(client, login, mentor, school,
                                                                  factory, make_client):
    login(client, mentor)
    client.submit("/participants/new", form(school))
    other = factory.user("youth_mentor", [school])
    other_client = make_client()
    login(other_client, other)
    response = other_client.submit("/participants/new", form(
        school, given_name="Noen", family_name="Annen", **{"guardians-0-name": "Per Annen"}))
    assert response.status_code == 200
    assert "kan ikke registreres av deg" in response.text
    assert "Sara" not in response.text and "Haugen" not in response.text
    assert "/cases/" not in response.text.split("<main")[1]
    assert count(Participant) == 1 and count(Case) == 1
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "participant.register_duplicate"))
    assert event.actor_id == other.id and event.outcome == "denied"


@pytest.mark.parametrize("role", ["coordinator", "privacy_officer", "admin"])
def test_only_workers_register(client, login, factory, school, role):
    login(client, factory.user(role, [school]))
    assert client.get("/participants/new").status_code == 403


def test_a_person_can_have_another_case_after_the_first_closed(client, login, mentor, school,
                                                               factory):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    login(client, mentor)
    data = {"programme": "youth_mentor", "track": "upper_secondary", "unit": str(school.id),
            "school_or_workplace": "Kvadraturen vgs", "grade_or_programme": "Vg1",
            "started_on": "2026-11-02"}
    refused = client.submit(f"/cases/{case.id}/new-case", data)
    assert "har allerede en åpen sak i dette programmet" in refused.text
    case.status = "closed"
    db.session.commit()
    assert "Åpne en ny sak for personen" in client.get(f"/cases/{case.id}").text
    response = client.submit(f"/cases/{case.id}/new-case", data)
    assert response.status_code == 302
    assert count(Case) == 2 and count(Participant) == 1


def test_contact_details_and_guardians_can_be_changed(client, login, mentor, school, factory):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    login(client, mentor)
    page = client.get(f"/cases/{case.id}/person")
    assert page.status_code == 200
    response = client.submit(f"/cases/{case.id}/person", {
        "phone": "40000000", "email": "", "address": "Ny vei 2", "home_municipality": "4204",
        "guardians-0-relation": "father", "guardians-0-name": "Per Nordmann",
        "guardians-0-phone": "41111111", "guardians-0-email": ""})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Participant, case.participant_id)
    assert person.phone == "40000000" and person.address == "Ny vei 2"
    assert [(g.relation, g.name) for g in person.guardians] == [("father", "Per Nordmann")]
    bad = client.submit(f"/cases/{case.id}/person", {"phone": "ring", "guardians-0-phone": "1234"})
    assert "Skriv inn et telefonnummer" in bad.text and "Skriv inn navnet til den foresatte" in bad.text
    db.session.expire_all()
    assert db.session.get(Participant, case.participant_id).phone == "40000000"


def test_a_minor_without_a_guardian_cannot_be_registered_on_consent(client, login, mentor, school):
    import random
    from datetime import date

    from sqlalchemy import func, select

    from caseapp.extensions import db
    from caseapp.participants.models import Participant
    from caseapp.participants.national_id import synthetic

    login(client, mentor)
    born = date(2012, 9, 9)
    response = client.submit("/participants/new", {
        "given_name": "Liten", "family_name": "Alene", "national_id": synthetic(born, random.Random(1)),
        "birth_date": born.isoformat(), "gender": "unknown", "programme": "youth_mentor",
        "track": "lower_secondary", "unit": str(school.id), "started_on": "2026-06-01",
        "basis": "consent", "consent_date": "2026-06-01"})
    assert response.status_code == 200 and "samtykke fra foresatte kreves" in response.text
    assert db.session.scalar(select(func.count(Participant.id))) == 0
