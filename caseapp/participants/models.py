from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
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
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"
