"""ung1's thread in the demo (caseapp/demo/portal.py MESSAGES) reads like a conversation: each
message at its own earlier time, in order, on weekday daytime in Oslo, stamped by the message
services themselves (their audit events carry the same time), after the session and the plan
it speaks of, and still with one unread message each way."""
from __future__ import annotations

from datetime import UTC, date, time, timedelta

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.clock import OSLO
from caseapp.contacts.models import Contact
from caseapp.demo.generate import load_demo
from caseapp.demo.portal import MESSAGES, working_days_before
from caseapp.extensions import db
from caseapp.messages import services
from caseapp.oidc.demo import young_people
from caseapp.plans.models import Plan
from caseapp.portal.me import own_cases


@pytest.fixture
def ung1(app):
    load_demo(db.session, seed=3)
    db.session.commit()
    return young_people(db.session)[0]


def oslo(at):
    return at.replace(tzinfo=UTC).astimezone(OSLO)


def test_the_demo_thread_has_distinct_earlier_times_in_order(ung1, clock):
    start = clock.now()  # Monday 2 November 2026, 10:00 in Oslo
    case = own_cases(db.session, ung1.id)[0]
    thread = services.thread(db.session, case)
    assert [m.body for m in thread] == [words for *_rest, words in MESSAGES]
    sent = [m.sent_at for m in thread]
    assert sent == sorted(sent) and len(set(sent)) == len(sent)
    assert all(at < start - timedelta(hours=12) for at in sent)  # not the minute of loading
    local = [oslo(at) for at in sent]
    assert {at.date() for at in local} == {date(2026, 10, 29), date(2026, 10, 30)}  # Thu, Fri
    assert all(at.weekday() < 5 and time(8) <= at.time() <= time(17) for at in local)
    # stamped by the services: the send events carry the messages' times
    sends = db.session.scalars(select(AuditEvent.at).where(
        AuditEvent.action == "message.send", AuditEvent.subject_id == ung1.id)
        .order_by(AuditEvent.seq)).all()
    assert sends == sent
    # read by the other side in the conversation's time, after being sent
    read = [m for m in thread if m.read_at is not None]
    assert len(read) == 2 and all(m.sent_at < m.read_at < sent[-1] for m in read)
    # after the session and the plan version the first message speaks of
    session = db.session.scalar(select(Contact).where(Contact.case_id == case.id)
                                .order_by(Contact.occurred_at.desc()).limit(1))
    plan = db.session.scalar(select(Plan).where(Plan.case_id == case.id))
    assert session.occurred_at < plan.current.saved_at < sent[0]
    assert session.occurred_at.weekday() < 5
    # the app has its own clock back, and the unread state the demo shows is kept
    assert clock.now() == start
    assert services.unread_for_participant(db.session, ung1.id) == 1
    assert services.unread_counts_for_worker(db.session, case.worker) == {case.id: 1}
    # (tests/portal/test_demo.py: ung1's menu says "Meldinger (1 ulest)")


def test_the_working_days_before_any_day_of_the_week():
    for offset in range(7):  # 2 November 2026 is a Monday
        today = date(2026, 11, 2) + timedelta(days=offset)
        first, second = working_days_before(today)
        assert first < second < today and first.weekday() < 5 and second.weekday() < 5
        assert (today - first).days <= 4
        assert all(((first + timedelta(days=n)).weekday() >= 5)
                   for n in range(1, (second - first).days))  # none skipped
