"""Two bar charts, drawn from *published* figures only: as accessible SVG for the page and as a
reportlab drawing for the PDF. A hidden figure gets no bar, only its mark ("<5"), so a chart
can never show a small count that its table hides.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from caseapp.formatting import figure
from caseapp.reports.tables import Report

WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP = 720, 350, 22, 8
NARROW_WIDTH = 328  # the phone drawing: 360 px less the page's margins, so text stays 1:1
LABEL_CHARS = 46  # longer labels are cut (the full label is in the table alternative)


@dataclass
class Bar:
    label: str
    text: str  # as published

    @property
    def value(self) -> int | None:
        return int(self.text) if self.text.isdigit() else None


@dataclass
class Chart:
    key: str
    title: str
    description: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return len(self.bars) * (BAR_HEIGHT + GAP) + GAP

    def length(self, bar: Bar) -> float:
        top = max([b.value or 0 for b in self.bars] + [1])
        return (WIDTH - LABEL_WIDTH - 60) * (bar.value or 0) / top


def charts(report: Report) -> list[Chart]:
    outcomes = report.tables["first_outcome"]
    total_col = len(outcomes.columns)
    bars = [Bar(str(label), outcomes.text(r, total_col)) for r, label in enumerate(outcomes.rows)]
    funnel = [Bar(str(label), text) for label, text in report.funnel]
    return [
        Chart("outcomes", str(_l("Outcome distribution (first outcome)")),
              str(_l("Cases followed in the period by their first outcome, all tracks together. "
                     "Counts under 5 are shown as <5 without a bar.")), bars),
        Chart("funnel", str(_l("From start to lasting work or education")),
              str(_l("Cases started in the period: how many have a follow-up plan, how many an "
                     "outcome, how many were in work or education 12 months after closing — "
                     "each counted on its own.")), funnel),
    ]


def svg(chart: Chart) -> Markup:
    """The chart as inline SVG with a title and a description (role="img"); the figures in the
    user's number format. Two drawings: labels beside the bars on a wide screen, and above the
    bars on a phone, where the wide one would shrink its text to half size; CSS shows one."""
    return Markup(_wide(chart) + _narrow(chart))


def _open(chart: Chart, width: int, height: float, key: str, css: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart {css}" '
            f'viewBox="0 0 {width} {height:g}" width="100%" '
            f'aria-labelledby="{key}-title {key}-desc">',
            f'<title id="{key}-title">{escape(chart.title)}</title>',
            f'<desc id="{key}-desc">{escape(chart.description)}</desc>']


def _narrow(chart: Chart) -> str:
    """Label on its own line, the bar under it: readable at 360 px (drawn 1:1 there)."""
    width, row = NARROW_WIDTH, BAR_HEIGHT + 22 + GAP
    parts = _open(chart, width, len(chart.bars) * row + GAP, f"chart-{chart.key}-narrow",
                  "chart-narrow")
    top = max([b.value or 0 for b in chart.bars] + [1])
    for i, bar in enumerate(chart.bars):
        y = GAP + i * row
        parts.append(f'<text x="0" y="{y + 14}" font-size="14">{escape(bar.label[:LABEL_CHARS])}</text>')
        length = (width - 60) * (bar.value or 0) / top
        if bar.value:
            parts.append(f'<rect x="0" y="{y + 20}" width="{length:.1f}" height="{BAR_HEIGHT - 4}" '
                         f'fill="#005b7f"/>')
        parts.append(f'<text x="{length + 6:.1f}" y="{y + 20 + BAR_HEIGHT / 2 + 3}" '
                     f'font-size="14">{escape(figure(bar.text))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _wide(chart: Chart) -> str:
    parts = _open(chart, WIDTH, chart.height, f"chart-{chart.key}", "chart-wide")
    for i, bar in enumerate(chart.bars):
        y = GAP + i * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" '
                     f'font-size="13">{escape(bar.label[:LABEL_CHARS])}</text>')
        length = chart.length(bar)
        if bar.value:
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
                         f'height="{BAR_HEIGHT}" fill="#005b7f"/>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{middle}" '
                     f'font-size="13">{escape(figure(bar.text))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def drawing(chart: Chart):
    """The chart as a reportlab ``Drawing`` for the PDF (same bars, same marks)."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    scale = 0.7
    d = Drawing(WIDTH * scale, chart.height * scale)
    for i, bar in enumerate(chart.bars):
        y = (chart.height - GAP - (i + 1) * (BAR_HEIGHT + GAP) + GAP) * scale
        d.add(String((LABEL_WIDTH - 8) * scale, y + 5, bar.label[:LABEL_CHARS], fontSize=8,
                     textAnchor="end"))
        length = chart.length(bar) * scale
        if bar.value:
            d.add(Rect(LABEL_WIDTH * scale, y, length, BAR_HEIGHT * scale,
                       fillColor=colors.HexColor("#005b7f"), strokeColor=None))
        d.add(String(LABEL_WIDTH * scale + length + 4, y + 5, bar.text, fontSize=8))
    return d
