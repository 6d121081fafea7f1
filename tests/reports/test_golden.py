"""The golden test: the health track of the source report (DOMAIN.md, l. 2385–2402), imported
with the real importer from a generated synthetic file, gives exactly its figures on the page,
in the CSV and XLSX, and in the PDF's text — within the cell-key method's stated bound for a
coordinator, exactly in the privacy officer's report.

191 candidates, 148 with minority-language background; MFY 34, paid work 15, education 7,
primary school completed 5; the other 130 without one of these outcomes.
"""
from __future__ import annotations

import csv
import io
import random
import re
from datetime import date, timedelta

from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.imports.cli import import_command
from caseapp.extensions import db
from caseapp.imports.reader import COLUMNS
from caseapp.participants.models import Participant
from caseapp.participants.national_id import synthetic
from caseapp.reports.cellkey import MAX_NOISE
from caseapp.reports.cli import report_command

OUTCOMES = [("mfy", 34), ("paid_work", 15), ("education", 7), ("primary_school_completed", 5)]
CANDIDATES, MINORITY = 191, 148
UNIT = "Kristiansand kommune / Helsetorvet omsorgssenter"
QUERY = {"from": "2025-01-01", "to": "2026-10-31", "programme": "work_leader", "track": "health"}
LABELS_NB = {  # the page's bokmål row labels
    "mfy": "Modulstrukturert opplæring (MFY)",
    "paid_work": "Lønnet arbeid",
    "education": "Utdanning (videregående, fagskole, høyere)",
    "primary_school_completed": "Fullført grunnskole",
}


def health_track_file(path):
    """A synthetic list shaped like the health track's results."""
    rng = random.Random(2025)
    codes = [code for code, n in OUTCOMES for _ in range(n)]
    codes += [""] * (CANDIDATES - len(codes))
    rng.shuffle(codes)
    minority = [True] * MINORITY + [False] * (CANDIDATES - MINORITY)
    rng.shuffle(minority)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(COLUMNS)
        for i in range(CANDIDATES):
            born = date(1990, 1, 1) + timedelta(days=rng.randrange(0, 365 * 15))
            start = date(2025, 1, 6) + timedelta(days=i % 150)
            outcome_on = start + timedelta(days=90 + i % 60)
            code = codes[i]
            writer.writerow([f"Kandidat{i}", "Testesen", synthetic(born, rng), born.isoformat(),
                             "work_leader", "health", UNIT, "al.helse", start.isoformat(),
                             outcome_on.isoformat() if code else "", code,
                             outcome_on.isoformat() if code else "",
                             "ja" if minority[i] else "nei", start.isoformat(), "consent", ""])
    return path


def imported(app, factory, tmp_path):
    unit = factory.unit("Helsetorvet omsorgssenter", kind="care_home")
    factory.user("work_leader", [unit], username="al.helse")
    coordinator = factory.user("coordinator", [unit])
    result = app.test_cli_runner().invoke(import_command, [str(health_track_file(tmp_path / "helse.csv"))])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Participant.id))) == CANDIDATES
    return unit, coordinator


def row_values(rows, label):
    return next(r[1:] for r in rows if r and r[0] == label)


def expected_rows():
    return {LABELS_NB[code]: n for code, n in OUTCOMES} | {"Ikke resultat ennå": 130}


def html_tables(page):
    soup = BeautifulSoup(page.text, "html.parser")
    tables = {t.caption.get_text(strip=True): [[c.get_text(strip=True)
                                                for c in tr.find_all(["th", "td"])]
                                               for tr in t.find_all("tr")]
              for t in soup.find_all("table") if t.caption}
    key = {dt.get_text(strip=True): dd.get_text(strip=True) for dt, dd in zip(
        soup.select(".key-figures dt"), soup.select(".key-figures dd"))}
    return tables, key


def near(text: str, truth: int) -> bool:
    """A published figure within the stated bound (±2, never below 5) of the true count."""
    return text.isdigit() and int(text) >= 5 and abs(int(text) - truth) <= MAX_NOISE


def funnel_rows(rows):
    at = rows.index(["Fra start til varig arbeid eller utdanning"])
    return {r[0]: r[1] for r in rows[at + 1:at + 5]}


STARTED, FIRST = "Startet i perioden, etter minoritetsspråklig bakgrunn", "Første resultat, etter løp"
TRACK = "Arbeidsleder – Helse og omsorg"


