"""Realistic histories for the demo cases: a basis for follow-up (consent or statute),
contact details and guardians, plans with versions, months of sessions, transitions and
placements, and for closed cases an outcome with checkpoints (some due, some answered).

Uses its own random generator so the people and logins stay the same for a seed."""
from __future__ import annotations

import json
import random
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from caseapp.cases.models import Case, CaseStatus
from caseapp.contacts.models import Contact, ContactRevision
from caseapp.outcomes.models import CHECKPOINT_MONTHS, Checkpoint, Outcome, add_months
from caseapp.participants.models import Guardian
from caseapp.plans.models import Goal, Plan, PlanContent, PlanVersion, Measure
from caseapp.transitions.models import Placement, Transition
from caseapp.participants.national_id import parse
from consent.models import ConsentEvent, ConsentRecord
from consent.rules import age_on, birthday

NOTES = [
    "Snakket om oppmøte denne uka. Har vært på skolen fire av fem dager.",
    "Gikk gjennom planen sammen. Vil jobbe mer med matte.",
    "Kort prat i friminuttet, virket i godt humør.",
    "Møte med kontaktlærer om fravær og tilrettelegging.",
    "Snakket om søvn og morgenrutiner. Avtalte vekking med telefon.",
    "Var med på praksisplassen. Fungerer godt med kollegene.",
    "Gikk gjennom timelister og lønn. Trenger hjelp med busskort.",
    "Norskopplæring på arbeidsplassen, jobbet med fagord.",
    "Samtale om fritid: har begynt på fotballtrening igjen.",
    "Hjemmebesøk sammen med foresatte. Godt samarbeid.",
]
NEXT_STEPS = ["Følge opp fravær", "Møte med Nav", "Søke sommerjobb", "Hospitere på vgs",
              "Avklare økonomi", "Snakke med arbeidsgiver"]
GOALS = {
    "youth_mentor": ["Møte på skolen hver dag", "Bestå matte", "Velge utdanningsprogram",
                     "Komme i gang med en fritidsaktivitet", "Søke sommerjobb"],
    "work_leader": ["Møte presis på praksisplassen", "Ta fagbrev som helsefagarbeider",
                    "Bedre norsk i jobbsammenheng", "Få fast deltidsstilling",
                    "Fullføre grunnskole for voksne"],
}
MEASURES = [("Vekking med telefon", "guardian"), ("Ukentlige samtaler", "worker"),
            ("Leksehjelp to dager i uka", "school"), ("Arbeidstrening tre dager i uka", "employer"),
            ("Søknad om tiltakspenger", "nav"), ("Holde styr på timeplanen", "participant")]
# Work-leader outcomes weighted after the health track's figures (DOMAIN.md).
WORK_OUTCOMES = ["mfy"] * 34 + ["paid_work"] * 15 + ["education"] * 7 + \
    ["primary_school_completed"] * 5 + ["other_measure"] * 10 + ["dropout"] * 6
PLACES = {"health": "omsorgssenter", "building": "Bygg og vedlikehold", "painting": "Malerverksted",
          "car_care": "Bilpleie"}


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 13), rng.choice((0, 15, 30, 45))))


def add_histories(session: Session, seed: int, cases: list[Case], today: date,
                  span: tuple[int, int] = (90, 180)) -> None:
    """``span``: sessions cover the last so many days (a random value in the range) of each
    case; the demo's 90–180 days give ~8 sessions a case, the benchmark data's longer span ~20."""
    rng = random.Random(seed + 1)
    with session.no_autoflush:  # one flush by the caller, not one per lazy load
        for case in cases:
            _add_history(session, rng, case, today, span)


