"""Consent and withdrawal in a real browser: a 14-year-old with a guardian, a 24-year-old."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

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
        expect(page.locator(".error-summary")).to_contain_text("samtykke fra foresatte kreves", use_inner_text=True)
        page.select_option("#given_by", "guardians")
        page.fill("#guardian1_name", guardian)
        page.fill("#guardian1_relation", "mor")
    page.check("input[value=identity]")
    page.click("button.primary")
    page.wait_for_url(f"**/consent/participant/{person.id}?case={case.id}")  # and back to the case
    expect(page.locator("tbody")).to_contain_text("Gyldig", use_inner_text=True)
    if guardian:
        expect(page.locator("tbody")).to_contain_text("blir myndig", use_inner_text=True)
    page.select_option("select[name=channel]", "sms")
    page.click("text=Trekk tilbake samtykke")
    page.wait_for_url(f"**/consent/participant/{person.id}")
    expect(page.locator("tbody")).to_contain_text("Trukket tilbake", use_inner_text=True)
    expect(page.locator(".alert")).to_contain_text("Samtykket er trukket tilbake", use_inner_text=True)
