"""Spreadsheet cells that cannot run: every CSV and XLSX the app writes goes through here.

A cell starting with ``= + - @`` (or a tab or carriage return) is read as a formula by
spreadsheet programs (CSV/formula injection), so such text gets a leading apostrophe. Numbers
stay numbers: a negative *number* is data, not a formula.
"""
from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import get_locale

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` made safe for a spreadsheet cell (``None`` becomes an empty string)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def csv_cell(value):
    """``value`` for a semicolon-separated CSV as Norwegian Excel reads it: a number (given as a
    number, as Python writes it, "256.5", or as formatted for the user, "1 250,5" / "1,250.5")
    becomes "256,5" — a decimal comma and no grouping — and everything else goes through
    ``safe_cell``. Suppression marks ("<5", ":") and shares ("45 %") stay text."""
    if isinstance(value, bool) or value is None:
        return safe_cell(value)
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    elif isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        number = Decimal(value.strip())
    elif isinstance(value, str) and value[:1].isdigit():
        try:
            number = parse_decimal(value.strip(), locale=get_locale() or "nb", strict=True)
        except (NumberFormatError, ValueError):
            return safe_cell(value)
    else:
        return safe_cell(value)
    text = format(number, "f")
    return text.replace(".", ",")
