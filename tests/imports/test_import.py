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
from caseapp.imports.cli import import_command
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


# Issue 15, item 6: the dry run and the import are one code path and agree on every row.
MINOR_BORN = {"with_guardian": date(2011, 5, 4), "without": date(2009, 3, 1),
              "mature": date(2010, 2, 3)}
MINOR_IDS = {name: synthetic(born, RNG) for name, born in MINOR_BORN.items()}
MINOR_COLUMNS = COLUMNS + ("guardian_name", "guardian_relation", "guardian2_name",
                           "guardian2_relation", "maturity_assessment")


def minor_row(name, given, guardian="", relation="", maturity=""):
    born = MINOR_BORN[name]
    return [given, "Haugen", MINOR_IDS[name], born.isoformat(), "work_leader", "health",
            "Kristiansand kommune / Lund omsorgssenter", "al.lund", "2026-10-01", "", "", "",
            "nei", "2026-10-01", "consent", "", guardian, relation, "", "", maturity]


def mixed_rows(with_the_unconsented_minor=True):
    adults = [row + ["", "", "", "", ""] for row in good_rows()]  # one consent, one statutory
    rows = adults + [
        minor_row("with_guardian", "Lina", "Mona Haugen", "mother"),
        minor_row("mature", "Jonas", maturity="Har vurdert selv: forstår hva samtykket gjelder."),
    ]
    if with_the_unconsented_minor:
        rows.insert(2, minor_row("without", "Emil"))  # 17, consent alone, no assessment
    return rows


def test_the_dry_run_and_the_import_agree_on_every_row(app, world, tmp_path):
    path = write_csv(tmp_path / "blandet.csv", mixed_rows(), header=MINOR_COLUMNS)
    checked, done = run(app, path, "--dry-run"), run(app, path)
    for result in (checked, done):
        assert result.exit_code == 1, result.output  # a refusal, not a crash (no exception)
        assert isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output and "ConsentError" not in result.output
        assert "linje/line 4, consent_method: " in result.output
        assert "17" in result.output  # the reason names the age, in bokmål and English
        assert "ingenting ble importert" in result.output
    problems = [line for line in checked.output.splitlines() if line.startswith("linje/line")]
    assert problems == [line for line in done.output.splitlines() if line.startswith("linje/line")]
    assert len(problems) == 1
    assert db.session.scalar(select(func.count(Participant.id))) == 0

    path = write_csv(tmp_path / "rettet.csv", mixed_rows(False), header=MINOR_COLUMNS)
    checked = run(app, path, "--dry-run")
    assert checked.exit_code == 0 and "4 rader er klare" in checked.output
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    done = run(app, path)
    assert done.exit_code == 0 and "Importerte 4" in done.output
    lina = next(p for p in db.session.scalars(select(Participant)) if p.given_name == "Lina")
    assert [(g.name, g.relation) for g in lina.guardians] == [("Mona Haugen", "mother")]
    from consent.models import ConsentRecord
    records = {r.participant_id: r for r in db.session.scalars(select(ConsentRecord))}
    assert records[lina.id].given_by == "subject_and_guardians"
    jonas = next(p for p in db.session.scalars(select(Participant)) if p.given_name == "Jonas")
    assert records[jonas.id].given_by == "subject" and records[jonas.id].maturity_reason


def test_an_unknown_guardian_relation_is_a_row_problem(app, world, tmp_path):
    rows = [minor_row("with_guardian", "Lina", "Mona Haugen", "aunt")]
    result = run(app, write_csv(tmp_path / "rel.csv", rows, header=MINOR_COLUMNS), "--dry-run")
    assert result.exit_code == 1
    assert "linje/line 2, guardian_relation: " in result.output
