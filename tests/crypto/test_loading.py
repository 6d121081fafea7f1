"""Encrypted rows open however the ORM loads them (other areas use all of these)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.participants.models import Participant
from caseapp.extensions import db


def test_every_way_of_loading_rows_opens_them(app, factory):
    """Joined, selectin, lazy and expired loads, tuples and yield_per all see plain values."""
    unit = factory.unit()
    u = factory.user(units=[unit], roles=["youth_mentor", "coordinator"])
    factory.case(u, unit)
    db.session.commit()
    db.session.remove()
    users = db.session.scalars(select(User).options(joinedload(User.role_grants))).unique().all()
    assert users[0].totp_secret and len(users[0].role_grants) == 2
    db.session.remove()
    rows = db.session.execute(select(Case, Participant).join(Case.participant)).all()
    assert rows[0][1].given_name == "Kari"
    db.session.remove()
    for p in db.session.scalars(select(Participant).execution_options(yield_per=10)):
        assert p.given_name == "Kari"
    db.session.remove()
    c = db.session.scalars(select(Case).options(selectinload(Case.participant))).first()
    assert c.participant.family_name == "Nordmann"
    db.session.remove()
    c = db.session.scalars(select(Case)).first()
    assert c.participant.family_name == "Nordmann"  # lazy load
    db.session.commit()
    assert c.participant.given_name == "Kari"  # expired refresh
