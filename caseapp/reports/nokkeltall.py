"""The "Nøkkeltall" report as PDF (reportlab), CSV and XLSX: the same published tables.

Every figure comes from ``Report`` as published text (suppressed); CSV and XLSX cells go
through ``caseapp.reports.cells.safe_cell``.
"""
from __future__ import annotations

import csv
import io
from typing import NamedTuple
from xml.sax.saxutils import escape

from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)

from caseapp.cases.models import LABELS
from caseapp.reports import ot
from caseapp.reports.cells import csv_cell, safe_cell
from caseapp.reports.charts import charts, drawing
from caseapp.reports.cellkey import MAX_NOISE, PRIMARY, SECONDARY, THRESHOLD
from caseapp.reports.tables import Published, Report

MEDIA_TYPES = {"pdf": "application/pdf", "csv": "text/csv",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def suppression_note(report: Report | None = None) -> str:
    """How the figures are protected, and what that does to their precision."""
    if report is not None and report.exact:
        return _("Exact figures (privacy officer): not changed by the statistics protection. "
                 "Counts from 1 to %(limit)d are still shown as %(primary)s. Not for "
                 "publication.", limit=THRESHOLD - 1, primary=PRIMARY)
    return _("Counts from 0 to %(limit)d are shown as %(primary)s. So that comparing reports "
             "cannot reveal them, every other count is changed at random by at most "
             "%(noise)d up or down (never below %(threshold)d); the same group of cases always "
             "gets the same change. A total may therefore differ a little from the sum of its "
             "rows. A share is shown as %(secondary)s when one of its counts is %(primary)s. "
             "Figures are counted per follow-up course (case).",
             limit=THRESHOLD - 1, primary=PRIMARY, noise=MAX_NOISE, threshold=THRESHOLD,
             secondary=SECONDARY)


def period_text(report: Report) -> str:
    f = report.filters
    return _("%(start)s to %(end)s", start=format_date(f.date_from, "long"),
             end=format_date(f.date_to, "long"))


def filter_texts(report: Report) -> list[str]:
    f = report.filters
    texts = []
    if f.programme:
        texts.append(_("Programme: %(name)s", name=LABELS.get(f.programme, f.programme)))
    if f.track:
        texts.append(_("Track: %(name)s", name=LABELS.get(f.track, f.track)))
    if f.minority is not None:
        texts.append(_("Minority-language background only") if f.minority
                     else _("Without minority-language background only"))
    return texts


class CostRow(NamedTuple):
    """One line of the cost table as numbers (the comparison line has only the last)."""
    label: str
    annual_cost: float | None
    persons_per_year: float | None
    per_person_month: float


def cost_lines(report: Report) -> list[CostRow]:
    """The cost table's lines as numbers, for the page to format (kroner, number)."""
    rows = [CostRow(str(LABELS.get(c.programme, c.programme)), c.annual_cost,
                    c.persons_per_year, c.per_person_month) for c in report.costs]
    if report.comparison:
        rows.append(CostRow(str(report.comparison.get("label", "")), None, None,
                            report.comparison["per_person_month"]))
    return rows


def cost_rows(report: Report) -> list[list[str]]:
    """The cost table's lines as text for the files (whole numbers, the header says NOK)."""
    def whole(value):
        return "" if value is None else format_decimal(value, "#,##0")

    return [[line.label, whole(line.annual_cost), whole(line.persons_per_year),
             whole(line.per_person_month)] for line in cost_lines(report)]


def cost_header() -> list[str]:
    return [_("Programme"), _("Cost per worker per year (NOK)"),
            _("People followed per worker per year"), _("Cost per person-month (NOK)")]


def _table_rows(table: Published) -> list[list[str]]:
    header = [""] + [str(c) for c in table.columns] + [str(_("Total"))]
    grid = table.grid()
    body = [[str(label)] + grid[r] for r, label in enumerate(table.rows)]
    return [header] + body + [[str(_("Total"))] + grid[len(table.rows)]]


def _extra_rows(report: Report) -> list[tuple[str, list[list[str]]]]:
    """The derived figures (medians, shares, funnel, key figures, costs) as small tables."""
    return [
        (_("Key figures"), [[str(label), value] for label, value in report.key_figures()]),
        (_("From start to lasting work or education"),
         [[str(label), value] for label, value in report.funnel]),
        (_("Share in work or education at the checkpoints"),
         [[_("%(months)s months", months=m), value] for m, value in report.shares]),
        (_("Median days from start to first outcome"),
         [[str(label), value] for label, value in report.medians]),
        (_("OT status codes (Udir)"), [[code, meaning] for code, meaning in ot.legend()]),
        (_("Costs"), [cost_header()] + cost_rows(report)),
    ]


def render(report: Report, kind: str, organisation: str) -> bytes:
    """The report as ``kind`` (pdf, csv or xlsx)."""
    if kind == "pdf":
        return to_pdf(report, organisation)
    return to_csv(report) if kind == "csv" else to_xlsx(report)


# --- CSV ---------------------------------------------------------------------------------------

def to_csv(report: Report) -> bytes:
    """All tables one after another (title line, header, rows, blank line), semicolon-separated
    as Norwegian spreadsheets expect, UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")

    def write(row):
        writer.writerow([csv_cell(v) for v in row])

    write([_("Nøkkeltall"), period_text(report)])
    write([_("Units"), "; ".join(u.display_name for u in report.units)])
    write([_("Generated"), format_datetime(report.generated_at, "short")])
    write([suppression_note(report)])
    writer.writerow([])
    for title, rows in _extra_rows(report):
        write([title])
        for row in rows:
            write(row)
        writer.writerow([])
    for table in report.tables.values():
        write([str(table.title)])
        for row in _table_rows(table):
            write(row)
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------------

def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    bold = Font(bold=True)

    def put(ws, row):
        ws.append([_number_or_text(v) for v in row])

    put(sheet, [_("Nøkkeltall"), period_text(report)])
    put(sheet, [_("Units"), "; ".join(u.display_name for u in report.units)])
    put(sheet, [_("Generated"), format_datetime(report.generated_at, "short")])
    put(sheet, [suppression_note(report)])
    for title, rows in _extra_rows(report):
        sheet.append([])
        put(sheet, [title])
        sheet.cell(sheet.max_row, 1).font = bold
        for row in rows:
            put(sheet, row)
    for number, table in enumerate(report.tables.values(), start=1):
        ws = book.create_sheet(sheet_name(number, table))
        put(ws, [str(table.title)])
        ws.cell(1, 1).font = bold
        for row in _table_rows(table):
            put(ws, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHEET_NAMES = {"followed": _l("Followed by track"), "units": _l("Followed by unit"),
               "started": _l("Started by background"), "first_outcome": _l("First outcome"),
               "latest_outcome": _l("Latest outcome"), "checkpoints": _l("Checkpoints"),
               "funnel": _l("Furthest stage")}


def sheet_name(number: int, table: Published) -> str:
    """A worksheet's name in the user's language: "2 Fulgt per enhet" (at most 31 characters,
    none of the characters Excel refuses)."""
    name = f"{number} {SHEET_NAMES.get(table.key, table.title)}"
    return "".join(" " if c in "[]:*?/\\" else c for c in name)[:31]


def _number_or_text(value):
    """Published whole numbers as numbers (so sums work); everything else as safe text."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return safe_cell(value)


# --- PDF ---------------------------------------------------------------------------------------

def to_pdf(report: Report, organisation: str) -> bytes:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)

    def para(text, style="BodyText"):
        return Paragraph(escape(str(text)), styles[style] if isinstance(style, str) else style)

    def grid(rows, header=True):
        cells = [[Paragraph(escape(str(v)), small) for v in row] for row in rows]
        t = Table(cells, repeatRows=1 if header else 0)
        style = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                 ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef2")))
        t.setStyle(TableStyle(style))
        return t

    story = [para(organisation, "Normal"), Spacer(1, 30 * mm), para(_("Nøkkeltall"), "Title"),
             para(period_text(report), "Heading2"), para(_("Units"), "Heading3")]
    story += [para(u.display_name) for u in report.units] or [para("–")]
    story += [para(t) for t in filter_texts(report)]
    story += [Spacer(1, 10 * mm),
              para(_("Generated %(at)s", at=format_datetime(report.generated_at, "long"))),
              para(suppression_note(report)), PageBreak()]
    extras = _extra_rows(report)
    story += [para(extras[0][0], "Heading2"), grid(extras[0][1], header=False), Spacer(1, 6 * mm)]
    for chart in charts(report):
        story += [KeepTogether([para(chart.title, "Heading2"), para(chart.description, small),
                                drawing(chart)]), Spacer(1, 4 * mm)]
    for title, rows in extras[1:]:
        story += [KeepTogether([para(title, "Heading2"), grid(rows, header=title == _("Costs"))]),
                  Spacer(1, 4 * mm)]
    story.append(para(_("Cost figures are calculated from the configured inputs, not from "
                        "the cases."), small))
    for table in report.tables.values():
        story += [Spacer(1, 4 * mm),
                  KeepTogether([para(table.title, "Heading2"), grid(_table_rows(table))])]
    story += [Spacer(1, 6 * mm), para(suppression_note(report), small)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=landscape(A4), title=_("Nøkkeltall"),
                      leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm).build(story)
    return out.getvalue()
