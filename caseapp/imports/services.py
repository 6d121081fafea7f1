"""Checking and importing rows. A file is imported completely or not at all; every problem is
reported with line, column and reason in Norwegian and English."""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.privacy.restriction import refuse_if_restricted
from caseapp.accounts.models import User
from caseapp.editing import Refused
from caseapp.cases.models import Case, Programme, tracks_for
from caseapp.imports.reader import REQUIRED_COLUMNS, file_hash, read_rows
from caseapp.outcomes.models import OUTCOME_LABELS
from caseapp.outcomes.services import OutcomeData, add_closing, add_outcome
from caseapp.participants.lookup import find_by_national_id
from caseapp.participants.models import RELATION_LABELS, Guardian, Participant
from caseapp.participants.national_id import InvalidNationalId, parse
from caseapp.units.services import find_unit
from consent import services as consent
from consent.purposes import GivenBy, LegalBasis, Purpose
from roles.workers import may_hold

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
    "worker": ("Ukjent eller inaktiv ansvarlig", "Unknown or inactive worker"),
    "worker_programme": ("Den ansvarlige arbeider ikke i programmet eller enheten",
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
    "relation": ("Ukjent relasjon (bruk mother, father, other_guardian eller child_welfare)",
                 "Unknown relation (use mother, father, other_guardian or child_welfare)"),
    "guardian_name": ("Oppgi navnet til den foresatte", "Name the guardian"),
    "refused": ("", ""),  # the refusal's own words follow (``Problem.detail``)
}


@dataclass
class Problem:
    line: int
    column: str
    reason: str
    detail: tuple[str, str] | None = None  # (bokmål, English) words of a refusal

    def __str__(self) -> str:
        nb, en = self.detail or REASONS[self.reason]
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
    guardians: list[dict]  # [{"name", "relation"}] who consented with or for a minor
    maturity_assessment: str | None


def _date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


class _Fields:
    """One row's raw values, read column by column; every problem is kept with its line."""

    def __init__(self, line: int, raw: dict[str, str], today: date) -> None:
        self.line, self.raw, self.today = line, raw, today
        self.problems: list[Problem] = []

    def fail(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.line, column, reason))

    def text(self, column: str) -> str:
        return self.raw.get(column, "")

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.fail(column, "required")
        return value

    def a_date(self, column: str, needed: bool = True) -> date | None:
        value = self.text(column)
        if not value:
            if needed:
                self.fail(column, "required")
            return None
        parsed = _date(value)
        if parsed is None:
            self.fail(column, "date")
        elif parsed > self.today:
            self.fail(column, "future")
            return None
        return parsed


def _person(session: Session, fields: _Fields, seen: set[str]) -> tuple[str, date | None]:
    """The national ID (a lost leading zero put back) and the birth date it gives; the person
    must be new, in the database and in the file so far."""
    national_id = fields.required("national_id")
    if national_id.isdigit() and len(national_id) == 10:  # a spreadsheet ate the leading zero
        national_id = "0" + national_id
    born = None
    if national_id:
        try:
            national_id, born, _synthetic = parse(national_id)
        except InvalidNationalId:
            fields.fail("national_id", "national_id")
    birth_date = fields.a_date("birth_date")
    if born and birth_date and born != birth_date:
        fields.fail("birth_date", "birth_date")
    if born:
        if national_id in seen:
            fields.fail("national_id", "duplicate")
        elif (existing := find_by_national_id(session, national_id,
                                              include_restricted=True)) is not None:
            refuse_if_restricted(session, None, existing.id, via="import")
            fields.fail("national_id", "exists")
        seen.add(national_id)
    return national_id, born


def _placement(session: Session, fields: _Fields) -> tuple[str, str, object, User | None]:
    """Programme, track, unit and the responsible worker, who must work in both."""
    programme, track = fields.required("programme"), fields.required("track")
    if programme and programme not in set(Programme):
        fields.fail("programme", "programme")
    elif programme and track and track not in tracks_for(programme):
        fields.fail("track", "track")
    unit = find_unit(session, fields.text("unit")) if fields.required("unit") else None
    if fields.text("unit") and unit is None:
        fields.fail("unit", "unit")
    username = fields.required("worker").lower()
    worker = session.scalar(select(User).where(User.username == username)) if username else None
    if username and (worker is None or not worker.active):
        fields.fail("worker", "worker")
    elif worker and unit and programme in set(Programme):
        if not may_hold(worker, programme, unit.id):
            fields.fail("worker", "worker_programme")
    return programme, track, unit, worker


def _period(fields: _Fields) -> tuple[date | None, date | None, str | None, date | None]:
    """Start, end, and the outcome a closed case needs, with its date."""
    start, end = fields.a_date("start_date"), fields.a_date("end_date", needed=False)
    if start and end and end < start:
        fields.fail("end_date", "end_before_start")
    outcome = fields.text("outcome") or None
    if outcome and outcome not in OUTCOME_LABELS:
        fields.fail("outcome", "outcome")
    if end and not outcome:
        fields.fail("outcome", "outcome_needed")
    return start, end, outcome, fields.a_date("outcome_date", needed=bool(outcome))


