"""On a phone (Chromium, 360 px, signed in through the real provider) the young person reads
the plan, agrees to it, and sees the next meeting; axe finds nothing on either page."""
from __future__ import annotations

from datetime import timedelta

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
    assert "Komme på skolen før åtte" in page.locator("#portal-goals").inner_text()
    assert no_sideways_scroll(page) and violations(page) == []
    page.click("#portal-agree")
    page.wait_for_url("**/meg/plan*")
    assert "Du sa at du er enig" in page.locator("#portal-answer").inner_text()
    page.click("details.ds-details > summary")  # "not agree after all": the comment field
    page.locator("#comment").wait_for(state="visible")  # after the opening animation
    assert violations(page) == []
    db.session.expire_all()
    assert db.session.scalar(select(PlanAnswer)).agreed
    page.click("#portal-nav >> text=Mine møter")
    assert "Skolebiblioteket" in page.locator("#portal-next-meeting").inner_text()
    assert "Vi ble enige om en plan" in page.locator("#portal-sessions").inner_text()
    assert no_sideways_scroll(page) and violations(page) == []
