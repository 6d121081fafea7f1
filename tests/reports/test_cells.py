"""Spreadsheet cells never start a formula (CSV/formula injection)."""
from __future__ import annotations

import pytest

from caseapp.reports.cells import safe_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"klikk\")", "+47 22 33 44 55", "-1+2",
                                  "@SUM(A1:A9)", "\t=1+1", "\r=1+1"])
def test_formula_like_text_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value, expected", [("Lund skole", "Lund skole"), ("<5", "<5"),
                                             (":", ":"), (12, 12), (-3, -3), (None, ""),
                                             ("a=b", "a=b")])
def test_other_values_are_left_alone(value, expected):
    assert safe_cell(value) == expected


def test_a_unit_name_like_a_formula_is_neutralised_in_every_export(factory, client, login):
    import csv
    import io

    from openpyxl import load_workbook

    unit = factory.unit("=HYPERLINK(\"http://x\")", organisation="-Kommune")
    coordinator = factory.user("coordinator", [unit])
    login(client, coordinator)
    raw = client.get("/reports/nokkeltall.csv").data.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(raw), delimiter=";") for c in row]
    assert "'-Kommune / =HYPERLINK(\"http://x\")" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    book = load_workbook(io.BytesIO(client.get("/reports/nokkeltall.xlsx").data))
    values = [v for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
              if isinstance(v, str)]
    assert "'-Kommune / =HYPERLINK(\"http://x\")" in values
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in values)
