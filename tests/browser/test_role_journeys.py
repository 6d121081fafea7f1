"""Every role walks its main journeys on the demo data, on a 360 px phone and a 1280 px screen.
On each page: nothing scrolls sideways (neither the page nor a list or table inside its own
box), the primary button is filled, times are Norwegian local time, and the words are the
issue's: no raw audit codes, no "veileder" on a work leader's pages, "Registrer samtale" on the
case page."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from sqlalchemy import select

from audit.labels import ACTION_LABELS, GROUNDS_LABELS
from audit.models import AuditEvent
from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.contacts.models import Contact
from caseapp.demo.generate import load_demo
from caseapp.extensions import db
from tests.browser.conftest import log_in
from tests.browser.test_look import TOKEN

OSLO = ZoneInfo("Europe/Oslo")
ROLES = ("youth_mentor", "work_leader", "coordinator", "privacy_officer", "admin")
# Codes the log keeps and pages must put in words (plain-word codes such as "demo" are left out:
# they are also ordinary words).
CODES = [code for code in (*ACTION_LABELS, *GROUNDS_LABELS, *ROLES) if re.search(r"[._]", code)]

# Lists and tables whose content is wider than their own box (they scroll sideways inside it).
SIDEWAYS = """() => [...document.querySelectorAll(
    'main table, main .table-wrap, main ul, main ol, main dl, main .cards')]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${e.scrollWidth} > ${e.clientWidth}`)"""
PRIMARY = "main :is(button, .button).primary:visible"


class Walk:
    """One role's walk at one width: each page is checked and every problem kept for the end."""

    def __init__(self, page, role, width):
        self.page, self.role, self.width = page, role, width
        self.problems: list[str] = []
        self.filled = 0

    def note(self, problem):
        self.problems.append(f"{self.role} at {self.width} px, {self.page.url}: {problem}")

    def visit(self, href=None):
        if href:
            self.page.goto(href)
        self.page.wait_for_load_state("load")
        page = self.page
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            self.note("the page scrolls sideways")
        for box in page.evaluate(SIDEWAYS):
            self.note(f"scrolls sideways inside its box: {box}")
        if page.locator(PRIMARY).count():
            background = page.locator(PRIMARY).first.evaluate("e => getComputedStyle(e).backgroundColor")
            if background in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)") or \
                    background != page.evaluate(TOKEN, "--ds-color-accent-base-default"):
                self.note(f"the primary button is not filled ({background})")
            self.filled += 1
        text = page.locator("body").inner_text()
        for code in CODES:
            if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text):
                self.note(f"shows the code {code!r} instead of words")
        if self.role == "work_leader" and "veileder" in text.lower():
            self.note("calls the work leader a 'veileder'")
        return text

    def shows_local_time(self, when: datetime, text: str, style: str):
        """``when`` (naive UTC, as stored) is shown in Oslo time, not in UTC."""
        local, utc = (format_datetime(when.replace(tzinfo=UTC), style, tzinfo=zone, locale="nb_NO")
                      for zone in (OSLO, UTC))
        if local not in text or utc in text:
            self.note(f"does not show {utc} UTC as {local} Oslo time")


def links(page, selector):
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")


def walk_case_work(walk, user):
    """A worker: Mine saker, the case with the latest session, the session form, the plan."""
    page = walk.page
    walk.visit("/cases/")
    contact = db.session.scalars(
        select(Contact).join(Case, Case.id == Contact.case_id)
        .where(Case.worker_id == user.id, Case.status == "active", Contact.deleted_at.is_(None))
        .order_by(Contact.occurred_at.desc()).limit(1)).one()
    text = walk.visit(f"/cases/{contact.case_id}")
    walk.shows_local_time(contact.occurred_at, text, "short")
    record = page.locator("main a.button.primary")
    if record.first.inner_text().strip() != "Registrer samtale":
        walk.note(f"the primary action is {record.first.inner_text()!r}, not 'Registrer samtale'")
    record.first.click()
    page.wait_for_url("**/contacts/new")
    walk.visit()
    walk.visit(f"/cases/{contact.case_id}/plan")


def walk_coordinator(walk, user):
    page = walk.page
    walk.visit("/caseload/")
    drill = links(page, "main table a")
    assert drill, "the caseload has no numbers to open"
    walk.visit(drill[0])
    walk.visit("/reports/statistics")


def walk_privacy_officer(walk, user):
    text = walk.visit("/")  # the latest audit events
    seq = int(walk.page.locator("main tbody tr td").first.inner_text())
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == seq))
    walk.shows_local_time(event.at, text, "medium")
    walk.visit("/privacy/?grounds=own_caseload")


def walk_admin(walk, user):
    page = walk.page
    walk.visit("/admin/users")
    walk.visit(links(page, "main tbody a")[0])
    walk.visit("/admin/units")
    walk.visit(links(page, "main tbody a, main li a")[0])


JOURNEYS = {"youth_mentor": walk_case_work, "work_leader": walk_case_work,
            "coordinator": walk_coordinator, "privacy_officer": walk_privacy_officer,
            "admin": walk_admin}


@pytest.fixture
def demo(app):
    logins = load_demo(db.session, seed=5)
    db.session.commit()
    return logins


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("role", ROLES)
def test_role_walks_its_journeys(page, demo, clock, role, width):
    page.set_viewport_size({"width": width, "height": 800})
    login = next(l for l in demo if l["role"] == role)
    user = db.session.scalar(select(User).where(User.username == login["username"]))
    log_in(page, login, clock)
    walk = Walk(page, role, width)
    walk.visit()  # the start page
    for href in links(page, "header nav a"):
        walk.visit(href)
    JOURNEYS[role](walk, user)
    assert not walk.problems, "\n".join(walk.problems)
    if role != "privacy_officer":
        assert walk.filled, "no page of the walk had a primary button"
