"""The demo's young people (caseapp/demo/portal.py): the demo provider knows their synthetic
national IDs, and each can sign in to pages with something on them — a plan waiting for their
agreement, sessions with and without a shared summary, a next meeting, a waiver to withdraw
and an access history (the second one's with a break-glass reason)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.privacy.report import lines_for
from caseapp.clock import local_now
from caseapp.contacts.models import Contact
from caseapp.demo.generate import load_demo
from caseapp.extensions import db
from caseapp.meetings.own import next_meeting
from caseapp.oidc import demo
from caseapp.participants.national_id import parse
from caseapp.plans.models import Plan
from caseapp.portal.me import own_cases
from consent.purposes import Purpose
from consent.services import valid_basis


@pytest.fixture
def young_people(app):
    logins = load_demo(db.session, seed=3)
    provider, _settings, lines = demo.build(db.session, logins, "http://127.0.0.1:5000", 9400)
    db.session.commit()
    return provider, lines, demo.young_people(db.session)


def test_the_demo_provider_knows_the_demo_young_people(young_people):
    provider, lines, people = young_people
    assert len(people) == 3
    for number, person in enumerate(people, 1):
        account = provider["accounts"][f"ung{number}"]
        assert account["claims"]["pid"] == person.national_id
        assert account["password"] == demo.YOUNG_PASSWORD
        assert parse(person.national_id)[1].month + 80 == int(person.national_id[2:4])  # synthetic
    assert any("ung1" in line and demo.YOUNG_PASSWORD in line for line in lines)


def test_each_demo_young_person_has_something_on_every_page(young_people, make_client,
                                                          portal_login):
    _provider, _lines, people = young_people
    today = local_now().date()
    for person in people:
        case = own_cases(db.session, person.id)[0]
        plan = db.session.scalar(select(Plan).where(Plan.case_id == case.id))
        assert not plan.current.agreed  # waiting for "Jeg er enig"
        shared = db.session.scalars(select(Contact.summary_shared)
                                    .where(Contact.case_id == case.id)).all()
        assert True in shared and False in shared
        assert next_meeting(db.session, case, today).day > today
        assert valid_basis(db.session, person.id, Purpose.SHARE,
                           organisation_id=_nav_id()) is not None
        assert any(line.why != "–" for line in lines_for(db.session, person.id))
        page = portal_login(make_client(), person).get("/meg/")
        assert page.status_code == 200 and case.worker.display_name in page.text
    whys = {line.what for line in lines_for(db.session, people[1].id)}
    assert "Fikk nødtilgang til saken din" in whys  # break-glass: the reason is on record
    assert people[0].birth_year <= today.year - 20  # an adult: may withdraw and give alone


def _nav_id():
    from caseapp.units.models import Organisation

    return db.session.scalar(select(Organisation.id).where(Organisation.name == "Nav Kristiansand"))
