"""The demo lets every journey be tried: two workers of the programme in every unit with cases
(a coordinator can reassign), a case handed over, a restricted person, and a break-glass
opening waiting for the privacy officer's review."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.privacy.restriction import is_restricted
from caseapp.accounts.models import User
from caseapp.breakglass.services import review_list
from caseapp.clock import now
from caseapp.caseload.reassign import candidates
from caseapp.cases.models import Case
from caseapp.demo.generate import load_demo
from caseapp.extensions import db
from caseapp.handovers.models import Handover
from caseapp.participants.models import Participant
from roles.definitions import WORKER_ROLES


@pytest.fixture
def demo(app):
    logins = load_demo(db.session, seed=3)
    db.session.commit()
    return {login["username"]: login for login in logins}


def test_every_unit_has_two_workers_of_its_programme(demo):
    users = db.session.scalars(select(User)).all()
    pairs = {(c.unit_id, c.programme) for c in db.session.scalars(select(Case))}
    for unit_id, programme in pairs:
        role = next(r for r, p in WORKER_ROLES.items() if p == programme)
        workers = [u for u in users if u.has_role(role) and unit_id in u.unit_ids]
        assert len(workers) >= 2, (unit_id, programme)
    some_case = db.session.scalars(select(Case).where(Case.status == "active")).first()
    assert candidates(db.session, some_case)  # the reassignment form offers someone
    assert "al.vedlikehold" in demo and demo["al.vedlikehold"]["units"] == [
        "Kristiansand kommune / Bygg og vedlikehold"]


def test_a_case_was_handed_over_and_the_receiver_has_it(demo):
    handover = db.session.scalars(select(Handover).where(Handover.reason.is_(None))).one()
    reassigned = db.session.scalars(select(Handover).where(Handover.reason == "workload")).all()
    newcomer = db.session.scalar(select(User).where(User.username == "al.vedlikehold"))
    assert len(reassigned) == 8 and {h.to_worker_id for h in reassigned} == {newcomer.id}
    case = db.session.get(Case, handover.case_id)
    receiver = db.session.scalar(select(User).where(User.username == "uv.vagsbygd"))
    assert case.worker_id == receiver.id and handover.note


def test_the_coordinator_can_reassign_a_demo_case_to_a_colleague(demo, client, login):
    import re

    coordinator = db.session.scalar(select(User).where(User.username == "koord.kommune"))
    case = db.session.scalars(select(Case).where(Case.status == "active",
                                                 Case.programme == "youth_mentor")).first()
    login(client, coordinator, password=demo["koord.kommune"]["password"])
    page = client.get(f"/cases/{case.id}/reassign").text
    workers = re.findall(r'<option value="[0-9a-f-]{36}">([^<]+)</option>', page)
    assert workers and all(name for name in workers)


def test_a_restricted_person_and_a_break_glass_to_review(demo):
    restricted = [p.id for p in db.session.scalars(
        select(Participant).execution_options(include_restricted=True))
        if is_restricted(db.session, p.id)]
    assert len(restricted) == 1
    [access] = review_list(db.session)
    assert access.review == "pending" and access.reason and access.expires_at < now()
    opener = db.session.get(User, access.user_id)
    assert opener.username == "koord.fylke"
