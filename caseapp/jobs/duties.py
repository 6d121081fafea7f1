"""The scheduled duties: what runs, when (Europe/Oslo), and the counts it reports.

A duty's function takes the database session and the period key and returns counts only
(the operations page and the logs show them; never a name). It must not commit: ``run_duty``
commits its work together with the duty's row in ``job_runs``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from caseapp.clock import OSLO



@dataclass(frozen=True)
class Duty:
    name: str
    label: object  # a lazy translated string
    run: Callable[[Session, str], dict]
    hour: int  # local time (Europe/Oslo) from which the period's run is due
    minute: int = 0
    weekday: int | None = None  # 0 = Monday for a weekly duty; None = daily

    def period_of(self, local: datetime) -> str:
        if self.weekday is None:
            return local.date().isoformat()
        year, week, _ = local.date().isocalendar()
        return f"{year}-W{week:02d}"

    def _due_at(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, self.hour, self.minute, tzinfo=OSLO)

    def due_period(self, local: datetime) -> str | None:
        """The period whose run is due at ``local`` (an aware Oslo time), or None when this
        period's time has not come yet."""
        day = local.date()
        if self.weekday is not None:
            day -= timedelta(days=(day.weekday() - self.weekday) % 7)
        return self.period_of(local) if local >= self._due_at(day) else None

    def next_due(self, local: datetime, done: set[str]) -> datetime:
        """The next time this duty is due after ``local``: now if this period is due and not
        done, otherwise the next period's time."""
        period = self.due_period(local)
        if period is not None and period not in done:
            return local
        day = local.date()
        for offset in range(0, 15):
            candidate = day + timedelta(days=offset)
            if self.weekday is not None and candidate.weekday() != self.weekday:
                continue
            at = self._due_at(candidate)
            if at > local and self.period_of(at) not in done:
                return at
        raise AssertionError("no due time within two weeks")


# --- the duties --------------------------------------------------------------------------------

def consent_expiry(session: Session, period: str) -> dict:
    """Expiry events for consents whose end has passed, guardian consents ending at 18
    included (what `caseapp consent expire` does)."""
    from consent.services import record_expiries

    return {"expired": len(record_expiries(session))}


def retention(session: Session, period: str) -> dict:
    """The retention schedule (what `caseapp retention run` does); every action is audited."""
    from caseapp.privacy import retention as schedule

    steps = schedule.run(session, current_app.config["CASEAPP_RETENTION_DAYS"], False)
    return {step.record: len(step.due) for step in steps}


def audit_verify(session: Session, period: str) -> dict:
    """The nightly check of the audit log from the last signed checkpoint (incremental), then
    a signed checkpoint of the verified head, so the next night starts from here. A broken
    chain is not signed; the privacy officers are alerted by e-mail at once."""
    from audit.services import VERIFY_ACTION, record, write_checkpoint
    from caseapp.jobs.mail import send_alert

    result = write_checkpoint(session, current_app.instance_path, incremental=True)
    record(VERIFY_ACTION, actor=None, object_type="audit_log",
           outcome="allowed" if result.ok else "denied", details=result.as_details(),
           session=session)
    summary = {"ok": int(result.ok), "events": result.events,
               "checkpoint": result.checkpoint_seq or 0}
    if not result.ok:
        summary["alerted"] = send_alert(session, period, "chain_broken")
    return summary


def digest_daily(session: Session, period: str) -> dict:
    """The e-mail digest for users who chose it daily (caseapp/jobs/mail.py)."""
    from caseapp.jobs.mail import send_digests

    return send_digests(session, period, "daily", days=1)


def digest_weekly(session: Session, period: str) -> dict:
    """The e-mail digest for users who chose it weekly, on Monday mornings."""
    from caseapp.jobs.mail import send_digests

    return send_digests(session, period, "weekly", days=7)


DUTIES: dict[str, Duty] = {duty.name: duty for duty in (
    Duty("consent_expiry", _l("Consent expiry"), consent_expiry, hour=1),
    Duty("retention", _l("Retention schedule"), retention, hour=2, minute=30),
    Duty("audit_verify", _l("Nightly check of the audit log"), audit_verify, hour=3),
    Duty("digest_daily", _l("Daily e-mail digest"), digest_daily, hour=7),
    Duty("digest_weekly", _l("Weekly e-mail digest"), digest_weekly, hour=7, weekday=0),
)}
