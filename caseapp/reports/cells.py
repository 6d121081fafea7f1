"""Spreadsheet cells that cannot run: every CSV and XLSX the app writes goes through here.

A cell starting with ``= + - @`` (or a tab or carriage return) is read as a formula by
spreadsheet programs (CSV/formula injection), so such text gets a leading apostrophe. Numbers
stay numbers: a negative *number* is data, not a formula.
"""
from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` made safe for a spreadsheet cell (``None`` becomes an empty string)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
