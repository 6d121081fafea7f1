from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db
from caseapp.units.models import Unit


class Handover(db.Model):
    """One change of responsible worker. The receiver sees the full history only when
    ``history_shared`` (same organisation); the sender may read the case until
    ``sender_read_until``."""

    __tablename__ = "handovers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    from_worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    to_worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    from_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    note: Mapped[str | None] = mapped_column(EncryptedText("handovers.note"))
    history_shared: Mapped[bool] = mapped_column(default=True)
    # Why a coordinator reassigned the case (a code, caseapp.caseload.reassign.REASONS).
    reason: Mapped[str | None] = mapped_column(String(30))
    sender_read_until: Mapped[datetime | None]
    by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    from_worker: Mapped[User] = relationship(foreign_keys=[from_worker_id])
    to_worker: Mapped[User] = relationship(foreign_keys=[to_worker_id])
    from_unit: Mapped[Unit] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Unit] = relationship(foreign_keys=[to_unit_id])
