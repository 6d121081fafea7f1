"""The benchmark harness logs in with a TOTP code the app accepts, also when the same users
logged in within the same 30 seconds (the SQLite copy of a dataset right after the PostgreSQL
run: same users, same secrets, same last used steps)."""
from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest

from caseapp.auth.totp import matching_step

START = 1_796_000_010.0  # 10 s into a 30-second step


class Clock:
    """Seconds since the epoch that move only when slept."""

    def __init__(self, at: float) -> None:
        self.at, self.slept = at, 0.0

    def time(self) -> float:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.at += seconds


@pytest.fixture(scope="module")
def fresh_code():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_run_login", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fresh_code


def accepted(secret: str, code: str, clock: Clock, last_step: int | None) -> bool:
    """What the app's code step decides at the clock's time."""
    at = datetime.fromtimestamp(clock.at, UTC).replace(tzinfo=None)
    return matching_step(secret, code, at, last_step) is not None


def test_a_user_whose_last_login_is_older_logs_in_without_waiting(fresh_code):
    secret, clock = pyotp.random_base32(), Clock(START)
    last = int(START // 30) - 3
    code = fresh_code(secret, last, clock)
    assert clock.slept == 0
    assert accepted(secret, code, clock, last)


def test_the_copy_waits_for_a_step_the_first_run_did_not_use(fresh_code):
    secret, clock = pyotp.random_base32(), Clock(START)
    used = int(START // 30) + 1  # the PostgreSQL run logged in with the next step's code
    assert not accepted(secret, pyotp.TOTP(secret).at(START + 30), clock, used)  # the old way
    code = fresh_code(secret, used, clock)
    assert 0 < clock.slept <= 31
    assert accepted(secret, code, clock, used)
    assert not accepted(secret, code, clock, used + 1)  # and the code is for a step after it
