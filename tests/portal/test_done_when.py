"""Issue 17's "Done when", as one journey in Chromium on a 360 px phone: a demo young person
(``ung2`` of ``caseapp demo-provider``, whose case was opened with break-glass) signs in through
the demo's own local OpenID Connect provider, reads the plan and agrees to it, sees the next
meeting, withdraws a waiver, gives a new waiver to a named organisation (the worker's handover
to it is refused before and works after), reads who has seen their data with the break-glass
reason, downloads the Art. 15 copy, and sends a message that the worker sees flagged on
"Mine saker". axe finds nothing on any of these pages; nothing scrolls sideways. Screenshots of
each page go to test-artifacts/ (git-ignored) for a human to read."""
from __future__ import annotations

import shutil
import subprocess
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from caseapp.breakglass.models import BreakGlassAccess
from caseapp.cases.models import Case
from caseapp.demo.generate import load_demo
from caseapp.extensions import db
from caseapp.handovers.services import receivers
from caseapp.oidc import EXTENSION_KEY, Provider, demo, parse
from caseapp.portal.me import own_cases
from caseapp.units.models import Organisation
from consent.purposes import Purpose
from consent.services import valid_basis
from tests.browser.conftest import ARTIFACTS, _assets_built, log_in, no_sideways_scroll
from tests.browser.test_accessibility import violations
from tests.oidc.provider import SERVER, free_port
from tests.portal.conftest import PHONE

NAV = "Nav Kristiansand"
NEW_TO = "Agder fylkeskommune"  # the organisation the young person names in the new waiver
MESSAGE = "Hei! Kan vi ha møtet på biblioteket neste gang?"


@pytest.fixture
def app_config(app_config):
    # The age rules are settings (the law is being revised): here a 16-year-old decides alone.
    return {**app_config, "SESSION_COOKIE_SECURE": False, "CASEAPP_CONSENT_ADULT_AGE": 16}


@pytest.fixture
def demo_world(app, live_server, tmp_path):
    """The demo loaded, its local provider running (as ``caseapp demo-provider`` starts it)
    for the live server, and the app's citizen sign-in pointing at it."""
    from consent.notice_texts import ensure_default_texts

    _assets_built(live_server)
    ensure_default_texts(db.session)  # as `caseapp init` does before the demo is loaded
    logins = load_demo(db.session, seed=3)
    provider, relying_party, _lines = demo.build(db.session, logins, live_server, free_port())
    db.session.commit()
    config = tmp_path / "oidc-provider.json"
    demo.write_private(config, provider)
    process = subprocess.Popen([shutil.which("node"), str(SERVER), str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout.readline().startswith("ready")
    app.extensions[EXTENSION_KEY] = {kind: Provider(parse(kind, raw))
                                     for kind, raw in relying_party.items()}
    yield {"logins": {login["username"]: login for login in logins},
           "young": demo.young_people(db.session)[1]}
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


def checked(page, name: str) -> None:
    """No axe violations, no sideways scroll; a screenshot for a human to read."""
    assert violations(page) == []
    assert no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"done-when-{name}.png"), full_page=True)


def nav_to(page, name: str) -> None:
    page.locator("#portal-nav").get_by_role("link", name=name).click()


def current_case(person) -> Case:
    db.session.expire_all()
    return own_cases(db.session, person.id)[0]


def organisation_id(name: str):
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


def hand_over(client, login, worker_login, case, clock):
    """The worker hands the case to a worker at the organisation the new waiver names."""
    worker, unit = next((w, u) for w, u in receivers(db.session, case)
                        if u.organisation.name == NEW_TO)
    clock.advance(seconds=30)  # a fresh one-time code
    login(client, case.worker, password=worker_login["password"])
    response = client.submit(f"/cases/{case.id}/handover", {
        "receiver": f"{worker.id}:{unit.id}", "note": "Overføring til videregående",
        "version": str(case.version)})
    return response, worker


