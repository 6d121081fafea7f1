"""A coordinator in a real browser: the caseload dashboard, a drill-down, a reassignment, and
0 axe violations (WCAG 2.0/2.1 A and AA) on the dashboard, the list and the form."""
from __future__ import annotations

from datetime import UTC, datetime

import pyotp
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import PASSWORD

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    result = Axe().run(page, options=WCAG)
    return [f"{page.url}: {v['id']} ({len(v['nodes'])}) {v['help']}"
            for v in result.response["violations"]]


def log_in(page, user, clock):
    page.goto("/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.fill("#code", pyotp.TOTP(user.totp_secret).at(clock.now().replace(tzinfo=UTC)))
    page.click("button.primary")
    page.wait_for_url("**/")
    clock.advance(seconds=30)


def test_coordinator_drills_down_and_reassigns(page, factory, clock, browser, live_server):
    school = factory.unit("Lund ungdomsskole")
    busy = factory.user("youth_mentor", [school])
    colleague = factory.user("youth_mentor", [school])
    coordinator = factory.user("coordinator", [school])
    stale = factory.case(busy, school, participant=factory.participant("Sara", "Olsen"))
    factory.consent(stale.participant)
    factory.contact(stale, occurred_at=datetime(2026, 9, 1, 10))
    fresh = factory.case(busy, school)
    factory.consent(fresh.participant)
    factory.contact(fresh)

    found = []
    log_in(page, coordinator, clock)
    page.click("text=Åpne oversikten over saksmengde")
    page.wait_for_url("**/caseload/")
    found += violations(page)
    row = page.locator("tbody tr", has_text=busy.display_name)
    assert row.locator("td").nth(0).inner_text() == "2"  # active
    row.get_by_role("link", name="Ingen samtale i det siste: 1").click()
    page.wait_for_url("**/caseload/no-contact?**")
    found += violations(page)
    listing = page.locator("tbody").inner_text()
    assert str(stale.id)[:8] in listing and str(fresh.id)[:8] not in listing
    assert "Sara" not in page.content() and "Olsen" not in page.content()

    page.get_by_role("link", name=f"Gi til en annen sak {str(stale.id)[:8]}").click()
    page.wait_for_url(f"**/cases/{stale.id}/reassign")
    page.click("button.primary")  # nothing chosen: clear errors, nothing saved
    assert "Velg hvem som skal overta saken" in page.locator(".error-summary").inner_text()
    found += violations(page)
    page.select_option("#worker", str(colleague.id))
    page.select_option("#reason", "workload")
    page.fill("#note", "Hun foretrekker SMS.")
    page.click("button.primary")
    page.wait_for_url("**/caseload/")
    assert f"Saken er gitt til {colleague.display_name}" in page.locator(".alert").inner_text()
    assert not found, "\n".join(found)

    # the receiving worker sees the case on the start page, marked as new
    other = browser.new_context(base_url=live_server, locale="nb-NO").new_page()
    log_in(other, colleague, clock)
    mine = other.locator("section", has_text="Mine saker").inner_text()
    assert "Sara Olsen" in mine and "Ny for deg fra" in mine
    other.context.close()
