"""The demo data shows both programmes with realistic histories."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date

import pyotp
from sqlalchemy import func, select

from caseapp.cases.models import Case
from caseapp.contacts.models import Contact
from caseapp.demo.generate import load_demo
from caseapp.extensions import db
from caseapp.outcomes.models import Checkpoint, Outcome
from caseapp.plans.models import PlanVersion
from caseapp.transitions.models import Placement, Transition
from consent.services import valid_basis

TODAY = date(2026, 11, 2)  # the test clock's day: the demo's histories end on it


def test_demo_cases_have_histories(app):
    load_demo(db.session, seed=5)
    db.session.commit()
    cases = db.session.scalars(select(Case)).all()
    with_basis = [c for c in cases if valid_basis(db.session, c.participant_id, "follow_up")]
    # nearly everyone has a basis; a few lack one, so the consent overview has work to show
    assert 0.85 * len(cases) <= len(with_basis) < len(cases)
    sessions = Counter(db.session.scalars(select(Contact.case_id)))
    assert len(sessions) == len(cases) and sum(sessions.values()) / len(cases) >= 4
    # My meetings has something to show: shared summaries, internal notes, a place to meet
    shared = Counter(db.session.scalars(select(Contact.summary_shared)))
    assert shared[True] > 0 and shared[False] > 0
    assert any(c.next_place for c in db.session.scalars(select(Contact).where(
        Contact.next_date.is_not(None)).limit(20)))
    # two versions; the plans of the young people who sign in (demo/portal.py) a third
    assert db.session.scalar(select(func.max(PlanVersion.number))) == 3
    assert db.session.scalar(select(func.count(Transition.id))) == 61
    assert db.session.scalar(select(func.count(Placement.id))) == 172
    closed = [c for c in cases if c.status == "closed"]
    outcomes = Counter(db.session.scalars(select(Outcome.code)))
    assert outcomes["mfy"] > outcomes["paid_work"] > 0
    points = db.session.scalars(select(Checkpoint)).all()
    assert len(points) == 3 * len(closed)
    assert any(p.due(TODAY) for p in points) and any(p.answered_at for p in points)
    assert all(c.participant.guardians for c in cases if TODAY.year - c.participant.birth_year < 16)
    # A checkpoint that confirms the outcome points to it: no case lists an outcome twice.
    listed = Counter(db.session.execute(select(Outcome.case_id, Outcome.code)).all())
    assert listed and max(listed.values()) == 1


def test_a_demo_worker_sees_tasks_and_a_full_case_page(app, make_client, clock):
    logins = {l["username"]: l for l in load_demo(db.session, seed=5)}
    db.session.commit()
    due = db.session.scalars(select(Checkpoint).where(Checkpoint.answered_at.is_(None),
                                                      Checkpoint.due_on <= TODAY)).first()
    worker = next(l for l in logins.values() if l["username"] == due.case.worker.username)
    client = make_client()
    client.submit("/login", {"username": worker["username"], "password": worker["password"]})
    client.submit("/login/code", {"code": pyotp.TOTP(worker["totp_secret"]).at(
        clock.now().replace(tzinfo=UTC))})
    assert f"/checkpoints/{due.id}" in client.get("/").text
    open_case = db.session.scalars(select(Case).where(Case.worker_id == due.case.worker_id,
                                                      Case.status == "active")).first()
    page = client.get(f"/cases/{open_case.id}").text
    assert "Samtale" in page and "Planversjon 1" in page and "Grunnlag registrert" in page


def test_a_demo_loaded_later_looks_current(app, clock):
    """Loaded on any day, the demo's histories end that day: recent sessions, consents that
    expire in the coming weeks, nothing dated in the future."""
    from datetime import timedelta

    from consent.models import ConsentRecord

    clock.advance(days=200)
    today = clock.now().date()
    load_demo(db.session, seed=5)
    db.session.commit()
    latest = db.session.scalar(select(func.max(Contact.occurred_at)))
    assert today - timedelta(days=14) <= latest.date() <= today
    ends = [r.valid_until.date() for r in db.session.scalars(select(ConsentRecord))
            if r.valid_until and r.withdrawn_at is None]
    assert any(today < end <= today + timedelta(days=30) for end in ends)
    assert db.session.scalar(select(func.max(Case.started_on))) <= today