def _basis(fields: _Fields) -> tuple[date | None, str | None]:
    """The consent date, or the law for a statutory basis (the other one is None)."""
    method = fields.text("consent_method").lower()
    if method not in {"consent", "statutory"}:
        fields.fail("consent_method", "consent_method")
    consent_date = fields.a_date("consent_date", needed=method == "consent")
    reference = fields.text("statutory_reference") or None
    if method == "statutory" and not reference:
        fields.fail("statutory_reference", "statutory_reference")
    return (consent_date if method == "consent" else None,
            reference if method == "statutory" else None)


def _guardians(fields: _Fields) -> list[dict]:
    guardians = []
    for name_column, relation_column in (("guardian_name", "guardian_relation"),
                                         ("guardian2_name", "guardian2_relation")):
        name, relation = fields.text(name_column), fields.text(relation_column).lower()
        if relation and relation not in RELATION_LABELS:
            fields.fail(relation_column, "relation")
        elif relation and not name:
            fields.fail(name_column, "guardian_name")
        elif name:
            guardians.append({"name": name, "relation": relation or "other_guardian"})
    return guardians


def check_row(session: Session, line: int, raw: dict[str, str], today: date,
              seen: set[str]) -> tuple[Row | None, list[Problem]]:
    """The row to import, or every problem of the row (checked in the file's column order)."""
    fields = _Fields(line, raw, today)
    given, family = fields.required("given_name"), fields.required("family_name")
    national_id, born = _person(session, fields, seen)
    programme, track, unit, worker = _placement(session, fields)
    start, end, outcome, outcome_date = _period(fields)
    minority = fields.text("minority_language").lower()
    if minority not in {"", "yes", "no", "ja", "nei"}:
        fields.fail("minority_language", "yes_no")
    consent_date, reference = _basis(fields)
    guardians = _guardians(fields)
    if fields.problems:
        return None, fields.problems
    return Row(line, given, family, national_id, born.year, programme, track, unit, worker, start,
               end, outcome, outcome_date, minority in {"yes", "ja"}, consent_date, reference,
               guardians, fields.text("maturity_assessment") or None), []


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


def import_rows(session: Session, rows: list[Row], *, source: Path,
                at: datetime) -> tuple[int, list[Problem]]:
    """Create participants, their follow-up basis and cases; the same for a dry run (which the
    caller rolls back), so both refuse the same rows. A refusal (e.g. a minor's consent without
    a guardian) becomes a problem of its line, never an exception. Caller commits or rolls back
    (all or nothing)."""
    digest, operator = file_hash(source), getpass.getuser()
    problems: list[Problem] = []
    for row in rows:
        person = Participant(given_name=row.given_name, family_name=row.family_name,
                             national_id=row.national_id, birth_year=row.birth_year,
                             minority_language=row.minority_language, home_municipality=None)
        person.guardians = [Guardian(relation=g["relation"], name=g["name"])
                            for g in row.guardians]
        session.add(person)
        session.flush()
        refusal = _refusal(lambda: _grant(session, person, row, at))
        if refusal:
            problems.append(Problem(row.line, "consent_method", "refused", refusal))
            continue
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
    return len(rows) - len(problems), problems


def _grant(session: Session, person: Participant, row: Row, at: datetime) -> None:
    """The follow-up basis as the registration form records it (``consent.grant`` checks the
    givers for the person's age, as it does for the form)."""
    if row.statutory_reference:
        consent.grant(session, participant_id=person.id, purpose=Purpose.FOLLOW_UP,
                      legal_basis=LegalBasis.STATUTORY,
                      statutory_reference=row.statutory_reference,
                      valid_from=datetime.combine(row.start_date, time()))
        return
    given_by = GivenBy.SUBJECT_AND_GUARDIANS if row.guardians else GivenBy.SUBJECT
    consent.grant(session, participant_id=person.id, purpose=Purpose.FOLLOW_UP,
                  legal_basis=LegalBasis.CONSENT, given_by=given_by, guardians=row.guardians,
                  maturity_reason=row.maturity_assessment,
                  valid_from=min(datetime.combine(row.consent_date, time()), at))


def _refusal(call) -> tuple[str, str] | None:
    """Run ``call``; a refusal's messages in bokmål and English (asked again in English: a
    refusal is raised before anything is written), or None when it went through."""
    try:
        with force_locale("nb"):
            call()
        return None
    except (consent.ConsentError, Refused) as refused:
        nb = "; ".join(refused.messages)
    try:
        with force_locale("en"):
            call()
    except (consent.ConsentError, Refused) as refused:
        return nb, "; ".join(refused.messages)
    return nb, nb
