from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db
from caseapp.participants.models import Participant
from caseapp.reports.cellkey import new_record_key
from caseapp.units.models import Unit


class Programme(StrEnum):
    YOUTH_MENTOR = "youth_mentor"
    WORK_LEADER = "work_leader"


class CaseStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


TRACKS = {
    Programme.YOUTH_MENTOR: ("lower_secondary", "upper_secondary"),
    Programme.WORK_LEADER: ("health", "building", "painting", "car_care"),
}

LABELS = {
    "youth_mentor": _l("Youth mentor"),
    "work_leader": _l("Work leader"),
    "lower_secondary": _l("Lower secondary school"),
    "upper_secondary": _l("Upper secondary school"),
    "health": _l("Health and care"),
    "building": _l("Building and maintenance"),
    "painting": _l("Painting"),
    "car_care": _l("Car care"),
    "active": _l("Active"),
    "paused": _l("Paused"),
    "closed": _l("Closed"),
}


def tracks_for(programme: str) -> tuple[str, ...]:
    """The tracks of ``programme``: the configured list (``CASEAPP_TRACKS``) or the default."""
    from flask import current_app

    configured = current_app.config.get("CASEAPP_TRACKS") or {}
    return tuple(configured.get(programme) or TRACKS.get(Programme(programme), ()))


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_worker_status", "worker_id", "status"),
        Index("ix_cases_unit_status", "unit_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    programme: Mapped[str] = mapped_column(String(20))
    track: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default=CaseStatus.ACTIVE.value)
    # Where the young person is: the school (youth mentor) or the workplace (work leader), and
    # the grade or education programme. Free text, so encrypted.
    school_or_workplace: Mapped[str | None] = mapped_column(EncryptedText("cases.school_or_workplace"))
    grade_or_programme: Mapped[str | None] = mapped_column(EncryptedText("cases.grade_or_programme"))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Random, never shown: the cell-key method's record key (caseapp.reports.cellkey).
    record_key: Mapped[int] = mapped_column(default=new_record_key)
    version: Mapped[int] = mapped_column(default=1)  # optimistic locking of edits

    __mapper_args__ = {"version_id_col": version}

    participant: Mapped[Participant] = relationship()
    unit: Mapped[Unit] = relationship()
    worker: Mapped[User] = relationship()
    handovers: Mapped[list["Handover"]] = relationship(  # noqa: F821 (caseapp.handovers)
        order_by="Handover.created_at", viewonly=True)
