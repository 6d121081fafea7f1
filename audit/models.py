from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db

ID = BigInteger().with_variant(db.Integer, "sqlite")
# ``actor_roles`` of an event whose actor is the young person themselves (My pages, /meg):
# ``actor_id`` stays empty (it only ever names staff) and ``subject_id`` is the person.
PARTICIPANT_ACTOR = "participant"


class AuditEvent(db.Model):
    """One event. Holds ids and category names, never names or values of personal data.

    ``seq``, ``prev_hash`` and ``hash`` link the events into one HMAC chain (``audit.chain``).
    The table is append-only in the database (triggers from migration 0004)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject_at", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
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


class ChainHead(db.Model):
    """The one row every writer locks: the chain's last position and hash."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class Checkpoint(db.Model):
    """A signed statement "the chain had this hash at this position" (Ed25519). Append-only."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(60))
    signature: Mapped[str] = mapped_column(String(200))
