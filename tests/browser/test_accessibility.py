"""Every page each demo role reaches: 0 axe violations for WCAG 2.0/2.1 A and AA."""
from __future__ import annotations

from datetime import UTC

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from caseapp.demo.generate import load_demo
from caseapp.extensions import db
from consent.services import grant
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


# Beyond the WCAG-tagged rules: headings in order, one h1, everything inside a landmark.
STRUCTURE = {"runOnly": {"type": "rule", "values": ["heading-order", "page-has-heading-one",
                                                     "landmark-one-main", "region"]}}


def violations(page) -> list[str]:
    # A click that submits a form returns before the browser has left the page: axe started on
    # the page being unloaded finds no document. Wait for the next page before checking.
    page.wait_for_load_state("load")
    try:
        return _check(page)
    except PlaywrightError:
        page.wait_for_load_state("load")
        return _check(page)


def _check(page) -> list[str]:
    # Let fade-ins (the error summary's, the dialog's) end: mid-fade text has low contrast.
    page.evaluate("""() => Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
        .map(a => a.finished.catch(() => null)))""")
    found = []
    for options in (WCAG, STRUCTURE):
        result = Axe().run(page, options=options)
        found += [f"{page.url}: {v['id']} ({len(v['nodes'])}) {v['help']}"
                  for v in result.response["violations"]]
    return found


@pytest.fixture
def demo(app):
    logins = load_demo(db.session, seed=5)
    db.session.commit()
    return logins


def test_public_pages_and_error_states(page):
    found = []
    page.goto("/login")
    found += violations(page)
    page.click("button.primary")  # empty form: error summary and field errors
    expect(page.locator(".error-summary")).to_be_visible()
    found += violations(page)
    page.goto("/finnes-ikke")
    found += violations(page)
    assert not found, "\n".join(found)


def test_every_page_of_every_role(page, demo, clock):
    found = []
    for role in ("youth_mentor", "work_leader", "coordinator", "privacy_officer", "admin"):
        login = next(l for l in demo if l["role"] == role)
        log_in(page, login, clock)
        clock.advance(seconds=30)
        links = page.eval_on_selector_all("header nav a", "els => els.map(e => e.getAttribute('href'))")
        found += violations(page)
        for href in links:
            page.goto(href)
            found += violations(page)
        case_links = page.eval_on_selector_all("a[href^='/cases/']",
                                               "els => els.map(e => e.getAttribute('href'))")
        if role in ("youth_mentor", "work_leader"):
            page.goto("/cases/")
            first = page.eval_on_selector("tbody a", "e => e.getAttribute('href')")
            page.goto(first)
            found += violations(page)
            page.click("main summary:has-text('Flere handlinger')")
            page.click("text=Samtykker og rettslig grunnlag")
            found += violations(page)
            page.click("text=Registrer samtykke eller rettslig grunnlag")
            found += violations(page)
            with page.expect_navigation():
                page.click("button.primary")  # an error state
            found += violations(page)
        if role == "admin":
            page.goto("/admin/users/new")
            found += violations(page)
        page.click("header button:has-text('Logg ut')")
        page.wait_for_url("**/login")
        assert case_links is not None
    assert not found, "\n".join(found)


