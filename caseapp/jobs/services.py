"""What the administrator does to the scheduled duties from the operations page."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

import audit
from caseapp.jobs import queue
from caseapp.refusals import Refusal

RUN_AGAIN = "duty.run_again"


class SchedulerDown(Refusal):
    """Redis did not take the job: nothing was queued and nothing is recorded."""


def run_again(session: Session, actor, name: str, period: str) -> None:
    """Queue duty ``name`` for ``period`` again ("Run again"), audited in the request's
    transaction: the event is written first, so if that write fails nothing is queued; if
    Redis then refuses the job, ``SchedulerDown`` rolls the event back with the rest."""
    audit.record(RUN_AGAIN, actor=actor, object_type="duty", object_id=name,
                 details={"period": period}, session=session)
    try:
        queue.run_again(name, period)
    except queue.RedisError:
        raise SchedulerDown(_("The scheduler is down: the duty could not be queued.")) from None
