"""`caseapp import FILE`: CSV and XLSX, --dry-run reports every bad row, all or nothing."""
from __future__ import annotations

import csv
import hashlib
import random
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.cli import import_command
from caseapp.extensions import db
from caseapp.imports.reader import COLUMNS
from caseapp.outcomes.models import Checkpoint
from caseapp.participants.models import Participant
from caseapp.participants.national_id import synthetic

RNG = random.Random(3)
BORN = [date(2005, 4, 2), date(1998, 12, 30), date(2010, 1, 9)]
IDS = [synthetic(born, RNG) for born in BORN]


def good_rows():
    return [
        ["Sara", "Haugen", IDS[0], BORN[0].isoformat(), "work_leader", "health",
         "Kristiansand kommune / Lund omsorgssenter", "al.lund", "2025-01-06", "2025-09-30",
         "mfy", "2025-09-30", "ja", "2025-01-06", "consent", ""],
        ["Omar", "Ali", IDS[1], BORN[1].strftime("%d.%m.%Y"), "work_leader", "health",
         "Kristiansand kommune / Lund omsorgssenter", "al.lund", "2026-02-01", "", "", "", "yes",
         "", "statutory", "Nav-loven § 14 a"],
    ]


def write_csv(path, rows, header=COLUMNS):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def world(factory):
    unit = factory.unit("Lund omsorgssenter", kind="care_home")
    return factory.user("work_leader", [unit], username="al.lund")


def run(app, *args):
    return app.test_cli_runner().invoke(import_command, [str(a) for a in args])


def test_dry_run_saves_nothing_then_import_saves_all(app, world, tmp_path):
    path = write_csv(tmp_path / "liste.csv", good_rows())
    checked = run(app, path, "--dry-run")
    assert checked.exit_code == 0 and "2 rader er klare" in checked.output
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    done = run(app, path)
    assert done.exit_code == 0, done.output
    people = {p.full_name: p for p in db.session.scalars(select(Participant))}
    assert set(people) == {"Sara Haugen", "Omar Ali"}
    closed = db.session.scalar(select(Case).where(Case.participant_id == people["Sara Haugen"].id))
    assert closed.status == "closed" and closed.ended_on == date(2025, 9, 30)
    assert db.session.scalar(select(func.count(Checkpoint.id))) == 3
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "participant.import")).all()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(events) == 2 and all(e.details["file_sha256"] == digest for e in events)
    assert {e.details["line"] for e in events} == {2, 3}
    again = run(app, path)  # the same people again: refused, never duplicated
    assert again.exit_code != 0 and "allerede registrert" in again.output
    assert db.session.scalar(select(func.count(Participant.id))) == 2


def test_every_bad_row_is_reported_and_nothing_is_imported(app, world, tmp_path):
    rows = good_rows()
    bad = list(rows[0])
    bad[2] = "12345678901"
    bad[5] = "flying"
    bad[7] = "ukjent"
    bad[9] = "2024-01-01"
    later = list(rows[1])
    later[10] = "lottery"
    later[13] = "2031-01-01"
    later[14] = "consent"
    path = write_csv(tmp_path / "feil.csv", [bad, later, rows[1]])
    result = run(app, path, "--dry-run")
    assert result.exit_code != 0
    out = result.output
    assert "linje/line 2, national_id: Ugyldig fødselsnummer / Invalid national ID number" in out
    assert "linje/line 2, track:" in out and "linje/line 2, worker:" in out
    assert "linje/line 2, end_date: Sluttdato er før startdato" in out
    assert "linje/line 3, outcome: Ukjent resultatkode / Unknown outcome code" in out
    assert "linje/line 3, consent_date: Datoen er fram i tid" in out
    assert "linje/line 4, national_id: Fødselsnummeret står flere ganger i filen" in out
    assert run(app, path).exit_code != 0
    assert db.session.scalar(select(func.count(Participant.id))) == 0


def test_xlsx_with_a_lost_leading_zero_and_a_missing_column(app, world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    row = good_rows()[0]
    born = date(2004, 1, 2)  # 02..., stored as a number loses nothing; use day 01..09
    national_id = synthetic(born, RNG)
    row[2], row[3] = int(national_id), born
    sheet.append(row)
    path = tmp_path / "liste.xlsx"
    book.save(path)
    result = run(app, path)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Participant)).national_id == national_id
    short = write_csv(tmp_path / "kort.csv", [good_rows()[0][:3]], header=COLUMNS[:3])
    missing = run(app, short, "--dry-run")
    assert "birth_date: Kolonnen mangler i filen" in missing.output
