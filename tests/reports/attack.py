"""An intruder who combines every published figure they can request, for the differencing tests.

A figure is (published text, the set of cases it counts). The intruder knows the method and its
stated bound: "<5" is 0 … 4, a number p is a count in max(5, p − 2) … p + 2 ("0", only in the
exact view, is 0). From all
figures together (any sums and differences, as integer linear constraints) they compute the
smallest and largest value each hidden ("<5") figure can have. A hidden figure is *recovered*
when both are the same.

The intruder is given more than a real one has: the groups of cases that really occur (every
combination of attributes that no case has is known to be empty).
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from caseapp.reports.cellkey import MAX_NOISE, PRIMARY, THRESHOLD

Figure = tuple[str, frozenset]


def consistent(figures: list[Figure]) -> dict[frozenset, str]:
    """Every set of cases with the one text it was published as; two texts for the same set
    would be a leak of its own (the difference of two changes reveals the change)."""
    texts: dict[frozenset, set[str]] = defaultdict(set)
    for text, cases in figures:
        texts[cases].add(text)
    inconsistent = {cases: t for cases, t in texts.items() if len(t) > 1}
    assert not inconsistent, f"one group of cases published as {list(inconsistent.values())[:3]}"
    return {cases: next(iter(t)) for cases, t in texts.items()}


def bounds(text: str) -> tuple[int, float]:
    if text == "0":
        return 0, 0
    if text == PRIMARY:
        return 0, THRESHOLD - 1
    value = int(text)
    return max(THRESHOLD, value - MAX_NOISE), value + MAX_NOISE


def recovered(figures: list[Figure]) -> dict[frozenset, int]:
    """The hidden figures whose count the intruder can pin down, with that count."""
    published = consistent(figures)
    sets = list(published)
    cases = sorted(set().union(*sets), key=str) if sets else []
    signature = defaultdict(list)  # atom: the cases that are in exactly the same figures
    for case in cases:
        signature[tuple(case in s for s in sets)].append(case)
    atoms = list(signature)
    if not atoms:
        return {}
    matrix = np.array([[1.0 if atom[i] else 0.0 for atom in atoms] for i in range(len(sets))])
    low, high = zip(*(bounds(published[s]) for s in sets))
    constraint = LinearConstraint(matrix, np.array(low, float), np.array(high, float))
    integral = np.ones(len(atoms))
    found = {}
    for i, s in enumerate(sets):
        if published[s] != PRIMARY or not s:  # that nobody is in no one's group says nothing
            continue
        row = matrix[i]
        smallest = milp(row, constraints=constraint, integrality=integral, bounds=Bounds(0, np.inf))
        largest = milp(-row, constraints=constraint, integrality=integral,
                       bounds=Bounds(0, np.inf))
        assert smallest.success and largest.success, "the truth itself is a solution"
        if round(smallest.fun) == round(-largest.fun):
            found[s] = round(smallest.fun)
    return found


def differences(figures: list[Figure]) -> list[tuple[frozenset, int, int]]:
    """The issue's attack: for every hidden figure, every pair of shown figures whose cases
    differ by exactly its cases; returns (hidden cases, difference, how many values of 0 … 4
    the two shown figures' bounds still allow)."""
    published = consistent(figures)
    shown = {s: t for s, t in published.items() if t not in (PRIMARY, "0")}
    result = []
    for hidden, text in published.items():
        if text != PRIMARY or not hidden:
            continue
        for big, big_text in shown.items():
            if not hidden < big:
                continue
            rest = big - hidden
            if rest not in shown:
                continue
            (b_low, b_high), (r_low, r_high) = bounds(big_text), bounds(shown[rest])
            low, high = max(0, b_low - r_high), min(THRESHOLD - 1, b_high - r_low)
            result.append((hidden, int(big_text) - int(shown[rest]), high - low + 1))
    return result


# --- Which cases each published figure counts (the tests' own reading of docs/statistics.md) --

class Seen:
    """A case as the tests know it: what makes it count in a figure."""

    def __init__(self, case_id, unit_id, track, minority, started_on, ended_on=None,
                 outcome=None, plan=False):
        self.id, self.unit_id, self.track, self.minority = case_id, unit_id, track, minority
        self.started_on, self.ended_on, self.outcome, self.plan = started_on, ended_on, outcome, plan

    def code(self, f):  # the one outcome (code, date) if dated up to ``to``
        return self.outcome[0] if self.outcome and self.outcome[1] <= f.date_to else None


def report_figures(report, seen: list[Seen]) -> list[Figure]:
    """Every count the report publishes, with the set of cases it counts."""
    from caseapp.outcomes.models import OUTCOME_LABELS
    from caseapp.reports.tables import tracks_in_scope

    f = report.filters
    tracks = tracks_in_scope(f)
    scoped = [c for c in seen if c.unit_id in f.unit_ids
              and (f.programme is None or c.track[0] == f.programme)
              and (f.track is None or c.track[1] == f.track)
              and (f.minority is None or c.minority == f.minority)]
    followed = [c for c in scoped if c.started_on <= f.date_to
                and (c.ended_on is None or c.ended_on >= f.date_from)]
    started = [c for c in scoped if f.date_from <= c.started_on <= f.date_to]

    def closed(c):
        return c.ended_on is not None and c.ended_on <= f.date_to

    def pick(cases, *tests):
        return frozenset(c.id for c in cases if all(t(c) for t in tests))

    def any_(_c):
        return True

    code_of = {str(label): code for code, label in OUTCOME_LABELS.items()}
    axes = {
        "followed": (followed, [lambda c, t=t: c.track == t for t in tracks],
                     [lambda c: not closed(c), closed]),
        "units": (followed, [lambda c, u=u.id: c.unit_id == u for u in report.units],
                  [lambda c: not closed(c), closed]),
        "started": (started, [lambda c, t=t: c.track == t for t in tracks],
                    [lambda c: c.minority, lambda c: not c.minority]),
    }
    for key in ("first_outcome", "latest_outcome"):
        rows = [lambda c, code=code_of.get(str(label)): c.code(f) == code
                for label in report.tables[key].rows]
        axes[key] = (followed, rows, [lambda c, t=t: c.track == t for t in tracks])
    figures = []
    for key, (cases, rows, cols) in axes.items():
        table = report.tables[key]
        for r, row in enumerate(rows + [any_]):
            for c, col in enumerate(cols + [any_]):
                figures.append((table.text(r, c), pick(cases, row, col)))
    stages = [any_, lambda c: c.plan, lambda c: c.code(f) is not None, lambda c: False]
    figures += [(text, pick(started, stage)) for (_label, text), stage in zip(report.funnel, stages)]
    return figures
