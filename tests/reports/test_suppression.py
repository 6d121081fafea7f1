"""Small counts never leave, and cannot be recomputed from what does."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from caseapp.reports.suppression import PRIMARY, SECONDARY, feasible_ranges, suppress


def test_small_counts_are_shown_as_under_five():
    table = suppress([[3, 10, 12], [8, 9, 20]])
    assert table.cell(0, 0) == PRIMARY
    assert all(table.cell(r, c) != "3" for r in range(3) for c in range(4))


def test_a_lonely_small_count_gets_a_partner_in_its_row_and_column():
    table = suppress([[3, 10, 12], [8, 9, 20]])
    row_hidden = [c for c in range(4) if (0, c) in table.hidden]
    col_hidden = [r for r in range(3) if (r, 0) in table.hidden]
    assert len(row_hidden) >= 2 and len(col_hidden) >= 2
    assert SECONDARY in {table.cell(r, c) for r in range(3) for c in range(4)}


def test_nothing_is_hidden_when_there_are_no_small_counts():
    table = suppress([[0, 10], [8, 9]])
    assert not table.hidden and table.cell(0, 0) == "0" and table.cell(2, 2) == "27"


def test_four_fours_in_a_square_are_not_given_away_by_their_upper_bound():
    table = suppress([[4, 4, 30], [4, 4, 30], [30, 30, 30]])
    for entry, (low, high) in feasible_ranges(table).items():
        assert high > low, entry


tables = st.integers(1, 4).flatmap(lambda rows: st.integers(1, 4).flatmap(
    lambda cols: st.lists(st.lists(st.integers(0, 12), min_size=cols, max_size=cols),
                          min_size=rows, max_size=rows)))


@settings(max_examples=60, deadline=None)
@given(tables)
def test_no_suppressed_entry_can_be_derived(counts):
    table = suppress(counts)
    rows, cols = table.shape
    if table.withheld:  # nothing is published
        assert {table.cell(r, c) for r in range(rows + 1) for c in range(cols + 1)} == {SECONDARY}
        return
    for r in range(rows + 1):
        for c in range(cols + 1):
            value = table.value((r, c))
            if 0 < value < 5:
                assert (r, c) in table.hidden
    for entry, (low, high) in feasible_ranges(table).items():
        assert high > low, f"{entry} of {counts} can be recomputed"
        assert low <= table.value(entry) <= high


def test_a_table_too_small_to_publish_is_withheld():
    table = suppress([[1, 1], [1, 1]])
    assert table.withheld and table.cell(2, 2) == SECONDARY
