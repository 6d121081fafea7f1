"""WCAG 2.2.1 on the young person's pages, as on the staff pages: a warning before the (shorter)
idle logout with one button to stay signed in, and text being written is never lost without a
warning. Chromium at 360 px, signed in through the real provider; the browser's timers run on
Playwright's fake clock and the server's on the test's clock. Idle timeout 2 minutes, warning
60 s."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caseapp.extensions import db
from tests.browser.test_session_timeout import warned_after_a_minute


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CASEAPP_PORTAL_IDLE_TIMEOUT_MINUTES": 2,
            "CASEAPP_IDLE_WARNING_SECONDS": 60}


@pytest.fixture
def signed_in(portal_page, factory, young):
    factory.consent(young)
    db.session.commit()
    page = portal_page("ung.kjent")
    page.clock.install()
    page.reload()  # the page's timers on the fake clock from here
    return page


def test_a_warning_before_the_idle_logout_and_one_button_to_stay(signed_in, clock):
    page = signed_in
    dialog = warned_after_a_minute(page)
    expect(dialog).to_contain_text("2 minutter")
    clock.advance(seconds=100)  # the server has seen nothing for 100 s of its 120
    page.keyboard.press("Enter")  # "Fortsett å være logget inn", focused, from the keyboard
    expect(dialog).to_be_hidden()
    clock.advance(seconds=100)  # 200 s after the page, 100 s after staying
    page.reload()
    expect(page.locator("h1")).to_contain_text("Hei")
    clock.advance(seconds=121)  # now idle for longer than the timeout
    page.reload()
    assert "/meg/logg-inn" in page.url


def test_a_message_being_written_stays_on_the_page_when_the_time_is_up(signed_in, clock):
    page = signed_in
    page.click("#portal-nav >> text=Meldinger")
    page.wait_for_url("**/meg/meldinger")
    page.locator("#body").press_sequentially("Kan vi flytte møtet?")
    clock.advance(seconds=121)
    page.clock.fast_forward("02:01")
    dialog = page.locator("#session-timeout")
    expect(dialog).to_contain_text("Du er logget ut")
    assert page.url.endswith("/meg/meldinger")
    page.click("text=Lukk og kopier teksten min")
    expect(page.locator("#body")).to_have_value("Kan vi flytte møtet?")


def test_with_nothing_unsaved_the_idle_logout_signs_out(signed_in, clock):
    page = signed_in
    clock.advance(seconds=121)
    page.clock.fast_forward("02:01")
    page.wait_for_url("**/session/end?*")  # signed out here, then on to the provider's logout
    page.goto("/meg/")
    assert "/meg/logg-inn" in page.url
