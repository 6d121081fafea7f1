"""Dates, numbers and money in Norwegian (and English) format, as the templates show them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import render_template_string

from caseapp.formatting import date_long, figure, kroner, number

NBSP = "\N{NO-BREAK SPACE}"


def plain(text: str) -> str:
    """Babel groups digits with (narrow) no-break spaces; compare with ordinary spaces."""
    return text.replace(NBSP, " ").replace("\N{NARROW NO-BREAK SPACE}", " ")


@pytest.fixture
def nb(app):
    with app.test_request_context("/"):
        yield


def test_norwegian_formats(nb):
    assert date_long(date(2026, 3, 5)) == "5. mars 2026"
    assert date_long(datetime(2026, 3, 5, 23, 0)) == "5. mars 2026"
    assert plain(number(12345.6)) == "12 345,6"
    assert plain(number(Decimal("9.9"), decimals=1)) == "9,9"
    assert plain(number(973)) == "973"
    assert plain(kroner(3500)) == "kr 3 500"
    assert plain(kroner(850000)) == "kr 850 000"
    assert date_long(None) == number(None) == kroner(None) == ""


def test_filters_and_default_date_format_in_templates(nb):
    html = render_template_string(
        "{{ d|date_long }} · {{ format_date(d) }} · {{ n|number }} · {{ k|kroner }}",
        d=date(2026, 3, 5), n=12345.6, k=20975)
    assert plain(html) == "5. mars 2026 · 5. mars 2026 · 12 345,6 · kr 20 975"


def test_english_formats(app):
    with app.test_request_context("/"):
        from flask import session

        session["language"] = "en"
        assert date_long(date(2026, 3, 5)) == "March 5, 2026"
        assert plain(number(12345.6)) == "12,345.6"
        assert plain(kroner(3500)) == "NOK 3,500"
        assert plain(figure("45.5 %")) == "45.5%" and plain(figure("12345")) == "12,345"


def test_published_figures_keep_their_suppression_marks(nb):
    assert plain(figure("12345")) == "12 345"
    assert plain(figure("45 %")) == "45 %"
    assert plain(figure("45.5 %")) == "45,5 %"
    assert plain(figure("45.5")) == "45,5"  # a median in days
    assert plain(figure(1234)) == "1 234"
    for mark in ("<5", ":", "–", ""):
        assert figure(mark) == mark
    assert figure(None) == ""
    html = render_template_string("{{ a|figure }} · {{ b|figure }}", a="<5", b="1200")
    assert plain(html) == "&lt;5 · 1 200"
