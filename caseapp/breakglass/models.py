from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db


class Review(StrEnum):
    PENDING = "pending"
    REVIEWED = "reviewed"  # the privacy officer found the reason sound
    QUESTIONED = "questioned"  # the privacy officer follows it up


REVIEW_LABELS = {
    Review.PENDING: _l("Not reviewed"),
    Review.REVIEWED: _l("Reviewed"),
    Review.QUESTIONED: _l("Questioned"),
}


class BreakGlassAccess(db.Model):
    """One emergency access to one case by one user, until ``expires_at``."""

    __tablename__ = "break_glass_accesses"
    __table_args__ = (Index("ix_break_glass_user_case", "user_id", "case_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    reason: Mapped[str] = mapped_column(EncryptedText("break_glass_accesses.reason"))
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    review: Mapped[str] = mapped_column(String(12), default=Review.PENDING.value, index=True)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str | None] = mapped_column(
        EncryptedText("break_glass_accesses.review_comment"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
