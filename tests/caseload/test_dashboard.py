"""The coordinator's caseload dashboard: exact numbers, drill-down lists (metadata only), other
units hidden, and a query count that does not grow with the number of cases."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from audit.models import AuditEvent
from caseapp.extensions import db
from consent.services import grant

TODAY = date(2026, 11, 2)


@pytest.fixture
def world(factory):
    """Unit A (two mentors, a coordinator) and unit B (one mentor, a coordinator)."""
    unit_a = factory.unit("Lund ungdomsskole")
    unit_b = factory.unit("Vågsbygd ungdomsskole")
    first = factory.user("youth_mentor", [unit_a])
    second = factory.user("youth_mentor", [unit_a])
    outsider = factory.user("youth_mentor", [unit_b])
    coord_a = factory.user("coordinator", [unit_a])
    coord_b = factory.user("coordinator", [unit_b])

    def case(worker, unit, *, consent=True, contact_on=None, status="active", given="Kari"):
        made = factory.case(worker, unit, participant=factory.participant(given=given),
                            status=status)
        if consent:
            factory.consent(made.participant)
        if contact_on:
            factory.contact(made, occurred_at=contact_on, note="Hemmelig samtalenotat")
        return made

    cases = {
        "fresh": case(first, unit_a, contact_on=datetime(2026, 11, 1, 10)),
        "stale": case(first, unit_a, contact_on=datetime(2026, 10, 1, 10)),
        "nothing": case(first, unit_a, consent=False, given="Ola"),
        "goal": case(first, unit_a, contact_on=datetime(2026, 10, 30, 10)),
        "closed": case(second, unit_a, consent=False, status="closed"),
        "expiring": case(second, unit_a, consent=False, contact_on=datetime(2026, 10, 30, 10)),
        "paused": case(second, unit_a, consent=False, status="paused"),
        "other_unit": case(outsider, unit_b, consent=False),
    }
    factory.plan(cases["goal"], goals=("Møte hver dag", "Søke læreplass"),
                 target=TODAY - timedelta(days=10))
    factory.plan(cases["fresh"], goals=("Framtidig mål",))  # due in 30 days: not overdue
    factory.checkpoint(cases["closed"], due_on=TODAY - timedelta(days=1))
    grant(db.session, participant_id=cases["expiring"].participant_id, purpose="follow_up",
          given_by="subject_and_guardians", guardians=[{"name": "Mor", "relation": "mother"}],
          valid_until=datetime(2026, 11, 12))
    db.session.commit()
    return {"a": unit_a, "b": unit_b, "first": first, "second": second, "outsider": outsider,
            "coord_a": coord_a, "coord_b": coord_b, "cases": cases}


def numbers(html: str, worker) -> list[str]:
    """The six numbers in the worker's row of the dashboard."""
    row = re.search(rf"<tr[^>]*>\s*<th scope=\"row\">{re.escape(worker.display_name)}.*?</tr>",
                    html, re.S).group(0)
    return re.findall(r'<td class="num"[^>]*>(?:<a [^>]*>)?(\d+)', row)


def test_dashboard_numbers_per_worker(client, login, world):
    login(client, world["coord_a"])
    page = client.get("/caseload/")
    assert page.status_code == 200
    html = page.text
    # active, no session lately, overdue goals, checkpoints due, no consent, consent expiring
    assert numbers(html, world["first"]) == ["4", "2", "1", "0", "1", "0"]
    # the expiring consent is still valid today: its case does not lack consent
    assert numbers(html, world["second"]) == ["1", "0", "0", "1", "1", "1"]
    assert world["outsider"].display_name not in html
    assert "Vågsbygd" not in html
    assert "Kari" not in html and "Nordmann" not in html


def test_a_worker_above_the_maximum_is_flagged(app, client, login, world):
    app.config["CASEAPP_CASELOAD_MAX_YOUTH_MENTOR"] = 3
    login(client, world["coord_a"])
    html = client.get("/caseload/").text
    assert html.count("Over maksimum på 3") == 1  # the first mentor (4 active), not the second
    row = re.search(rf"<tr class=\"flag\">\s*<th scope=\"row\">{world['first'].display_name}",
                    html)
    assert row is not None


def case_refs(html: str) -> set[str]:
    return set(re.findall(r"/cases/([0-9a-f-]{36})\"", html))


@pytest.mark.parametrize("metric,expected", [
    ("active", {"fresh", "stale", "nothing", "goal", "expiring"}),
    ("no-contact", {"stale", "nothing"}),
    ("overdue-goals", {"goal"}),
    ("checkpoints", {"closed"}),
    ("no-consent", {"nothing", "paused"}),  # open cases only; the expiring one is valid today
    ("consent-expiring", {"expiring"}),
])
def test_drill_down_lists_exactly_the_counted_cases(client, login, world, metric, expected):
    login(client, world["coord_a"])
    page = client.get(f"/caseload/{metric}?unit={world['a'].id}")
    assert page.status_code == 200
    assert case_refs(page.text) == {str(world["cases"][name].id) for name in expected}
    for secret in ("Kari", "Ola", "Nordmann", "Hemmelig samtalenotat", "Møte hver dag"):
        assert secret not in page.text
    for participant in (c.participant for c in world["cases"].values()):
        assert participant.national_id not in page.text


