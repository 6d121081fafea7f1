"""One journey per role in a real Chromium, as the user would click it.

(The coordinator's journey — reassigning a case — lives with the caseload dashboard.)"""
from __future__ import annotations

import random
from datetime import UTC, date
from pathlib import Path

import pyotp
from playwright.sync_api import expect
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.extensions import db
from caseapp.participants.national_id import synthetic
from consent.services import grant
from tests.browser.conftest import log_in, no_sideways_scroll
from tests.browser.test_accessibility import violations

BORN = date(2012, 4, 2)


def tap(page, selector):
    """Touch a link or button that opens the next page; it must be big enough to hit with a
    thumb (24 × 24 px, WCAG 2.5.8)."""
    target = page.locator(selector).first
    box = target.bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24, f"{selector} is too small: {box}"
    with page.expect_navigation():
        target.tap()


def open_more_actions(page):
    """The case page's other actions are grouped under "Flere handlinger"."""
    page.locator("main summary:has-text('Flere handlinger')").tap()
    expect(page.locator("main .more-actions .actions")).to_be_visible()


def test_youth_mentor_on_a_phone(phone, factory, clock):
    """Register a pupil with the guardian's consent, write a plan, log a session — at 360 px."""
    page = phone
    unit = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [unit])
    log_in(page, mentor, clock)
    assert no_sideways_scroll(page)

    tap(page, "header a:has-text('Mine saker')")
    tap(page, "main a:has-text('Registrer en ungdom')")
    assert no_sideways_scroll(page)
    page.fill("#given_name", "Sara")
    page.fill("#family_name", "Haugen")
    page.fill("#national_id", synthetic(BORN, random.Random(8)))
    page.fill("#birth_date", BORN.isoformat())
    page.select_option("#guardians-0-relation", "mother")
    page.fill("#guardians-0-name", "Mona Haugen")
    page.select_option("#programme", "youth_mentor")
    page.select_option("#track", "lower_secondary")
    page.select_option("#unit", str(unit.id))
    page.fill("#school_or_workplace", "Lund ungdomsskole")
    page.fill("#grade_or_programme", "9. trinn")
    page.fill("#started_on", "2026-11-02")
    page.check("input[name=basis][value=consent]")
    page.fill("#consent_date", "2026-11-01")
    tap(page, "main button.primary")
    page.wait_for_url("**/cases/*")
    expect(page.locator("h1")).to_have_text("Sara Haugen")
    assert no_sideways_scroll(page)

    # One primary action on the first screen; the rest grouped under "Flere handlinger".
    expect(page.locator("main a.primary")).to_have_count(1)
    expect(page.locator("main a.primary")).to_have_text("Registrer samtale")
    expect(page.locator("main a:has-text('Registrer arbeidspraksis')")).to_be_hidden()

    # The guardian's consent is on record, and valid.
    open_more_actions(page)
    tap(page, "main a:has-text('Samtykker og rettslig grunnlag')")
    records = page.locator("tbody").inner_text()
    assert "Gyldig" in records and "Ungdommen og foresatte" in records
    page.go_back()

    tap(page, "main a:has-text('Oppfølgingsplan')")
    tap(page, "main a.primary")  # make the plan
    page.fill("#goals-0-text", "Møte på skolen hver dag")
    page.fill("#goals-0-target_date", "2027-01-15")
    page.fill("#measures-0-text", "Ukentlig samtale med ungdomsveileder")
    page.check("#agreed")
    assert no_sideways_scroll(page)
    tap(page, "main button.primary")
    expect(page.locator(".alert, .ds-alert").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Møte på skolen hver dag")

    tap(page, "main a:has-text('Tilbake til saken')")
    # The plan's open goal is on the case page's first screen.
    now = page.locator("main .case-now")
    expect(now).to_contain_text("Møte på skolen hver dag")
    assert now.bounding_box()["y"] < 740
    tap(page, "main a:has-text('Registrer samtale')")
    assert no_sideways_scroll(page)
    page.fill("#occurred_at", "2026-11-02T08:30")
    page.fill("#note", "Snakket om oppmøte og sommerjobb.")
    page.check("input[name=topics][value=school]")
    tap(page, "main button.primary")
    page.wait_for_url("**/cases/*")
    expect(page.locator("main")).to_contain_text("Snakket om oppmøte og sommerjobb.")
    assert no_sideways_scroll(page)


def test_privacy_officer_verifies_the_log_and_makes_an_access_report(page, factory, clock):
    unit = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [unit])
    officer = factory.user("privacy_officer", [unit])
    person = factory.participant("Sara", "Haugen", born=BORN)
    case = factory.case(mentor, unit, participant=person)
    grant(db.session, participant_id=person.id, purpose="follow_up", given_by="guardians",
          guardians=[{"name": "Mona Haugen", "relation": "mother"}])
    db.session.commit()
    log_in(page, mentor, clock)
    page.goto(f"/cases/{case.id}")  # a look the report must show
    page.click("header button:has-text('Logg ut')")

    log_in(page, officer, clock)
    page.click("header a:has-text('Revisjonslogg')")
    expect(page.locator(".verification")).to_contain_text("ikke blitt kontrollert")
    with page.expect_navigation():
        page.click("main button:has-text('Verifiser revisjonsloggen')")
    expect(page.locator("main .ds-alert")).to_contain_text("Revisjonsloggen er kontrollert: kjeden er hel.")
    result = page.locator(".verification").inner_text()
    verified = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.verify")).one()
    assert verified.actor_id == officer.id
    assert f"kjeden er hel ({verified.details['events']} hendelser" in result
    assert not violations(page)
    page.click("header a:has-text('Innsyn og rettigheter')")
    page.fill("#national_id", person.national_id)
    page.click("main button.primary")
    expect(page.locator("main h2").last).to_have_text("Sara Haugen")
    with page.expect_download() as download:
        page.click("main a:has-text('Hvem har sett opplysningene (PDF)')")
    report = download.value
    assert report.suggested_filename.endswith(".pdf")
    assert Path(report.path()).read_bytes().startswith(b"%PDF-")
    page.click("main a:has-text('Hvem har sett opplysningene (nettside)')")  # the accessible one
    expect(page.locator("h1")).to_have_text("Hvem har sett opplysningene dine?")
    expect(page.locator("tbody")).to_contain_text("Åpnet saken din")
    assert not violations(page)
    page.goto(f"/audit/?participant={person.id}")  # the same events in the audit log
    rows = page.locator("tbody").inner_text()
    assert mentor.username in rows or mentor.display_name in rows
    page.click("main a:has-text('Kopi av alle opplysninger (nettside)')")  # Art. 15, accessible
    expect(page.locator("h1")).to_have_text("Alt vi har lagret om deg")
    expect(page.locator("main section").first).to_contain_text(person.national_id)
    assert not violations(page)


