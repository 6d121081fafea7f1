"""Every write path about a participant refuses without a valid basis at the time of the
action — none, expired, withdrawn — and sharing needs a waiver naming the receiver.
Nothing is saved when refused."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.contacts import services as contacts
from caseapp.contacts.models import Contact, ContactRevision
from caseapp.editing import Refused
from caseapp.extensions import db
from caseapp.handovers import services as handovers
from caseapp.handovers.models import Handover
from caseapp.messages import services as messages
from caseapp.messages.models import Message
from caseapp.outcomes import services as outcomes
from caseapp.outcomes.models import Outcome
from caseapp.plans import answers
from caseapp.plans import services as plans
from caseapp.plans.models import Goal, PlanAnswer, PlanContent, PlanVersion
from caseapp.transitions import services as transitions
from caseapp.transitions.models import Placement, Transition
from consent.services import ConsentError, grant, records_for, withdraw
from tests.conftest import START

SESSION = contacts.ContactData(occurred_at=START, duration_minutes=30, kind="individual",
                               note="Ny samtale")
RESULT = outcomes.OutcomeData(code="mfy", occurred_on=START.date())


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


WRITES = {  # name -> (do it, table that must stay unchanged)
    "log_session": (lambda w, case, ctx: contacts.log_contact(db.session, w, case, SESSION), Contact),
    "edit_session": (lambda w, case, ctx: contacts.edit_contact(
        db.session, w, ctx["contact"], SESSION, version=ctx["contact"].version), ContactRevision),
    "save_plan": (lambda w, case, ctx: plans.save_plan(
        db.session, w, case, PlanContent([Goal("a" * 32, "Møte opp", None, "in_progress")]),
        review_date=None, agreed=True, version=0), PlanVersion),
    "transition": (lambda w, case, ctx: transitions.record_transition(
        db.session, w, case, from_school="Lund", from_grade="10", to_school="Tangen",
        to_programme="Vg1", transition_date=START.date(), hospitation_days=2), Transition),
    "placement": (lambda w, case, ctx: transitions.record_placement(
        db.session, w, case, workplace="Omsorgssenter", trade="health", started_on=START.date(),
        ended_on=None, hours_per_week=20, workplace_contact=None), Placement),
    "outcome": (lambda w, case, ctx: outcomes.record_outcome(db.session, w, case, RESULT), Outcome),
    "answer_checkpoint": (lambda w, case, ctx: outcomes.answer_checkpoint(
        db.session, w, ctx["checkpoint"], still_active=True, data=RESULT), Outcome),
    # the young person's own answers on their page (no worker involved)
    "agree_to_plan": (lambda w, case, ctx: answers.agree(
        db.session, case.participant, ctx["plan"]().current), PlanAnswer),
    "disagree_with_plan": (lambda w, case, ctx: answers.disagree(
        db.session, case.participant, ctx["plan"]().current, "Vil heller jobbe"), PlanAnswer),
    # messages both ways (caseapp/messages)
    "message_from_worker": (lambda w, case, ctx: messages.send_from_worker(
        db.session, w, case, "Hei, hvordan går det?"), Message),
    "message_from_young_person": (lambda w, case, ctx: messages.send_from_participant(
        db.session, case.participant, case, "Hei, det går fint."), Message),
}


# What ends or reduces the processing stays possible without a basis (consent/__init__.py).
ENDINGS = {  # name -> (do it, table that gets a row, audit action)
    "delete_session": (lambda w, case, ctx: contacts.delete_contact(
        db.session, w, ctx["contact"], version=ctx["contact"].version), ContactRevision,
        "contact.delete"),
    "close_case": (lambda w, case, ctx: outcomes.close_case(
        db.session, w, case, RESULT, ended_on=START.date(), end_reason="declined",
        version=case.version), None, "case.close"),
}


def _no_basis(case, clock):
    """Never recorded."""


def _expired(case, clock):
    grant(db.session, participant_id=case.participant_id, purpose="follow_up",
          valid_until=clock.now() + timedelta(days=365))
    clock.advance(days=400)


def _withdrawn(case, clock):
    withdraw(db.session, grant(db.session, participant_id=case.participant_id, purpose="follow_up"),
             channel="phone")


@pytest.fixture
def setting(factory, clock):
    school = factory.unit("Lund ungdomsskole", "Kristiansand kommune")
    worker = factory.user("youth_mentor", [school])
    case = factory.case(worker, school, participant=factory.participant(born=date(2001, 1, 1)))
    context = {"contact": factory.contact(case), "checkpoint": factory.checkpoint(case),
               "plan": lambda: factory.plan(case, agreed=False)}  # not for save_plan's first
    return worker, case, context


@pytest.mark.parametrize("state", [_no_basis, _expired, _withdrawn], ids=["none", "expired", "withdrawn"])
@pytest.mark.parametrize("write", sorted(WRITES))
def test_write_refused_without_valid_basis(setting, clock, state, write):
    worker, case, context = setting
    act, table = WRITES[write]
    state(case, clock)
    db.session.commit()
    before, events = _count(table), _count(AuditEvent)
    with pytest.raises(Refused) as refused:
        act(worker, case, context)
    assert any("samtykke" in m or "grunnlag" in m for m in refused.value.messages)
    # Counted in the same transaction, before the caller's rollback: a row the call added
    # (flushed or pending — counting flushes) or an audit event would show here.
    assert (_count(table), _count(AuditEvent)) == (before, events)
    db.session.rollback()


@pytest.mark.parametrize("write", sorted(WRITES))
def test_writes_work_with_a_valid_basis(setting, factory, write):
    """The control: the same calls store their row (and an audit event) while the basis is
    valid — so the refusals above are the basis check, not some other failure."""
    worker, case, context = setting
    factory.consent(case.participant)
    act, table = WRITES[write]
    before, events = _count(table), _count(AuditEvent)
    act(worker, case, context)
    db.session.commit()
    assert _count(table) == before + 1 and _count(AuditEvent) > events


@pytest.mark.parametrize("state", [_no_basis, _expired, _withdrawn], ids=["none", "expired", "withdrawn"])
@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_endings_stay_possible_without_a_basis(setting, clock, state, ending):
    worker, case, context = setting
    act, table, action = ENDINGS[ending]
    state(case, clock)
    db.session.commit()
    rows, outcomes_before = table and _count(table), _count(Outcome)
    act(worker, case, context)
    db.session.commit()
    assert table is None or _count(table) == rows + 1
    assert _count(Outcome) == outcomes_before  # nothing new recorded: no outcome
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == action))


def test_handover_to_another_organisation_needs_a_waiver_naming_it(factory, clock):
    school = factory.unit("Lund ungdomsskole", "Kristiansand kommune")
    vgs = factory.unit("Tangen vgs", "Agder fylkeskommune", "upper_secondary")
    other = factory.unit("Nav Kristiansand", "Nav Kristiansand", "nav_office")
    sender, receiver = factory.user("youth_mentor", [school]), factory.user("youth_mentor", [vgs])
    case = factory.case(sender, school, participant=factory.participant(born=date(2001, 1, 1)))
    factory.consent(case.participant)
    grant(db.session, participant_id=case.participant_id, purpose="share",
          organisation_id=other.organisation_id)  # the wrong organisation
    db.session.commit()
    with pytest.raises(Refused):
        handovers.hand_over(db.session, sender, case, to_worker=receiver, to_unit=vgs, note=None,
                            version=case.version, read_days=30)
    # Checked before the rollback (which would undo any change): nothing was handed over.
    assert (case.worker_id, case.unit_id) == (sender.id, school.id)
    assert _count(Handover) == 0
    db.session.rollback()
    grant(db.session, participant_id=case.participant_id, purpose="share",
          organisation_id=vgs.organisation_id)
    handovers.hand_over(db.session, sender, case, to_worker=receiver, to_unit=vgs, note=None,
                        version=case.version, read_days=30)
    assert case.worker_id == receiver.id and _count(Handover) == 1


def test_a_minor_without_guardian_consent_gets_no_basis(factory):
    pupil = factory.participant(born=date(2013, 4, 1))
    with pytest.raises(ConsentError):
        grant(db.session, participant_id=pupil.id, purpose="follow_up")
    assert records_for(db.session, pupil.id) == []
