"""Generate the demo dataset deterministically for a seed.

Units follow DOMAIN.md's pilot in Kristiansand: 6 lower secondary schools, 2 upper secondary
schools, Nav Kristiansand, 4 care homes and a building-and-maintenance workplace. Staff hold
every role, with two youth mentors in different organisations and work leaders in different
units, so need-to-know can be seen. About 300 participants with synthetic national IDs.
"""
from __future__ import annotations

import json
import os
import random
import string
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.services import create_user
from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import local_now
from caseapp.demo import names
from caseapp.demo.histories import add_histories
from caseapp.demo.journeys import add_journeys
from caseapp.demo.portal import add_portal_people
from caseapp.participants.models import Gender, Participant
from caseapp.participants.national_id import synthetic
from caseapp.units.models import Unit
from caseapp.units.services import create_unit


class DemoExists(RuntimeError):
    """The database already has data; the demo is loaded only into an empty one."""


KOMMUNE = ("Kristiansand kommune", "municipality")
FYLKE = ("Agder fylkeskommune", "county")
NAV = ("Nav Kristiansand", "nav")

UNITS = [  # (key, unit name, organisation, unit kind)
    ("lund", "Lund ungdomsskole", KOMMUNE, "lower_secondary"),
    ("grim", "Grim skole", KOMMUNE, "lower_secondary"),
    ("hanes", "Hånes skole", KOMMUNE, "lower_secondary"),
    ("vagsbygd", "Vågsbygd ungdomsskole", KOMMUNE, "lower_secondary"),
    ("slettheia", "Slettheia skole", KOMMUNE, "lower_secondary"),
    ("oddemarka", "Oddemarka skole", KOMMUNE, "lower_secondary"),
    ("kvadraturen", "Kvadraturen vgs", FYLKE, "upper_secondary"),
    ("tangen", "Tangen vgs", FYLKE, "upper_secondary"),
    ("nav", "Nav Kristiansand", NAV, "nav_office"),
    ("oc_vagsbygd", "Vågsbygd omsorgssenter", KOMMUNE, "care_home"),
    ("oc_lund", "Lund omsorgssenter", KOMMUNE, "care_home"),
    ("oc_tinnheia", "Tinnheia omsorgssenter", KOMMUNE, "care_home"),
    ("oc_sogne", "Søgne omsorgssenter", KOMMUNE, "care_home"),
    ("bygg", "Bygg og vedlikehold", KOMMUNE, "workplace"),
]

LOWER_SECONDARY = ["lund", "grim", "hanes", "vagsbygd", "slettheia", "oddemarka"]
STAFF = [  # (username, name, role, unit keys)
    ("admin", "Anne Admin", "admin", []),
    ("personvern", "Petter Personvern", "privacy_officer", []),
    ("koord.kommune", "Kari Koordinator", "coordinator",
     ["lund", "grim", "hanes", "vagsbygd", "slettheia", "oddemarka"]),
    ("koord.fylke", "Frode Fylkesmann", "coordinator", ["kvadraturen", "tangen"]),
    ("koord.nav", "Nina Navsen", "coordinator",
     ["nav", "oc_vagsbygd", "oc_lund", "oc_tinnheia", "oc_sogne", "bygg"]),
    # Every unit has at least two workers of its programme, so a case can be reassigned.
    ("uv.lund", "Ulrik Veileder", "youth_mentor", LOWER_SECONDARY),
    ("uv.vagsbygd", "Una Vågen", "youth_mentor", LOWER_SECONDARY),
    ("uv.kvadraturen", "Vera Kvadrat", "youth_mentor", ["kvadraturen", "tangen"]),
    ("uv.tangen", "Tor Tangen", "youth_mentor", ["tangen", "kvadraturen"]),
    ("al.vagsbygd", "Aud Arbeidsleder", "work_leader", ["oc_vagsbygd", "oc_lund"]),
    ("al.lund", "Arne Lunde", "work_leader", ["oc_lund", "oc_vagsbygd"]),
    ("al.tinnheia", "Astrid Tinn", "work_leader", ["oc_tinnheia", "oc_sogne"]),
    ("al.sogne", "Are Søgnesen", "work_leader", ["oc_sogne", "oc_tinnheia"]),
    ("al.bygg", "Bjarne Bygg", "work_leader", ["bygg"]),
]
# Made after the rest with their own random generator (the seed's data stays as it was).
EXTRA_STAFF = [("al.vedlikehold", "Vilde Vedlikehold", "work_leader", ["bygg"])]

