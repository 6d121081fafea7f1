"""Injected time: every expiry, timeout and timestamp asks the app's clock.

Times are naive UTC throughout (SQLite keeps no time zone); the UI converts at the edge.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

EXTENSION_KEY = "caseapp.clock"
# The scheduled duties keep Norwegian office hours, whoever is signed in.
OSLO = ZoneInfo("Europe/Oslo")


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)


class FrozenClock(SystemClock):
    """A clock the tests set and advance."""

    def __init__(self, at: datetime | None = None) -> None:
        self._at = at or SystemClock().now()

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)


def now() -> datetime:
    """Current naive-UTC time from the app's clock (the system clock outside an app)."""
    if has_app_context():
        return current_app.extensions[EXTENSION_KEY].now()
    return SystemClock().now()


@contextmanager
def set_to(at: datetime) -> Iterator[None]:
    """Run a block with the app's clock stopped at ``at`` (naive UTC), then give the app its
    clock back: for the demo, which writes its past through the services (and their audit
    events) as they ran then. Not for requests: the clock is the app's, shared by its threads."""
    previous = current_app.extensions[EXTENSION_KEY]
    current_app.extensions[EXTENSION_KEY] = FrozenClock(at)
    try:
        yield
    finally:
        current_app.extensions[EXTENSION_KEY] = previous


def local_now() -> datetime:
    """The app's time in the user's time zone (Europe/Oslo by default), naive: for form defaults."""
    return to_local(now())


def oslo_now() -> datetime:
    """The app clock's time in Europe/Oslo (aware): when a scheduled duty is due."""
    return now().replace(tzinfo=UTC).astimezone(OSLO)


def from_local(at: datetime) -> datetime:
    """A naive time the user entered (their time zone) as naive UTC, for storing."""
    from flask_babel import to_utc

    return to_utc(at)


def to_local(at: datetime) -> datetime:
    """A stored naive-UTC time in the user's time zone, naive: for form fields."""
    from flask_babel import to_user_timezone

    return to_user_timezone(at).replace(tzinfo=None)
