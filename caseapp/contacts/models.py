"""Sessions (samtaler) and their history.

A ``Contact`` holds the current state; every saved state (created, edited, deleted) is also
kept as a ``ContactRevision``, so editing never loses the earlier text and a soft delete stays
visible in the history.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db


class ContactKind(StrEnum):
    INDIVIDUAL = "individual"
    SCHOOL_MEETING = "school_meeting"
    EMPLOYER_MEETING = "employer_meeting"
    NAV_MEETING = "nav_meeting"
    GUARDIAN_MEETING = "guardian_meeting"
    HOME_VISIT = "home_visit"
    PHONE_DIGITAL = "phone_digital"
    GROUP = "group"


KIND_LABELS = {
    "individual": _l("Individual talk"),
    "school_meeting": _l("Meeting with the school"),
    "employer_meeting": _l("Meeting with the employer"),
    "nav_meeting": _l("Meeting with Nav"),
    "guardian_meeting": _l("Meeting with guardians"),
    "home_visit": _l("Home visit"),
    "phone_digital": _l("Phone or digital"),
    "group": _l("Group"),
}

PRESENT_LABELS = {
    "participant": _l("The young person"),
    "guardian": _l("Guardian"),
    "school": _l("School"),
    "employer": _l("Employer"),
    "nav": _l("Nav"),
    "health": _l("Health service"),
    "other": _l("Others"),
}

TOPIC_LABELS = {
    "school": _l("School"),
    "work_training": _l("Work training"),
    "language": _l("Language"),
    "health": _l("Health"),
    "economy": _l("Economy"),
    "leisure": _l("Leisure"),
    "family": _l("Family"),
    "housing": _l("Housing"),
    "transport": _l("Transport"),
    "social": _l("Social training"),
}


class RevisionAction(StrEnum):
    CREATED = "created"
    EDITED = "edited"
    DELETED = "deleted"


ACTION_LABELS = {"created": _l("Logged"), "edited": _l("Edited"), "deleted": _l("Deleted")}


def _codes(value: str | None) -> list[str]:
    return [code for code in (value or "").split(",") if code]


class _ContactFields:
    """The fields a session has, shared by the current state and its revisions."""

    occurred_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    present: Mapped[str] = mapped_column(String(200), default="")  # codes, comma-separated
    topics: Mapped[str] = mapped_column(String(500), default="")  # codes, comma-separated
    next_date: Mapped[date | None]
    # the time of day of the next session, if the worker set one: Norwegian wall-clock time
    # (Europe/Oslo) on ``next_date``, like the date itself a local calendar value and not a
    # naive-UTC timestamp, so a meeting at 14:00 stays at 14:00 across a summer-time change
    next_time: Mapped[time | None]
    goal_keys: Mapped[str] = mapped_column(String(400), default="")  # plan goals worked on
    # The note and next step are internal unless the worker shares them with the young person
    # as the session's summary (shown on their own page, /meg/meetings).
    summary_shared: Mapped[bool] = mapped_column(default=False)
    # special categories (Art. 9/10) the note seemed to mention when saved: codes, no text
    special_categories: Mapped[str] = mapped_column(String(100), default="")

    @property
    def special_codes(self) -> list[str]:
        return _codes(self.special_categories)

    @property
    def goal_codes(self) -> list[str]:
        return _codes(self.goal_keys)

    @property
    def present_codes(self) -> list[str]:
        return _codes(self.present)

    @property
    def topic_codes(self) -> list[str]:
        return _codes(self.topics)


class Contact(_ContactFields, db.Model):
    __tablename__ = "contacts"
    # The coordinator dashboard's "no session lately" reads the sessions since a date across
    # the database (PostgreSQL hashes them): by date, not a scan of every session.
    __table_args__ = (Index("ix_contacts_case_occurred", "case_id", "occurred_at"),
                      Index("ix_contacts_occurred_at", "occurred_at"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    note: Mapped[str | None] = mapped_column(EncryptedText("contacts.note"))
    next_step: Mapped[str | None] = mapped_column(EncryptedText("contacts.next_step"))
    next_place: Mapped[str | None] = mapped_column(EncryptedText("contacts.next_place"))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    deleted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)  # optimistic locking of edits

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    created_by: Mapped[User] = relationship()
    revisions: Mapped[list["ContactRevision"]] = relationship(
        back_populates="contact", order_by="ContactRevision.number")

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class ContactRevision(_ContactFields, db.Model):
    """One saved state of a session: who saved it, when, and what it said then."""

    __tablename__ = "contact_revisions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    number: Mapped[int]
    action: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(EncryptedText("contact_revisions.note"))
    next_step: Mapped[str | None] = mapped_column(EncryptedText("contact_revisions.next_step"))
    next_place: Mapped[str | None] = mapped_column(EncryptedText("contact_revisions.next_place"))
    saved_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(default=now)

    contact: Mapped[Contact] = relationship(back_populates="revisions")
    saved_by: Mapped[User] = relationship()
