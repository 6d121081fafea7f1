"""One row per scheduled duty and period: the unique key that makes a duty run once a day
(or week), and what the operations page shows (last run, last error)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db

RUNNING, DONE, FAILED = "running", "done", "failed"


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("duty", "period", name="uq_job_runs_duty_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    duty: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(16))  # Oslo date (2026-12-05) or ISO week (2026-W49)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # The error's kind only (an exception class name, an SMTP code): messages may hold data.
    last_error: Mapped[str | None] = mapped_column(String(200))
    # Counts only (never names): e.g. {"expired": 2} or {"sent": 5, "skipped_no_email": 1}.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)


class MailDelivery(db.Model):
    """A digest or alert sent to one user for one period: committed as soon as the SMTP
    server accepted it, so a retry after a fault sends only the messages still missing."""

    __tablename__ = "mail_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "kind", "period",
                                       name="uq_mail_deliveries_user_kind_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime]
