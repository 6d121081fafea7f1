"""E-mail digests through a real SMTP server (aiosmtpd), sent by the real worker: counts and
links only, never a young person's name or national ID; faults lose no message and send none
twice; each user chooses how often and in which language."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from caseapp.accounts.models import User
from caseapp.demo.generate import load_demo
from caseapp.extensions import db
from caseapp.jobs import queue
from caseapp.jobs.models import JobRun
from caseapp.jobs.runner import tick
from caseapp.participants.models import Participant


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "CASEAPP_SMTP_HOST": "127.0.0.1", "CASEAPP_SMTP_PORT": smtp_server.port,
            "CASEAPP_SMTP_SECURITY": "none", "CASEAPP_PUBLIC_URL": "https://caseapp.example"}


@pytest.fixture
def demo(app):
    logins = load_demo(db.session, seed=3)
    db.session.commit()
    return logins


def _text(mail) -> str:
    return mail.as_string() + mail.get_body(("plain",)).get_content()


def _weekly_run() -> JobRun | None:
    return db.session.scalar(select(JobRun).where(JobRun.duty == "digest_weekly"))


def test_the_weekly_digests_reach_the_demo_staff_without_personal_data(
        app, demo, smtp_server, run_worker):
    tick()  # Monday 2 November, 10:00 in Oslo: the weekly digest is due
    run_worker()
    assert smtp_server.received, "no digest was sent"
    recipients = {mail["To"] for mail in smtp_server.received}
    assert "uv.lund@caseapp.example" in recipients and "koord.kommune@caseapp.example" in recipients
    assert "admin@caseapp.example" not in recipients  # nothing about cases for the admin
    people = db.session.scalars(select(Participant)).all()
    secrets = {p.national_id for p in people} | {p.given_name for p in people} | {
        p.family_name for p in people}
    staff_names = {u.display_name for u in db.session.scalars(select(User))}
    for mail in smtp_server.received:
        text = _text(mail)
        leaked = {s for s in secrets | staff_names
                  if s and re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)}
        assert not leaked, f"personal data in the mail to {mail['To']}: {sorted(leaked)[:3]}"
        assert "https://caseapp.example/profile/" in text
    mentor = next(m for m in smtp_server.received if m["To"] == "uv.lund@caseapp.example")
    body = mentor.get_body(("plain",)).get_content()
    assert mentor["Subject"].startswith("caseapp: ") and "https://caseapp.example/cases/" in body
    assert "- " in body and ("sjekkpunkt" in body or "uten samtale" in body or "ny sak" in body)
    run = _weekly_run()
    assert run.status == "done" and run.summary["sent"] == len(smtp_server.received)


def test_each_user_chooses_frequency_and_language_and_one_without_address_is_listed(
        app, demo, smtp_server, run_worker):
    users = {u.username: u for u in db.session.scalars(select(User))}
    users["uv.lund"].digest_frequency = "never"
    users["uv.vagsbygd"].digest_language = "en"
    users["al.lund"].email = None
    db.session.commit()
    tick()
    run_worker()
    to = {mail["To"]: mail for mail in smtp_server.received}
    assert "uv.lund@caseapp.example" not in to
    english = to["uv.vagsbygd@caseapp.example"]
    assert "need your attention" in english["Subject"] or "needs your attention" in english["Subject"]
    assert "Hello," in english.get_body(("plain",)).get_content()
    run = _weekly_run()
    assert run.summary["no_email"] == 1 and run.summary["no_email_users"] == "al.lund"


def test_smtp_down_is_retried_shown_and_loses_no_message(
        app, demo, smtp_server, run_worker, client, factory, login):
    smtp_server.stop()
    tick()
    run_worker()  # the first try and both retries fail: the server is down
    run = _weekly_run()
    assert (run.status, run.attempts, run.last_error) == ("failed", 3, "ConnectionRefusedError")
    admin = factory.user(role="admin")
    login(client, admin)
    assert "ConnectionRefusedError" in client.get("/admin/operations/").text
    smtp_server.start()
    queue.run_again("digest_weekly", run.period)
    run_worker()
    db.session.expire_all()
    assert _weekly_run().status == "done"
    assert smtp_server.received


def test_a_server_refusing_midway_gets_the_rest_on_the_retry_and_nobody_twice(
        app, demo, smtp_server, run_worker):
    smtp_server.refuse_after = 3
    tick()
    queue_state = queue.job_queue()
    # the first attempt sends 3 and fails on the 4th (451); the retry sends the rest
    from caseapp.jobs.worker import work

    work(app, burst=True, cron=False)
    assert len(smtp_server.received) == 3
    assert queue_state.scheduled_job_registry.count == 1  # waiting for its retry
    run = _weekly_run()
    assert (run.status, run.last_error) == ("failed", "SMTPDataError 451")
    smtp_server.refuse_after = None
    run_worker()
    recipients = [mail["To"] for mail in smtp_server.received]
    assert len(recipients) == len(set(recipients)) > 3  # everyone once
    db.session.expire_all()
    run = _weekly_run()
    assert run.status == "done" and run.summary["already_sent"] == 3


def test_the_profile_page_sets_the_digest(app, client, factory, login):
    mentor = factory.user(role="youth_mentor")
    login(client, mentor)
    page = client.get("/profile/").text
    assert "E-postsammendrag" in page and "aldri navn" in page
    response = client.submit("/profile/", {"work_phone": "", "digest_frequency": "daily",
                                           "digest_language": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, mentor.id)
    assert (saved.digest_frequency, saved.digest_language) == ("daily", "en")
    response = client.submit("/profile/", {"work_phone": "", "digest_frequency": "hourly",
                                           "digest_language": "en"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, mentor.id).digest_frequency == "daily"


def test_the_privacy_officer_hears_of_bulk_access_and_break_glass_in_counts(
        app, factory, smtp_server, run_worker, clock):
    import uuid

    import audit

    officer = factory.user("privacy_officer")
    officer.email = "personvern@kommune.example"
    snooper = factory.user("youth_mentor")
    for _ in range(25):  # more than CASEAPP_AUDIT_BULK_PERSONS people within minutes
        audit.record("case.view", actor=snooper, object_type="case", object_id=uuid.uuid4(),
                     subject_id=uuid.uuid4(), grounds="own_caseload")
        clock.advance(seconds=5)
    db.session.commit()
    tick()
    run_worker()
    (mail,) = [m for m in smtp_server.received if m["To"] == "personvern@kommune.example"]
    body = mail.get_body(("plain",)).get_content()
    assert "1 ansatt markert for masseoppslag" in body
    assert snooper.username not in body and snooper.display_name not in body
    assert "https://caseapp.example/audit/" in body
