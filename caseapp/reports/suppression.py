"""Small-count suppression for tables with row and column totals (as Statistics Norway does).

Counts 1–4 are *primary* suppressions, shown as "<5". Then *secondary* suppressions (shown as
":") are added — other cells, and if need be totals — until no hidden entry can be worked out
from what is published. "Worked out" is checked exactly: for every hidden entry a linear
programme finds the smallest and largest value consistent with the published entries, the row
and column sums, and the public bounds (a "<5" cell lies in 1..4, any other hidden entry in
0 or more). The table constraints are totally unimodular, so the bounds are attained by
whole numbers: a hidden entry is safe when its minimum and maximum differ.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Iterable

import numpy as np
from scipy.optimize import linprog

THRESHOLD = 5
PRIMARY = "<5"
SECONDARY = ":"

Entry = tuple[int, int]  # (row, col); row == R means the column-total row, col == C the row-total column


@dataclass
class SuppressedTable:
    """A table ready to publish: ``cell(r, c)`` gives the text to show."""

    counts: list[list[int]]
    primary: set[Entry] = field(default_factory=set)
    secondary: set[Entry] = field(default_factory=set)
    # Too small to publish at all: every entry is hidden and still some could be worked out.
    withheld: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.counts), len(self.counts[0]) if self.counts else 0

    def value(self, entry: Entry) -> int:
        rows, cols = self.shape
        r, c = entry
        if r < rows and c < cols:
            return self.counts[r][c]
        if r < rows:
            return sum(self.counts[r])
        if c < cols:
            return sum(row[c] for row in self.counts)
        return sum(map(sum, self.counts))

    def cell(self, r: int, c: int) -> str:
        """Text for a cell; ``r == rows`` / ``c == cols`` address the totals."""
        if self.withheld:
            return SECONDARY
        if (r, c) in self.primary:
            return PRIMARY
        if (r, c) in self.secondary:
            return SECONDARY
        return str(self.value((r, c)))

    @property
    def hidden(self) -> set[Entry]:
        return self.primary | self.secondary


def _entries(rows: int, cols: int) -> list[Entry]:
    return [(r, c) for r in range(rows + 1) for c in range(cols + 1)]


def _equations(rows: int, cols: int) -> list[list[Entry]]:
    """Each list sums to zero when its last element is subtracted: line cells = line total."""
    lines = [[(r, c) for c in range(cols)] + [(r, cols)] for r in range(rows + 1)]
    lines += [[(r, c) for r in range(rows)] + [(rows, c)] for c in range(cols + 1)]
    return lines


def _system(table: SuppressedTable):
    """The outsider's view as a linear system over the hidden entries: the row and column
    sums with the published values moved to the right-hand side, and the public bounds."""
    rows, cols = table.shape
    hidden = sorted(table.hidden)
    index = {entry: i for i, entry in enumerate(hidden)}
    a_eq, b_eq = [], []
    for line in _equations(rows, cols):
        *members, total = line
        coefficients = np.zeros(len(hidden))
        constant = 0.0
        for entry, sign in [(m, 1.0) for m in members] + [(total, -1.0)]:
            if entry in index:
                coefficients[index[entry]] += sign
            else:
                constant -= sign * table.value(entry)
        if coefficients.any():
            a_eq.append(coefficients)
            b_eq.append(constant)
    bounds = [(1, THRESHOLD - 1) if e in table.primary else (0, None) for e in hidden]
    return hidden, index, dict(A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds,
                               method="highs")


def feasible_ranges(table: SuppressedTable, only: Iterable[Entry] | None = None,
                    ) -> dict[Entry, tuple[float, float]]:
    """For every hidden entry (or those in ``only``): the smallest and largest value an
    outsider could infer."""
    hidden, index, system = _system(table)
    if not hidden:
        return {}
    wanted = set(hidden if only is None else only)
    ranges = {}
    for entry, i in index.items():
        if entry not in wanted:
            continue
        objective = np.zeros(len(hidden))
        objective[i] = 1.0
        low = _solve(objective, system)
        high = _solve(-objective, system)
        top = float("inf") if high.status == UNBOUNDED else round(-high.fun, 6)
        ranges[entry] = (round(low.fun, 6), top)
    return ranges


UNBOUNDED = 3  # linprog's status for an unbounded problem (0: optimal)


def _solve(objective, system):
    """``linprog`` to a verdict: optimal or unbounded. HiGHS's presolve sometimes ends an
    unbounded problem with "model status unknown" (status 4, no value); solved again without
    presolve it says which. A problem still without a verdict is an error, never a guess."""
    result = linprog(objective, **system)
    if result.status not in (0, UNBOUNDED):
        result = linprog(objective, **system, options={"presolve": False})
    if result.status not in (0, UNBOUNDED):
        raise RuntimeError(f"suppression check: the solver gave no verdict ({result.message})")
    return result


def _determined(table: SuppressedTable, pending: set[Entry]) -> list[Entry]:
    """The entries of ``pending`` an outsider could work out exactly. Two LPs over all of them
    first (pushing every one down, then up): an entry that moves away from its true value
    there has at least two possible values, since the true table is possible too. Only the
    rest get their own exact minimum and maximum."""
    if not pending:
        return []
    hidden, index, system = _system(table)
    open_entries = set(pending)
    for sign in (1.0, -1.0):
        objective = np.zeros(len(hidden))
        for entry in open_entries:
            objective[index[entry]] = sign
        result = linprog(objective, **system)
        if result.status == 0:
            open_entries = {e for e in open_entries
                            if abs(result.x[index[e]] - table.value(e)) < 0.5}
        if not open_entries:
            return []
    return [e for e, (low, high) in sorted(feasible_ranges(table, open_entries).items())
            if high - low < 0.5]


def _line_mates(entry: Entry, rows: int, cols: int) -> list[Entry]:
    r, c = entry
    return [(r, k) for k in range(cols + 1) if k != c] + [(k, c) for k in range(rows + 1) if k != r]


def suppress(counts: list[list[int]], forced: Iterable[Entry] = ()) -> SuppressedTable:
    """Suppress ``counts`` (a list of equal-length rows of non-negative whole numbers).

    ``forced`` entries are hidden from the start: a total that another published table hides
    (the same figure must be hidden everywhere it appears; see ``suppress_linked``)."""
    if any(len(row) != len(counts[0]) for row in counts):
        raise ValueError("rows of unequal length")
    table = SuppressedTable([list(map(int, row)) for row in counts])
    rows, cols = table.shape
    table.primary = {e for e in _entries(rows, cols) if 0 < table.value(e) < THRESHOLD}
    table.secondary = set(forced) - table.primary
    # Hiding one more entry only widens the others' ranges, so an entry once found safe stays
    # safe: each round checks only the entries that were determined and the one just hidden.
    pending = set(table.hidden)
    while True:
        determined = _determined(table, pending)
        if not determined:
            return table
        # One partner per determined entry in this round, unless a partner just chosen
        # already shares its row or column (fewer rounds; each round is checked again).
        chosen: set[Entry] = set()
        for target in determined:
            if any(e[0] == target[0] or e[1] == target[1] for e in chosen):
                continue
            partner = _partner(table, target)
            if partner is None:  # all hidden and the bounds still give a value away
                table.withheld = True
                return table
            table.secondary.add(partner)
            chosen.add(partner)
        pending = set(determined) | chosen


def _partner(table: SuppressedTable, target: Entry) -> Entry | None:
    """The published entry to hide next to ``target``: the smallest cell in its row or column,
    else one closing a rectangle of hidden cells, else a total, else anything published."""
    rows, cols = table.shape

    def useful(e: Entry) -> bool:  # a cell in a line that sums to 0 is 0 whatever is hidden
        return e not in table.hidden and not (
            e[0] < rows and e[1] < cols and 0 in (table.value((e[0], cols)),
                                                  table.value((rows, e[1]))))

    mates = [e for e in _line_mates(target, rows, cols) if useful(e)]
    candidates = [e for e in mates if e[0] < rows and e[1] < cols]
    if not candidates:  # close a rectangle of hidden cells rather than hide a total
        hidden_rows = {r for r, c in table.hidden if r < rows and c < cols}
        hidden_cols = {c for r, c in table.hidden if r < rows and c < cols}
        candidates = [(r, c) for r in sorted(hidden_rows) for c in sorted(hidden_cols)
                      if useful((r, c))] or mates
    if not candidates:  # everything around it is hidden already: hide nothing less
        candidates = [e for e in _entries(rows, cols) if e not in table.hidden]
    if not candidates:
        return None
    return min(candidates, key=lambda e: (e[0] == rows or e[1] == cols, table.value(e) == 0,
                                          table.value(e), e))


def suppress_linked(tables: dict[str, list[list[int]]],
                    links: list[dict[str, Entry]]) -> dict[str, SuppressedTable]:
    """Suppress several tables that publish some of the same figures.

    Each link names one figure (such as "followed, health track") and where it stands in each
    table that shows it. A figure hidden in one table is hidden in all of them, and each
    table's secondary suppression runs again until nothing changes, so no table gives away
    what another one hides."""
    forced: dict[str, set[Entry]] = {name: set() for name in tables}
    while True:
        result = {name: suppress(counts, forced[name]) for name, counts in tables.items()}
        changed = False
        for link in links:
            hidden = any(entry in result[name].hidden or result[name].withheld
                         for name, entry in link.items())
            for name, entry in link.items():
                if hidden and entry not in result[name].hidden and entry not in forced[name]:
                    forced[name].add(entry)
                    changed = True
        if not changed:
            return result
