"""Scheduled duties on the real queue: a real Redis server, the real RQ worker, the database
of the suite. What an operator would notice: a duty runs once per period, a failure is
retried and then shown, and the app without Redis says the scheduler is down."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select

from audit.models import AuditEvent
from caseapp.extensions import db
from caseapp.jobs import queue
from caseapp.jobs.duties import DUTIES, Duty
from caseapp.jobs.models import JobRun
from caseapp.jobs.runner import run_duty, tick
from consent.models import ConsentEvent
from consent.services import grant


def _expired_consent(factory, clock):
    adult = factory.participant(born=date(2000, 1, 1))
    grant(db.session, participant_id=adult.id, purpose="follow_up",
          valid_from=clock.now() - timedelta(days=30), valid_until=clock.now() - timedelta(days=1))
    db.session.commit()


def _expiry_events() -> int:
    return db.session.scalar(select(func.count()).select_from(ConsentEvent)
                             .where(ConsentEvent.kind == "expired"))


def test_a_due_duty_is_enqueued_once_per_day_and_the_worker_does_it_once(
        app, factory, clock, run_worker):
    _expired_consent(factory, clock)
    # Monday 10:00 in Oslo: consent expiry (01:00), retention (02:30), the audit log's check
    # (03:00) and the digests (07:00)
    first = tick()
    assert sorted(first) == ["caseapp-duty-audit_verify-2026-11-02", "caseapp-duty-consent_expiry-2026-11-02",
                             "caseapp-duty-digest_daily-2026-11-02",
                             "caseapp-duty-digest_weekly-2026-W45", "caseapp-duty-retention-2026-11-02"]
    assert tick() == []  # a second scheduler (another node) enqueues nothing again
    run_worker()
    runs = {run.duty: run for run in db.session.scalars(select(JobRun))}
    assert runs["consent_expiry"].status == "done" and runs["consent_expiry"].summary == {"expired": 1}
    assert runs["retention"].status == "done"
    assert runs["digest_weekly"].summary == {"mail_off": 1}  # no SMTP host: no mail, no failure
    assert _expiry_events() == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "consent.expire")) == 1
    # Redis forgets (or a job is enqueued twice): the row makes the second run do nothing
    assert run_duty("consent_expiry", "2026-11-02") == {"skipped": 1}
    _expired_consent(factory, clock)
    assert tick() == []  # done today; tomorrow is the next period
    clock.advance(days=1)
    assert tick() == ["caseapp-duty-consent_expiry-2026-11-03", "caseapp-duty-retention-2026-11-03",
                      "caseapp-duty-audit_verify-2026-11-03", "caseapp-duty-digest_daily-2026-11-03"]  # the weekly one waits for Monday
    run_worker()
    assert _expiry_events() == 2


def test_a_duty_lost_with_a_restored_database_runs_again(app, clock, run_worker):
    """The database is restored (or the demo reset) to before today's duties ran: Redis still
    says they were dispatched, but no row says they were done, and their jobs have finished —
    the next tick enqueues them again instead of waiting for tomorrow."""
    first = tick()
    run_worker()
    assert tick() == []
    db.session.execute(delete(JobRun))  # what the restored database knows of today
    db.session.commit()
    assert sorted(tick()) == sorted(first)
    assert tick() == []  # once: the jobs are on their way again
    run_worker()
    assert {run.status for run in db.session.scalars(select(JobRun))} == {"done"}


def test_installations_that_share_a_redis_each_run_their_duties(app, clock):
    """CASEAPP_JOB_QUEUE apart, one Redis: one installation's dispatch never stands in for
    another's (each has its own queue, marks and job ids)."""
    assert "caseapp-duty-consent_expiry-2026-11-02" in tick()
    app.config["CASEAPP_JOB_QUEUE"] = "fylket"
    try:
        assert "fylket-duty-consent_expiry-2026-11-02" in tick()
        assert queue.job_queue().count == 5
    finally:
        app.config["CASEAPP_JOB_QUEUE"] = "caseapp"
    assert queue.job_queue().count == 5