def test_done_when_a_demo_young_person_on_a_phone(demo_world, browser, live_server, make_client,
                                                  login, clock, tmp_path):
    person, logins = demo_world["young"], demo_world["logins"]
    case = current_case(person)
    context = browser.new_context(base_url=live_server, locale="nb-NO", viewport=PHONE,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()

    # Signs in through the provider's login and consent pages.
    page.goto("/meg/logg-inn")
    checked(page, "0-sign-in")
    page.click("#portal-login")
    page.wait_for_selector("#login")
    page.fill("#login", "ung2")
    page.fill("#password", demo.YOUNG_PASSWORD)
    page.get_by_role("button", name="Logg inn / Sign in").click()
    page.get_by_role("button", name="Godta / Allow").click()
    page.wait_for_url(f"{live_server}/meg/")
    assert person.given_name in page.locator("main").inner_text()
    checked(page, "1-home")

    # Reads the plan and agrees to it.
    nav_to(page, "Min plan")
    assert page.locator("#portal-goals").inner_text().strip()
    checked(page, "2-plan")
    page.click("#portal-agree")
    page.wait_for_url("**/meg/plan*")
    expect(page.locator("#portal-answer")).to_contain_text("Du sa at du er enig", use_inner_text=True)
    checked(page, "3-plan-agreed")

    # Sees the next meeting (the demo's: at the unit's office in a week).
    nav_to(page, "Mine møter")
    expect(page.locator("#portal-next-meeting")).to_contain_text(f"Kontoret på {case.unit.name}", use_inner_text=True)
    checked(page, "4-meetings")

    # Withdraws the waiver for Nav: from now on nothing may be shared with Nav on it.
    nav_to(page, "Mine samtykker")
    checked(page, "5-consents")
    waiver = valid_basis(db.session, person.id, Purpose.SHARE, organisation_id=organisation_id(NAV))
    page.click(f"#consent-{waiver.id} button")
    page.wait_for_selector("text=Samtykket ditt er trukket tilbake")
    checked(page, "6-withdrawn")
    db.session.expire_all()
    assert valid_basis(db.session, person.id, Purpose.SHARE,
                       organisation_id=organisation_id(NAV)) is None

    # Without a waiver for the upper secondary school's county, the worker's handover is refused.
    worker_login = logins[case.worker.username]
    refused, _ = hand_over(make_client(), login, worker_login, case, clock)
    assert f"har ikke samtykket til deling med {NEW_TO}" in refused.text
    assert current_case(person).worker_id == case.worker_id

    # Gives a new waiver to that named organisation; the handover then works.
    page.select_option("#organisation", label=NEW_TO)
    page.check("text=Planen min og notater fra møtene mine")
    page.check("text=6 måneder")
    page.click("#waiver-form button[type=submit]")
    page.wait_for_selector(f"text={NEW_TO} kan nå se det du valgte.")
    checked(page, "7-new-waiver")
    case = current_case(person)
    done, receiver = hand_over(make_client(), login, worker_login, case, clock)
    assert done.status_code == 302
    assert current_case(person).worker_id == receiver.id

    # Reads who has seen their data, with the written reason of the break-glass opening.
    nav_to(page, "Hvem har sett mine opplysninger")
    opening = db.session.scalar(select(BreakGlassAccess).where(BreakGlassAccess.case_id == case.id))
    assert opening.reason in page.locator("#access-list").inner_text()
    checked(page, "8-who-has-seen")
    with page.expect_download() as download:
        page.click("#copy-pdf")
    saved = tmp_path / "kopi.pdf"
    download.value.save_as(saved)
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(saved.read_bytes())).pages)
    assert "Alt vi har lagret om deg" in text and person.given_name in text

    # Sends a message; the worker (now the receiver) sees it flagged on "Mine saker".
    nav_to(page, "Meldinger")
    page.wait_for_url("**/meg/meldinger")
    checked(page, "9-messages")
    page.fill("#body", MESSAGE)
    page.click("main button.primary")
    page.wait_for_url("**/meg/meldinger#latest")
    assert MESSAGE in page.locator("#latest").inner_text()
    checked(page, "10-message-sent")
    context.close()

    staff_context = browser.new_context(base_url=live_server, locale="nb-NO", viewport=PHONE)
    staff = staff_context.new_page()
    clock.advance(seconds=30)
    log_in(staff, logins[receiver.username], clock)
    staff.goto("/cases/")
    flag = staff.locator(f'a[href="/cases/{case.id}/messages"]')
    assert flag.inner_text().strip() == "1 ulest melding"
    checked(staff, "11-worker-mine-saker")
    staff_context.close()
