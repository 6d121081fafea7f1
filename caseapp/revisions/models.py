"""One saved state of a corrected record (an outcome, a transition, a placement).

The record itself holds the current state, so statistics and lists read it as before; its
``version`` column guards against a stale correction. A revision keeps the whole state as it
was then, sealed (it may hold notes and school or workplace names).
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db

ACTION_LABELS = {"created": _l("Registered"), "corrected": _l("Corrected"),
                 "ended": _l("Ended")}


class RecordRevision(db.Model):
    __tablename__ = "record_revisions"
    __table_args__ = (Index("ix_record_revisions_record", "record_type", "record_id", "number",
                            unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    record_type: Mapped[str] = mapped_column(String(20))  # the record's table name
    record_id: Mapped[uuid.UUID]
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    number: Mapped[int]
    action: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(EncryptedText("record_revisions.content"))  # JSON
    saved_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(default=now)

    saved_by: Mapped[User] = relationship()

    @property
    def values(self) -> dict:
        """The record's fields as saved (dates as ISO strings); empty for an erased owner."""
        return json.loads(self.content) if self.content else {}


class Revised:
    """A record that can be corrected: ``revised_fields`` are what a revision keeps, and
    ``author_fields`` name who registered it and when (the first revision's author)."""

    object_type: str  # as in the audit log: "outcome", "transition", "placement"
    revised_fields: tuple[str, ...] = ()
    author_fields: tuple[str, str] = ("created_by_id", "created_at")

    def state(self) -> str:
        """The revised fields as JSON (dates as ISO strings)."""
        values = {name: getattr(self, name) for name in self.revised_fields}
        return json.dumps({name: value.isoformat() if hasattr(value, "isoformat") else value
                           for name, value in values.items()}, ensure_ascii=False)
