"""What is stored about a young person, by record type, named in words a person understands.

Every table with a ``participant_id`` column holds records about one person. The erasure
confirmation counts them and the Art. 15 copy shows them; both use these labels, never table
names (``tests/privacy/test_erasure.py`` checks that every such table has one).
"""
from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.extensions import db

PERSON = _l("The person: name, national ID and contact details")
RECORD_TYPES = {
    "guardians": _l("Guardians"),
    "cases": _l("Cases"),
    "plans": _l("Plans"),
    "plan_versions": _l("Plan versions"),
    "plan_answers": _l("Answers to the plan"),
    "plan_goal_deadlines": _l("Deadlines for goals"),
    "contacts": _l("Sessions"),
    "contact_revisions": _l("Earlier versions of sessions"),
    "transitions": _l("School transitions"),
    "placements": _l("Workplace placements"),
    "outcomes": _l("Outcomes"),
    "record_revisions": _l("Earlier versions of outcomes, transitions and placements"),
    "checkpoints": _l("Follow-up after the case ended"),
    "handovers": _l("Handovers to another worker"),
    "consent_records": _l("Consents and other bases"),
    "consent_events": _l("Changes to consents"),
    "break_glass_accesses": _l("Emergency accesses"),
    "portal_sessions": _l("Logins to My pages"),
    "messages": _l("Messages with the worker"),
    "erasure_decisions": _l("Decisions on requests for erasure"),
    "participant_index": _l("Search entries (name and national ID, scrambled)"),
}
KEPT_AFTER_ERASURE = frozenset({"erasure_decisions"})  # sealed with the system key


def participant_tables() -> list[type]:
    """Every mapped class with a ``participant_id`` column (the audit log aside), by table."""
    from audit.models import AuditEvent

    classes = [m.class_ for m in db.Model.registry.mappers
               if "participant_id" in m.columns and m.class_ is not AuditEvent]
    return sorted(classes, key=lambda c: c.__tablename__)


def counts_by_table(session: Session, participant_id: uuid.UUID) -> list[tuple[str, int]]:
    """(table, number) of the person's records in each table that has any, in label order."""
    by_table = {model.__tablename__: session.scalar(
        select(func.count()).select_from(model).where(model.participant_id == participant_id))
        for model in participant_tables()}
    return [(table, by_table[table]) for table in RECORD_TYPES if by_table.get(table)]


def counts(session: Session, participant_id: uuid.UUID) -> list[tuple[str, int]]:
    """(label, number) of the person's records: the person, then each type that has any;
    the decisions kept after erasure left out."""
    return [(str(PERSON), 1)] + [(str(RECORD_TYPES[table]), number) for table, number
                                 in counts_by_table(session, participant_id)
                                 if table not in KEPT_AFTER_ERASURE]
