"""`caseapp bench-data`'s generator: the rows the services would make, a valid audit chain."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from audit import chain
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
    result = chain.verify(db.session)
    assert result.ok and result.head_seq == info["audit_events"]
    db.session.expunge_all()
    person = db.session.scalars(select(Participant).limit(1)).one()  # decrypts
    assert person.given_name and find_by_national_id(db.session, person.national_id).id == person.id
    with pytest.raises(BenchDataExists):
        generate(db.session, 1)
