"""No N+1: the number of SQL queries a page makes does not grow with the rows it shows.

Each page is loaded with a small and a larger fixture; the counts must be equal. (Speed is
measured in benchmarks/, not here.)"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

import audit
from caseapp.extensions import db


@contextmanager
def counting():
    counter = {"n": 0, "sql": []}

    def hit(_conn, _cursor, statement, *_args):
        counter["n"] += 1
        counter["sql"].append(statement.split(" WHERE ")[0][:120])

    event.listen(Engine, "before_cursor_execute", hit)
    try:
        yield counter
    finally:
        event.remove(Engine, "before_cursor_execute", hit)


def queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # first load: anything loaded once per session
    with counting() as counter:
        assert client.get(url).status_code == 200
    return counter["n"]


def add_cases(factory, worker, unit, count: int, sessions: int = 2) -> list:
    cases = []
    for index in range(count):
        case = factory.case(worker, unit, factory.participant("Kari", f"Nordmann{index}"))
        factory.consent(case.participant)
        factory.plan(case)
        for number in range(sessions):
            factory.contact(case, occurred_at=datetime(2026, 10, 1, 12) + timedelta(days=number),
                            next_date=date(2026, 11, 10), next_time=time(14, 30))
        cases.append(case)
    return cases


@pytest.fixture
def grows(client, login):
    """grows(user, url, add): the page's query count with the fixture as is, after add()."""

    def check(user, url, add):
        login(client, user)
        before = queries(client, url)
        add()
        after = queries(client, url)
        return before, after

    return check


def test_mine_saker(grows, factory, mentor, school):
    add_cases(factory, mentor, school, 2)
    before, after = grows(mentor, "/cases/", lambda: add_cases(factory, mentor, school, 8))
    assert after == before


def add_sessions(factory, case, count: int):
    return lambda: [factory.contact(case, occurred_at=datetime(2026, 9, 1, 12) + timedelta(hours=n))
                    for n in range(count)]


def test_case_page_with_many_sessions(grows, factory, mentor, school):
    case = add_cases(factory, mentor, school, 1, sessions=3)[0]
    before, after = grows(mentor, f"/cases/{case.id}", add_sessions(factory, case, 40))
    assert after == before


def test_mine_saker_name_search(client, login, factory, mentor, school):
    """Searching decrypts and compares only the index's candidates; the queries do not grow
    with the matches."""
    add_cases(factory, mentor, school, 2)
    login(client, mentor)

    def search() -> int:
        assert client.submit("/cases/", {"q": "kari"}).status_code == 200
        with counting() as counter:
            page = client.submit("/cases/", {"q": "kari"})
        assert page.status_code == 200 and "Kari Nordmann1" in page.text
        return counter["n"]

    before = search()
    add_cases(factory, mentor, school, 8)
    # each submit also loads the form page (GET /cases/) for its CSRF token
    assert search() == before


def test_case_page_later_pages(app, client, grows, factory, mentor, school):
    """The case page reads one page of sessions, whichever page and however long the history."""
    app.config["CASEAPP_TIMELINE_SESSIONS_PER_PAGE"] = 5
    case = add_cases(factory, mentor, school, 1, sessions=12)[0]
    before, after = grows(mentor, f"/cases/{case.id}?page=2", add_sessions(factory, case, 30))
    assert after == before
    assert queries(client, f"/cases/{case.id}?page=7") == before


def test_caseload(grows, factory, school):
    coordinator = factory.user("coordinator", [school])
    worker = factory.user("youth_mentor", [school])
    add_cases(factory, worker, school, 2, sessions=0)

    def more():
        for _ in range(4):
            add_cases(factory, factory.user("youth_mentor", [school]), school, 2, sessions=0)

    before, after = grows(coordinator, "/caseload/", more)
    assert after == before


def lacking_basis(factory, worker, unit, count: int) -> None:
    for index in range(count):
        factory.case(worker, unit, factory.participant("Uten", f"Grunnlag{index}"))


def test_consent_overview(grows, factory, mentor, school):
    """Every section of the page is non-empty in both fixtures (an empty section may skip a
    query, which is not what this test is about)."""
    officer = factory.user("privacy_officer")
    add_cases(factory, mentor, school, 2, sessions=0)
    lacking_basis(factory, mentor, school, 1)

    def more():
        add_cases(factory, mentor, school, 3, sessions=0)
        lacking_basis(factory, mentor, school, 5)

    before, after = grows(officer, "/consent/overview", more)
    assert after == before


def test_audit_workspace(grows, factory, mentor, school):
    officer = factory.user("privacy_officer")
    cases = add_cases(factory, mentor, school, 2, sessions=0)

    def views(times: int) -> None:
        for case in cases * times:
            audit.record("case.view", actor=mentor, object_type="case", object_id=case.id,
                         subject_id=case.participant_id, grounds="own_caseload")
        db.session.commit()

    views(1)
    more = lambda: views(15)  # noqa: E731
    before, after = grows(officer, "/audit/", more)
    assert after == before
