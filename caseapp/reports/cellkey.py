"""The cell-key method: every published count gets a small, *consistent* random change.

Every case has a random record key (``cases.record_key``, 0 … KEY_SPACE − 1, drawn once when
the case is created and never shown). A table cell's key is the sum of the keys of the cases it
counts; its change ("noise", −2 … +2) is looked up from the cell's count and key. So:

* the same group of cases always gets the same figure, in every table, report, format, filter
  and period that counts exactly that group — asking again, or another way, gives nothing new;
* two groups that differ by a few cases get unrelated changes, so subtracting two figures gives
  the difference of the groups only to within ±4 (and a hidden cell lies in 1 … 4 anyway);
* counts 0 … 4 are not shown at all ("<5"), and a count of 5 or more is never shown below 5,
  so "<5" means exactly 0 … 4 (hiding 0 too leaves no "at least 1" to combine).

The price: a published figure may be up to MAX_NOISE away from the true count, and rows need
not add up to their total exactly. The privacy officer can produce the exact figures (audited).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

THRESHOLD = 5  # counts 0 … THRESHOLD − 1 are shown as PRIMARY
PRIMARY = "<5"
SECONDARY = ":"  # a derived figure (a share) left out because one of its counts is "<5"
MAX_NOISE = 2
KEY_SPACE = 1 << 16  # record keys and cell keys are in 0 … KEY_SPACE − 1

# The perturbation table: how likely each change is, in 1/KEY_SPACE (they sum to KEY_SPACE).
# Symmetric, so a figure is right on average; ±2 is rare (one cell in 20 gets ±2 in all).
WEIGHTS = {-2: 1638, -1: 13107, 0: 36046, 1: 13107, 2: 1638}


def new_record_key() -> int:
    """A case's record key: uniformly random, from a cryptographic source."""
    return secrets.randbelow(KEY_SPACE)


@dataclass(frozen=True)
class Tally:
    """A cell before publication: how many records, and the sum of their record keys."""

    n: int = 0
    key: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.n + other.n, self.key + other.key)

    def __sub__(self, other: Tally) -> Tally:
        return Tally(self.n - other.n, self.key - other.key)


def _allowed(n: int) -> dict[int, int]:
    """The changes a count ``n`` (≥ THRESHOLD) may get: never below THRESHOLD."""
    return {d: w for d, w in WEIGHTS.items() if n + d >= THRESHOLD}


def noise(n: int, key: int) -> int:
    """The change for a cell of ``n`` records whose keys sum to ``key`` (n ≥ THRESHOLD).

    The cell key (``key`` modulo KEY_SPACE) is scaled onto the allowed changes' weights, so a
    uniformly random cell key gives each change its weight's probability."""
    allowed = _allowed(n)
    total = sum(allowed.values())
    point = (key % KEY_SPACE) * total // KEY_SPACE
    for change, weight in sorted(allowed.items()):
        if point < weight:
            return change
        point -= weight
    raise AssertionError("unreachable: point < total")


def publish(tally: Tally, exact: bool = False) -> str:
    """The text shown for a cell: "<5" for 0 … 4, else the count changed by its noise
    (``exact``: unchanged and 0 as "0", only for the privacy officer's view).

    0 is hidden too: were it shown, every "<5" would say "at least 1", and a few "<5" inside
    a small "<5" total would pin each other down (four groups of at least 1 in a total of at
    most 4 are exactly 1 each)."""
    if tally.n < 0:
        raise ValueError("a count below zero")
    if exact and tally.n == 0:
        return "0"
    if tally.n < THRESHOLD:
        return PRIMARY
    if exact:
        return str(tally.n)
    return str(tally.n + noise(tally.n, tally.key))


@dataclass
class PerturbedTable:
    """A table of tallies ready to publish: ``cell(r, c)`` gives the text to show; ``r == rows``
    and ``c == cols`` address the totals, which are cells of their own (their own group of
    cases, their own change), so a total need not equal the sum of its published row."""

    cells: list[list[Tally]]
    exact: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.cells), len(self.cells[0]) if self.cells else 0

    def tally(self, r: int, c: int) -> Tally:
        rows, cols = self.shape
        row_range = range(rows) if r == rows else (r,)
        col_range = range(cols) if c == cols else (c,)
        return sum((self.cells[i][j] for i in row_range for j in col_range), Tally())

    def value(self, entry: tuple[int, int]) -> int:
        """The true count (never published unless ``exact``)."""
        return self.tally(*entry).n

    def cell(self, r: int, c: int) -> str:
        return publish(self.tally(r, c), self.exact)

    @property
    def hidden(self) -> set[tuple[int, int]]:
        rows, cols = self.shape
        return {(r, c) for r in range(rows + 1) for c in range(cols + 1)
                if self.cell(r, c) == PRIMARY}
