"""Work that happens without anyone clicking: scheduled duties on an RQ queue in Redis.

``caseapp worker`` runs an RQ worker and RQ's cron scheduler. Every few minutes the scheduler
enqueues ``tick``, which enqueues each duty whose time (Europe/Oslo) has come in its period
(a day or a week) once; ``run_duty`` does the duty in one database transaction together with
its row in ``job_runs`` (unique per duty and period), so a duty runs once per period even when
it is enqueued twice, on several nodes, or again after a crash. A duty that raises is recorded
and retried with back-off (RQ's Retry). See docs/operations-jobs.md.
"""
