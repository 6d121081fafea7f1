"""`caseapp bench-data`'s generator: the rows the services would make, a valid audit chain."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from audit import verify
from caseapp.cases.models import Case
from caseapp.contacts.models import Contact
from caseapp.demo.bench import BIG_CASE_SESSIONS, BenchDataExists, generate
from caseapp.extensions import db
from caseapp.participants.lookup import find_by_national_id
from caseapp.participants.models import Participant


def test_generates_cases_sessions_and_a_verifiable_audit_chain(app):
    info = generate(db.session, 30, seed=3, batch=7, cases_per_worker=10)
    db.session.commit()
    assert info["participants"] == info["cases"] == 30
    assert db.session.scalar(select(func.count(Case.id))) == 30
    per_case = info["sessions"] / 30
    assert per_case > 10  # ~20 a case, plus the big one
    big = db.session.scalar(select(func.count(Contact.id))
                            .where(Contact.case_id == uuid.UUID(info["big_case_id"])))
    assert big == BIG_CASE_SESSIONS
    roles = sorted(u["role"] for u in info["logins"])
    assert roles.count("coordinator") == 1 and roles.count("privacy_officer") == 1
    assert len([r for r in roles if r in ("youth_mentor", "work_leader")]) == 3
    result = verify.full(db.session)
    assert result.ok and result.head_seq == info["audit_events"]
    db.session.expunge_all()
    person = db.session.scalars(select(Participant).limit(1)).one()  # decrypts
    assert person.given_name and find_by_national_id(db.session, person.national_id).id == person.id
    with pytest.raises(BenchDataExists):
        generate(db.session, 1)


def test_all_units_coordinator_is_chosen_or_created(app):
    """The statistics benchmark logs in as a coordinator of every unit: the only coordinator
    of a one-unit dataset, else ``bench.koord.alle``, made once through the account service."""
    from caseapp.accounts.models import User
    from caseapp.demo.bench import ALL_UNITS_COORDINATOR, all_units_coordinator
    from caseapp.reports.services import units_in_scope
    from caseapp.units.models import Unit
    from caseapp.units.services import create_unit

    info = generate(db.session, 12, seed=5, batch=6, cases_per_worker=10)
    db.session.commit()
    only = next(u["username"] for u in info["logins"] if u["role"] == "coordinator")
    assert all_units_coordinator(db.session, info) == only
    first = db.session.get(Unit, uuid.UUID(info["units"][0]))
    second = create_unit(db.session, "Benkenhet 002", first.organisation.name)
    db.session.flush()
    info["units"].append(str(second.id))
    assert all_units_coordinator(db.session, info) == ALL_UNITS_COORDINATOR
    db.session.commit()
    assert all_units_coordinator(db.session, info) == ALL_UNITS_COORDINATOR  # not made twice
    user = db.session.scalar(select(User).where(User.username == ALL_UNITS_COORDINATOR))
    assert {u.id for u in units_in_scope(db.session, user, None)} == {first.id, second.id}
    assert verify.full(db.session).ok


def test_parallel_jobs_write_all_units_with_one_verifiable_chain(app, app_config, instance_dir):
    """``--jobs 2``: two processes fill the units at once (their own apps and connections);
    every participant, case and session is there once, readable, and the chain verifies."""
    config = {key: value for key, value in app_config.items() if key != "CASEAPP_CLOCK"}
    info = generate(db.session, 24, seed=7, batch=5, cases_per_worker=5, cases_per_unit=12,
                    jobs=2, commit=db.session.commit, instance_path=str(instance_dir),
                    job_config=config)
    assert len(info["units"]) == 2 and info["participants"] == 24
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Case.id))) == 24
    for unit in info["units"]:
        assert db.session.scalar(select(func.count(Case.id))
                                 .where(Case.unit_id == uuid.UUID(unit))) == 12
    assert db.session.scalar(select(func.count(Contact.id))) == info["sessions"]
    big = db.session.scalar(select(func.count(Contact.id))
                            .where(Contact.case_id == uuid.UUID(info["big_case_id"])))
    assert big == BIG_CASE_SESSIONS
    result = verify.full(db.session)
    assert result.ok and result.head_seq == info["audit_events"]
    people = db.session.scalars(select(Participant)).all()
    assert len({p.national_id for p in people}) == 24 and all(p.given_name for p in people)
