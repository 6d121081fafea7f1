"""The basis check every write path will call."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.extensions import db
from caseapp.units.services import get_or_create_organisation
from consent.purposes import Purpose
from consent.services import ConsentError, NoValidBasis, grant, require, withdraw


@pytest.fixture
def person(factory):
    return factory.participant(born=date(2001, 3, 4))  # an adult consents alone


def test_no_record_no_basis(person):
    with pytest.raises(NoValidBasis):
        require(db.session, person.id, Purpose.FOLLOW_UP)


def test_consent_is_valid_in_its_period_only(person, clock):
    record = grant(db.session, participant_id=person.id, purpose=Purpose.FOLLOW_UP,
                   valid_until=clock.now() + timedelta(days=30))
    assert require(db.session, person.id, Purpose.FOLLOW_UP) == record
    clock.advance(days=31)
    with pytest.raises(NoValidBasis):
        require(db.session, person.id, "follow_up")


def test_withdrawal_takes_effect_at_once_and_is_audited(person, clock):
    record = grant(db.session, participant_id=person.id, purpose=Purpose.FOLLOW_UP)
    withdraw(db.session, record, channel="sms")
    with pytest.raises(NoValidBasis):
        require(db.session, person.id, Purpose.FOLLOW_UP)
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_id == person.id)).all()
    assert actions == ["consent.grant", "consent.withdraw"]


def test_sharing_needs_a_waiver_naming_the_receiver(person):
    county = get_or_create_organisation(db.session, "Agder fylkeskommune")
    nav = get_or_create_organisation(db.session, "Nav Kristiansand")
    grant(db.session, participant_id=person.id, purpose=Purpose.SHARE, organisation_id=county.id)
    assert require(db.session, person.id, Purpose.SHARE, organisation_id=county.id)
    with pytest.raises(NoValidBasis):
        require(db.session, person.id, Purpose.SHARE, organisation_id=nav.id)
    with pytest.raises(NoValidBasis):
        require(db.session, person.id, Purpose.FOLLOW_UP)


@pytest.mark.parametrize("kwargs,message", [
    ({"purpose": Purpose.SHARE}, "organisasjonen"),
    ({"purpose": Purpose.FOLLOW_UP, "legal_basis": "statutory"}, "loven"),
])
def test_incomplete_records_are_refused(person, kwargs, message):
    with pytest.raises(ConsentError) as caught:
        grant(db.session, participant_id=person.id, **kwargs)
    assert any(message in m for m in caught.value.messages)


def test_future_dated_consent_is_refused(person, clock):
    with pytest.raises(ConsentError):
        grant(db.session, participant_id=person.id, purpose=Purpose.FOLLOW_UP,
              valid_from=clock.now() + timedelta(days=1))


def test_basis_for_many_at_once_agrees_with_the_single_check(factory, clock):
    people = [factory.participant(born=date(2000, 1, 1 + i)) for i in range(4)]
    grant(db.session, participant_id=people[0].id, purpose=Purpose.FOLLOW_UP)
    grant(db.session, participant_id=people[1].id, purpose=Purpose.FOLLOW_UP,
          valid_until=clock.now() + timedelta(days=1))
    withdraw(db.session, grant(db.session, participant_id=people[2].id,
                               purpose=Purpose.FOLLOW_UP), channel="phone")
    grant(db.session, participant_id=people[3].id, purpose=Purpose.RESEARCH)
    from consent.services import participants_with_basis, valid_basis

    for when in (clock.now(), clock.now() + timedelta(days=2)):
        single = {p.id for p in people if valid_basis(db.session, p.id, "follow_up", at=when)}
        assert participants_with_basis(db.session, [p.id for p in people], "follow_up", at=when) == single
    assert participants_with_basis(db.session, [p.id for p in people], "follow_up") == {
        people[0].id, people[1].id}
