"""Norwegian national identity numbers (fødselsnummer), incl. synthetic test numbers.

Check digits come from python-stdnum. Birth dates follow Skatteetaten's rules, with the
offsets stdnum does not know: D-numbers (day + 40), H-numbers (month + 40) and synthetic
numbers from Tenor/Skatteetaten's test data (month + 80), which all test and demo data use.
"""
from __future__ import annotations

import random
from datetime import date

from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2


class InvalidNationalId(ValueError):
    pass


def _century(year2: int, individual: int) -> int | None:
    if individual < 500:
        return 1900
    if individual < 750 and year2 >= 54:
        return 1800
    if individual < 1000 and year2 < 40:
        return 2000
    if 900 <= individual < 1000 and year2 >= 40:
        return 1900
    return None


def parse(number: str) -> tuple[str, date, bool]:
    """Return (the 11 digits, birth date, is_synthetic) or raise ``InvalidNationalId``."""
    digits = "".join(number.split())
    if len(digits) != 11 or not digits.isdigit():
        raise InvalidNationalId("must be 11 digits")
    if calc_check_digit1(digits[:9]) != digits[9] or calc_check_digit2(digits[:10]) != digits[10]:
        raise InvalidNationalId("check digits do not match")
    day, month, year2 = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    synthetic = month > 80
    if day > 40:
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    century = _century(year2, int(digits[6:9]))
    if century is None:
        raise InvalidNationalId("century cannot be determined")
    try:
        born = date(century + year2, month, day)
    except ValueError:
        raise InvalidNationalId("no valid birth date") from None
    return digits, born, synthetic


def synthetic(born: date, rng: random.Random) -> str:
    """A valid synthetic national ID (month + 80) for someone born on ``born``."""
    if not 1900 <= born.year <= 2039:
        raise ValueError("synthetic IDs here cover births 1900–2039")
    while True:
        if born.year >= 2000:
            individual = rng.randint(500, 999)
        else:
            individual = rng.randint(0, 499)
        base = f"{born.day:02d}{born.month + 80:02d}{born.year % 100:02d}{individual:03d}"
        check1 = calc_check_digit1(base)
        if check1 == "10" or len(check1) != 1:
            continue
        check2 = calc_check_digit2(base + check1)
        if len(check2) != 1:
            continue
        return base + check1 + check2
