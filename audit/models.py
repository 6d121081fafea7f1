from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db


class AuditEvent(db.Model):
    """One event. Holds ids and category names, never names or values of personal data."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject_at", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor_roles: Mapped[str | None] = mapped_column(String(200))
    actor_units: Mapped[str | None] = mapped_column(String(1000))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[uuid.UUID | None]
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    grounds: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(10), default="allowed")
    request_id: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
