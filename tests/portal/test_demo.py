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
        # The new version's open goals lie ahead, as a worker revising the plan would set them.
        assert not [g for g in plan.current.content.goals if g.overdue(local_now().date())]
        assert any(g.open for g in plan.current.content.goals)
        shared = db.session.scalars(select(Contact.summary_shared)
                                    .where(Contact.case_id == case.id)).all()
        assert True in shared and False in shared
        assert next_meeting(db.session, case, today).day > today
        assert next_meeting(db.session, case, today).day.weekday() < 5  # Monday to Friday
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


def test_ung1_has_messages_both_ways_sealed_and_audited(young_people, make_client, portal_login):
    """ung1's thread (caseapp/demo/portal.py MESSAGES) went through the message services: the
    texts are sealed in the database, each send is audited with its sender as actor, the
    worker's last message waits for ung1 (their menu counts it) and ung1's last one is flagged
    for the worker on "Mine saker"."""
    from sqlalchemy import func, text

    from audit.models import PARTICIPANT_ACTOR, AuditEvent
    from caseapp.demo.portal import MESSAGES
    from caseapp.messages import services
    from caseapp.messages.models import Message

    _provider, _lines, people = young_people
    ung1 = people[0]
    case = own_cases(db.session, ung1.id)[0]
    thread = services.thread(db.session, case)
    assert [(m.sender, m.body) for m in thread] == [(who, words) for who, _o, _at, words in MESSAGES]
    assert {m.sender for m in thread} == {"worker", "participant"}
    for raw in db.session.execute(text("SELECT body FROM messages")).scalars():
        assert b"planen" not in bytes(raw)
    sends = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "message.send",
                                                        AuditEvent.subject_id == ung1.id)).all()
    assert sorted(e.actor_roles == PARTICIPANT_ACTOR for e in sends) == [False, False, True, True]
    assert all(e.actor_id == case.worker_id for e in sends if e.actor_roles != PARTICIPANT_ACTOR)
    assert services.unread_for_participant(db.session, ung1.id) == 1
    assert services.unread_counts_for_worker(db.session, case.worker) == {case.id: 1}
    assert db.session.scalar(select(func.count(Message.id))
                             .where(Message.participant_id != ung1.id)) == 0
    page = portal_login(make_client(), ung1).get("/meg/")
    assert "Meldinger (1 ulest)" in page.text


def test_the_demo_meeting_a_week_on_is_never_on_a_weekend():
    from datetime import date, timedelta

    from caseapp.demo.portal import _weekday

    for offset in range(7):  # loaded any day of the week (5 December 2026 is a Saturday)
        day = date(2026, 12, 5) + timedelta(days=offset)
        moved = _weekday(day)
        assert moved.weekday() < 5 and 0 <= (moved - day).days <= 2