# (programme, track, number of participants, worker -> unit keys). Totals 300.
COHORTS = [
    ("youth_mentor", "lower_secondary", 67,
     {"uv.lund": ["lund", "grim", "hanes"], "uv.vagsbygd": ["vagsbygd", "slettheia", "oddemarka"]}),
    ("youth_mentor", "upper_secondary", 61,
     {"uv.kvadraturen": ["kvadraturen"], "uv.tangen": ["tangen"]}),
    ("work_leader", "health", 130,
     {"al.vagsbygd": ["oc_vagsbygd"], "al.lund": ["oc_lund"], "al.tinnheia": ["oc_tinnheia"],
      "al.sogne": ["oc_sogne"]}),
    ("work_leader", "building", 42, {"al.bygg": ["bygg"]}),
]
BIRTH_YEARS = {"lower_secondary": (2010, 2012), "upper_secondary": (2008, 2010),
               "health": (1990, 2006), "building": (1995, 2007)}
MINORITY_SHARE = {"lower_secondary": 0.25, "upper_secondary": 0.3, "health": 148 / 191,
                  "building": 0.4}


def _password(rng: random.Random) -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "-".join("".join(rng.choice(alphabet) for _ in range(5)) for _ in range(4))


def _totp_secret(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(32))


def _birth_date(rng: random.Random, years: tuple[int, int]) -> date:
    start = date(years[0], 1, 1)
    return start + timedelta(days=rng.randrange((date(years[1], 12, 31) - start).days))


def demo_email(username: str) -> str:
    """A demo staff member's work e-mail, in a domain reserved for examples (RFC 2606)."""
    return f"{username}@caseapp.example"


def load_demo(session: Session, seed: int = 2025, today: date | None = None) -> list[dict]:
    """Create units, staff, participants and cases; return the demo logins. The histories end
    ``today`` (default: the clock's local date), so a demo loaded any day looks current."""
    today = today or local_now().date()
    if session.scalar(select(func.count(Unit.id))):
        raise DemoExists()
    rng = random.Random(seed)
    units = {key: create_unit(session, name, org[0], kind, org[1]) for key, name, org, kind in UNITS}
    logins, staff = [], {}

    def add_staff(members, rng):
        for username, display_name, role, unit_keys in members:
            password, secret = _password(rng), _totp_secret(rng)
            staff[username] = create_user(
                session, username=username, display_name=display_name, roles=[role],
                units=[units[k] for k in unit_keys], password=password, totp_secret=secret,
                email=demo_email(username))
            logins.append({"username": username, "password": password, "role": role,
                           "units": [units[k].display_name for k in unit_keys],
                           "totp_secret": secret})

    add_staff(STAFF, rng)
    cases = []
    for programme, track, count, workers in COHORTS:
        assignments = [(w, u) for w, unit_keys in workers.items() for u in unit_keys]
        for index in range(count):
            worker, unit_key = assignments[index % len(assignments)]
            cases.append(_add_participant_with_case(session, rng, programme, track,
                                                    staff[worker], units[unit_key], today))
    session.flush()
    add_histories(session, seed, cases, today)
    add_staff(EXTRA_STAFF, random.Random(seed + 2))
    journeys = add_journeys(session, seed)
    young = add_portal_people(session, seed, journeys, today)
    # The young people who can sign in (ids only), for `caseapp demo-provider` (ung1 first).
    audit.record("demo.load", actor=None, session=session,
                 details={"seed": seed, "young_people": [str(p) for p in young]})
    session.flush()
    return logins


def new_participant(rng: random.Random, track: str) -> Participant:
    """A synthetic young person typical of ``track`` (age, minority-language share)."""
    minority = rng.random() < MINORITY_SHARE[track]
    given = rng.choice(names.MINORITY_GIVEN_NAMES if minority else names.GIVEN_NAMES)
    family = rng.choice(names.MINORITY_FAMILY_NAMES if minority else names.FAMILY_NAMES)
    born = _birth_date(rng, BIRTH_YEARS[track])
    return Participant(
        given_name=given, family_name=family, national_id=synthetic(born, rng),
        birth_year=born.year, gender=rng.choice([Gender.FEMALE, Gender.MALE]).value,
        minority_language=minority, home_municipality="4204")


def _add_participant_with_case(session, rng, programme, track, worker, unit, today) -> Case:
    participant = new_participant(rng, track)
    session.add(participant)
    started = today - timedelta(days=rng.randrange(30, 3 * 365))
    closed = programme == "work_leader" and rng.random() < 0.3
    case = Case(
        participant=participant, programme=programme, track=track, unit_id=unit.id,
        worker_id=worker.id, started_on=started,
        status=CaseStatus.CLOSED.value if closed else (
            CaseStatus.PAUSED.value if rng.random() < 0.05 else CaseStatus.ACTIVE.value),
        ended_on=min(started + timedelta(days=rng.randrange(60, 400)), today) if closed else None)
    session.add(case)
    return case


def write_logins(instance_path: str, logins: list[dict]) -> Path:
    """Write the demo logins to ``instance/demo-logins.json``, owner-only."""
    path = Path(instance_path) / "demo-logins.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(logins, handle, ensure_ascii=False, indent=2)
    return path


def read_logins(instance_path: str) -> list[dict]:
    path = Path(instance_path) / "demo-logins.json"
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))
