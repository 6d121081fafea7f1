"""A message in a case: from the young person to their worker, or back. The text is sealed
with the person's data key like every other note; who sent it and when is plain."""
from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db

MAX_LENGTH = 2000  # characters: a short message, not a document


class Sender(StrEnum):
    PARTICIPANT = "participant"
    WORKER = "worker"


class Message(db.Model):
    __tablename__ = "messages"
    # The thread of a case in order; a worker's unread count per case ("Mine saker").
    __table_args__ = (Index("ix_messages_case_sent", "case_id", "sent_at"),
                      Index("ix_messages_case_unread", "case_id", "sender", "read_at"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    sender: Mapped[str] = mapped_column(String(12))  # Sender
    worker_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))  # a worker's
    body: Mapped[str | None] = mapped_column(EncryptedText("messages.body"))
    sent_at: Mapped[datetime] = mapped_column(default=now)
    read_at: Mapped[datetime | None]  # when the other side first opened it

    case: Mapped[Case] = relationship()
    worker: Mapped[User | None] = relationship()

    @property
    def from_participant(self) -> bool:
        return self.sender == Sender.PARTICIPANT.value
