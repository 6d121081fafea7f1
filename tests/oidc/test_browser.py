"""In Chromium, through the real provider's login and consent pages: a coordinator with MFA
reaches the dashboard, the same coordinator without MFA is refused, a young person reaches only
the young person's pages."""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.conftest import _assets_built  # noqa: F401  (fixture)
from tests.oidc.conftest import known  # noqa: F401  (fixture)
from tests.oidc.provider import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SESSION_COOKIE_SECURE": False}  # plain http on 127.0.0.1


@pytest.fixture
def live_server(app, app_port):
    """The app on the port registered with the provider."""
    server = make_server("127.0.0.1", app_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{app_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def new_page(browser, live_server):  # noqa: F811
    _assets_built(live_server)
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server, locale="nb-NO")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def provider_login(page, login: str) -> None:
    """The provider's own pages: username and password, then consent."""
    page.wait_for_selector("#login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logg inn / Sign in").click()
    page.get_by_role("button", name="Godta / Allow").click()


def test_coordinator_with_and_without_mfa(new_page, coordinator, live_server):
    page = new_page()
    page.goto("/login")
    page.get_by_role("link", name="Logg inn med organisasjonens konto").click()
    provider_login(page, "koord.mfa")
    page.wait_for_url(f"{live_server}/")
    menu = page.get_by_role("navigation")
    assert menu.get_by_role("link", name="Saksmengde", exact=True).count() == 1  # coordinator
    page.screenshot(path="/tmp/oidc-coordinator.png", full_page=True)
    page.get_by_role("button", name="Logg ut").click()  # here, then at the provider
    page.get_by_role("button", name="Logg ut / Sign out").click()
    page.wait_for_url(f"{live_server}/login")
    page.goto("/")
    assert page.url == f"{live_server}/login?next=%2F"

    refused = new_page()
    refused.goto("/login")
    refused.get_by_role("link", name="Logg inn med organisasjonens konto").click()
    provider_login(refused, "koord.nomfa")
    expect(refused.locator("#oidc-error")).to_contain_text("tofaktorautentisering", use_inner_text=True)
    refused.screenshot(path="/tmp/oidc-no-mfa.png", full_page=True)
    refused.goto("/")
    assert refused.url.startswith(f"{live_server}/login")


def test_young_person_reaches_only_their_own_pages(new_page, known, live_server):
    page = new_page()
    page.goto("/meg/")
    assert page.url == f"{live_server}/meg/logg-inn"
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    provider_login(page, "ung.kjent")
    page.wait_for_url(f"{live_server}/meg/")
    assert page.locator("#portal-signed-in").inner_text() == "Du er logget inn."
    page.screenshot(path="/tmp/oidc-young-person.png", full_page=True)
    for staff_page in ("/", "/cases/", "/caseload/", "/profile/"):
        page.goto(staff_page)
        assert page.url.startswith(f"{live_server}/login"), staff_page
    page.goto("/meg/")
    page.get_by_role("button", name="Logg ut").click()
    page.get_by_role("button", name="Logg ut / Sign out").click()
    page.wait_for_url(f"{live_server}/meg/logged-out")
    page.goto("/meg/")
    assert page.url == f"{live_server}/meg/logg-inn"
