"""What the administrator does to the scheduled duties from the operations page."""
from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy.orm import Session

import audit
from caseapp import transaction
from caseapp.jobs import queue
from caseapp.refusals import Refusal

RUN_AGAIN = "duty.run_again"
log = logging.getLogger(__name__)


class SchedulerDown(Refusal):
    """Redis did not take the job: nothing was queued and nothing is recorded."""


def run_again(session: Session, actor, name: str, period: str) -> None:
    """Queue duty ``name`` for ``period`` again ("Run again"), audited: the event is written in
    the request's transaction and the job handed to Redis only once that transaction is
    committed, so a job never runs without its record. Redis is asked first whether it answers:
    if not, ``SchedulerDown`` says so and nothing is recorded."""
    conn = queue.connection()
    try:
        conn.ping()
    except queue.RedisError:
        raise SchedulerDown(_("The scheduler is down: the duty could not be queued.")) from None
    audit.record(RUN_AGAIN, actor=actor, object_type="duty", object_id=name,
                 details={"period": period}, session=session)
    transaction.on_commit(session, lambda: _queue_again(conn, name, period))


def _queue_again(conn, name: str, period: str) -> None:
    try:
        queue.run_again(name, period, conn)
    except queue.RedisError:  # went down after it answered: the duty stays failed on the page
        log.error("duty %s for %s was not queued again: Redis did not take the job", name, period)
