"""The young person's own answer to the plan ("Jeg er enig", or not with a comment): a new
state of the plan version with time and channel, which the worker sees on the case."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from audit.models import AuditEvent
from caseapp.extensions import db
from caseapp.plans import answers
from caseapp.plans.models import PlanAnswer
from caseapp.plans.services import PlanError
from tests.conftest import START


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_agreeing_records_time_and_channel_and_the_worker_sees_it(
        client, login, mentor, case, factory, clock):
    plan = factory.plan(case, agreed=False)
    clock.advance(minutes=30)
    answer = answers.agree(db.session, case.participant, plan.current)
    db.session.commit()
    assert (answer.agreed, answer.channel, answer.answered_at) == (True, "digital", clock.now())
    assert plan.current.agreed
    [event] = _events("plan.agree")
    assert event.actor_id is None and event.actor_roles == "participant"
    assert event.subject_id == case.participant_id
    assert event.grounds == "own_data" and event.details["channel"] == "digital"
    login(client, mentor)
    page = client.get(f"/cases/{case.id}").text
    assert "Godtatt av ungdommen, digitalt" in page and "Ikke godtatt ennå" not in page
    assert "Godtatt av ungdommen, digitalt" in client.get(f"/cases/{case.id}/plan").text


def test_disagreeing_sends_the_comment_to_the_worker_and_replaces_the_tick(
        client, login, mentor, case, factory):
    plan = factory.plan(case, agreed=True)  # the worker ticked "agreed with the person"
    answers.disagree(db.session, case.participant, plan.current, "  Jeg vil heller ha praksis.  ")
    db.session.commit()
    assert not plan.current.agreed
    raw = bytes(db.session.execute(text("SELECT comment FROM plan_answers")).scalar())
    assert b"praksis" not in raw
    [event] = _events("plan.disagree")
    assert "praksis" not in str(event.details)
    login(client, mentor)
    for url in (f"/cases/{case.id}", f"/cases/{case.id}/plan"):
        page = client.get(url).text
        assert "Ungdommen er ikke enig" in page and "Jeg vil heller ha praksis." in page
        assert "Godtatt av ungdommen</span>" not in page


def test_the_latest_answer_counts(case, factory, clock):
    plan = factory.plan(case, agreed=False)
    answers.disagree(db.session, case.participant, plan.current, "Mer tid")
    clock.advance(days=1)
    answers.agree(db.session, case.participant, plan.current)
    db.session.commit()
    assert plan.current.agreed and len(plan.current.answers) == 2


def _count() -> int:
    return db.session.scalar(select(func.count(PlanAnswer.id)))


def test_an_old_version_cannot_be_answered(client, login, mentor, case, factory):
    plan = factory.plan(case, agreed=False)
    old = plan.current
    login(client, mentor)
    assert client.submit(f"/cases/{case.id}/plan/edit", {
        "version": "1", "goals-0-key": old.content.goals[0].key, "goals-0-text": "Nytt mål",
        "goals-0-target_date": "", "goals-0-status": "in_progress",
        "measures-0-text": "", "measures-0-responsible": "worker"}).status_code == 302
    db.session.expire_all()
    with pytest.raises(PlanError) as refused:
        answers.agree(db.session, case.participant, old)
    assert "endret" in refused.value.messages[0] and _count() == 0


def test_another_persons_plan_is_never_answered(case, factory, mentor, school):
    plan = factory.plan(case)
    stranger = factory.case(mentor, school, participant=factory.participant("Ola")).participant
    with pytest.raises(PermissionError):
        answers.agree(db.session, stranger, plan.current)
    assert _count() == 0 and _events("plan.agree") == []


def test_a_closed_case_and_an_empty_comment_are_refused(case, factory):
    plan = factory.plan(case)
    with pytest.raises(PlanError):
        answers.disagree(db.session, case.participant, plan.current, "   ")
    case.status, case.ended_on = "closed", START.date()
    db.session.commit()
    with pytest.raises(PlanError):
        answers.agree(db.session, case.participant, plan.current)
    assert _count() == 0


def test_the_persons_own_answer_is_in_their_copy_of_the_data(client, login, case, factory):
    """Art. 15: the comment they wrote and when they answered."""
    plan = factory.plan(case)
    answers.disagree(db.session, case.participant, plan.current, "Jeg vil heller ha praksis.")
    factory.contact(case, next_date=START.date(), next_place="Biblioteket", summary_shared=True)
    login(client, factory.user("privacy_officer"))
    page = client.get(f"/audit/participants/{case.participant_id}/export").text
    assert "Ditt eget svar" in page and "Jeg vil heller ha praksis." in page
    assert "Biblioteket" in page and "Delt med deg som sammendrag" in page
    assert "Svar på planen" not in page  # shown with the plan, not counted as "other records"
