from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db


class Transition(db.Model):
    """A school transition, e.g. 10th grade at Lund → Vg1 health and youth work at Kvadraturen."""

    __tablename__ = "transitions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    from_school: Mapped[str] = mapped_column(EncryptedText("transitions.from_school"))
    from_grade: Mapped[str | None] = mapped_column(EncryptedText("transitions.from_grade"))
    to_school: Mapped[str] = mapped_column(EncryptedText("transitions.to_school"))
    to_programme: Mapped[str | None] = mapped_column(EncryptedText("transitions.to_programme"))
    transition_date: Mapped[date]
    hospitation_days: Mapped[int | None]
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    created_by: Mapped[User] = relationship()


class Placement(db.Model):
    """A workplace placement (arbeidspraksis) in a trade."""

    __tablename__ = "placements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    workplace: Mapped[str] = mapped_column(EncryptedText("placements.workplace"))
    trade: Mapped[str] = mapped_column(String(30))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    hours_per_week: Mapped[int | None]
    workplace_contact: Mapped[str | None] = mapped_column(EncryptedText("placements.workplace_contact"))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    created_by: Mapped[User] = relationship()