def test_keyboard_only_login(page, demo, clock):
    login = next(l for l in demo if l["role"] == "youth_mentor")
    page.goto("/login")

    def tab_to(element_id):
        for _ in range(15):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"#{element_id} cannot be reached with Tab")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    tab_to("username")
    page.keyboard.type(login["username"])
    tab_to("password")
    page.keyboard.type(login["password"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/login/code")
    tab_to("code")
    page.keyboard.type(pyotp.TOTP(login["totp_secret"]).at(clock.now().replace(tzinfo=UTC)))
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    expect(page.locator("h2", has_text="Mine saker")).to_be_visible()


def tab_until(page, test_js: str, limit: int = 80) -> None:
    """Press Tab until the focused element passes ``test_js`` (an arrow function of it);
    every element on the way must show a visible focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {tag: e.tagName, text: (e.textContent || e.id).trim().slice(0, 40),
                    own: e.matches(':focus'),
                    visible: s.outlineStyle !== 'none' || s.boxShadow !== 'none'}; }""")
        # (not own: the focus is on a browser part inside the element, e.g. a date picker
        # button, which has the browser's focus ring)
        if focus["tag"] != "BODY" and focus["own"]:
            assert focus["visible"], f"no visible focus on {focus}"
        if page.evaluate(f"({test_js})(document.activeElement)"):
            return
    raise AssertionError(f"nothing matching {test_js} can be reached with Tab")


def test_keyboard_only_session(page, factory, clock):
    """Log in, open a case and log a session with the keyboard alone."""
    unit = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [unit])
    case = factory.case(mentor, unit, participant=factory.participant("Ola", "Tastatur"))
    grant(db.session, participant_id=case.participant_id, purpose="follow_up",
          given_by="guardians", guardians=[{"name": "Mor", "relation": "mother"}])
    db.session.commit()
    page.goto("/login")
    tab_until(page, "e => e.id === 'username'")
    page.keyboard.type(mentor.username)
    tab_until(page, "e => e.id === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/login/code")
    tab_until(page, "e => e.id === 'code'")
    page.keyboard.type(pyotp.TOTP(mentor.totp_secret).at(clock.now().replace(tzinfo=UTC)))
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    tab_until(page, "e => e.textContent.trim() === 'Ola Tastatur'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{case.id}")
    tab_until(page, "e => e.textContent.trim() === 'Registrer samtale'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contacts/new")
    tab_until(page, "e => e.id === 'note'")
    page.keyboard.type("Gikk gjennom timeplanen.")
    tab_until(page, "e => e.name === 'topics' && e.value === 'school'")
    page.keyboard.press("Space")
    tab_until(page, "e => e.type === 'submit' && e.form && e.form.id !== 'logout-form'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{case.id}")
    expect(page.locator("main")).to_contain_text("Gikk gjennom timeplanen.", use_inner_text=True)


def test_the_checker_itself_finds_violations(page):
    """Guard against a silently broken harness: a page with known faults must fail."""
    page.goto("/login")
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = '/static/ingen-slik-fil.png';
        document.querySelector('main').appendChild(img);
        document.querySelector('label[for=username]').remove();
    }""")
    found = " ".join(violations(page))
    assert "image-alt" in found and "label" in found


def submit_emptied(page) -> None:
    """Clear the form's text, number and date fields and submit it: the page's error state."""
    page.evaluate("""() => {
        const form = document.querySelector('main form[method=post] button.primary').form;
        for (const input of form.querySelectorAll(
                'input[type=text], input:not([type]), input[type=date], input[type=number], textarea')) {
            input.value = '';
        }
    }""")
    page.click("main form[method=post] button.primary")


def test_every_case_page_and_its_error_states(page, demo, clock):
    """A worker's case and every page linked from it; each form submitted emptied."""
    found = []
    for role in ("youth_mentor", "work_leader"):
        login = next(l for l in demo if l["role"] == role)
        log_in(page, login, clock)
        page.goto("/cases/")
        case = page.eval_on_selector("tbody a", "e => e.getAttribute('href')")
        page.goto(case)
        pages = page.eval_on_selector_all(
            "main a[href^='/']:not([href$='.pdf']):not([href*='.pdf?']):not([href*='.ics'])",
            "els => [...new Set(els.map(e => e.getAttribute('href')))]")
        for href in pages:
            page.goto(href)
            found += violations(page)
            if page.locator("main form[method=post] button.primary").count():
                submit_emptied(page)
                found += violations(page)
        page.click("header button:has-text('Logg ut')")
        page.wait_for_url("**/login")
    assert len(pages) > 5
    assert not found, "\n".join(found)


