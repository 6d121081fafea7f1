"""The consent overview: expiring, coming-of-age, missing and withdrawn consents of the open
cases in scope — metadata only (no names, no notes)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import now
from consent import services
from consent.purposes import Purpose


def overview(session: Session, unit_ids: set[uuid.UUID] | None = None) -> dict:
    """The lists for the open cases in ``unit_ids`` (None: every unit): consents expiring soon,
    consents that end when the young person comes of age within a year, cases without a basis
    for follow-up, and withdrawals in the last 30 days; ``cases`` maps a participant to the case."""
    cases = select(Case).where(Case.status != CaseStatus.CLOSED.value)
    if unit_ids is not None:
        cases = cases.where(Case.unit_id.in_(sorted(unit_ids)))
    active = list(session.scalars(cases))
    ids = {c.participant_id for c in active}
    coming_of_age = services.expiring_soon(session, ids, days=365)
    covered = services.participants_with_basis(session, ids, Purpose.FOLLOW_UP)
    return {"expiring": services.expiring_soon(session, ids),
            "coming_of_age": [r for r in coming_of_age if r.valid_until_event == "turns_adult"],
            "lacking": [c for c in active if c.participant_id not in covered],
            "withdrawn": services.withdrawals_between(session, now() - timedelta(days=30), now(),
                                                      ids),
            "cases": {c.participant_id: c for c in active}}
