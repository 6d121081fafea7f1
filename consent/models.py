from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.clock import now
from caseapp.extensions import db


class ConsentRecord(db.Model):
    """One basis for processing or sharing a participant's data, for one purpose.

    Consent records are never edited: withdrawal sets ``withdrawn_at`` once, and renewal is a
    new record."""

    __tablename__ = "consent_records"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(String(30))
    # The named recipient of a confidentiality waiver; None for processing.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    legal_basis: Mapped[str] = mapped_column(String(20))
    statutory_reference: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawal_channel: Mapped[str | None] = mapped_column(String(30))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    organisation = relationship("Organisation")

    def valid_at(self, at: datetime) -> bool:
        if self.valid_from > at:
            return False
        if self.valid_until is not None and self.valid_until <= at:
            return False
        return self.withdrawn_at is None or self.withdrawn_at > at
