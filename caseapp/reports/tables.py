"""The published tables: counts from ``statistics`` published through ``cellkey``.

Everything that leaves a worker's own caseload (page, charts, PDF, CSV, XLSX, the ``report``
command) is built from ``Report.tables`` and ``Report.funnel`` and only ever reads published
text: a count 1–4 shows as "<5", every other count carries its cell's consistent change
(``caseapp.reports.cellkey``). A figure that appears in more than one table (followed in all,
per track, per unit; started) counts the same cases there, so it is the same figure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from caseapp.cases.models import LABELS, Programme, tracks_for
from caseapp.outcomes.models import CHECKPOINT_MONTHS, OUTCOME_LABELS
from caseapp.reports import ot
from caseapp.reports import statistics as stats
from caseapp.reports.cellkey import PRIMARY, SECONDARY, THRESHOLD, PerturbedTable, Tally, \
    publish

NO_OUTCOME = "none"
ALL_CASES = _l("All cases")  # the median over every track (a median is no sum)


@dataclass
class Published:
    key: str
    title: object
    rows: list[object]  # row labels
    columns: list[object]  # column labels
    table: PerturbedTable
    note: object = ""

    def text(self, r: int, c: int) -> str:
        """What may be shown for a cell; ``r == len(rows)`` / ``c == len(columns)`` are totals."""
        return self.table.cell(r, c)

    def grid(self) -> list[list[str]]:
        """Every row with its total, then the total row: all as published text."""
        return [[self.text(r, c) for c in range(len(self.columns) + 1)]
                for r in range(len(self.rows) + 1)]

    @property
    def suppressed(self) -> bool:
        return bool(self.table.hidden)


@dataclass
class Report:
    filters: stats.Filters
    units: list  # Unit objects in scope, for the cover
    generated_at: datetime
    tables: dict[str, Published]
    medians: list[tuple[object, str]]  # (track label, median days or a suppression mark)
    funnel: list[tuple[object, str]]  # (stage label, published count or mark), each on its own
    shares: list[tuple[int, str]]  # (months, share in work or education as "NN %" or a mark)
    costs: list = field(default_factory=list)  # services.CostLine per programme
    comparison: dict = field(default_factory=dict)  # {"label", "per_person_month"}
    exact: bool = False  # unperturbed: only the privacy officer's view

    def key_figures(self) -> list[tuple[object, str]]:
        followed, started = self.tables["followed"], self.tables["started"]
        rows, cols = len(followed.rows), len(followed.columns)
        return [(_l("Started in the period"), started.text(len(started.rows), len(started.columns))),
                (_l("Followed in the period"), followed.text(rows, cols)),
                (_l("Active at the end of the period"), followed.text(rows, 0)),
                (_l("Closed in the period"), followed.text(rows, 1))]


def tracks_in_scope(f: stats.Filters) -> list[stats.Track]:
    programmes = [f.programme] if f.programme else [p.value for p in Programme]
    return [(p, t) for p in programmes for t in tracks_for(p) if not f.track or t == f.track]


def track_label(track: stats.Track) -> str:
    programme, code = track
    return f"{LABELS.get(programme, programme)} – {LABELS.get(code, code)}"


FUNNEL_LABELS = {
    "started": _l("Started in the period"),
    "plan": _l("Has a follow-up plan"),
    "outcome": _l("Has an outcome"),
    "stays": _l("In work or education 12 months after closing"),
}


def build(counts: stats.Counts, f: stats.Filters, units: list, generated_at: datetime,
          exact: bool = False) -> Report:
    """The published report; ``exact`` leaves the counts unchanged (privacy officer only)."""
    tracks = tracks_in_scope(f)

    def table(cells: list[list[Tally]]) -> PerturbedTable:
        return PerturbedTable(cells, exact)

    tables = {**_period_tables(counts, tracks, units, table),
              **_outcome_tables(counts, tracks, table),
              "checkpoints": _checkpoint_table(counts, table),
              **_ot_tables(counts, units, table)}
    return Report(f, units, generated_at, tables, _medians(counts, tracks),
                  _funnel(counts, exact), _shares(tables["checkpoints"]), exact=exact)


def _followed(counts: stats.Counts, track=None, unit=None, status=None) -> Tally:
    """The cases followed in the period, of ``track``, ``unit`` and ``status`` (None: all)."""
    return sum((n for (t, u, s), n in counts.followed.items()
                if (track is None or t == track) and (unit is None or u == unit)
                and (status is None or s == status)), Tally())


def _period_tables(counts: stats.Counts, tracks: list, units: list,
                   table) -> dict[str, Published]:
    """Followed in the period by track and by unit (active at the end, closed); started."""
    status_columns = [_l("Active at the end"), _l("Closed in the period")]
    track_labels = [track_label(t) for t in tracks]

    def by_status(**where) -> list[Tally]:
        return [_followed(counts, status=stats.ACTIVE, **where),
                _followed(counts, status=stats.CLOSED, **where)]

    return {
        "followed": Published(
            "followed", _l("Followed in the period, by track"), track_labels, status_columns,
            table([by_status(track=t) for t in tracks])),
        "units": Published(
            "units", _l("Followed in the period, by unit"), [u.display_name for u in units],
            status_columns, table([by_status(unit=u.id) for u in units])),
        "started": Published(
            "started", _l("Started in the period, by minority-language background"),
            track_labels, [_l("Minority-language background"), _l("Other")],
            table([[counts.started[(t, True)], counts.started[(t, False)]] for t in tracks])),
    }


def _outcome_tables(counts: stats.Counts, tracks: list, table) -> dict[str, Published]:
    """First and latest outcome by track; the codes no case has are left out, and a last row
    counts the cases followed without an outcome."""
    codes = [c for c in OUTCOME_LABELS if any(
        counts.first_outcome[(t, c)].n or counts.latest_outcome[(t, c)].n for t in tracks)]
    rows = [OUTCOME_LABELS[c] for c in codes] + [_l("No outcome yet")]
    track_labels = [track_label(t) for t in tracks]

    def cells(counter) -> list[list[Tally]]:
        known = [[counter[(t, c)] for t in tracks] for c in codes]
        return known + [[_followed(counts, t) - sum((counter[(t, c)] for c in codes), Tally())
                         for t in tracks]]

    return {
        "first_outcome": Published("first_outcome", _l("First outcome, by track"), rows,
                                   track_labels, table(cells(counts.first_outcome))),
        "latest_outcome": Published("latest_outcome", _l("Latest outcome, by track"), rows,
                                    track_labels, table(cells(counts.latest_outcome))),
    }


def _checkpoint_table(counts: stats.Counts, table) -> Published:
    return Published(
        "checkpoints", _l("In work or education at the checkpoints after closing"),
        [_l("%(months)s months", months=m) for m in CHECKPOINT_MONTHS],
        [_l("In work or education"), _l("Not in work or education"), _l("Not answered yet")],
        table([[counts.checkpoints[(m, a)] for a in (stats.YES, stats.NO, stats.OPEN)]
               for m in CHECKPOINT_MONTHS]))


def _ot_tables(counts: stats.Counts, units: list, table) -> dict[str, Published]:
    """The cases followed in the period by OT status at its last day, per unit and per county
    (every county, so a county's row says nothing by being there)."""
    def cell(code, unit=None, county=None) -> Tally:
        return sum((n for (c, u, k), n in counts.ot.items() if c == code
                    and (unit is None or u == unit) and (county is None or k == county)),
                   Tally())

    codes = list(ot.PRODUCED)
    counties = list(ot.COUNTIES) + [ot.UNKNOWN_COUNTY]
    columns = [ot.OUTSIDE_SHORT if c == ot.OUTSIDE else c for c in codes]
    return {
        "ot_units": Published(
            "ot_units", _l("OT status at the end of the period, by unit"),
            [u.display_name for u in units], columns,
            table([[cell(code, unit=u.id) for code in codes] for u in units])),
        "ot_counties": Published(
            "ot_counties", _l("OT status at the end of the period, by home county"),
            [ot.COUNTIES.get(k) or _l("Home county not recorded") for k in counties], columns,
            table([[cell(code, county=k) for code in codes] for k in counties])),
    }


def _medians(counts: stats.Counts, tracks: list[stats.Track]) -> list[tuple[object, str]]:
    """Median days from start to first outcome, per track and in all; only from 5 cases up."""
    result, everything = [], stats.Counter()
    for track in tracks:
        histogram = counts.days_to_first.get(track, stats.Counter())
        everything.update(histogram)
        result.append((track_label(track), _median_text(histogram)))
    result.append((ALL_CASES, _median_text(everything)))
    return result


def _median_text(histogram) -> str:
    n = sum(histogram.values())
    if n == 0:
        return "–"
    if n < THRESHOLD:
        return PRIMARY
    return f"{stats.median(histogram):g}"


def _funnel(counts: stats.Counts, exact: bool) -> list[tuple[object, str]]:
    """Cases started in the period, and of them: how many have a plan, an outcome, and were in
    work or education 12 months after closing — each stage its own count (not nested: an
    outcome without a plan still counts as an outcome), each its own published cell."""
    def stage(index: int | None) -> Tally:
        return sum((tally for flags, tally in counts.funnel.items()
                    if index is None or flags[index]), Tally())

    stages = {"started": stage(None), "plan": stage(0), "outcome": stage(1), "stays": stage(2)}
    return [(FUNNEL_LABELS[name], publish(stages[name], exact)) for name in stats.FUNNEL]


def _shares(table: Published) -> list[tuple[int, str]]:
    """Share in work or education of the answered checkpoints, from the two published counts
    (so from the changed figures), when both are shown."""
    result = []
    for r, months in enumerate(CHECKPOINT_MONTHS):
        yes, no = table.text(r, 0), table.text(r, 1)
        if PRIMARY in (yes, no):  # (0 answered is "<5" too)
            result.append((months, SECONDARY))
        elif int(yes) + int(no) == 0:  # only in the exact view, where 0 is shown
            result.append((months, "–"))
        else:
            result.append((months, f"{round(100 * int(yes) / (int(yes) + int(no)))} %"))
    return result
