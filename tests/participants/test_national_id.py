from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.participants.national_id import InvalidNationalId, parse, synthetic

birth_dates = st.dates(min_value=date(1940, 1, 1), max_value=date(2039, 12, 31))


@given(born=birth_dates, seed=st.integers(0, 2**32))
def test_synthetic_ids_are_valid_and_give_back_the_birth_date(born, seed):
    import random

    number = synthetic(born, random.Random(seed))
    digits, parsed, is_synthetic = parse(number)
    assert parsed == born and is_synthetic and int(number[2:4]) > 80


@given(born=birth_dates, seed=st.integers(0, 2**32), position=st.integers(0, 10),
       delta=st.integers(1, 9))
def test_any_single_digit_error_is_caught(born, seed, position, delta):
    import random

    number = synthetic(born, random.Random(seed))
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    with pytest.raises(InvalidNationalId):
        parse(changed)


@pytest.mark.parametrize("value", ["", "1234567890", "123456789012", "abcdefghijk", "31028012345"])
def test_malformed_numbers_are_refused(value):
    with pytest.raises(InvalidNationalId):
        parse(value)
