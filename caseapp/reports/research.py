"""The research extract (følgeforskning): pseudonymised rows for one configured project.

* Only participants with a valid basis for the purpose *research* at the time of the extract.
* Only the columns the project is configured with (``CASEAPP_RESEARCH_PROJECTS``), from the
  plain statistical columns below — never names, national IDs, contact details or free text.
* Pseudonyms are HMAC-SHA256 of the participant id under a fresh random salt per extract; the
  salt is not kept, so two extracts cannot be linked to each other or back to the app.
* A zip with ``data.csv`` (cells neutralised) and ``description.json`` (the data description).
* Audited: one event per included participant (so the person's access report shows it) and
  one for the extract.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import secrets
import uuid
import zipfile
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import audit
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.outcomes.models import Checkpoint, Outcome
from caseapp.participants.models import Participant
from caseapp.reports.cells import safe_cell
from consent.models import ConsentRecord
from consent.purposes import Purpose
from consent.services import with_basis_query

# column -> (description, type). The only columns a project can ask for.
COLUMNS = {
    "birth_year": ("Year of birth", "integer"),
    "gender": ("Gender: female, male, other, unknown", "string"),
    "minority_language": ("Minority-language background", "boolean"),
    "home_municipality": ("Home municipality number (4 digits)", "string"),
    "programme": ("Programme: youth_mentor or work_leader", "string"),
    "track": ("Track: school type or trade", "string"),
    "started_on": ("Date the follow-up course started", "date"),
    "ended_on": ("Date it ended (empty while active)", "date"),
    "end_reason": ("Why it ended (code)", "string"),
    "first_outcome": ("First outcome (code, caseapp vocabulary)", "string"),
    "first_outcome_on": ("Date of the first outcome", "date"),
    "latest_outcome": ("Latest outcome (code)", "string"),
    "latest_outcome_on": ("Date of the latest outcome", "date"),
    "in_work_or_education_3m": ("In work or education 3 months after closing (empty: not "
                                "answered)", "boolean"),
    "in_work_or_education_6m": ("… 6 months after closing", "boolean"),
    "in_work_or_education_12m": ("… 12 months after closing", "boolean"),
}


class UnknownProject(LookupError):
    pass


@dataclass
class Extract:
    project: str
    rows: int
    content: bytes  # the zip
    extract_id: str


def project_settings(config, project: str) -> dict:
    projects = config.get("CASEAPP_RESEARCH_PROJECTS") or {}
    if project not in projects:
        raise UnknownProject(project)
    settings = projects[project]
    columns = list(settings.get("columns") or [])
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or not columns:
        raise UnknownProject(f"{project}: columns {unknown or 'missing'}")
    return {"title": settings.get("title", project), "columns": columns}


def _rows(session: Session, ids) -> list[dict]:
    """One row per case of the included participants (``ids``: a subquery of their ids), from
    plain columns only."""
    if ids is None:
        return []
    first = func.row_number().over(partition_by=Outcome.case_id,
                                   order_by=(Outcome.occurred_on, Outcome.recorded_at))
    latest = func.row_number().over(partition_by=Outcome.case_id,
                                    order_by=(Outcome.occurred_on.desc(), Outcome.recorded_at.desc()))
    ranked = select(Outcome.case_id, Outcome.code, Outcome.occurred_on, first.label("first"),
                    latest.label("latest")).where(Outcome.participant_id.in_(ids)).subquery()
    outcomes: dict = {}
    for case_id, code, on, f, last in session.execute(select(ranked).where(
            (ranked.c.first == 1) | (ranked.c.latest == 1))):
        entry = outcomes.setdefault(case_id, {})
        if f == 1:
            entry.update(first_outcome=code, first_outcome_on=on)
        if last == 1:
            entry.update(latest_outcome=code, latest_outcome_on=on)
    checks: dict = {}
    for case_id, months, still in session.execute(select(
            Checkpoint.case_id, Checkpoint.months, Checkpoint.still_active).where(
            Checkpoint.participant_id.in_(ids), Checkpoint.answered_at.is_not(None))):
        checks.setdefault(case_id, {})[f"in_work_or_education_{months}m"] = still
    query = select(Case.id, Case.participant_id, Case.programme, Case.track, Case.started_on,
                   Case.ended_on, Case.end_reason, Participant.birth_year, Participant.gender,
                   Participant.minority_language, Participant.home_municipality).join(
        Participant, Participant.id == Case.participant_id).where(
        Case.participant_id.in_(ids)).order_by(Case.started_on, Case.id)
    rows = []
    for r in session.execute(query):
        row = dict(r._mapping)
        row.update(outcomes.get(r.id, {}))
        row.update(checks.get(r.id, {}))
        rows.append(row)
    return rows


def make_extract(session: Session, config, project: str, *, actor=None,
                 grounds: str = "research_consent") -> Extract:
    settings = project_settings(config, project)
    at = now()
    consented = with_basis_query(Purpose.RESEARCH, at).where(
        ConsentRecord.participant_id.in_(select(Case.participant_id)))
    included = set(session.scalars(consented.distinct()))
    rows = _rows(session, consented.scalar_subquery() if included else None)
    salt = secrets.token_bytes(32)  # fresh per extract, never stored
    columns = ["pseudonym"] + settings["columns"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(columns)
    for row in rows:
        pseudonym = hmac.new(salt, row["participant_id"].bytes, hashlib.sha256).hexdigest()[:20]
        values = [pseudonym] + [_plain(row.get(c)) for c in settings["columns"]]
        writer.writerow([safe_cell(v) for v in values])
    extract_id = str(uuid.uuid4())
    description = {
        "project": project, "title": settings["title"], "extract_id": extract_id,
        "created_at_utc": at.isoformat(timespec="seconds"), "rows": len(rows),
        "participants": len(included),
        "selection": "Every follow-up course (case) of each participant with a valid consent "
                     "or other basis for the purpose research at the time of the extract.",
        "pseudonymisation": "pseudonym = HMAC-SHA256 of the internal participant id under a "
                            "random salt made for this extract and then discarded; the same "
                            "person has the same pseudonym within this extract only.",
        "columns": [{"name": "pseudonym", "type": "string",
                     "description": "The participant's pseudonym (see pseudonymisation)"}] + [
            {"name": c, "type": COLUMNS[c][1], "description": COLUMNS[c][0]}
            for c in settings["columns"]],
        "format": "CSV, semicolon-separated, UTF-8; cells that would start a spreadsheet "
                  "formula have a leading apostrophe.",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", out.getvalue())
        archive.writestr("description.json", json.dumps(description, indent=2, ensure_ascii=False))
    for participant_id in sorted(included):
        audit.record("research.extract", actor=actor, object_type="research_extract",
                     object_id=extract_id, subject_id=participant_id, grounds=grounds,
                     categories=["research"], details={"project": project})
    audit.record("research.extract_created", actor=actor, object_type="research_extract",
                 object_id=extract_id, grounds=grounds, categories=["research"],
                 details={"project": project, "rows": len(rows), "participants": len(included),
                          "columns": settings["columns"]})
    return Extract(project, len(rows), buffer.getvalue(), extract_id)


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
