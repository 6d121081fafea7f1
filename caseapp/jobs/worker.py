"""``caseapp worker``: an RQ worker on the app's queue, beside RQ's cron scheduler (its own
process) that enqueues ``tick`` every CASEAPP_JOB_TICK_SECONDS. Run one per node or more;
duties still run once per period (see caseapp/jobs/__init__.py)."""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import subprocess
import sys

from flask import Flask


def run_cron(redis_url: str, queue_name: str, interval: int) -> None:
    """The cron scheduler's process: enqueue ``tick`` now and every ``interval`` seconds."""
    from redis import Redis
    from rq.cron import CronScheduler

    from caseapp.jobs.runner import tick

    scheduler = CronScheduler(connection=Redis.from_url(redis_url), logging_level=logging.WARNING)
    scheduler.register(tick, queue_name, interval=interval, job_timeout=300, result_ttl=3600)
    scheduler.start()


def start_cron(app: Flask) -> multiprocessing.Process:
    process = multiprocessing.get_context("spawn").Process(
        target=run_cron, name="caseapp-cron", daemon=True,
        args=(app.config["CASEAPP_REDIS_URL"], app.config["CASEAPP_JOB_QUEUE"],
              app.config["CASEAPP_JOB_TICK_SECONDS"]))
    process.start()
    return process


def _burst_worker_class():
    from rq import SimpleWorker

    class BurstWorker(SimpleWorker):
        """A worker that empties the queue and stops, without RQ's command channel (its
        listening thread takes up to a minute to stop; a burst run takes no commands)."""

        def subscribe(self) -> None:
            self.pubsub = self.pubsub_thread = None

        def unsubscribe(self) -> None:
            pass

    return BurstWorker


def work(app: Flask, burst: bool = False, cron: bool = True) -> bool:
    """Run the worker (and the cron scheduler) until stopped; ``burst`` stops when the queue
    is empty. Jobs run in this process (RQ's SimpleWorker) in the app's context."""
    from rq import SimpleWorker

    from caseapp.jobs import queue
    from caseapp.jobs.runner import set_app

    set_app(app)
    with app.app_context():
        conn = queue.connection()
        job_queue = queue.job_queue(conn)
    try:
        conn.ping()
    except queue.RedisError:
        sys.stderr.write(f"caseapp worker: Redis at {app.config['CASEAPP_REDIS_URL']} cannot be "
                         "reached; the scheduled duties wait until it runs (the app serves "
                         "without it and says the scheduler is down).\n")
        return False
    scheduler = start_cron(app) if cron else None
    try:
        worker_class = _burst_worker_class() if burst else SimpleWorker
        worker = worker_class([job_queue], connection=conn)
        return worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
    finally:
        if scheduler is not None and scheduler.is_alive():
            os.kill(scheduler.pid, signal.SIGTERM)
            scheduler.join(10)


def spawn_worker_process() -> subprocess.Popen:
    """``caseapp run --with-worker``: ``caseapp worker`` as a child of the web server."""
    return subprocess.Popen([sys.executable, "-m", "caseapp.jobs.worker"])


if __name__ == "__main__":
    from caseapp import create_app

    work(create_app())