def test_nothing_is_due_before_its_time_in_oslo(app, clock):
    clock.set(clock.now().replace(hour=23, minute=30))  # 00:30 on Tuesday 3 November in Oslo
    # only the week's digest (due Monday 07:00, not run) is caught up; the daily ones wait
    assert tick() == ["caseapp-duty-digest_weekly-2026-W45"]
    clock.set(clock.now().replace(hour=0, minute=5) + timedelta(days=1))  # 01:05 in Oslo
    assert tick() == ["caseapp-duty-consent_expiry-2026-11-03"]


@pytest.fixture
def flaky(monkeypatch):
    """A registered duty that fails its first ``failures`` runs."""
    calls = {"n": 0, "failures": 2}

    def run(session, period):
        calls["n"] += 1
        if calls["n"] <= calls["failures"]:
            raise ConnectionRefusedError("smtp.example.invalid refused kari@example.no")
        return {"sent": 1}

    monkeypatch.setitem(DUTIES, "flaky", Duty("flaky", "Flaky", run, hour=0))
    return calls


def test_a_failing_duty_is_retried_with_back_off_until_it_succeeds(app, clock, flaky, run_worker):
    queue.enqueue_once("flaky", "2026-11-02")
    run_worker()
    run = db.session.scalar(select(JobRun).where(JobRun.duty == "flaky"))
    assert flaky["n"] == 3
    assert (run.status, run.attempts, run.summary) == ("done", 3, {"sent": 1})
    assert run.last_error == "ConnectionRefusedError"  # the kind, never the message


def test_a_duty_that_keeps_failing_is_shown_to_the_admin_and_can_run_again(
        app, client, factory, login, clock, flaky, run_worker):
    flaky["failures"] = 10
    queue.enqueue_once("flaky", "2026-11-02")
    run_worker()
    assert flaky["n"] == 3  # the first run and two retries (CASEAPP_JOB_RETRY_SECONDS)
    run = db.session.scalar(select(JobRun).where(JobRun.duty == "flaky"))
    assert (run.status, run.attempts) == ("failed", 3)
    assert client.get("/health").get_json()["scheduler"]["failing_duties"] == ["flaky"]

    admin = factory.user(role="admin")
    login(client, admin)
    page = client.get("/admin/operations/").text
    assert "ConnectionRefusedError" in page and "kari@example.no" not in page
    assert "3 forsøk" in page and "Kjør på nytt" in page
    flaky["failures"] = 0
    response = client.submit("/admin/operations/flaky/2026-11-02/run", form_page="/admin/operations/")
    assert response.status_code == 302
    (event,) = _run_again_events()
    assert (event.actor_id, event.object_type, event.object_id) == (admin.id, "duty", "flaky")
    assert event.details == {"period": "2026-11-02"} and event.subject_id is None
    run_worker()
    db.session.expire_all()
    assert db.session.get(JobRun, run.id).status == "done"
    assert client.get("/health").get_json()["scheduler"]["failing_duties"] == []


def _run_again_events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent)
                                   .where(AuditEvent.action == "duty.run_again")))


def test_run_again_is_not_queued_when_its_audit_event_cannot_be_written(
        app, client, factory, login, flaky, monkeypatch):
    admin = factory.user(role="admin")
    login(client, admin)
    client.get("/admin/operations/")

    def broken(session, event):
        if event.action == "duty.run_again":
            raise RuntimeError("the audit log cannot be written")
        return append(session, event)

    from audit import chain

    append = chain.append
    monkeypatch.setattr(chain, "append", broken)
    response = client.submit("/admin/operations/flaky/2026-11-02/run",
                             form_page="/admin/operations/")
    assert response.status_code == 500
    monkeypatch.setattr(chain, "append", append)
    assert queue.job_queue().count == 0 and _run_again_events() == []
    assert not queue.connection().exists(queue.dispatched_key("flaky",
                                                                 "2026-11-02"))


