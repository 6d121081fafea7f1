"""On a phone (Chromium, 360 px, signed in through the real provider) the young person reads
the plan, agrees to it, and sees the next meeting; axe finds nothing on either page."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.extensions import db
from caseapp.plans.models import PlanAnswer
from tests.browser.conftest import no_sideways_scroll
from tests.browser.test_accessibility import violations


def test_agree_to_the_plan_and_see_the_next_meeting(portal_page, factory, young):
    case = db.session.scalar(select(Case).where(Case.participant_id == young.id))
    factory.consent(young)
    factory.plan(case, goals=("Komme på skolen før åtte",), agreed=False)
    factory.contact(case, occurred_at=now() - timedelta(days=3), summary_shared=True,
                    note="Vi ble enige om en plan for morgenene",
                    next_date=(now() + timedelta(days=4)).date(), next_place="Skolebiblioteket")
    page = portal_page("ung.kjent")
    page.click("#portal-nav >> text=Min plan")
    expect(page.locator("#portal-goals")).to_contain_text("Komme på skolen før åtte", use_inner_text=True)
    assert no_sideways_scroll(page) and violations(page) == []
    page.click("#portal-agree")
    page.wait_for_url("**/meg/plan*")
    expect(page.locator("#portal-answer")).to_contain_text("Du sa at du er enig", use_inner_text=True)
    page.click("details.ds-details > summary")  # "not agree after all": the comment field
    page.locator("#comment").wait_for(state="visible")  # after the opening animation
    assert violations(page) == []
    db.session.expire_all()
    assert db.session.scalar(select(PlanAnswer)).agreed
    page.click("#portal-nav >> text=Mine møter")
    expect(page.locator("#portal-next-meeting")).to_contain_text("Skolebiblioteket", use_inner_text=True)
    expect(page.locator("#portal-sessions")).to_contain_text("Vi ble enige om en plan", use_inner_text=True)
    assert no_sideways_scroll(page) and violations(page) == []
