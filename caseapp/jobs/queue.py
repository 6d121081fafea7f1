"""The Redis connection, the queue, and what the operations page and /health read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError  # noqa: F401  (callers catch it from here)
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

# Per queue: installations that share one Redis (CASEAPP_JOB_QUEUE apart) never block each
# other's duties.
DISPATCHED = "caseapp:jobs:{queue}:dispatched:{name}:{period}"
DISPATCH_TTL = 9 * 24 * 3600  # longer than a weekly period
# The job functions, by name: the worker imports them (the runner imports this module).
RUN_DUTY = "caseapp.jobs.runner.run_duty"
RUN_FULL_VERIFY = "caseapp.jobs.runner.run_full_verify"


def connection(url: str | None = None) -> Redis:
    return Redis.from_url(url or current_app.config["CASEAPP_REDIS_URL"],
                          socket_connect_timeout=1, socket_timeout=5)


def job_queue(conn: Redis | None = None) -> Queue:
    return Queue(current_app.config["CASEAPP_JOB_QUEUE"], connection=conn or connection())


def retry_policy() -> Retry:
    intervals = [int(seconds) for seconds in current_app.config["CASEAPP_JOB_RETRY_SECONDS"]]
    return Retry(max=len(intervals), interval=intervals)


def job_id(name: str, period: str) -> str:
    return f"{current_app.config['CASEAPP_JOB_QUEUE']}-duty-{name}-{period}"


def dispatched_key(name: str, period: str) -> str:
    return DISPATCHED.format(queue=current_app.config["CASEAPP_JOB_QUEUE"], name=name,
                             period=period)


def _on_its_way(conn: Redis, id_: str) -> bool:
    """The job is queued, running, waiting for a retry or failed after every retry (which the
    administrator's "Run again" answers); not when it finished or is gone."""
    try:
        status = Job.fetch(id_, connection=conn).get_status()
    except NoSuchJobError:
        return False
    return status != JobStatus.FINISHED


def enqueue_once(name: str, period: str, conn: Redis | None = None) -> Job | None:
    """Enqueue duty ``name`` for ``period`` unless it was already enqueued (by this or another
    node's scheduler) and its job is still on its way (queued, running, waiting for a retry or
    failed after every retry); None then. Even if Redis forgets that (a restart without its
    data), the duty's database row keeps a second run from doing anything. The caller asks only
    for periods without a done row: a dispatched duty whose job is gone has been lost — the
    database was restored (or the demo reset) to before it ran — and is enqueued again."""
    conn = conn or connection()
    key = dispatched_key(name, period)
    if not conn.set(key, "1", nx=True, ex=DISPATCH_TTL):
        if _on_its_way(conn, job_id(name, period)):
            return None
        if not conn.set(f"{key}:again", "1", nx=True, ex=60):  # one node enqueues it again
            return None
    return job_queue(conn).enqueue(RUN_DUTY, name, period, job_id=job_id(name, period),
                                   retry=retry_policy(),
                                   job_timeout=current_app.config["CASEAPP_JOB_TIMEOUT_SECONDS"],
                                   failure_ttl=30 * 24 * 3600)


def run_again(name: str, period: str, conn: Redis | None = None) -> Job:
    """The administrator's "run again" for a duty that gave up: a new job, same period."""
    conn = conn or connection()
    conn.set(dispatched_key(name, period), "1", ex=DISPATCH_TTL)
    return job_queue(conn).enqueue(RUN_DUTY, name, period, retry=retry_policy(),
                                   job_timeout=current_app.config["CASEAPP_JOB_TIMEOUT_SECONDS"],
                                   failure_ttl=30 * 24 * 3600)


def enqueue_full_verify(actor_id, conn: Redis | None = None) -> Job:
    """The privacy officer's full check of the audit log, as a background job."""
    return job_queue(conn or connection()).enqueue(
        RUN_FULL_VERIFY, str(actor_id), retry=retry_policy(),
        job_timeout=current_app.config["CASEAPP_JOB_TIMEOUT_SECONDS"], failure_ttl=30 * 24 * 3600)


@dataclass
class SchedulerState:
    redis: bool  # Redis answers
    scheduler: bool  # a cron scheduler has sent a heartbeat lately
    workers: int  # RQ workers listening on the queue
    queued: int = 0
    failed: int = 0  # jobs that used up their retries (RQ's failed registry)
    scheduled: int = 0  # retries waiting for their back-off
    last_heartbeat: datetime | None = None  # naive UTC

    @property
    def up(self) -> bool:
        return self.redis and self.scheduler and self.workers > 0


def scheduler_state() -> SchedulerState:
    """What Redis says about the scheduler and the workers; all False when it is unreachable."""
    from rq import Worker
    from rq.cron import CronScheduler

    try:
        conn = connection()
        conn.ping()
        queue = job_queue(conn)
        schedulers = CronScheduler.all(conn)
        beats = [beat for beat in (s.last_heartbeat for s in schedulers) if beat is not None]
        workers = [w for w in Worker.all(connection=conn) if queue.name in w.queue_names()]
        return SchedulerState(
            redis=True, scheduler=bool(beats), workers=len(workers), queued=queue.count,
            failed=queue.failed_job_registry.count, scheduled=queue.scheduled_job_registry.count,
            last_heartbeat=max(beats).astimezone(UTC).replace(tzinfo=None) if beats else None)
    except RedisError:
        return SchedulerState(redis=False, scheduler=False, workers=0)


def failed_duty_jobs() -> list[tuple[str, str]]:
    """(duty, period) of jobs that gave up after their retries, newest first."""
    try:
        conn = connection()
        registry = job_queue(conn).failed_job_registry
        found = []
        for job in Job.fetch_many(registry.get_job_ids(), connection=conn):
            if job is not None and job.func_name.endswith("run_duty") and len(job.args) == 2:
                found.append((job.args[0], job.args[1]))
        return found
    except RedisError:
        return []


def health() -> dict:
    """For /health: the scheduler's state and the duties whose last run failed. Reported
    beside the components, never as a failure of the app: it serves without Redis."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from caseapp.extensions import db
    from caseapp.jobs.models import FAILED, JobRun

    failing: list[str] = []
    try:
        latest = (select(JobRun.duty, func.max(JobRun.id).label("id"))
                  .group_by(JobRun.duty).subquery())
        failing = sorted(db.session.scalars(
            select(JobRun.duty).join(latest, JobRun.id == latest.c.id)
            .where(JobRun.status == FAILED)))
    except SQLAlchemyError:
        db.session.rollback()
    return {"status": "ok" if scheduler_state().up else "down", "failing_duties": failing}
