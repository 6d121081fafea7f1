"""Jinja filters for dates, numbers and money in the user's language (Flask-Babel).

In bokmål: ``date_long`` "5. mars 2026", ``date_at`` "5. mars 2026 kl. 14:30", ``number`` "12 345,6", ``kroner`` "kr 3 500",
``figure`` (a published statistic given as text) "12 345", "45,5 %", and "<5" or ":" as they are.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from babel.numbers import format_percent
from flask import Flask
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _

NumberLike = int | float | Decimal


def date_long(value: date | datetime | None) -> str:
    """5. mars 2026 (nb) / March 5, 2026 (en); empty for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "long")


def date_at(day: date | None, at: time | None = None, format: str | None = None) -> str:
    """A day with the time set on it, when there is one: "5. mars 2026 kl. 14:30" (nb) /
    "March 5, 2026 at 14:30" (en); the day alone without a time. ``at`` is a wall-clock time
    (Europe/Oslo, as the worker entered it: the next session's ``next_time``), shown as it is;
    ``format`` is the date's (default the long form, ``'full'`` with the weekday)."""
    if day is None:
        return ""
    shown = format_date(day, format)
    if at is None:
        return shown
    clock = at.strftime("%H:%M")
    # the time stays on the line of the word before it ("kl. 14:30"), also in a narrow column
    return _("%(date)s at %(time)s", date=shown, time=clock).replace(
        f" {clock}", f"\N{NO-BREAK SPACE}{clock}")


def number(value: NumberLike | None, decimals: int | None = None) -> str:
    """12 345,6 (nb) / 12,345.6 (en). ``decimals`` fixes the number of decimals."""
    if value is None:
        return ""
    if decimals is None:
        return format_decimal(value)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, pattern)


def kroner(value: NumberLike | None) -> str:
    """kr 3 500 (nb) / NOK 3,500 (en): whole kroner, as the programme's figures are given."""
    if value is None:
        return ""
    amount = format_decimal(round(value), "#,##0")
    prefix = "kr" if get_locale().language in {"nb", "nn", "no"} else "NOK"
    return f"{prefix}\N{NO-BREAK SPACE}{amount}"


_FIGURE = re.compile(r"(?P<value>\d+(?:\.\d+)?)(?P<percent>\s?%)?")


def figure(value: str | NumberLike | None) -> str:
    """A published figure in the user's format: a count or median ("12 345", "45,5") or a share
    ("45,5 %"). Anything else — the suppression marks "<5" and ":", "–" for none — is shown as
    it is, so a hidden figure never turns into a number."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return number(value)
    text = str(value).strip()
    match = _FIGURE.fullmatch(text)
    if match is None:
        return str(value)
    amount = Decimal(match["value"])
    if match["percent"]:
        return format_percent(amount / 100, locale=get_locale(), decimal_quantization=False)
    return number(amount)


def register_filters(app: Flask) -> None:
    # format_date() in templates without a format gives the long form: "5. mars 2026".
    from caseapp.extensions import babel

    babel.date_formats["date"] = "long"
    app.add_template_filter(date_long)
    app.add_template_filter(date_at)
    app.add_template_filter(number)
    app.add_template_filter(kroner)
    app.add_template_filter(figure)
