from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db
from caseapp.revisions.models import Revised


class Transition(Revised, db.Model):
    """A school transition, e.g. 10th grade at Lund → Vg1 health and youth work at Kvadraturen."""

    __tablename__ = "transitions"
    object_type = "transition"
    revised_fields = ("from_school", "from_grade", "to_school", "to_programme", "transition_date",
                      "hospitation_days")

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
    version: Mapped[int] = mapped_column(default=1)  # optimistic locking of corrections

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    created_by: Mapped[User] = relationship()


class Placement(Revised, db.Model):
    """A workplace placement (arbeidspraksis) in a trade; ended when ``ended_on`` is set."""

    __tablename__ = "placements"
    object_type = "placement"
    revised_fields = ("workplace", "trade", "started_on", "ended_on", "hours_per_week",
                      "workplace_contact")

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
    version: Mapped[int] = mapped_column(default=1)  # optimistic locking of corrections

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    created_by: Mapped[User] = relationship()
