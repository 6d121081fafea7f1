"""The case page shows its timeline a page of sessions at a time, the newest first, with the
other events of the same period; the rest is one "Show earlier sessions" away."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.extensions import db


@pytest.fixture
def case(app, factory, mentor, school):
    app.config["CASEAPP_TIMELINE_SESSIONS_PER_PAGE"] = 3
    case = factory.case(mentor, school)  # started 5 January 2026
    factory.consent(case.participant)
    for number in range(1, 8):  # number 1 is the oldest
        factory.contact(case, occurred_at=datetime(2026, 10, number, 12, 0),
                        note=f"Samtale nummer {number}.")
    factory.plan(case)  # saved now (November 2026): newer than every session
    return case


def notes(page: str) -> list[int]:
    timeline = page[page.index('id="timeline"'):]
    return [int(n) for n in re.findall(r"Samtale nummer (\d)\.", timeline)]


def test_newest_sessions_first_and_the_oldest_can_be_reached(client, login, mentor, case):
    login(client, mentor)
    first = client.get(f"/cases/{case.id}").text
    assert notes(first) == [7, 6, 5]
    assert "Samtaler 1–3 av 7, nyeste først" in first
    assert "Planversjon 1" in first and "Saken startet" not in first
    earlier = f'href="/cases/{case.id}?page=2#timeline" rel="next">Vis tidligere samtaler'
    assert earlier in first and "Vis nyere samtaler" not in first

    second = client.get(f"/cases/{case.id}?page=2").text
    assert notes(second) == [4, 3, 2]
    assert "Samtaler 4–6 av 7, nyeste først" in second
    assert "Planversjon 1" not in second and "Saken startet" not in second
    assert f'href="/cases/{case.id}#timeline" rel="prev">Vis nyere samtaler' in second
    assert f'href="/cases/{case.id}?page=3#timeline" rel="next">Vis tidligere samtaler' in second

    last = client.get(f"/cases/{case.id}?page=3").text
    assert notes(last) == [1]
    assert "Samtaler 7–7 av 7, nyeste først" in last
    assert "Saken startet" in last and "Planversjon 1" not in last
    assert "Vis tidligere samtaler" not in last and "Vis nyere samtaler" in last
    # every session is on exactly one page
    assert sorted(notes(first) + notes(second) + notes(last)) == list(range(1, 8))


def test_a_page_out_of_range_shows_the_nearest(client, login, mentor, case):
    login(client, mentor)
    assert notes(client.get(f"/cases/{case.id}?page=99").text) == [1]
    assert notes(client.get(f"/cases/{case.id}?page=0").text) == [7, 6, 5]
    assert notes(client.get(f"/cases/{case.id}?page=x").text) == [7, 6, 5]


def test_a_short_history_has_no_pages(app, client, login, mentor, case):
    app.config["CASEAPP_TIMELINE_SESSIONS_PER_PAGE"] = 50
    login(client, mentor)
    page = client.get(f"/cases/{case.id}").text
    assert notes(page) == [7, 6, 5, 4, 3, 2, 1]
    assert "Saken startet" in page and "nyeste først" not in page
    assert "Vis tidligere samtaler" not in page


def test_each_page_view_is_one_audit_event(client, login, mentor, case):
    login(client, mentor)

    def views() -> int:
        return db.session.scalar(select(func.count(AuditEvent.seq)).where(
            AuditEvent.action == "case.view", AuditEvent.object_id == str(case.id)))

    before = views()
    for page in (1, 2, 3):
        assert client.get(f"/cases/{case.id}?page={page}").status_code == 200
    assert views() == before + 3
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.view")
                               .order_by(AuditEvent.seq.desc())).first()
    assert "contact_notes" in event.categories
