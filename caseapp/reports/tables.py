"""The published tables: counts from ``statistics`` suppressed with ``suppression``.

Everything that leaves a worker's own caseload (page, charts, PDF, CSV, XLSX) is built from
``Report.tables`` and only ever reads ``Published.text``: a count 1–4 shows as "<5", a
secondary suppression as ":". Figures that appear in more than one table (the number followed
per track, in all, per status; the number started) are linked, so a figure hidden in one table
is hidden in all of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from caseapp.cases.models import LABELS, Programme, tracks_for
from caseapp.outcomes.models import CHECKPOINT_MONTHS, OUTCOME_LABELS
from caseapp.reports import statistics as stats
from caseapp.reports.suppression import PRIMARY, SECONDARY, THRESHOLD, SuppressedTable, \
    suppress_linked

NO_OUTCOME = "none"
TOTAL = _l("Total")


@dataclass
class Published:
    key: str
    title: object
    rows: list[object]  # row labels
    columns: list[object]  # column labels
    table: SuppressedTable
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
        return bool(self.table.hidden) or self.table.withheld


@dataclass
class Report:
    filters: stats.Filters
    units: list  # Unit objects in scope, for the cover
    generated_at: datetime
    tables: dict[str, Published]
    medians: list[tuple[object, str]]  # (track label, median days or a suppression mark)
    funnel: list[tuple[object, str]]  # (stage label, published count or mark)
    shares: list[tuple[int, str]]  # (months, share in work or education as "NN %" or a mark)
    costs: list = field(default_factory=list)  # services.CostLine per programme
    comparison: dict = field(default_factory=dict)  # {"label", "per_person_month"}

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
    "started": _l("Started"),
    "plan": _l("Has a follow-up plan"),
    "outcome": _l("Has an outcome"),
    "stays": _l("In work or education after 12 months"),
}


def build(counts: stats.Counts, f: stats.Filters, units: list, generated_at: datetime) -> Report:
    tracks = tracks_in_scope(f)
    unit_ids = [u.id for u in units]
    codes = [c for c in OUTCOME_LABELS if any(
        counts.first_outcome[(t, c)] or counts.latest_outcome[(t, c)] for t in tracks)]

    def followed(track=None, unit=None, status=None) -> int:
        return sum(n for (t, u, s), n in counts.followed.items()
                   if (track is None or t == track) and (unit is None or u == unit)
                   and (status is None or s == status))

    def outcome_table(counter) -> list[list[int]]:
        rows = [[counter[(t, c)] for t in tracks] for c in codes]
        return rows + [[followed(t) - sum(counter[(t, c)] for c in codes) for t in tracks]]

    funnel_cells = [counts.funnel[s] for s in stats.FUNNEL]
    raw = {
        "followed": [[followed(t, status=stats.ACTIVE), followed(t, status=stats.CLOSED)]
                     for t in tracks],
        "units": [[followed(unit=u, status=stats.ACTIVE), followed(unit=u, status=stats.CLOSED)]
                  for u in unit_ids],
        "started": [[counts.started[(t, True)], counts.started[(t, False)]] for t in tracks],
        "first_outcome": outcome_table(counts.first_outcome),
        "latest_outcome": outcome_table(counts.latest_outcome),
        "checkpoints": [[counts.checkpoints[(m, a)] for a in (stats.YES, stats.NO, stats.OPEN)]
                        for m in CHECKPOINT_MONTHS],
        "funnel": [funnel_cells],
    }
    n_tracks, n_codes, n_units = len(tracks), len(codes) + 1, len(unit_ids)
    links = [{"followed": (i, 2), "first_outcome": (n_codes, i), "latest_outcome": (n_codes, i)}
             for i in range(n_tracks)]
    links.append({"followed": (n_tracks, 2), "first_outcome": (n_codes, n_tracks),
                  "latest_outcome": (n_codes, n_tracks), "units": (n_units, 2)})
    links += [{"followed": (n_tracks, s), "units": (n_units, s)} for s in (0, 1)]
    links.append({"started": (n_tracks, 2), "funnel": (1, 4)})
    # "No outcome yet" is the same row in the first- and the latest-outcome table
    links += [{"first_outcome": (n_codes - 1, i), "latest_outcome": (n_codes - 1, i)}
              for i in range(n_tracks + 1)]
    suppressed = suppress_linked(raw, links)

    status_columns = [_l("Active at the end"), _l("Closed in the period")]
    outcome_rows = [OUTCOME_LABELS[c] for c in codes] + [_l("No outcome yet")]
    track_labels = [track_label(t) for t in tracks]
    tables = {
        "followed": Published("followed", _l("Followed in the period, by track"), track_labels,
                              status_columns, suppressed["followed"]),
        "units": Published("units", _l("Followed in the period, by unit"),
                           [u.display_name for u in units], status_columns, suppressed["units"]),
        "started": Published("started", _l("Started in the period, by minority-language background"),
                             track_labels, [_l("Minority-language background"), _l("Other")],
                             suppressed["started"]),
        "first_outcome": Published("first_outcome", _l("First outcome, by track"), outcome_rows,
                                   track_labels, suppressed["first_outcome"]),
        "latest_outcome": Published("latest_outcome", _l("Latest outcome, by track"),
                                    outcome_rows, track_labels, suppressed["latest_outcome"]),
        "checkpoints": Published(
            "checkpoints", _l("In work or education at the checkpoints after closing"),
            [_l("%(months)s months", months=m) for m in CHECKPOINT_MONTHS],
            [_l("In work or education"), _l("Not in work or education"), _l("Not answered yet")],
            suppressed["checkpoints"]),
        "funnel": Published("funnel", _l("Cases started in the period, by the furthest stage"),
                            [_l("Cases")], [_l("No plan"), _l("Plan, no outcome"),
                                            _l("Outcome, not (yet) in work or education after "
                                               "12 months"),
                                            FUNNEL_LABELS["stays"]], suppressed["funnel"]),
    }
    return Report(f, units, generated_at, tables, _medians(counts, tracks),
                  _funnel(tables["funnel"]), _shares(tables["checkpoints"]))


def _medians(counts: stats.Counts, tracks: list[stats.Track]) -> list[tuple[object, str]]:
    """Median days from start to first outcome, per track and in all; only from 5 cases up."""
    result, everything = [], stats.Counter()
    for track in tracks:
        histogram = counts.days_to_first.get(track, stats.Counter())
        everything.update(histogram)
        result.append((track_label(track), _median_text(histogram)))
    result.append((TOTAL, _median_text(everything)))
    return result


def _median_text(histogram) -> str:
    n = sum(histogram.values())
    if n == 0:
        return "–"
    if n < THRESHOLD:
        return PRIMARY
    return f"{stats.median(histogram):g}"


def _funnel(table: Published) -> list[tuple[object, str]]:
    """Each stage counts the cases that reached it: a sum of the table's cells from that stage
    on, shown only when every one of those cells is published (else it would give them away)."""
    cells, result = len(table.columns), []
    for stage_index, stage in enumerate(stats.FUNNEL):
        if stage_index == 0:
            text = table.text(1, cells)
        else:
            parts = [table.text(0, c) for c in range(stage_index, cells)]
            shown = all(p not in (PRIMARY, SECONDARY) for p in parts)
            text = str(sum(int(p) for p in parts)) if shown else SECONDARY
            if shown and 0 < int(text) < THRESHOLD:
                text = PRIMARY
        result.append((FUNNEL_LABELS[stage], text))
    return result


def _shares(table: Published) -> list[tuple[int, str]]:
    """Share in work or education of the answered checkpoints, when both counts are published."""
    result = []
    for r, months in enumerate(CHECKPOINT_MONTHS):
        yes, no = table.text(r, 0), table.text(r, 1)
        if yes in (PRIMARY, SECONDARY) or no in (PRIMARY, SECONDARY):
            result.append((months, SECONDARY))
        elif int(yes) + int(no) == 0:
            result.append((months, "–"))
        else:
            result.append((months, f"{round(100 * int(yes) / (int(yes) + int(no)))} %"))
    return result
