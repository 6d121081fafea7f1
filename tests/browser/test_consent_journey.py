"""Consent and withdrawal in a real browser: a 14-year-old with a guardian, a 24-year-old."""
from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import log_in


@pytest.mark.parametrize("role,born,guardian", [
    ("youth_mentor", date(2012, 3, 1), "Lise Olsen"),
    ("work_leader", date(2002, 6, 1), None),
])
def test_record_and_withdraw_consent_in_the_browser(page, factory, clock, role, born, guardian):
    unit = factory.unit("Lund ungdomsskole" if role == "youth_mentor" else "Lund omsorgssenter")
    worker = factory.user(role, [unit])
    person = factory.participant("Sara", "Olsen", born=born)
    case = factory.case(worker, unit, participant=person)
    log_in(page, worker, clock)
    page.goto(f"/cases/{case.id}")
    page.click("main summary:has-text('Flere handlinger')")
    page.click("text=Samtykker og rettslig grunnlag")
    page.click("text=Registrer samtykke eller rettslig grunnlag")
    if guardian:
        page.click("button.primary")  # the young person alone is refused at 14
        assert "samtykke fra foresatte kreves" in page.locator(".error-summary").inner_text()
        page.select_option("#given_by", "guardians")
        page.fill("#guardian1_name", guardian)
        page.fill("#guardian1_relation", "mor")
    page.check("input[value=identity]")
    page.click("button.primary")
    page.wait_for_url(f"**/consent/participant/{person.id}?case={case.id}")  # and back to the case
    assert "Gyldig" in page.locator("tbody").inner_text()
    if guardian:
        assert "blir myndig" in page.locator("tbody").inner_text()
    page.select_option("select[name=channel]", "sms")
    page.click("text=Trekk tilbake samtykke")
    page.wait_for_url(f"**/consent/participant/{person.id}")
    assert "Trukket tilbake" in page.locator("tbody").inner_text()
    assert "Samtykket er trukket tilbake" in page.locator(".alert").inner_text()
