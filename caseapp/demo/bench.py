"""A large synthetic dataset for the benchmarks (``caseapp bench-data --participants N``).

Distributions follow the demo (``caseapp.demo``): the same names, synthetic national IDs,
cohorts, consent bases, plans with versions, transitions, placements, outcomes and
checkpoints, and about 20 sessions a case. Rows are made by the real model classes, so the
ORM events encrypt every ``EncryptedText`` value with the participant's own data key and keep
the blind indexes, exactly as the services do; only the writing is batched (one flush per
batch of participants, audit events linked in one go with ``audit.chain.append_many``).

Shape, chosen so the benchmark operations have their named sizes at N = 100,000:
* one unit per 5,000 participants (at least one), each with a coordinator;
* one worker per ~47 cases, so a worker has about 40 active cases ("Mine saker");
* the first worker's first case has 200 sessions (the case-page benchmark);
* a privacy officer. Every account has the password and TOTP secret written to
  ``<instance>/bench-logins.json``.
"""
from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit import chain
from audit.models import AuditEvent
from audit.services import _actor_fields
from caseapp.accounts.models import RoleGrant, User
from caseapp.accounts.passwords import hash_password
from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import local_now, now
from caseapp.contacts.models import Contact
from caseapp.demo.generate import new_participant
from caseapp.demo.histories import NEXT_STEPS, NOTES, add_histories, new_contact
from caseapp.plans.models import Plan, PlanVersion
from caseapp.units.models import Unit
from caseapp.units.services import create_unit

CASES_PER_UNIT = 5_000
CASES_PER_WORKER = 47  # ~13 % closed, ~2 % paused: about 40 active
BIG_CASE_SESSIONS = 200
PASSWORD = "benk-data-passord-2026"  # synthetic accounts on a benchmark database only
TOTP_SECRET = "BENCHBENCHBENCHBENCHBENCHBENCH22"
SESSION_SPAN = (270, 430)  # days of sessions per case: ~20 sessions at one every 1–4 weeks
UNIT_KINDS = [  # (unit kind, organisation, organisation kind, programme, tracks, worker role)
    ("care_home", "Kristiansand kommune", "municipality", "work_leader", ["health"], "work_leader"),
    ("upper_secondary", "Agder fylkeskommune", "county", "youth_mentor", ["upper_secondary"],
     "youth_mentor"),
    ("lower_secondary", "Kristiansand kommune", "municipality", "youth_mentor",
     ["lower_secondary"], "youth_mentor"),
    ("workplace", "Nav Kristiansand", "nav", "work_leader", ["building", "health"], "work_leader"),
]


class BenchDataExists(RuntimeError):
    """Benchmark data goes into an empty database only."""


@dataclass
class Shape:
    participants: int
    cases_per_unit: int = CASES_PER_UNIT

    @property
    def units(self) -> int:
        return max(1, math.ceil(self.participants / self.cases_per_unit))

    def unit_sizes(self) -> list[int]:
        base, extra = divmod(self.participants, self.units)
        return [base + (1 if i < extra else 0) for i in range(self.units)]


@dataclass
class UnitPlan:
    """One unit's share of the dataset, as plain values (it crosses to a job's process)."""
    index: int
    unit_id: object
    cohort: dict
    worker_ids: list
    size: int


def generate(session: Session, participants: int, seed: int = 2026, batch: int = 250,
             progress: Callable[[int], None] = lambda done: None,
             commit: Callable[[], None] | None = None,
             cases_per_worker: int = CASES_PER_WORKER, jobs: int = 1,
             instance_path: str | None = None, cases_per_unit: int = CASES_PER_UNIT,
             job_config: dict | None = None) -> dict:
    """Create the dataset; call ``progress(n)`` after each batch of n participants and
    ``commit()`` after each batch (a command commits; a test may flush only).

    With ``jobs`` > 1 (PostgreSQL: several writers at once), the units are shared out to that
    many processes, each with its own app and connection; the accounts are made and
    committed first. Every unit draws from its own seeded generator, so the same seed gives
    the same people and histories whatever the number of jobs; only the audit events' order
    in the chain (batches from the jobs interleave) differs. A job's app is made from the
    instance folder and the environment, as the command's was, plus ``job_config``."""
    if session.scalar(select(func.count(Unit.id))):
        raise BenchDataExists()
    at = now()
    day = local_now().date()
    shape = Shape(participants, cases_per_unit)
    password_hash = hash_password(PASSWORD)  # one argon2 hash for every synthetic account
    staff: list[User] = []

    def account(username: str, role: str, units: list[Unit]) -> User:
        user = User(username=username, display_name=username.replace(".", " ").title(),
                    password_hash=password_hash, units=units, role_grants=[RoleGrant(role=role)])
        user.totp_secret, user.totp_enrolled_at = TOTP_SECRET, at
        session.add(user)
        staff.append(user)
        return user

    plan: list[tuple[Unit, dict, list[User], int]] = []
    for index, size in enumerate(shape.unit_sizes()):
        kind, org, org_kind, programme, tracks, role = UNIT_KINDS[index % len(UNIT_KINDS)]
        unit = create_unit(session, f"Benkenhet {index + 1:03d}", org, kind, org_kind)
        account(f"bench.koord.{index + 1:03d}", "coordinator", [unit])
        workers = [account(f"bench.{role.replace('_', '')}.{index + 1:03d}.{w + 1:03d}", role, [unit])
                   for w in range(max(1, math.ceil(size / cases_per_worker)))]
        plan.append((unit, {"programme": programme, "tracks": tracks}, workers, size))
    account("bench.personvern", "privacy_officer", [])
    session.flush()
    _audit(session, [AuditEvent(at=at, action="user.create", object_type="user",
                                object_id=str(u.id), grounds="administration",
                                details={"roles": [g.role for g in u.role_grants],
                                         "units": [str(x.id) for x in u.units]})
                     for u in staff])
    info = {"units": [str(u.id) for u, *_ in plan], "password": PASSWORD,
            "totp_secret": TOTP_SECRET,
            "logins": [{"username": u.username, "role": u.role_grants[0].role,
                        "units": [str(x.id) for x in u.units]} for u in staff]}
    actors = {u.id: _actor_fields(u) for u in staff}
    units = [UnitPlan(i, unit.id, cohort, [w.id for w in workers], size)
             for i, (unit, cohort, workers, size) in enumerate(plan)]
    if commit:
        commit()
    job = dict(seed=seed, day=day, at=at, actors=actors, batch=batch,
               cases_per_worker=cases_per_worker)
    if jobs > 1 and len(units) > 1:
        if commit is None or instance_path is None:
            raise ValueError("parallel jobs commit as they go: give commit and instance_path")
        counts = _run_jobs(instance_path, job_config, units, min(jobs, len(units)), job,
                           progress)
    else:
        counts = fill_units(session, units, progress=progress, commit=commit, **job)
    counts["audit_events"] += len(staff)
    return {**counts, **info}


