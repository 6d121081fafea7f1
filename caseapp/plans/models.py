"""A case has one follow-up plan; each save adds a ``PlanVersion`` and never changes an old one.

A version's goals and measures are one encrypted JSON document (free text about the person);
goals keep a stable ``key`` across versions so changes can be told apart and sessions linked.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db


class GoalStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    REACHED = "reached"
    DROPPED = "dropped"


GOAL_STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "reached": _l("Reached"),
    "dropped": _l("Dropped"),
}

RESPONSIBLE_LABELS = {
    "participant": _l("The young person"),
    "worker": _l("The worker"),
    "school": _l("School"),
    "nav": _l("Nav"),
    "employer": _l("Employer"),
    "guardian": _l("Guardian"),
}


@dataclass
class Goal:
    key: str
    text: str
    target_date: date | None
    status: str

    @property
    def open(self) -> bool:
        return self.status in (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)

    def overdue(self, today: date) -> bool:
        return self.open and self.target_date is not None and self.target_date < today


@dataclass
class Measure:
    text: str
    responsible: str


@dataclass
class PlanContent:
    goals: list[Goal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)

    def to_json(self) -> str:
        def encode(value):
            return value.isoformat() if isinstance(value, date) else value

        data = {"goals": [{k: encode(v) for k, v in asdict(g).items()} for g in self.goals],
                "measures": [asdict(m) for m in self.measures]}
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | None) -> "PlanContent":
        data = json.loads(raw or "{}")
        goals = [Goal(g["key"], g["text"],
                      date.fromisoformat(g["target_date"]) if g.get("target_date") else None,
                      g["status"]) for g in data.get("goals", [])]
        return cls(goals, [Measure(m["text"], m["responsible"]) for m in data.get("measures", [])])


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), unique=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # The latest version's number; saving compares and sets it in one UPDATE (optimistic lock).
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship()
    versions: Mapped[list["PlanVersion"]] = relationship(
        back_populates="plan", order_by="PlanVersion.number")

    @property
    def current(self) -> "PlanVersion | None":
        return self.versions[-1] if self.versions else None


class PlanVersion(db.Model):
    """One saved state of the plan: what it said, who saved it, when, and whether the young
    person agreed to it."""

    __tablename__ = "plan_versions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    number: Mapped[int]
    content_json: Mapped[str] = mapped_column(EncryptedText("plan_versions.content_json"))
    review_date: Mapped[date | None]
    agreed_by_participant: Mapped[bool] = mapped_column(default=False)
    # special categories (Art. 9/10) the texts seemed to mention when saved: codes, no text
    special_categories: Mapped[str] = mapped_column(String(100), default="")
    saved_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(default=now)

    plan: Mapped[Plan] = relationship(back_populates="versions")
    saved_by: Mapped[User] = relationship()
    answers: Mapped[list["PlanAnswer"]] = relationship(
        back_populates="version", order_by="PlanAnswer.answered_at", lazy="selectin")

    @property
    def answer(self) -> "PlanAnswer | None":
        """The young person's own latest answer to this version, if they gave one."""
        return self.answers[-1] if self.answers else None

    @property
    def agreed(self) -> bool:
        """Agreed: by the person's own answer when they gave one (it replaces the worker's
        tick), otherwise by the worker's tick "agreed with the person"."""
        return self.answer.agreed if self.answer else self.agreed_by_participant

    @property
    def special_codes(self) -> list[str]:
        return [code for code in self.special_categories.split(",") if code]

    @property
    def content(self) -> PlanContent:
        return PlanContent.from_json(self.content_json)


class Channel(StrEnum):
    DIGITAL = "digital"


class PlanAnswer(db.Model):
    """The young person's own answer to a plan version ("Jeg er enig", or not with a comment
    to the worker): a new state of the plan with time and channel. Never changed; a later
    answer to the same version is a new row."""

    __tablename__ = "plan_answers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
    agreed: Mapped[bool]
    channel: Mapped[str] = mapped_column(String(20), default=Channel.DIGITAL.value)
    comment: Mapped[str | None] = mapped_column(EncryptedText("plan_answers.comment"))
    answered_at: Mapped[datetime] = mapped_column(default=now)

    version: Mapped[PlanVersion] = relationship(back_populates="answers")
