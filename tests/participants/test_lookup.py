"""Lookup by national ID and by name through blind indexes, never by decrypting everyone."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.crypto.blind import NAME_BITS, NATIONAL_ID_BITS
from caseapp.demo.generate import load_demo
from caseapp.extensions import db
from caseapp.participants.lookup import find_by_name, find_by_national_id, normalise_name
from caseapp.participants.models import Participant, ParticipantIndex
from caseapp.participants.national_id import InvalidNationalId


@pytest.fixture
def people(app, factory):
    made = {key: factory.participant(given=given, family=family) for key, given, family in [
        ("orjan", "Ørjan", "Ås"), ("kari", "Kari", "Nordmann"),
        ("anne", "Anne-Marie", "Østby"), ("kari2", "Kari", "Ødegård")]}
    db.session.commit()
    return made


def test_name_lookup_ignores_case_diacritics_and_order(people):
    assert find_by_name(db.session, "ørjan") == [people["orjan"]]
    assert find_by_name(db.session, "AS  orjan") == [people["orjan"]]
    assert find_by_name(db.session, "Odegard") == [people["kari2"]]
    assert set(find_by_name(db.session, "kari")) == {people["kari"], people["kari2"]}
    assert find_by_name(db.session, "marie ostby") == [people["anne"]]
    assert find_by_name(db.session, "Kari Ås") == []
    assert find_by_name(db.session, "   ") == []


def test_name_lookup_within_a_given_list(people):
    among = [people["kari"], people["orjan"]]
    assert find_by_name(db.session, "kari", among=among) == [people["kari"]]


def test_national_id_lookup(people):
    person = people["anne"]
    number = person.national_id
    assert find_by_national_id(db.session, f"{number[:6]} {number[6:]}") == person
    other = next(p for p in people.values() if p is not person)
    assert find_by_national_id(db.session, other.national_id) == other
    with pytest.raises(InvalidNationalId):
        find_by_national_id(db.session, "12345678901")


def test_index_holds_only_truncated_values(people):
    rows = db.session.scalars(select(ParticipantIndex)).all()
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row.value)
    assert len(by_kind["national_id"]) == 4
    assert all(0 <= v < 2 ** NATIONAL_ID_BITS for v in by_kind["national_id"])
    assert all(0 <= v < 2 ** NAME_BITS for v in by_kind["name"])


def test_index_follows_changes(people):
    person = people["orjan"]
    person.family_name = "Berg"
    db.session.commit()
    assert find_by_name(db.session, "orjan as") == []
    assert find_by_name(db.session, "orjan berg") == [person]


def test_demo_participants_are_found_through_the_indexes(app):
    load_demo(db.session, seed=5)
    db.session.commit()
    people = db.session.scalars(select(Participant).order_by(Participant.id)).all()
    assert len(people) == 300
    for person in people[::60] + [p for p in people if p.given_name == p.family_name][:1]:
        assert find_by_national_id(db.session, person.national_id) == person
        found = find_by_name(db.session, person.full_name)
        assert person in found
        # whole words: everyone found has every word searched for (a search for "Hassan
        # Hassan" is the one word "hassan", so it finds every Hassan)
        words = set(normalise_name(person.full_name).split())
        assert all(words <= set(normalise_name(p.full_name).split()) for p in found)