def _add_basis(session, rng, case, person, worker, start: date, today: date) -> None:
    """The follow-up basis as the consent rules would record it: guardians for a minor (ending
    when the young person comes of age), the young person alone for an adult, or a statutory
    basis. A few expire soon, a few are withdrawn and a few are missing, so the consent
    overview has something to show."""
    chance = rng.random()
    if chance < 0.03:
        return  # no basis recorded: shows as "lacking" in the consent overview
    born = parse(person.national_id)[1]
    age = age_on(born, start)
    given_from = datetime.combine(start, time(8))
    statutory = case.track == "lower_secondary" and chance > 0.7
    until, event = None, None
    guardians = [{"name": g.name, "relation": g.relation} for g in person.guardians]
    given_by = None
    if not statutory:
        if age < 18 and guardians:
            given_by = "guardians"
            adult = birthday(born, 18)
            until, event = datetime.combine(adult, time()), "turns_adult"
        else:
            given_by = "subject"
        if chance < 0.08:  # expires within a month: renewal due
            until, event = datetime.combine(today + timedelta(days=rng.randint(3, 28)), time()), None
    method = None if statutory else rng.choice(["paper_scan", "in_person_witness", "digital"])
    record = ConsentRecord(
        id=uuid.uuid4(), participant_id=person.id, kind="processing", purpose="follow_up",
        legal_basis="statutory" if statutory else "consent",
        statutory_reference="opplæringslova § 3-10" if statutory else None,
        valid_from=given_from, valid_until=until, valid_until_event=event,
        given_by=given_by, subject_age=age, data_categories=["identity", "school", "work"],
        guardians=json.dumps(guardians, ensure_ascii=False) if given_by == "guardians" else None,
        method=method, witness="Kollega Vitnesen" if method == "in_person_witness" else None,
        recorded_by_id=worker)
    session.add(record)
    session.add(ConsentEvent(consent_id=record.id, participant_id=person.id, kind="granted",
                             at=given_from, actor_id=worker))
    if 0.08 <= chance < 0.10 and case.status == "closed":  # withdrawn after the case closed
        at = datetime.combine(case.ended_on or today, time(9))
        record.withdrawn_at, record.withdrawal_channel = at, rng.choice(["phone", "sms", "email"])
        session.add(ConsentEvent(consent_id=record.id, participant_id=person.id,
                                 kind="withdrawn", at=at, actor_id=worker,
                                 channel=record.withdrawal_channel))


def _add_history(session: Session, rng: random.Random, case: Case, today: date,
                 span: tuple[int, int] = (90, 180)) -> None:
    person, worker = case.participant, case.worker_id
    start = case.started_on
    person.phone = f"9{rng.randint(1000000, 9999999)}"
    person.email = f"{person.given_name.lower()}.{rng.randint(10, 99)}@example.no"
    person.address = f"Demoveien {rng.randint(1, 120)}\n4630 Kristiansand"
    minor = today.year - person.birth_year < 18
    if minor:
        person.guardians = [Guardian(relation=rng.choice(["mother", "father"]),
                                     name=f"Foresatt {person.family_name}",
                                     phone=f"4{rng.randint(1000000, 9999999)}")]
    _add_basis(session, rng, case, person, worker, start, today)
    end = case.ended_on or today
    goals = [Goal(f"{rng.getrandbits(128):032x}", text, start + timedelta(days=rng.randint(60, 300)),
                  "in_progress") for text in rng.sample(GOALS[case.programme], 3)]
    measures = [Measure(*m) for m in rng.sample(MEASURES, 2)]
    plan = Plan(case_id=case.id, participant_id=person.id, version=1)
    plan_version(plan, case, 1, goals, measures, start + timedelta(days=rng.randint(3, 14)), False)
    if (end - start).days > 90:  # a revision: one goal reached, agreed by the young person
        goals = [Goal(g.key, g.text, g.target_date, g.status) for g in goals]
        goals[0].status = "reached"
        plan_version(plan, case, 2, goals, measures, start + timedelta(days=rng.randint(60, 90)),
                      True)
        plan.version = 2
    session.add(plan)
    _add_sessions(session, rng, case, start, end, today, goals, span)
    if case.track == "upper_secondary":
        session.add(Transition(case_id=case.id, participant_id=person.id,
                               from_school="Lund ungdomsskole", from_grade="10. trinn",
                               to_school=case.unit.name, to_programme="Vg1 helse- og oppvekstfag",
                               transition_date=date(start.year, 8, 17) if start.month < 8 else start,
                               hospitation_days=rng.randint(1, 4), created_by_id=worker))
    if case.programme == "work_leader":
        session.add(Placement(case_id=case.id, participant_id=person.id,
                              workplace=f"{case.unit.name}" if case.track == "health" else PLACES[case.track],
                              trade=case.track, started_on=start + timedelta(days=14),
                              ended_on=case.ended_on, hours_per_week=rng.choice([15, 20, 30, 37]),
                              workplace_contact="Vaktleder, 38 00 00 00", created_by_id=worker))
    if case.status == CaseStatus.CLOSED.value and case.ended_on:
        _close(session, rng, case, today)


