"""The Nøkkeltall files as a Norwegian office opens them: decimal commas in the CSV, one
Content-Type, worksheet names in the reader's language."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from caseapp.reports.cells import csv_cell
from tests.reports.test_statistics import add_case

PERIOD = {"from": "2026-01-01", "to": "2026-10-31"}


@pytest.fixture
def coordinator(factory):
    """Six building cases whose first outcomes came after 10 … 15 days: the median is 12.5."""
    unit = factory.unit("Byggeplassen", kind="workplace")
    leader = factory.user("work_leader", [unit])
    for days in range(10, 16):
        add_case(factory, leader, unit, "building", date(2026, 5, 1),
                 outcomes=[("paid_work", date(2026, 5, 1) + timedelta(days=days))])
    return factory.user("coordinator", [unit])


def csv_rows(client):
    response = client.get("/reports/nokkeltall.csv", query_string=PERIOD)
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")),
                                     delimiter=";"))


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_csv_has_decimal_commas_and_plain_numbers(coordinator, client, login, language):
    login(client, coordinator)
    client.post("/language", data={"csrf_token": client.csrf_token("/"), "language": language,
                                   "next": "/"})
    response, rows = csv_rows(client)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    median = next(r for r in rows if r and r[0].endswith(("Bygg og vedlikehold", "Building and maintenance")) and len(r) == 2)
    assert median[1] == "12,5"
    # the cost inputs (NOK 850,000 a year, 20 people): digits only, as Excel reads a number
    costs = next(r for r in rows if r and r[0] in ("Arbeidsleder", "Work leader") and len(r) == 4)
    assert costs[1:] == ["850000", "20", "3542"]
    assert not any("." in cell and cell.replace(".", "").isdigit() for row in rows for cell in row)


@pytest.mark.parametrize("value, expected", [
    (256.5, "256,5"), ("256.5", "256,5"), (12, "12"), ("1\u00a0250,5", "1250,5"),
    ("<5", "<5"), (":", ":"), ("45 %", "45 %"), ("5. mars 2026", "5. mars 2026"),
    ("-1+2", "'-1+2"), ("=SUM(A1)", "'=SUM(A1)")])
def test_csv_cells(app, value, expected):
    with app.test_request_context():
        assert csv_cell(value) == expected


@pytest.mark.parametrize("language, names", [
    ("nb", ["Sammendrag", "1 Fulgt per løp", "2 Fulgt per enhet", "3 Startet per bakgrunn"]),
    ("en", ["Summary", "1 Followed by track", "2 Followed by unit", "3 Started by background"])])
def test_worksheet_names_are_in_the_chosen_language(coordinator, client, login, language, names):
    login(client, coordinator)
    client.post("/language", data={"csrf_token": client.csrf_token("/"), "language": language,
                                   "next": "/"})
    book = load_workbook(io.BytesIO(client.get("/reports/nokkeltall.xlsx",
                                               query_string=PERIOD).data))
    assert book.sheetnames[:4] == names
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert not any("_" in name for name in book.sheetnames)