def test_work_leader_records_a_placement_and_an_mfy_outcome(phone, factory, clock):
    page = phone
    unit = factory.unit("Lund omsorgssenter", kind="care_home")
    leader = factory.user("work_leader", [unit])
    person = factory.participant("Amal", "Hassan", born=date(1999, 8, 20))
    case = factory.case(leader, unit, participant=person)
    grant(db.session, participant_id=person.id, purpose="follow_up", given_by="subject")
    db.session.commit()
    log_in(page, leader, clock)
    tap(page, "header a:has-text('Mine saker')")
    tap(page, "main tbody a:has-text('Amal Hassan')")
    assert no_sideways_scroll(page)

    open_more_actions(page)
    tap(page, "main a:has-text('Registrer arbeidspraksis')")
    page.fill("#workplace", "Lund omsorgssenter, avdeling 2")
    page.select_option("#trade", "health")
    page.fill("#started_on", "2026-11-02")
    page.fill("#hours_per_week", "30")
    tap(page, "main button.primary")
    page.wait_for_url(f"**/cases/{case.id}")
    expect(page.locator("main")).to_contain_text("Lund omsorgssenter, avdeling 2")
    # The current placement is at the top of the case page, in the "Nå" summary.
    expect(page.locator("main .case-now")).to_contain_text("Lund omsorgssenter, avdeling 2")

    open_more_actions(page)

    tap(page, "main a:has-text('Registrer et resultat')")
    assert no_sideways_scroll(page)
    page.select_option("#code", "mfy")
    page.fill("#occurred_on", "2026-11-02")
    tap(page, "main button.primary")
    page.wait_for_url(f"**/cases/{case.id}")
    outcomes = page.locator("#outcomes").locator("xpath=..").inner_text()
    assert "Modulstrukturert" in outcomes or "MFY" in outcomes
    assert "OTOA" in outcomes  # mapped to the county follow-up service's code


def test_admin_creates_a_user_who_enrols_totp(page, factory, clock):
    unit = factory.unit("Lund ungdomsskole")
    admin = factory.user("admin")
    log_in(page, admin, clock)
    page.click("header a:has-text('Brukere')")
    page.click("main a:has-text('Ny bruker')")
    page.click("main button.primary")  # nothing filled in: the summary first, and focused
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    page.fill("#username", "nora.veileder")
    page.fill("#display_name", "Nora Veileder")
    page.fill("#password", "langt-og-hemmelig-passord-7")
    page.check("input[name=roles][value=youth_mentor]")
    page.check(f"input[name=units][value='{unit.id}']")
    page.click("main button.primary")
    expect(page.locator("main tbody")).to_contain_text("nora.veileder")
    page.click("header button:has-text('Logg ut')")

    clock.advance(seconds=30)
    page.goto("/login")
    page.fill("#username", "nora.veileder")
    page.fill("#password", "langt-og-hemmelig-passord-7")
    page.click("button.primary")
    page.wait_for_url("**/login/enrol")
    expect(page.locator("img.qr")).to_be_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).at(clock.now().replace(tzinfo=UTC)))
    page.click("button.primary")
    # the first password was the admin's: the user sets their own before anything else
    page.wait_for_url("**/login/new-password")
    page.fill("#password", "mitt-eget-lange-passord-8")
    page.fill("#repeated", "mitt-eget-lange-passord-8")
    page.click("main button.primary")
    page.wait_for_url("**/")
    expect(page.locator("h1")).to_contain_text("Nora Veileder")
