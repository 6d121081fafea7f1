"""Checking and importing rows. A file is imported completely or not at all; every problem is
reported with line, column and reason in Norwegian and English."""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case, Programme, tracks_for
from caseapp.imports.reader import REQUIRED_COLUMNS, file_hash, read_rows
from caseapp.outcomes.models import OUTCOME_LABELS
from caseapp.outcomes.services import OutcomeData, add_closing, add_outcome
from caseapp.participants.lookup import find_by_national_id
from caseapp.participants.models import Participant
from caseapp.participants.national_id import InvalidNationalId, parse
from caseapp.units.services import find_unit
from consent import services as consent
from consent.purposes import LegalBasis, Purpose
from roles import WORKER_ROLES

REASONS = {  # code -> (bokmål, English)
    "missing_column": ("Kolonnen mangler i filen", "The column is missing from the file"),
    "required": ("Feltet må fylles ut", "The field is required"),
    "national_id": ("Ugyldig fødselsnummer", "Invalid national ID number"),
    "birth_date": ("Fødselsdatoen stemmer ikke med fødselsnummeret",
                   "The birth date does not match the national ID number"),
    "date": ("Ugyldig dato (bruk ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)",
             "Invalid date (use YYYY-MM-DD or DD.MM.YYYY)"),
    "future": ("Datoen er fram i tid", "The date is in the future"),
    "end_before_start": ("Sluttdato er før startdato", "The end date is before the start date"),
    "programme": ("Ukjent programkode", "Unknown programme code"),
    "track": ("Ukjent løp for programmet", "Unknown track for the programme"),
    "unit": ("Ukjent enhet (bruk navnet slik appen viser det)",
             "Unknown unit (use the name as shown in the app)"),
    "worker": ("Ukjent eller inaktiv veileder", "Unknown or inactive worker"),
    "worker_programme": ("Veilederen arbeider ikke i programmet eller enheten",
                         "The worker does not work in the programme or unit"),
    "outcome": ("Ukjent resultatkode", "Unknown outcome code"),
    "outcome_needed": ("En avsluttet sak trenger et resultat", "A closed case needs an outcome"),
    "yes_no": ("Skriv ja eller nei", "Write yes or no"),
    "consent_method": ("Bruk consent eller statutory", "Use consent or statutory"),
    "statutory_reference": ("Oppgi loven for lovfestet grunnlag",
                            "Name the law for a statutory basis"),
    "exists": ("Personen er allerede registrert", "The person is already registered"),
    "duplicate": ("Fødselsnummeret står flere ganger i filen",
                  "The national ID appears more than once in the file"),
}


@dataclass
class Problem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        nb, en = REASONS[self.reason]
        return f"linje/line {self.line}, {self.column}: {nb} / {en}"


@dataclass
class Row:
    line: int
    given_name: str
    family_name: str
    national_id: str
    birth_year: int
    programme: str
    track: str
    unit: object
    worker: User
    start_date: date
    end_date: date | None
    outcome: str | None
    outcome_date: date | None
    minority_language: bool
    consent_date: date | None
    statutory_reference: str | None


