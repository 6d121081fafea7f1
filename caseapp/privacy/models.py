"""The privacy officer's records: the decisions on requests for erasure."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db


class ErasureDecision(db.Model):
    """The privacy officer's decision on a request for erasure, with its reason (encrypted).

    Sealed with the system key, not the person's: the decision must stay readable after the
    person's data key is erased (crypto-shredding)."""

    __tablename__ = "erasure_decisions"
    __encryption_owner__ = "system"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))  # see caseapp.privacy.erasure.Outcome
    reason: Mapped[str] = mapped_column(EncryptedText("erasure_decisions.reason"))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime]