def fill_units(session: Session, units: list[UnitPlan], seed: int, day: date, at: datetime,
               actors: dict, batch: int, cases_per_worker: int,
               progress: Callable[[int], None] = lambda done: None,
               commit: Callable[[], None] | None = None) -> dict:
    """Participants, cases and histories for ``units``, ``batch`` participants at a time."""
    counts = {"participants": 0, "cases": 0, "sessions": 0, "audit_events": 0,
              "big_case_id": None}
    for spec in units:
        unit = session.get(Unit, spec.unit_id)
        rng = random.Random(f"{seed}-{spec.index}")
        pending: list[Case] = []
        batch_no = 0
        for index in range(spec.size):
            worker_id = spec.worker_ids[index // cases_per_worker % len(spec.worker_ids)]
            big = spec.index == 0 and index == 0
            pending.append(_participant_with_case(session, rng, unit, worker_id, spec.cohort,
                                                  day, big))
            if len(pending) >= batch or index == spec.size - 1:
                batch_no += 1
                big_id = _write_batch(session, pending, seed + 100_000 * spec.index + batch_no,
                                      day, actors, counts, at)
                counts["big_case_id"] = counts["big_case_id"] or (big_id and str(big_id))
                done, pending = len(pending), []
                if commit:
                    commit()
                unit = session.get(Unit, spec.unit_id)  # expunged with the batch
                progress(done)
    return counts


def _run_jobs(instance_path: str, job_config: dict | None, units: list[UnitPlan], jobs: int,
              job: dict, progress: Callable[[int], None]) -> dict:
    """Share the units out to ``jobs`` processes (spawned: no connection crosses a fork)."""
    import multiprocessing
    import queue as queues

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_job,
                               args=(instance_path, job_config, units[number::jobs], job, queue),
                               name=f"bench-data-{number + 1}") for number in range(jobs)]
    for worker in workers:
        worker.start()
    counts = {"participants": 0, "cases": 0, "sessions": 0, "audit_events": 0,
              "big_case_id": None}
    finished = 0
    while finished < jobs:
        try:
            kind, value = queue.get(timeout=5)
        except queues.Empty:  # check that no job died without a word
            if any(w.exitcode not in (None, 0) for w in workers):
                break
            continue
        if kind == "progress":
            progress(value)
        elif kind == "done":
            finished += 1
            for key in ("participants", "cases", "sessions", "audit_events"):
                counts[key] += value[key]
            counts["big_case_id"] = counts["big_case_id"] or value["big_case_id"]
        else:  # "error"
            break
    for worker in workers:
        worker.join(timeout=1 if finished < jobs else None)
        if worker.is_alive():
            worker.terminate()
    if finished < jobs:
        raise RuntimeError("a bench-data job failed; see its output above "
                           "(what the jobs committed stays: start again with an empty database)")
    return counts


def _job(instance_path: str, job_config: dict | None, units: list[UnitPlan], job: dict,
         queue) -> None:
    """One process's share: its own app, session and commits."""
    from caseapp import create_app
    from caseapp.extensions import db

    try:
        app = create_app(job_config, instance=Path(instance_path))
        with app.app_context():
            counts = fill_units(db.session, units, progress=lambda n: queue.put(("progress", n)),
                                commit=db.session.commit, **job)
        queue.put(("done", counts))
    except BaseException:
        import traceback

        traceback.print_exc()
        queue.put(("error", None))
        raise


