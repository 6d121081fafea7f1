"""The job functions the RQ worker runs: ``tick`` (enqueued by the cron scheduler) and
``run_duty`` (one duty for one period, exactly once)."""
from __future__ import annotations

import logging

from flask import Flask, current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from caseapp.clock import now, oslo_now
from caseapp.extensions import db
from caseapp.jobs.duties import DUTIES
from caseapp.jobs.models import DONE, FAILED, JobRun

LOGGER = logging.getLogger("caseapp.jobs")
_APP: Flask | None = None


def set_app(app: Flask) -> None:
    """The app whose context jobs run in (``caseapp worker`` sets it; tests too)."""
    global _APP
    _APP = app


def _app() -> Flask:
    global _APP
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _APP is None:  # e.g. a plain `rq worker`: build the app once per process
        from caseapp import create_app

        _APP = create_app()
    return _APP


def done_periods(session, name: str) -> set[str]:
    return set(session.scalars(select(JobRun.period).where(JobRun.duty == name,
                                                           JobRun.status == DONE)))


def tick() -> list[str]:
    """Enqueue every duty whose time has come in its period and that has not run yet (once
    per period, whichever node's scheduler ticks first). Returns the job ids enqueued."""
    from caseapp.jobs import queue

    with _app().app_context():
        local = oslo_now()
        enqueued = []
        for duty in DUTIES.values():
            period = duty.due_period(local)
            if period is None or period in done_periods(db.session, duty.name):
                continue
            job = queue.enqueue_once(duty.name, period)
            if job is not None:
                enqueued.append(job.id)
        db.session.rollback()  # read only
        return enqueued


def run_duty(name: str, period: str) -> dict:
    """Do duty ``name`` for ``period`` unless it is done. The duty's row in ``job_runs``
    (unique per duty and period) is written in the transaction that commits the work, so a
    crash leaves neither (the retry runs it again, once) and a second run finds the row and
    does nothing; a concurrent duplicate fails on the unique key and is rolled back. A duty
    that sends mail commits each delivery as it goes (``caseapp.jobs.mail``), so a retry
    sends only what is missing. A failure is recorded (its kind, never its message) and
    raised again, so RQ retries it with back-off."""
    duty = DUTIES[name]
    with _app().app_context():
        session = db.session
        row = _current_row(session, name, period)
        if row is not None and row.status == DONE:
            session.rollback()
            return {"skipped": 1}
        started = now()
        try:
            summary = duty.run(session, period)
            row = _current_row(session, name, period)  # the duty may have committed
            if row is None:
                row = JobRun(duty=name, period=period, attempts=0)
                session.add(row)
            elif row.status == DONE:  # a concurrent run finished first
                session.rollback()
                return {"skipped": 1}
            row.status, row.attempts, row.summary = DONE, row.attempts + 1, summary
            row.started_at, row.finished_at = started, now()
            session.commit()
        except IntegrityError:
            session.rollback()
            return {"skipped": 1}
        except Exception as exc:
            session.rollback()
            _record_failure(name, period, exc)
            LOGGER.warning("duty %s for %s failed: %s", name, period, error_kind(exc))
            # RQ logs the exception it sees: its kind only, without the original's message
            raise DutyFailed(error_kind(exc)) from None
        LOGGER.info("duty %s for %s done", name, period, extra={"summary": summary})
        return summary


def _current_row(session, name: str, period: str) -> JobRun | None:
    return session.scalar(select(JobRun).where(JobRun.duty == name, JobRun.period == period)
                          .with_for_update())


def run_full_verify(actor_id: str) -> dict:
    """The full check of the audit log the privacy officer started: every event re-computed,
    the result recorded as their verification (shown on the workspace)."""
    import uuid

    from flask import current_app as app

    from audit.services import verify_chain
    from caseapp.accounts.models import User

    with _app().app_context():
        actor = db.session.get(User, uuid.UUID(actor_id))
        result = verify_chain(db.session, app.instance_path, actor=actor,
                              grounds="privacy_oversight")
        db.session.commit()
        return {"ok": int(result.ok), "events": result.events}


class DutyFailed(Exception):
    """A duty raised; the message is the error's kind only (``error_kind``)."""


def error_kind(exc: BaseException) -> str:
    """What the operations page may show of an error: its class, and an SMTP reply code.
    Never the message (it may quote an address, a value or a query)."""
    kind = type(exc).__name__
    code = getattr(exc, "smtp_code", None)
    return f"{kind} {code}" if isinstance(code, int) else kind


def _record_failure(name: str, period: str, exc: BaseException) -> None:
    session = db.session
    try:
        row = session.scalar(select(JobRun).where(JobRun.duty == name, JobRun.period == period))
        if row is None:
            row = JobRun(duty=name, period=period, attempts=0, started_at=now(), summary={})
            session.add(row)
        row.status, row.attempts = FAILED, row.attempts + 1
        row.finished_at, row.last_error = now(), error_kind(exc)[:200]
        session.commit()
    except Exception:  # the database itself may be the failure; RQ keeps the job's record
        session.rollback()
        LOGGER.warning("could not record the failure of duty %s", name)
