"""The demo's young people who sign in on their own pages (/meg) through the demo's local
provider (``caseapp demo-provider``: ``ung1`` … ``ung3``): an adult in a work-leader case, the
young person whose case was opened with break-glass, and the one whose case was handed over.
Each gets what the pages show: a new plan version waiting for their agreement, sessions with
and without a shared summary and a next meeting, a waiver for Nav they can withdraw, and an
access history (their worker's and coordinator's openings, recorded as those openings are).
``ung1`` also has a few messages with their worker (``MESSAGES``: synthetic words), sent and
read through the services the message pages use, so sealed and audited like real ones, each at
its own time over the two working days before the demo's day (the app's clock set to it while
it is sent): the worker's last one waits unread for ung1 (the count in their menu), ung1's last
one for the worker (the flag on "Mine saker"). The last session and the new plan version are
from the first of those days, before the thread starts.

Picked with their own random generator, after the rest, so the seed's data stays as it was."""
from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.breakglass.models import BreakGlassAccess
from caseapp.cases.models import Case, CaseStatus
from caseapp.cases.services import open_case
from caseapp.clock import OSLO, set_to
from caseapp.contacts.models import Contact
from caseapp.demo.histories import new_contact
from caseapp.messages import services as messages
from caseapp.portal.me import VIEW_ACTION
from caseapp.plans.models import Plan, PlanVersion
from caseapp.units.models import Organisation
from consent.purposes import Purpose
from consent.rules import age_on
from consent.services import grant, valid_basis

ADULT_FROM = "al.lund"  # whose caseload the adult young person comes from
SHARE_WITH = "Nav Kristiansand"
NEXT_PLACE = "Kontoret på {unit}"
# ung1's thread, oldest first: (who writes, whether they open the thread first, when: which of
# the two working days before the demo's day and the time in Oslo, text). The last two cross:
# each waits unread for the other side. Synthetic words, no real person's.
MESSAGES = (
    ("worker", False, (0, time(13, 40)),
     "Hei! Den nye planen ligger klar til deg. Les den gjerne før vi møtes."),
    ("participant", True, (0, time(16, 25)),
     "Takk! Kan vi ha møtet etter kl. 14? Jeg er på jobb før det."),
    ("worker", True, (1, time(9, 5)),
     "Ja, det passer fint. Si fra her hvis noe i planen bør endres."),
    ("participant", False, (1, time(15, 50)),
     "Jeg har lest planen. Kan vi snakke mer om praksisplassen?"),
)


def add_portal_people(session: Session, seed: int, journeys: dict, today: date) -> list[uuid.UUID]:
    """Prepare the three young people; return their participant ids (``ung1`` first)."""
    rng = random.Random(seed + 4)
    session.flush()
    worker = session.scalar(select(User).where(User.username == ADULT_FROM))
    adults = [c for c in session.scalars(select(Case).where(
        Case.worker_id == worker.id, Case.status == CaseStatus.ACTIVE.value)
        .order_by(Case.started_on, Case.id))
        if today.year - c.participant.birth_year >= 20
        and valid_basis(session, c.participant_id, Purpose.FOLLOW_UP) is not None]
    opened = session.get(Case, session.get(BreakGlassAccess, journeys["break_glass"]).case_id)
    handed = session.get(Case, journeys["handover"])
    cases = [rng.choice(adults), opened, handed]
    for case in cases:
        _prepare(session, rng, case, today)
    _messages(session, cases[0], today)
    return [case.participant_id for case in cases]


def _weekday(day: date) -> date:
    """``day``, or the Monday after it when it falls on a weekend (no meetings on Saturdays)."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def working_days_before(today: date, count: int = 2) -> list[date]:
    """The ``count`` weekdays (Monday to Friday) just before ``today``, oldest first."""
    days, day = [], today
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.insert(0, day)
    return days


def _in_oslo(day: date, at: time) -> datetime:
    """``at`` o'clock in Oslo on ``day`` as the naive UTC the app stores."""
    return datetime.combine(day, at, OSLO).astimezone(UTC).replace(tzinfo=None)