def test_the_health_track_figures_within_the_stated_bound_and_the_same_everywhere(
        app, factory, client, login, tmp_path):
    """The coordinator's figures carry the cell-key change: each within ±2 of the source, and
    the same figure in the page, the CSV, the XLSX and the PDF of the ``report`` command."""
    unit, coordinator = imported(app, factory, tmp_path)
    login(client, coordinator)

    page = client.get("/reports/statistics", query_string=QUERY)
    assert page.status_code == 200
    tables, key = html_tables(page)
    started = row_values(tables[STARTED], TRACK)
    assert [near(t, n) for t, n in zip(started, (MINORITY, CANDIDATES - MINORITY, CANDIDATES))] \
        == [True] * 3
    first = {label: row_values(tables[FIRST], label) for label in expected_rows()}
    for label, n in expected_rows().items():
        assert near(first[label][0], n), label
        assert first[label][0] == first[label][1]  # the same cases: the same figure
    assert key["Startet i perioden"] == started[2]  # the same 191 cases: the same figure
    assert "endret tilfeldig med høyst 2" in page.text  # the precision is stated

    csv_rows = list(csv.reader(io.StringIO(client.get(
        "/reports/nokkeltall.csv", query_string=QUERY).data.decode("utf-8-sig")), delimiter=";"))
    assert row_values(csv_rows[csv_rows.index([STARTED]):], TRACK) == started
    first_at = csv_rows.index([FIRST])
    for label in expected_rows():
        assert row_values(csv_rows[first_at:], label) == first[label]
    assert near(funnel_rows(csv_rows)["Har et resultat"], 61)
    assert any("endret tilfeldig med høyst 2" in "".join(r) for r in csv_rows[:5])

    pdf_path, xlsx_path = tmp_path / "nokkeltall.pdf", tmp_path / "nokkeltall.xlsx"
    for kind, path in (("pdf", pdf_path), ("xlsx", xlsx_path)):
        result = app.test_cli_runner().invoke(report_command, [
            "--from", QUERY["from"], "--to", QUERY["to"], "--unit", str(unit.id),
            "--programme", "work_leader", "--track", "health", "--format", kind, "--out", str(path)])
        assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Helsetorvet omsorgssenter" in text and "1. januar 2025 til 31. oktober 2026" in text
    assert f"{TRACK} {' '.join(started)}" in text
    for label in expected_rows():
        assert f"{label} {' '.join(first[label])}" in text, label
    assert "endret tilfeldig med høyst 2" in text

    book = load_workbook(xlsx_path)
    sheet = next(ws for ws in book.worksheets if ws.cell(1, 1).value == FIRST)
    values = {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=3, values_only=True)}
    for label in expected_rows():
        assert values[label] == [int(v) for v in first[label]]

    kinds = [e.details["format"] for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.generate").order_by(AuditEvent.seq))]
    assert kinds == ["page", "csv", "pdf", "xlsx"]


def test_the_privacy_officer_gets_the_exact_figures_audited(app, factory, client, login,
                                                             tmp_path):
    """191 / 148 / 34 / 15 / 7 / 5 exactly, and 61 cases with an outcome in the funnel — only in
    the privacy officer's exact report, which is audited as exact; a coordinator cannot get it."""
    unit, coordinator = imported(app, factory, tmp_path)
    officer = factory.user("privacy_officer")
    login(client, officer)
    start = client.get("/")
    assert 'href="/reports/exact"' in start.text and "Eksakt statistikk" in start.text
    page = client.get("/reports/exact", query_string=QUERY)
    assert page.status_code == 200
    tables, key = html_tables(page)
    assert row_values(tables[STARTED], TRACK) == ["148", "43", "191"]
    for label, n in expected_rows().items():
        assert row_values(tables[FIRST], label) == [str(n), str(n)]
    assert row_values(tables[FIRST], "Sum") == ["191", "191"]
    assert key["Startet i perioden"] == "191"
    csv_rows = list(csv.reader(io.StringIO(client.get(
        "/reports/exact.csv", query_string=QUERY).data.decode("utf-8-sig")), delimiter=";"))
    assert funnel_rows(csv_rows) == {"Startet i perioden": "191", "Har oppfølgingsplan": "0",
                                     "Har et resultat": "61",
                                     "I arbeid eller utdanning 12 måneder etter avslutning": "0"}
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "report.generate").order_by(AuditEvent.seq)).all()
    assert [(e.details["format"], e.details["exact"], e.grounds) for e in events] == [
        ("page", True, "privacy_oversight"), ("csv", True, "privacy_oversight")]
    assert events[0].actor_id == officer.id

    other = app.test_client()
    login(other, coordinator)
    assert 'href="/reports/exact"' not in other.get("/").text
    assert other.get("/reports/exact", query_string=QUERY).status_code == 403
    assert other.get("/reports/exact.csv", query_string=QUERY).status_code == 403
