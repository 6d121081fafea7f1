"""Designsystemet's look, checked on computed styles so it cannot go silently: the primary
button is filled with the accent colour, radios and selects are Designsystemet's controls, and
the header names the app once."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in

# The colour a token resolves to, through a probe element styled with it.
TOKEN = """token => { const probe = document.createElement('div');
  probe.style.background = `var(${token})`; document.body.append(probe);
  const value = getComputedStyle(probe).backgroundColor; probe.remove(); return value; }"""


def style(page, selector, prop):
    return page.locator(selector).first.evaluate(f"e => getComputedStyle(e).{prop}")


def assert_filled_primary(page, selector):
    accent = page.evaluate(TOKEN, "--ds-color-accent-base-default")
    assert accent not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert style(page, selector, "backgroundColor") == accent, f"{selector} is not filled"
    assert style(page, selector, "color") == page.evaluate(TOKEN, "--ds-color-accent-base-contrast-default")


@pytest.mark.parametrize("width", [360, 1280])
def test_primary_buttons_are_filled_and_the_header_names_the_app_once(page, factory, clock, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/login")
    assert_filled_primary(page, "main button.primary")
    assert page.locator(".brand").inner_text().strip() == "caseapp"

    unit = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [unit])
    case = factory.case(mentor, unit)
    log_in(page, mentor, clock)
    page.goto(f"/cases/{case.id}")
    assert_filled_primary(page, "main .button.primary")
    # A secondary button stays outlined (not filled, not the browser's grey).
    assert style(page, "main a.button:not(.primary)", "backgroundColor") == "rgba(0, 0, 0, 0)"


def test_radios_are_designsystemet_controls(page, factory, clock):
    unit = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [unit])
    case = factory.case(mentor, unit, status="closed")
    point = factory.checkpoint(case)
    log_in(page, mentor, clock)
    page.goto(f"/checkpoints/{point.id}")
    radio = "main input[type=radio]"
    assert page.locator(radio).count() >= 2
    assert style(page, radio, "appearance") == "none"  # drawn by Designsystemet, not the browser
    assert "ds-input" in page.locator(radio).first.get_attribute("class")
    select = "main select"
    assert style(page, select, "appearance") == "none"
    assert "ds-input" in page.locator(select).first.get_attribute("class")
