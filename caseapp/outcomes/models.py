"""Outcomes (DOMAIN.md's vocabulary, mapped to the OT status codes) and checkpoints.

An outcome has a code and a date; a case may get several over time. Closing a case requires
one, and creates checkpoints 3, 6 and 12 months later that stay open until answered.
"""
from __future__ import annotations

import calendar
import uuid
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db
from caseapp.revisions.models import Revised

OUTCOME_LABELS = {
    "mfy": _l("Modular vocational training (MFY)"),
    "paid_work": _l("Paid work"),
    "education": _l("Education (upper secondary, vocational college, higher)"),
    "primary_school_completed": _l("Completed primary school"),
    "apprenticeship": _l("Apprenticeship"),
    "vgs_started": _l("Started upper secondary school"),
    "vgs_completed": _l("Completed upper secondary school"),
    "trade_certificate": _l("Trade certificate"),
    "continued_in_school": _l("Still in school"),
    "dropout": _l("Dropped out"),
    "other_measure": _l("Other measure"),
    "moved": _l("Moved"),
    "unknown": _l("Unknown"),
}

# caseapp outcome → the county follow-up service's status code (OT, reported to Udir), so
# figures can be compared with national statistics. None: outside OT's target group
# (completed upper secondary or a trade certificate; moved away). A case's status at a
# reference date also uses the case itself (``caseapp.reports.ot``): in follow-up without an
# outcome is OTOV, declined further follow-up is OTNO. docs/statistics.md has the whole mapping.
OT_CODES: dict[str, str | None] = {
    "mfy": "OTOA",  # county training / work practice
    "paid_work": "OTAR",
    "education": "OTEV",
    "primary_school_completed": "OTEV",  # adult primary education: a pupil
    "apprenticeship": "OTLL",
    "vgs_started": "OTEV",
    "vgs_completed": None,
    "trade_certificate": None,
    "continued_in_school": "OTEV",
    "dropout": "OTUK",
    "other_measure": "OTAP",  # Nav measure
    "moved": None,
    "unknown": "OTUK",
}

# The OT codes in words, shown beside the code wherever a code is shown.
OT_CODE_LABELS = {
    "OTOA": _l("in county training or work practice"),
    "OTAR": _l("in work"),
    "OTEV": _l("in education"),
    "OTLL": _l("apprentice or training candidate"),
    "OTAP": _l("in a measure from Nav"),
    "OTUK": _l("not in activity, or unknown"),
}

PAID_WORK_KINDS = {
    "ordinary": _l("Ordinary"),
    "permanent": _l("Permanent"),
    "temporary": _l("Temporary"),
}

END_REASONS = {
    "outcome_reached": _l("Outcome reached"),
    "declined": _l("The young person declined further follow-up"),
    "moved": _l("Moved"),
    "transferred": _l("Transferred to another service"),
    "no_contact": _l("No contact"),
    "other": _l("Other"),
}

CHECKPOINT_MONTHS = (3, 6, 12)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Outcome(Revised, db.Model):
    """An outcome as it stands; corrections keep the earlier states (``RecordRevision``)."""

    __tablename__ = "outcomes"
    object_type = "outcome"
    revised_fields = ("code", "occurred_on", "paid_work_kind", "percent_of_full_time", "note")
    author_fields = ("recorded_by_id", "recorded_at")

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[date]
    paid_work_kind: Mapped[str | None] = mapped_column(String(20))
    percent_of_full_time: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(EncryptedText("outcomes.note"))
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)
    version: Mapped[int] = mapped_column(default=1)  # optimistic locking of corrections

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User] = relationship()

    @property
    def ot_code(self) -> str | None:
        return OT_CODES[self.code]


class Checkpoint(db.Model):
    """Is the person still in work or education n months after the case closed?"""

    __tablename__ = "checkpoints"
    __table_args__ = (Index("ix_checkpoints_open_due", "answered_at", "due_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    months: Mapped[int]
    due_on: Mapped[date]
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    still_active: Mapped[bool | None]  # still in work or education at the checkpoint
    outcome_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outcomes.id"))

    case: Mapped[Case] = relationship()
    outcome: Mapped[Outcome | None] = relationship()

    def due(self, today: date) -> bool:
        return self.answered_at is None and self.due_on <= today