def test_empty_states_new_pages_and_dialogs(page, factory, clock):
    """A worker with no cases yet, a privacy officer's search that finds nothing, the
    accessibility statement, the English pages and the session-timeout warning."""
    unit = factory.unit("Tom skole")
    mentor = factory.user("youth_mentor", [unit])
    officer = factory.user("privacy_officer", [unit])
    found = []
    page.goto("/tilgjengelighet")
    found += violations(page)
    page.clock.install()
    log_in(page, mentor, clock)
    found += violations(page)
    page.goto("/cases/")
    assert page.locator("main").inner_text()
    found += violations(page)
    page.goto("/participants/new")
    page.click("main button.primary")
    expect(page.locator(".ds-error-summary")).to_be_visible()
    found += violations(page)
    page.clock.fast_forward("18:01")  # the warning, 2 minutes before the 20-minute logout
    expect(page.locator("#session-timeout")).to_be_visible()
    found += violations(page)
    page.click("#session-timeout button.ds-button")
    page.click("header button[lang=en]")
    found += violations(page)
    page.goto("/tilgjengelighet")
    assert page.locator("html").get_attribute("lang") == "en"
    found += violations(page)
    page.click("header button:has-text('Log out')")
    log_in(page, officer, clock)
    page.goto("/audit/?user=ingen-slik-bruker")
    found += violations(page)
    page.goto("/audit/?date_from=2026-12-01&date_to=2026-01-01")
    found += violations(page)
    page.goto("/consent/overview")
    found += violations(page)
    assert not found, "\n".join(found)


def test_sortable_headers_work_from_the_keyboard(page, factory, clock):
    unit = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [unit])
    for given in ("Berit", "Anders", "Cecilie"):
        factory.case(mentor, unit, participant=factory.participant(given, "Lie"))
    log_in(page, mentor, clock)
    page.goto("/cases/")
    header = page.locator("th", has_text="Navn")
    assert header.get_attribute("aria-sort") == "none"
    tab_until(page, "e => e.classList.contains('sort-button') && e.textContent.trim() === 'Navn'")
    page.keyboard.press("Enter")

    def names():
        return page.eval_on_selector_all("tbody tr td:first-child",
                                         "els => els.map(e => e.textContent.trim())")

    assert header.get_attribute("aria-sort") == "ascending"
    assert names() == ["Anders Lie", "Berit Lie", "Cecilie Lie"]
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    assert names() == ["Cecilie Lie", "Berit Lie", "Anders Lie"]
    assert not violations(page)


def test_phone_pages_have_no_violations_and_tables_scroll_in_their_box(phone, demo, clock):
    found = []
    for role in ("youth_mentor", "privacy_officer"):
        login = next(l for l in demo if l["role"] == role)
        log_in(phone, login, clock)
        clock.advance(seconds=30)
        for href in phone.eval_on_selector_all("header nav a", "els => els.map(e => e.getAttribute('href'))"):
            phone.goto(href)
            found += violations(phone)
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), href
        phone.click("header button:has-text('Logg ut')")
        phone.wait_for_url("**/login")
    assert not found, "\n".join(found)


def test_designsystemet_loads_under_the_strict_csp(page):
    """The self-hosted CSS, font and web components load, with no CSP violation or error."""
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.goto("/login")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("!!customElements.get('ds-error-summary') && !!customElements.get('ds-field')")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Inter")
    assert page.evaluate("document.fonts.check('16px Inter')")
    assert page.evaluate("document.activeElement.tagName") == "DS-ERROR-SUMMARY"
    assert not problems, problems


def test_a_long_timeline_a_page_at_a_time(app, page, factory, mentor, school, clock):
    """The case page's "Show earlier sessions" pages: reachable, newest first, 0 violations."""
    from datetime import datetime

    app.config["CASEAPP_TIMELINE_SESSIONS_PER_PAGE"] = 3
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    for number in range(1, 8):
        factory.contact(case, occurred_at=datetime(2026, 10, number, 12), note=f"Økt nummer {number}.")
    log_in(page, mentor, clock)
    page.goto(f"/cases/{case.id}")
    found = violations(page)
    expect(page.locator("text=Økt nummer 7.")).to_be_visible()
    assert page.locator("text=Økt nummer 4.").count() == 0
    page.click("text=Vis tidligere samtaler")
    page.wait_for_url("**page=2#timeline")
    expect(page.locator("text=Økt nummer 4.")).to_be_visible()
    found += violations(page)
    page.click("text=Vis tidligere samtaler")
    page.wait_for_url("**page=3#timeline")
    expect(page.locator("text=Økt nummer 1.")).to_be_visible()
    expect(page.locator("text=Saken startet")).to_be_visible()
    found += violations(page)
    page.click("text=Vis nyere samtaler")
    page.wait_for_url("**page=2#timeline")
    assert not found, "\n".join(found)
