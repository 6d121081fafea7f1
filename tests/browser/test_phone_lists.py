"""Lists on a phone: "Mine saker" as cards with every flag on screen, a filter for closed
cases, and statistics charts whose text stays readable at 360 px."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in, no_sideways_scroll


def test_my_cases_are_cards_with_their_flags_on_screen(phone, factory, clock):
    unit = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [unit])
    open_case = factory.case(mentor, unit, participant=factory.participant("Sara", "Haugen"))
    factory.case(mentor, unit, participant=factory.participant("Jonas", "Berg"), status="closed")
    log_in(phone, mentor, clock)
    phone.goto("/cases/")
    assert no_sideways_scroll(phone)
    row = phone.locator("main tbody tr").first
    expect(row).to_contain_text("Sara Haugen")
    flag = row.locator(".tag:has-text('Mangler grunnlag')")  # the last flag: no basis
    expect(flag).to_be_visible()
    box = flag.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    # No sideways scrolling inside the list either.
    assert phone.evaluate("document.querySelector('main .table-wrap').scrollWidth "
                          "<= document.querySelector('main .table-wrap').clientWidth")
    expect(phone.locator("main")).not_to_contain_text("Jonas Berg")

    phone.locator("main a:has-text('Avsluttede saker')").tap()
    phone.wait_for_url("**/cases/?show=closed")
    expect(phone.locator("main tbody")).to_contain_text("Jonas Berg")
    expect(phone.locator("main tbody")).not_to_contain_text("Sara Haugen")
    assert str(open_case.id) not in phone.content()


def test_statistics_charts_are_readable_at_360_px(phone, factory, clock):
    unit = factory.unit("Lund ungdomsskole")
    coordinator = factory.user("coordinator", [unit])
    mentor = factory.user("youth_mentor", [unit])
    for _ in range(6):
        factory.case(mentor, unit)
    log_in(phone, coordinator, clock)
    phone.goto("/reports/statistics?date_from=2026-01-01&date_to=2026-11-01")
    assert no_sideways_scroll(phone)
    charts = phone.locator("main svg.chart:visible")
    expect(charts).to_have_count(2)
    # The bar labels are drawn at 12 px or more on the screen, not shrunk to half size.
    label = charts.first.locator("text").first
    assert label.bounding_box()["height"] >= 12, label.bounding_box()
    # Each table's title spans its cards, not a narrow column squeezed beside them.
    caption = phone.locator("main table.statistics caption").first
    expect(caption).to_be_visible()
    assert caption.bounding_box()["width"] >= 0.9 * phone.locator("main").bounding_box()["width"] - 40