def _date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def check_row(session: Session, line: int, raw: dict[str, str], today: date,
              seen: set[str]) -> tuple[Row | None, list[Problem]]:
    problems: list[Problem] = []

    def fail(column: str, reason: str) -> None:
        problems.append(Problem(line, column, reason))

    def required(column: str) -> str:
        value = raw.get(column, "")
        if not value:
            fail(column, "required")
        return value

    def a_date(column: str, needed: bool = True) -> date | None:
        value = raw.get(column, "")
        if not value:
            if needed:
                fail(column, "required")
            return None
        parsed = _date(value)
        if parsed is None:
            fail(column, "date")
        elif parsed > today:
            fail(column, "future")
            return None
        return parsed

    given, family = required("given_name"), required("family_name")
    national_id = required("national_id")
    if national_id.isdigit() and len(national_id) == 10:  # a spreadsheet ate the leading zero
        national_id = "0" + national_id
    born = None
    if national_id:
        try:
            national_id, born, _synthetic = parse(national_id)
        except InvalidNationalId:
            fail("national_id", "national_id")
    birth_date = a_date("birth_date")
    if born and birth_date and born != birth_date:
        fail("birth_date", "birth_date")
    if born:
        if national_id in seen:
            fail("national_id", "duplicate")
        elif find_by_national_id(session, national_id) is not None:
            fail("national_id", "exists")
        seen.add(national_id)
    programme, track = required("programme"), required("track")
    if programme and programme not in set(Programme):
        fail("programme", "programme")
    elif programme and track and track not in tracks_for(programme):
        fail("track", "track")
    unit = find_unit(session, raw.get("unit", "")) if required("unit") else None
    if raw.get("unit") and unit is None:
        fail("unit", "unit")
    username = required("worker").lower()
    worker = session.scalar(select(User).where(User.username == username)) if username else None
    if username and (worker is None or not worker.active):
        fail("worker", "worker")
    elif worker and unit and programme in set(Programme):
        roles = [r for r, p in WORKER_ROLES.items() if p == programme]
        if not any(worker.has_role(r) for r in roles) or unit.id not in worker.unit_ids:
            fail("worker", "worker_programme")
    start, end = a_date("start_date"), a_date("end_date", needed=False)
    if start and end and end < start:
        fail("end_date", "end_before_start")
    outcome = raw.get("outcome") or None
    if outcome and outcome not in OUTCOME_LABELS:
        fail("outcome", "outcome")
    if end and not outcome:
        fail("outcome", "outcome_needed")
    outcome_date = a_date("outcome_date", needed=bool(outcome))
    minority = raw.get("minority_language", "").lower()
    if minority not in {"", "yes", "no", "ja", "nei"}:
        fail("minority_language", "yes_no")
    method = raw.get("consent_method", "").lower()
    if method not in {"consent", "statutory"}:
        fail("consent_method", "consent_method")
    consent_date = a_date("consent_date", needed=method == "consent")
    reference = raw.get("statutory_reference") or None
    if method == "statutory" and not reference:
        fail("statutory_reference", "statutory_reference")
    if problems:
        return None, problems
    return Row(line, given, family, national_id, born.year, programme, track, unit, worker, start,
               end, outcome, outcome_date, minority in {"yes", "ja"},
               consent_date if method == "consent" else None,
               reference if method == "statutory" else None), []


def check_file(session: Session, path: Path, today: date) -> tuple[list[Row], list[Problem]]:
    header, raw_rows = read_rows(path)
    missing = [Problem(1, column, "missing_column") for column in REQUIRED_COLUMNS
               if column not in header]
    if missing:
        return [], missing
    rows, problems, seen = [], [], set()
    for line, raw in raw_rows:
        row, found = check_row(session, line, raw, today, seen)
        problems += found
        if row:
            rows.append(row)
    return rows, problems


def import_rows(session: Session, rows: list[Row], *, source: Path, at: datetime) -> int:
    """Create participants, their follow-up basis and cases. Caller commits (all or nothing)."""
    digest, operator = file_hash(source), getpass.getuser()
    for row in rows:
        person = Participant(given_name=row.given_name, family_name=row.family_name,
                             national_id=row.national_id, birth_year=row.birth_year,
                             minority_language=row.minority_language, home_municipality=None)
        session.add(person)
        session.flush()
        if row.statutory_reference:
            consent.grant(session, participant_id=person.id, purpose=Purpose.FOLLOW_UP,
                          legal_basis=LegalBasis.STATUTORY,
                          statutory_reference=row.statutory_reference,
                          valid_from=datetime.combine(row.start_date, time()))
        else:
            consent.grant(session, participant_id=person.id, purpose=Purpose.FOLLOW_UP,
                          legal_basis=LegalBasis.CONSENT,
                          valid_from=min(datetime.combine(row.consent_date, time()), at))
        case = Case(participant_id=person.id, programme=row.programme, track=row.track,
                    unit_id=row.unit.id, worker_id=row.worker.id, started_on=row.start_date)
        session.add(case)
        session.flush()
        if row.outcome:
            data = OutcomeData(code=row.outcome, occurred_on=row.outcome_date or row.end_date)
            if row.end_date:
                add_closing(session, row.worker, case, data, ended_on=row.end_date,
                            end_reason="outcome_reached", grounds="import")
            else:
                add_outcome(session, row.worker, case, data, "import")
        audit.record("participant.import", actor=None, object_type="participant",
                     object_id=person.id, subject_id=person.id,
                     categories=["identity", "national_id", "placement"], grounds="import",
                     details={"file_sha256": digest, "line": row.line, "operator": operator})
    session.flush()
    return len(rows)
