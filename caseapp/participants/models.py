from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit.models import PARTICIPANT_ACTOR
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText, defer_sealed
from caseapp.extensions import db


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


GENDER_LABELS = {
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "unknown": _l("Not stated"),
}


class GuardianRelation(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    OTHER_GUARDIAN = "other_guardian"
    CHILD_WELFARE = "child_welfare"


RELATION_LABELS = {
    "mother": _l("Mother"),
    "father": _l("Father"),
    "other_guardian": _l("Other guardian"),
    "child_welfare": _l("Child welfare service"),
}


# A query option: also load persons whose processing is restricted (privacy/erasure.py hides
# them from every query otherwise), e.g. to refuse registering such a person a second time.
INCLUDE_RESTRICTED = "include_restricted"


class Participant(db.Model):
    """A young person followed. Identity is encrypted; statistics use the plain attributes."""

    __tablename__ = "participants"
    audit_actor_roles = PARTICIPANT_ACTOR  # the young person acting on My pages, in the log
    __encryption_owner__ = "self"  # the participant's own data key (caseapp.crypto.fields)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    given_name: Mapped[str] = mapped_column(EncryptedText("participants.given_name"))
    family_name: Mapped[str] = mapped_column(EncryptedText("participants.family_name"))
    national_id: Mapped[str] = mapped_column(EncryptedText("participants.national_id"))
    phone: Mapped[str | None] = mapped_column(EncryptedText("participants.phone"))
    email: Mapped[str | None] = mapped_column(EncryptedText("participants.email"))
    address: Mapped[str | None] = mapped_column(EncryptedText("participants.address"))
    # Statistical attributes: no direct identifiers, used by reports without decryption.
    birth_year: Mapped[int]
    gender: Mapped[str] = mapped_column(String(10), default=Gender.UNKNOWN.value)
    minority_language: Mapped[bool] = mapped_column(default=False)
    home_municipality: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    guardians: Mapped[list["Guardian"]] = relationship(
        back_populates="participant", order_by="Guardian.created_at", cascade="all, delete-orphan")

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


def names_only(loader):
    """``loader`` (a loader option for a Participant, e.g. ``joinedload(Case.participant)``)
    with only the names of the encrypted values loaded (and decrypted) for lists that show
    names; the others load when first read."""
    return defer_sealed(loader, Participant, keep=("given_name", "family_name"))


class Guardian(db.Model):
    """A guardian (foresatt) of a participant: relation plain, identity and contact encrypted."""

    __tablename__ = "guardians"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(EncryptedText("guardians.name"))
    phone: Mapped[str | None] = mapped_column(EncryptedText("guardians.phone"))
    email: Mapped[str | None] = mapped_column(EncryptedText("guardians.email"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    participant: Mapped[Participant] = relationship(back_populates="guardians")
