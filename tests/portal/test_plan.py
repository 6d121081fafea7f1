"""My plan (/meg/plan): the young person reads their current plan in plain words and answers
it themselves; a foreign plan is never shown or answered."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.plans.models import Measure, PlanAnswer


def case_of(person) -> Case:
    return db.session.scalar(select(Case).where(Case.participant_id == person.id))


@pytest.fixture
def plan(factory, young):
    case = case_of(young)
    factory.consent(young)
    plan = factory.plan(case, goals=("Komme på skolen før åtte",), agreed=False)
    version = plan.current
    content = version.content
    content.measures = [Measure("Ringe meg om morgenen", "worker"),
                        Measure("Sette på vekkerklokka", "participant")]
    version.content_json = content.to_json()
    db.session.commit()
    return plan


def answers() -> int:
    return db.session.scalar(select(func.count(PlanAnswer.id)))


def test_the_plan_in_plain_words_and_agreeing_to_it(portal_client, young, plan):
    page = portal_client.get("/meg/plan")
    assert page.status_code == 200
    assert "Komme på skolen før åtte" in page.text and "Pågår" in page.text
    assert "Hvem: du" in page.text and "Sette på vekkerklokka" in page.text
    assert "Jeg er enig" in page.text
    view = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "portal.view"))
    assert (view.object_type, view.categories) == ("plan", ["plan"])
    response = portal_client.submit("/meg/plan/answer", {"version": str(plan.current.id),
                                                         "agree": "1"}, form_page="/meg/plan")
    assert response.status_code == 302
    db.session.expire_all()
    assert plan.current.agreed and plan.current.answer.channel == "digital"
    page = portal_client.get("/meg/plan")
    assert "Du sa at du er enig i denne planen" in page.text
    assert 'id="portal-agree"' not in page.text  # already agreed


def test_not_agreeing_needs_a_comment_that_reaches_the_worker(portal_client, young, plan):
    answer = {"version": str(plan.current.id), "disagree": "1"}
    response = portal_client.submit("/meg/plan/answer", {**answer, "comment": " "},
                                     form_page="/meg/plan")
    assert response.status_code == 409
    assert "Skriv hva du vil ha endret, så kontaktpersonen din får vite det." in response.text
    assert answers() == 0
    response = portal_client.submit("/meg/plan/answer", {**answer, "comment": "Senere start"},
                                    form_page="/meg/plan")
    assert response.status_code == 302
    db.session.expire_all()
    assert not plan.current.agreed and plan.current.answer.comment == "Senere start"
    assert "Senere start" in portal_client.get("/meg/plan").text


def test_another_persons_plan_is_never_shown(portal_client, factory, young, other_young):
    factory.consent(other_young)
    factory.plan(case_of(other_young), goals=("Hemmelig mål",))
    page = portal_client.get("/meg/plan")
    assert "Hemmelig mål" not in page.text and "ikke en plan ennå" in page.text


def test_another_persons_plan_is_never_answered(portal_client, factory, young, plan,
                                                other_young):
    """A tampered form names the other person's plan version: 404, nothing saved."""
    factory.consent(other_young)
    foreign = factory.plan(case_of(other_young), goals=("Hemmelig mål",))
    response = portal_client.submit("/meg/plan/answer", {"version": str(foreign.current.id),
                                                         "agree": "1"}, form_page="/meg/plan")
    assert response.status_code == 404 and "Hemmelig" not in response.text
    assert answers() == 0
    denied = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))
    assert denied.object_id == str(foreign.current.id)


def test_a_closed_follow_up_shows_the_plan_without_the_buttons(portal_client, young, plan):
    case = case_of(young)
    case.status = "closed"
    db.session.commit()
    page = portal_client.get("/meg/plan")
    assert "Komme på skolen før åtte" in page.text and 'id="portal-agree"' not in page.text


def test_a_goal_whose_date_has_passed_says_so_in_plain_words(portal_client, young, plan):
    from datetime import timedelta

    from caseapp.clock import local_now

    passed = "Datoen er passert: snakk med kontaktpersonen din om en ny."
    for days, shown in ((1, False), (0, False), (-1, True)):  # the goal's date from today
        version = plan.current
        content = version.content
        content.goals[0].target_date = local_now().date() + timedelta(days=days)  # Oslo
        version.content_json = content.to_json()
        db.session.commit()
        page = portal_client.get("/meg/plan")
        assert page.status_code == 200 and (passed in page.text) is shown, days
