from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db


class NoticeText(db.Model):
    """The information text shown when consent is asked. Versioned; never edited once used."""

    __tablename__ = "notice_texts"
    __table_args__ = (UniqueConstraint("purpose", "language", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    purpose: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)


class ConsentRecord(db.Model):
    """One basis for processing or sharing a participant's data, for one purpose.

    What was agreed is never edited: the lifecycle (granted, renewed, withdrawn, expired) is a
    list of immutable ``ConsentEvent`` rows; ``withdrawn_at`` mirrors the withdrawal event so
    the basis check is one query."""

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
    valid_until_event: Mapped[str | None] = mapped_column(String(30))  # e.g. "turns_18"
    withdrawn_at: Mapped[datetime | None]
    withdrawal_channel: Mapped[str | None] = mapped_column(String(30))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Who gave it: "subject", "guardians" or "subject_and_guardians"; guardians as JSON text.
    given_by: Mapped[str | None] = mapped_column(String(30))
    guardians: Mapped[str | None] = mapped_column(EncryptedText("consent_records.guardians"))
    subject_age: Mapped[int | None]
    maturity_assessed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    maturity_assessed_at: Mapped[datetime | None]
    maturity_reason: Mapped[str | None] = mapped_column(
        EncryptedText("consent_records.maturity_reason"))
    data_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    notice_text_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("notice_texts.id"))
    method: Mapped[str | None] = mapped_column(String(30))
    witness: Mapped[str | None] = mapped_column(EncryptedText("consent_records.witness"))
    evidence: Mapped[str | None] = mapped_column(EncryptedText("consent_records.evidence"))
    evidence_mimetype: Mapped[str | None] = mapped_column(String(40))
    withdrawal_reason: Mapped[str | None] = mapped_column(
        EncryptedText("consent_records.withdrawal_reason"))

    organisation = relationship("Organisation")
    notice_text: Mapped[NoticeText | None] = relationship()
    events: Mapped[list["ConsentEvent"]] = relationship(order_by="ConsentEvent.at",
                                                        back_populates="record")

    def valid_at(self, at: datetime) -> bool:
        if self.valid_from > at:
            return False
        if self.valid_until is not None and self.valid_until <= at:
            return False
        return self.withdrawn_at is None or self.withdrawn_at > at


class ConsentEvent(db.Model):
    """An immutable lifecycle event of a consent record."""

    __tablename__ = "consent_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent_records.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # granted, renewed, withdrawn, expired
    at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str | None] = mapped_column(String(30))

    record: Mapped[ConsentRecord] = relationship(back_populates="events")