def plan_version(plan, case, number, goals, measures, saved_on, agreed) -> None:
    plan.versions.append(PlanVersion(
        participant_id=case.participant_id, number=number,
        content_json=PlanContent(list(goals), list(measures)).to_json(),
        review_date=saved_on + timedelta(days=90), agreed_by_participant=agreed,
        saved_by_id=case.worker_id, saved_at=datetime.combine(saved_on, time(12))))


MEETING_PLACES = ("Kontoret ved skolen", "Biblioteket", "Kafeen på torget", "Nav-kontoret")


def _add_sessions(session, rng, case, start, end, today, goals, span=(90, 180)) -> None:
    # Months of sessions every one to four weeks; a few cases have gone quiet lately.
    quiet = rng.random() < 0.15
    last = end - timedelta(days=rng.randint(20, 40) if quiet else rng.randint(0, 10))
    day = max(start + timedelta(days=3), last - timedelta(days=rng.randint(*span)))
    while day <= last:
        values = dict(occurred_at=_at(day, rng), duration_minutes=rng.choice([15, 30, 45, 60]),
                      kind=rng.choice(["individual"] * 4 + ["phone_digital", "school_meeting",
                                                            "home_visit", "group"]),
                      present="participant", topics=",".join(rng.sample(
                          ["school", "work_training", "language", "health", "economy",
                           "leisure", "family", "housing"], 2)),
                      note=rng.choice(NOTES), next_step=rng.choice(NEXT_STEPS),
                      goal_keys=rng.choice(goals).key)
        step = timedelta(days=rng.randint(7, 28))
        next_day = day + step
        values["next_date"] = next_day if next_day <= today + timedelta(days=21) else None
        # Every other session's summary is shared with the young person (My meetings); the
        # next session has a place. From the date, not the generator: the rest stays the same.
        values["summary_shared"] = day.toordinal() % 2 == 0
        values["next_place"] = (MEETING_PLACES[day.toordinal() % len(MEETING_PLACES)]
                                if values["next_date"] else None)
        session.add(new_contact(case, values))
        day = next_day


def new_contact(case: Case, values: dict) -> Contact:
    """A session as ``log_contact`` saves it: the contact and its first revision."""
    contact = Contact(case_id=case.id, participant_id=case.participant_id,
                      created_by_id=case.worker_id, created_at=values["occurred_at"], **values)
    contact.revisions.append(ContactRevision(
        participant_id=case.participant_id, number=1, action="created",
        saved_by_id=case.worker_id, saved_at=values["occurred_at"], **values))
    return contact


def _close(session, rng, case, today) -> None:
    code = rng.choice(WORK_OUTCOMES) if case.programme == "work_leader" else \
        rng.choice(["vgs_started", "continued_in_school", "dropout"])
    paid = code == "paid_work"
    outcome = Outcome(case_id=case.id, participant_id=case.participant_id, code=code,
                      occurred_on=case.ended_on, paid_work_kind="temporary" if paid else None,
                      percent_of_full_time=rng.choice([40, 60, 80, 100]) if paid else None,
                      recorded_by_id=case.worker_id,
                      recorded_at=datetime.combine(case.ended_on, time(14)))
    session.add(outcome)
    case.end_reason = "outcome_reached" if code != "dropout" else "no_contact"
    for months in CHECKPOINT_MONTHS:
        due = add_months(case.ended_on, months)
        point = Checkpoint(case_id=case.id, participant_id=case.participant_id, months=months,
                           due_on=due)
        if due <= today - timedelta(days=30) and rng.random() < 0.7:  # older ones answered
            still = rng.random() < 0.75
            point.still_active = still
            point.answered_at = datetime.combine(due + timedelta(days=rng.randint(1, 20)), time(10))
            point.answered_by_id = case.worker_id
            # as answer_checkpoint does: "still active" confirms the recorded outcome (no copy)
            point.outcome = outcome if still else Outcome(
                case_id=case.id, participant_id=case.participant_id, code="unknown",
                occurred_on=due, recorded_by_id=case.worker_id, recorded_at=point.answered_at)
        session.add(point)