def test_run_again_is_not_queued_when_the_commit_of_its_audit_event_fails(
        app, client, factory, login, flaky):
    """The job is handed to Redis only after the event is committed: a database that fails at
    the commit (after the event was written in the transaction) leaves nothing to run."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    admin = factory.user(role="admin")
    login(client, admin)
    token = client.csrf_token("/admin/operations/")

    def fail(session):
        raise RuntimeError("the database went away at the commit")

    event.listen(Session, "before_commit", fail)
    try:
        with pytest.raises(RuntimeError):  # the test client passes the 500's cause on
            client.post("/admin/operations/flaky/2026-11-02/run", data={"csrf_token": token})
    finally:
        event.remove(Session, "before_commit", fail)
    assert queue.job_queue().count == 0 and _run_again_events() == []
    assert not queue.connection().exists(queue.dispatched_key("flaky",
                                                                 "2026-11-02"))


def test_run_again_with_redis_down_is_refused_and_leaves_no_event(
        app, client, factory, login, flaky, redis_server):
    admin = factory.user(role="admin")
    login(client, admin)
    client.get("/admin/operations/")
    redis_server.stop()
    response = client.submit("/admin/operations/flaky/2026-11-02/run",
                             form_page="/admin/operations/")
    assert response.status_code == 302
    assert "Planleggeren er nede" in client.get("/admin/operations/").text
    assert _run_again_events() == []  # nothing was queued, so nothing to record


def test_the_operations_page_shows_last_and_next_runs_in_norwegian_time(
        app, client, factory, login, clock, run_worker):
    tick()
    run_worker()
    admin = factory.user(role="admin")
    login(client, admin)
    page = client.get("/admin/operations/").text
    row = page[page.index('data-duty="consent_expiry"'):]
    row = row[:row.index("</tr>")]
    assert "02.11.2026, 10:00" in row  # last run: 09:00 UTC is 10:00 in Oslo
    assert "03.11.2026, 01:00" in row  # next run: 01:00 Oslo time tomorrow
    assert "Fullført" in row and "utløpte samtykker: 0" in row  # in words, not codes
    verify = page[page.index('data-duty="audit_verify"'):]
    verify = verify[:verify.index("</tr>")]
    assert "revisjonsloggen er hel" in verify and "ok:" not in verify


def test_only_the_administrator_sees_the_operations_page(app, client, factory, login):
    mentor = factory.user(role="youth_mentor")
    login(client, mentor)
    assert client.get("/admin/operations/").status_code == 403


def test_without_redis_the_app_serves_and_says_the_scheduler_is_down(
        app, client, factory, login, redis_server):
    redis_server.stop()
    health = client.get("/health")
    assert health.status_code == 200
    assert health.get_json()["scheduler"]["status"] == "down"
    admin = factory.user(role="admin")
    login(client, admin)
    page = client.get("/admin/operations/").text
    assert "Planleggeren er nede" in page
    assert "Neste kjøring" in page  # the schedule is still shown (from the database)


def test_redis_restarted_mid_job_the_duty_still_runs_once(
        app, factory, clock, redis_server, run_worker, monkeypatch):
    _expired_consent(factory, clock)
    original = DUTIES["consent_expiry"]

    def restart_then_run(session, period):
        redis_server.restart()  # everything queued or recorded in Redis is gone
        return original.run(session, period)

    monkeypatch.setitem(DUTIES, "consent_expiry",
                        Duty("consent_expiry", original.label, restart_then_run, hour=1))
    queue.enqueue_once("consent_expiry", "2026-11-02")
    run_worker()
    monkeypatch.setitem(DUTIES, "consent_expiry", original)
    tick()  # Redis forgot the dispatch: the next tick enqueues the day's duties again
    run_worker()
    assert _expiry_events() == 1
    run = db.session.scalar(select(JobRun).where(JobRun.duty == "consent_expiry"))
    assert (run.status, run.attempts) == ("done", 1)