def _prepare(session: Session, rng: random.Random, case: Case, today: date) -> None:
    _share_summaries(session, rng, case)
    met = working_days_before(today)[0]
    session.add(new_contact(case, {
        "occurred_at": datetime.combine(met, time(10)),
        "duration_minutes": 45, "kind": "individual", "present": "participant",
        "topics": "school,leisure", "note": "Gikk gjennom den nye planen sammen.",
        "next_step": "Lese planen og si fra om du er enig", "summary_shared": True,
        "next_date": _weekday(today + timedelta(days=7)), "next_time": time(14, 30),
        "next_place": NEXT_PLACE.format(unit=case.unit.name)}))
    _plan_waiting_for_agreement(session, case, today, met)
    _waiver_for_nav(session, case, today)
    coordinator = session.scalar(select(User).where(User.units.any(id=case.unit_id),
                                                    User.username.like("koord.%")).limit(1))
    open_case(session, case.worker, case, "own_caseload", with_details=True)
    if coordinator is not None:
        open_case(session, coordinator, case, "coordinator_review")


def _share_summaries(session: Session, rng: random.Random, case: Case) -> None:
    """About half of the earlier sessions' summaries shared with the young person."""
    session.flush()
    for contact in session.scalars(select(Contact).where(Contact.case_id == case.id)):
        if rng.random() < 0.5:
            contact.summary_shared = True
            for revision in contact.revisions:
                revision.summary_shared = True


def _plan_waiting_for_agreement(session: Session, case: Case, today: date, saved: date) -> None:
    """A new plan version saved on ``saved``, waiting for the young person's "Jeg er enig":
    the goals of the last one, an open goal whose date has passed given a new one ahead (as a
    worker revising the plan would; a 16-year-old should not read "Pågår" under a date in May)."""
    plan = session.scalar(select(Plan).where(Plan.case_id == case.id))
    latest = max(plan.versions, key=lambda v: v.number)
    content = latest.content
    for months, goal in enumerate((g for g in content.goals if g.overdue(saved)), start=2):
        goal.target_date = saved + timedelta(days=30 * months)
    plan.version = latest.number + 1
    plan.versions.append(PlanVersion(
        participant_id=case.participant_id, number=plan.version, content_json=content.to_json(),
        review_date=today + timedelta(days=90), agreed_by_participant=False,
        saved_by_id=case.worker_id, saved_at=datetime.combine(saved, time(11))))


def _waiver_for_nav(session: Session, case: Case, today: date) -> None:
    """"Nav may see my plan": the young person's own waiver (with a guardian below the age of
    consent), for the demo's withdrawal."""
    from caseapp.participants.national_id import parse

    person = case.participant
    nav = session.scalar(select(Organisation).where(Organisation.name == SHARE_WITH))
    guardians = [{"name": g.name, "relation": g.relation} for g in person.guardians]
    alone = age_on(parse(person.national_id)[1], today) >= 18 or not guardians
    grant(session, actor=case.worker, participant_id=person.id, purpose=Purpose.SHARE,
          organisation_id=nav.id, given_by="subject" if alone else "subject_and_guardians",
          guardians=None if alone else guardians, method="in_person_witness",
          witness="Kollega Vitnesen", data_categories=["identity", "school", "work"])


def _messages(session: Session, case: Case, today: date) -> None:
    """``MESSAGES`` in ``case`` through the services the pages use, so sealed with the
    person's key and audited like real ones: ``send_from_*`` (``message.send``), the worker
    opening the thread (``open_as_worker``, ``message.view``) and the young person opening
    their messages page (``open_as_participant`` and the page's ``portal.view``). Each runs
    with the app's clock at its time, so the services stamp (and check) it as then."""
    days = working_days_before(today)
    for sender, opens_first, (day, at), text in MESSAGES:
        with set_to(_in_oslo(days[day], at)):
            _message(session, case, sender, opens_first, text)


def _message(session: Session, case: Case, sender: str, opens_first: bool, text: str) -> None:
    """One message of ``MESSAGES``, at the clock's time."""
    person = case.participant
    if sender == "participant":
        if opens_first:
            messages.open_as_participant(session, person, case)
            audit.record(VIEW_ACTION, actor=person, object_type="case", object_id=case.id,
                         categories=messages.CATEGORIES, grounds="own_data",
                         details={"page": "portal.messages"})
        messages.send_from_participant(session, person, case, text)
    else:
        if opens_first:
            messages.open_as_worker(session, case.worker, case, "own_caseload")
        messages.send_from_worker(session, case.worker, case, text, "own_caseload")