def test_drill_down_by_worker_and_dates_shown(client, login, world):
    login(client, world["coord_a"])
    page = client.get(f"/caseload/no-contact?unit={world['a'].id}&worker={world['first'].id}")
    assert case_refs(page.text) == {str(world["cases"]["stale"].id),
                                    str(world["cases"]["nothing"].id)}
    assert "1. oktober 2026" in page.text  # last session of "stale" (the long date form)
    goals = client.get(f"/caseload/overdue-goals?worker={world['first'].id}").text
    assert "23. oktober 2026" in goals  # the goal's target date
    active = client.get(f"/caseload/active?worker={world['second'].id}").text
    assert case_refs(active) == {str(world["cases"]["expiring"].id)}
    assert f"/cases/{world['cases']['expiring'].id}/reassign" in active


def test_drill_down_pages(app, client, login, world):
    app.config["CASEAPP_CASELOAD_PAGE_SIZE"] = 2
    login(client, world["coord_a"])
    first = client.get("/caseload/active")
    second = client.get("/caseload/active?page=2")
    third = client.get("/caseload/active?page=3")
    seen = case_refs(first.text) | case_refs(second.text) | case_refs(third.text)
    assert len(case_refs(first.text)) == 2 and len(seen) == 5
    assert "Side 1 av 3" in first.text


def test_other_units_and_unknown_metrics_are_404(client, login, world):
    login(client, world["coord_a"])
    assert client.get(f"/caseload/active?unit={world['b'].id}").status_code == 404
    assert client.get("/caseload/active?unit=not-a-uuid").status_code == 404
    assert client.get("/caseload/names").status_code == 404
    # both refusals of a unit are in the audit log, the other unit by id, the garbage not at all
    denied = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "access.denied", AuditEvent.object_type == "unit")).all()
    assert sorted(e.object_id or "" for e in denied) == sorted([str(world["b"].id), ""])
    # a worker of another unit: nothing of theirs is listed
    listing = client.get(f"/caseload/no-consent?worker={world['outsider'].id}")
    assert listing.status_code == 200 and case_refs(listing.text) == set()
    other = world["cases"]["other_unit"]
    assert client.get(f"/cases/{other.id}").status_code == 404
    assert client.get(f"/cases/{other.id}/reassign").status_code == 404


@pytest.mark.parametrize("role", ["youth_mentor", "work_leader", "privacy_officer", "admin"])
def test_only_coordinators_see_the_dashboard(client, login, factory, world, role):
    login(client, factory.user(role, [world["a"]]))
    assert client.get("/caseload/").status_code == 403
    assert client.get(f"/caseload/active?unit={world['a'].id}").status_code == 403


def test_opening_a_case_from_the_list_is_a_logged_coordinator_review(client, login, world):
    from sqlalchemy import select

    from audit.models import AuditEvent

    login(client, world["coord_a"])
    case = world["cases"]["stale"]
    assert client.get(f"/cases/{case.id}").status_code == 200
    event_ = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.view", AuditEvent.object_id == str(case.id))).one()
    assert event_.grounds == "coordinator_review"


def count_queries(client, path: str) -> int:
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_query_count_does_not_grow_with_the_number_of_cases(client, login, world, factory):
    login(client, world["coord_a"])
    paths = ["/caseload/", "/caseload/no-contact", "/caseload/overdue-goals",
             "/caseload/consent-expiring"]
    for path in paths:  # warm up: the first request of a login does one-time work
        client.get(path)
    before = [count_queries(client, path) for path in paths]
    for i in range(30):
        made = factory.case(world["first" if i % 2 else "second"], world["a"])
        factory.contact(made, occurred_at=datetime(2026, 9, 1, 10))
        factory.plan(made, target=TODAY - timedelta(days=3))
    after = [count_queries(client, path) for path in paths]
    assert after == before
    assert numbers(client.get("/caseload/").text, world["first"])[:3] == ["19", "17", "16"]


def test_the_maximum_counts_active_cases_in_every_unit(app, client, login, factory, world):
    """A mentor at two schools: four cases here and two elsewhere are six in all."""
    app.config["CASEAPP_CASELOAD_MAX_YOUTH_MENTOR"] = 5
    elsewhere = factory.unit("Grim skole")
    db.session.add(world["first"])
    world["first"].units.append(elsewhere)
    db.session.commit()
    for _ in range(2):
        factory.case(world["first"], elsewhere)
    login(client, world["coord_a"])
    html = client.get("/caseload/").text
    assert numbers(html, world["first"])[0] == "4"
    assert "Over maksimum på 5" in html and "6 aktive i alle enheter" in html
    assert "Grim skole" not in html  # the other unit's name and cases stay out of view


def test_a_restricted_person_is_not_counted(client, login, make_client, factory, world):
    officer = factory.user("privacy_officer")
    stale = world["cases"]["stale"]
    login(client, officer)
    decided = client.submit(f"/audit/participants/{stale.participant_id}/erasure",
                            {"outcome": "restrict", "reason": "Den unge ba om sletting."})
    assert decided.status_code == 302
    coordinator = make_client()
    login(coordinator, world["coord_a"])
    assert numbers(coordinator.get("/caseload/").text, world["first"])[:2] == ["3", "1"]
    assert str(stale.id) not in coordinator.get("/caseload/active").text
