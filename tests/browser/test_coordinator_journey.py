"""A coordinator in a real browser: the caseload dashboard, a drill-down, a reassignment, and
0 axe violations (WCAG 2.0/2.1 A and AA) on the dashboard, the list and the form; the
statistics page and its Nøkkeltall downloads (PDF, CSV, Excel)."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pyotp
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

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
    expect(page.locator(".error-summary")).to_contain_text("Velg hvem som skal overta saken", use_inner_text=True)
    found += violations(page)
    page.select_option("#worker", str(colleague.id))
    page.select_option("#reason", "workload")
    page.fill("#note", "Hun foretrekker SMS.")
    page.click("button.primary")
    page.wait_for_url("**/caseload/")
    expect(page.locator(".alert")).to_contain_text(f"Saken er gitt til {colleague.display_name}", use_inner_text=True)
    assert not found, "\n".join(found)

    # the receiving worker sees the case on the start page, marked as new
    other = browser.new_context(base_url=live_server, locale="nb-NO").new_page()
    log_in(other, colleague, clock)
    mine = other.locator("section", has_text="Mine saker").inner_text()
    assert "Sara Olsen" in mine and "Ny for deg fra" in mine
    other.context.close()


def _downloaded(page, link_text: str) -> tuple[str, bytes]:
    """Click a download link as the coordinator would; the file's suggested name and bytes."""
    with page.expect_download() as info:
        page.click(f"main a:has-text('{link_text}')")
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _digits(text: str) -> str:
    """A figure without the Norwegian thousands separator (a space, also a no-break one)."""
    return re.sub(r"[\s\u00a0\u202f]", "", text)


def test_coordinator_reads_the_statistics_and_downloads_nokkeltall(page, factory, clock):
    school = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [school])
    coordinator = factory.user("coordinator", [school])
    for _ in range(7):  # enough cases for the figures to be published (1–4 are hidden)
        factory.case(mentor, school)

    log_in(page, coordinator, clock)
    page.click("header a:has-text('Statistikk')")
    page.wait_for_url("**/reports/statistics")
    assert page.locator("h1").inner_text() == "Resultatstatistikk"

    # The key figures, each a label with its number.
    labels = page.locator("dl.key-figures dt").all_inner_texts()
    values = page.locator("dl.key-figures dd").all_inner_texts()
    figures = dict(zip(labels, values))
    # each count within ±2 of the 7 cases (the cell-key method); the same 7 cases, one figure
    started_shown = figures["Startet i perioden"]
    assert abs(int(started_shown) - 7) <= 2 and figures["Fulgt i perioden"] == started_shown
    expect(page.locator("p.hint").first).to_contain_text("endret tilfeldig med høyst 2", use_inner_text=True)
    # The charts: SVG images named by their title (and described), with the figure's heading.
    charts = page.locator("figure.chart")
    assert charts.count() >= 1
    for number in range(charts.count()):
        chart = charts.nth(number)
        svg = chart.locator("svg[role=img]").first  # (the wide drawing; a narrow one follows)
        title = svg.locator("title").text_content()
        assert title and title == chart.locator("figcaption h2").inner_text()
        assert svg.get_attribute("aria-labelledby").endswith("-desc")
        assert svg.locator("desc").text_content()
    assert not violations(page)

    # Nøkkeltall as PDF: the report's title and the page's figure are in its text.
    name, pdf = _downloaded(page, "Nøkkeltall (PDF)")
    assert name == "nokkeltall.pdf" and pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Nøkkeltall"
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Nøkkeltall" in text and "Lund ungdomsskole" in text
    lines = [line.strip() for line in text.splitlines()]
    started = lines[lines.index("Startet i perioden") + 1]  # the figure under its label
    assert _digits(started) == _digits(figures["Startet i perioden"])

    # The same tables as CSV (semicolons, UTF-8 with BOM) and as an Excel workbook.
    name, body = _downloaded(page, "Tabeller (CSV)")
    assert name == "nokkeltall.csv"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Nøkkeltall"
    assert rows[1][0] == "Enheter" and "Lund ungdomsskole" in rows[1][1]
    assert ["Startet i perioden", started_shown] in rows

    name, body = _downloaded(page, "Tabeller (Excel)")
    assert name == "nokkeltall.xlsx"
    book = load_workbook(io.BytesIO(body), read_only=True)
    summary = [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert summary[0][0] == "Nøkkeltall"
    assert any(row[:2] == ("Startet i perioden", int(started_shown)) for row in summary)
    assert len(book.worksheets) > 1  # one sheet per table
    book.close()