def _participant_with_case(session, rng, unit, worker_id, cohort, day: date, big: bool) -> Case:
    track = rng.choice(cohort["tracks"])
    participant = new_participant(rng, track)
    participant.guardians = []  # loaded (empty): adding guardians later needs no lazy load
    started = day - timedelta(days=5 * 365 if big else rng.randrange(200, 3 * 365))
    chance = rng.random()
    closed = not big and chance < 0.13
    case = Case(participant=participant, programme=cohort["programme"], track=track,
                unit_id=unit.id, unit=unit, worker_id=worker_id, started_on=started,
                status=CaseStatus.CLOSED.value if closed else (
                    CaseStatus.PAUSED.value if chance > 0.98 else CaseStatus.ACTIVE.value),
                ended_on=min(started + timedelta(days=rng.randrange(120, 500)), day)
                if closed else None)
    case.bench_big = big
    session.add(case)
    return case


def _write_batch(session, cases, seed, day, actors, counts, at):
    """Histories for one batch, then its audit events; returns the big case's id, if here."""
    session.flush()
    add_histories(session, seed, cases, day, span=SESSION_SPAN)
    session.flush()
    big = next((c for c in cases if getattr(c, "bench_big", False)), None)
    if big is not None:
        _fill_big_case(session, big)
        session.flush()
    ids = [c.id for c in cases]
    contacts = session.execute(select(Contact.id, Contact.case_id).where(Contact.case_id.in_(ids))
                               .order_by(Contact.occurred_at)).all()
    versions = session.execute(select(PlanVersion.plan_id, Plan.case_id).join(Plan)
                               .where(Plan.case_id.in_(ids))).all()
    by_case = {c.id: c for c in cases}
    events = []

    def event(case, action, object_type, object_id, categories=()):
        events.append(AuditEvent(at=at, action=action, object_type=object_type,
                                 object_id=str(object_id), subject_id=case.participant_id,
                                 categories=sorted(categories), grounds="own_caseload",
                                 **actors[case.worker_id]))

    for case in cases:
        event(case, "participant.register", "participant", case.participant_id,
              ("identity", "national_id", "contact_details"))
        event(case, "case.create", "case", case.id)
    for plan_id, case_id in versions:
        event(by_case[case_id], "plan.save", "plan", plan_id, ("plan",))
    for contact_id, case_id in contacts:
        event(by_case[case_id], "contact.create", "contact", contact_id, ("contact_notes",))
    _audit(session, events)
    counts["participants"] += len(cases)
    counts["cases"] += len(cases)
    counts["sessions"] += len(contacts)
    counts["audit_events"] += len(events)
    session.expunge_all()  # keep the identity map (and memory) to one batch
    return big.id if big is not None else None


def _fill_big_case(session, case) -> None:
    """Top the case up to BIG_CASE_SESSIONS sessions, one every five days from its start."""
    have = session.scalar(select(func.count(Contact.id)).where(Contact.case_id == case.id))
    rng = random.Random(200)
    for number in range(BIG_CASE_SESSIONS - have):
        occurred = datetime.combine(case.started_on + timedelta(days=3 + 5 * number), time(10))
        session.add(new_contact(case, dict(
            occurred_at=occurred, duration_minutes=45, kind="individual", present="participant",
            topics="school,work_training", note=rng.choice(NOTES),
            next_step=rng.choice(NEXT_STEPS), goal_keys=None, next_date=None)))


def _audit(session, events: list[AuditEvent]) -> None:
    chain.append_many(session, events)


def write_info(instance_path: str, info: dict) -> Path:
    """Write the dataset's description and logins to ``<instance>/bench-logins.json``."""
    path = Path(instance_path) / "bench-logins.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(info, handle, ensure_ascii=False, indent=2)
    return path


ALL_UNITS_COORDINATOR = "bench.koord.alle"


def all_units_coordinator(session: Session, info: dict) -> str:
    """The coordinator of every unit of the dataset (statistics "over all participants" are
    limited to the coordinator's own units, and a dataset of more than 5,000 has several
    units, each with its own coordinator). An existing coordinator of all units is used;
    otherwise ``bench.koord.alle`` is created through ``accounts.services.create_user`` (with
    its ``user.create`` audit event) and added to ``info["logins"]``. Returns the username;
    the caller commits and writes ``info``."""
    from caseapp.accounts.services import create_user

    units = sorted(info["units"])
    for login in info["logins"]:
        if login["role"] == "coordinator" and sorted(login["units"]) == units:
            return login["username"]
    chosen = session.scalars(select(Unit)).all()
    chosen = [u for u in chosen if str(u.id) in set(units)]
    create_user(session, username=ALL_UNITS_COORDINATOR, display_name="Bench Koord Alle",
                roles=["coordinator"], units=chosen, password=PASSWORD, totp_secret=TOTP_SECRET)
    info["logins"].append({"username": ALL_UNITS_COORDINATOR, "role": "coordinator",
                           "units": [str(u.id) for u in chosen]})
    return ALL_UNITS_COORDINATOR
