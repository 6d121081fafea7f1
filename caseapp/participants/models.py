from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Participant(db.Model):
    """A young person followed. Identity is encrypted; statistics use the plain attributes."""

    __tablename__ = "participants"
    __encryption_owner__ = "self"  # the participant's own data key (caseapp.crypto.fields)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    given_name: Mapped[str] = mapped_column(EncryptedText("participants.given_name"))
    family_name: Mapped[str] = mapped_column(EncryptedText("participants.family_name"))
    national_id: Mapped[str] = mapped_column(EncryptedText("participants.national_id"))
    # Statistical attributes: no direct identifiers, used by reports without decryption.
    birth_year: Mapped[int]
    gender: Mapped[str] = mapped_column(String(10), default=Gender.UNKNOWN.value)
    minority_language: Mapped[bool] = mapped_column(default=False)
    home_municipality: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(default=now)

    @property
    def erased(self) -> bool:
        """True when the participant's data key was erased (crypto-shredding)."""
        return self.given_name is None

    @property
    def full_name(self) -> str:
        if self.erased:
            return str(_l("(erased)"))
        return f"{self.given_name} {self.family_name}"


class ParticipantIndex(db.Model):
    """Blind-index values of a participant (caseapp.crypto.blind): truncated keyed hashes of
    the national ID and of each normalised name word. Kept up to date by
    ``caseapp.participants.lookup``; erased with the participant's data key."""

    __tablename__ = "participant_index"
    __table_args__ = (Index("ix_participant_index_kind_value", "kind", "value"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[int]
