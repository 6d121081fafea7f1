"""Reading a CSV or XLSX file into rows of ``{column: text}`` with their line numbers."""
from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime
from pathlib import Path

COLUMNS = ("given_name", "family_name", "national_id", "birth_date", "programme", "track",
           "unit", "worker", "start_date", "end_date", "outcome", "outcome_date",
           "minority_language", "consent_date", "consent_method", "statutory_reference")
REQUIRED_COLUMNS = COLUMNS[:-1]  # statutory_reference only when consent_method is statutory
# Optional: who consented for a minor — guardians (name and relation) or, from the configured
# mature age, the young person alone with the maturity assessment.
CONSENT_COLUMNS = ("guardian_name", "guardian_relation", "guardian2_name", "guardian2_relation",
                   "maturity_assessment")


class UnreadableFile(ValueError):
    pass


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(line number, row)]); line numbers as a spreadsheet shows them."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes().decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(raw.splitlines()[0] if raw else ",", delimiters=",;\t")
        table = list(csv.reader(io.StringIO(raw), dialect))
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        table = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    else:
        raise UnreadableFile("Use a .csv or .xlsx file.")
    if not table:
        raise UnreadableFile("The file is empty.")
    header = [str(h or "").strip().lower() for h in table[0]]
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(str(v or "").strip() for v in values):
            continue
        rows.append((number, {name: str(values[i] if i < len(values) and values[i] is not None
                                          else "").strip() for i, name in enumerate(header)}))
    return header, rows


def _cell(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value
