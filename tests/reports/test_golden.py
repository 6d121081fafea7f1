"""The golden test: the health track of the source report (DOMAIN.md, l. 2385–2402), imported
with the real importer from a generated synthetic file, gives exactly its figures on the page,
in the CSV and XLSX, and in the PDF's text.

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
from caseapp.cli import import_command
from caseapp.extensions import db
from caseapp.imports.reader import COLUMNS
from caseapp.participants.models import Participant
from caseapp.participants.national_id import synthetic
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
    return {LABELS_NB[code]: str(n) for code, n in OUTCOMES} | {"Ikke resultat ennå": "130"}


def test_the_health_track_figures(app, factory, client, login, tmp_path):
    unit, coordinator = imported(app, factory, tmp_path)
    login(client, coordinator)

    page = client.get("/reports/statistics", query_string=QUERY)
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    tables = {t.caption.get_text(strip=True): t for t in soup.find_all("table") if t.caption}
    started = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
               for tr in tables["Startet i perioden, etter minoritetsspråklig bakgrunn"].find_all("tr")]
    assert row_values(started, "Arbeidsleder – Helse og omsorg") == ["148", "43", "191"]
    first = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
             for tr in tables["Første resultat, etter løp"].find_all("tr")]
    for label, n in expected_rows().items():
        assert row_values(first, label) == [n, n]
    assert row_values(first, "Sum") == ["191", "191"]
    key = {dt.get_text(strip=True): dd.get_text(strip=True) for dt, dd in zip(
        soup.select(".key-figures dt"), soup.select(".key-figures dd"))}
    assert key["Startet i perioden"] == "191"

    csv_rows = list(csv.reader(io.StringIO(client.get(
        "/reports/nokkeltall.csv", query_string=QUERY).data.decode("utf-8-sig")), delimiter=";"))
    started_at = csv_rows.index(["Startet i perioden, etter minoritetsspråklig bakgrunn"])
    assert row_values(csv_rows[started_at:], "Arbeidsleder – Helse og omsorg") == ["148", "43", "191"]
    first_at = csv_rows.index(["Første resultat, etter løp"])
    for label, n in expected_rows().items():
        assert row_values(csv_rows[first_at:], label) == [n, n]

    pdf_path, xlsx_path = tmp_path / "nokkeltall.pdf", tmp_path / "nokkeltall.xlsx"
    for kind, path in (("pdf", pdf_path), ("xlsx", xlsx_path)):
        result = app.test_cli_runner().invoke(report_command, [
            "--from", QUERY["from"], "--to", QUERY["to"], "--unit", str(unit.id),
            "--programme", "work_leader", "--track", "health", "--format", kind, "--out", str(path)])
        assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Helsetorvet omsorgssenter" in text and "1. januar 2025 til 31. oktober 2026" in text
    assert "Arbeidsleder – Helse og omsorg 148 43 191" in text
    for label, n in expected_rows().items():
        assert f"{label} {n} {n}" in text, label
    assert "Sum 191 191" in text

    book = load_workbook(xlsx_path)
    sheet = next(ws for ws in book.worksheets if ws.cell(1, 1).value == "Første resultat, etter løp")
    values = {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=3, values_only=True)}
    for label, n in expected_rows().items():
        assert values[label] == [int(n), int(n)]

    kinds = [e.details["format"] for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.generate").order_by(AuditEvent.seq))]
    assert kinds == ["page", "csv", "pdf", "xlsx"]
