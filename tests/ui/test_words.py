"""The words a new user reads: work leaders are never "veileder", the median row is no "Sum",
the case page's primary action is "Registrer samtale"."""
from __future__ import annotations

import re


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_a_work_leaders_case_never_calls_anyone_veileder(client, make_client, login, factory):
    unit = factory.unit("Lund omsorgssenter", kind="workplace")
    leader = factory.user("work_leader", [unit])
    coordinator = factory.user("coordinator", [unit])
    case = factory.case(leader, unit)
    factory.plan(case)
    login(client, leader)
    page = visible_text(client.get(f"/cases/{case.id}").text)
    assert "Registrer samtale" in page and "Før en samtale" not in page
    plan_form = visible_text(client.get(f"/cases/{case.id}/plan/edit").text)
    assert "Den ansvarlige" in plan_form
    for text in (page, plan_form):
        assert "veileder" not in text.lower()

    other = make_client()
    login(other, coordinator)
    page = visible_text(other.get(f"/cases/{case.id}").text)
    assert "Gi saken til en annen ansvarlig" in page
    assert "veileder" not in page.lower()
    reassign = visible_text(other.get(f"/cases/{case.id}/reassign").text)
    assert "veileder" not in reassign.lower()


def test_the_median_row_is_not_a_sum(client, login, factory):
    unit = factory.unit("Lund skole")
    coordinator = factory.user("coordinator", [unit])
    login(client, coordinator)
    page = client.get("/reports/statistics?date_from=2026-01-01&date_to=2026-11-01").text
    medians = page[page.index("Median antall dager"):]
    medians = medians[:medians.index("</table>")]
    assert "Alle saker" in medians and "Sum" not in medians
    costs = visible_text(page[page.index("Kostnader"):])
    assert "veileder" not in costs.lower() and "per ansatt" in costs
