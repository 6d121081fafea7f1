"""A real server and a real headless Chromium (Debian's package; no browser downloads)."""
from __future__ import annotations

import re
import threading
from datetime import UTC
from pathlib import Path

import pyotp
import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"  # screenshots of failed browser tests (git-ignored; CI output)
PHONE = {"width": 360, "height": 740}  # a small Android phone, one-handed


@pytest.fixture
def app_config(app_config):
    # The browser talks plain http to 127.0.0.1, like `make run`.
    return {**app_config, "SESSION_COOKIE_SECURE": False}


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _screenshot_on_failure(request, page) -> None:
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        print(f"\nScreenshot of the failure: {ARTIFACTS / (name + '.png')}")


def _assets_built(live_server) -> None:
    if not (ROOT / "caseapp" / "static" / "vendor" / ".built").exists():
        pytest.fail("Designsystemet is not built: run `make assets` (make test does it).")


@pytest.fixture
def page(browser, live_server, request):
    _assets_built(live_server)
    context = browser.new_context(base_url=live_server, locale="nb-NO")
    page = context.new_page()
    yield page
    _screenshot_on_failure(request, page)
    context.close()


@pytest.fixture
def phone(browser, live_server, request):
    """A page on a 360 px wide touch screen, like a worker's phone."""
    _assets_built(live_server)
    context = browser.new_context(base_url=live_server, locale="nb-NO", viewport=PHONE,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    _screenshot_on_failure(request, page)
    context.close()


def log_in(page, user, clock, password=PASSWORD):
    """Both login steps in the browser, as ``user`` (a User, or a demo login dict)."""
    username = user["username"] if isinstance(user, dict) else user.username
    secret = user["totp_secret"] if isinstance(user, dict) else user.totp_secret
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", user.get("password", password) if isinstance(user, dict) else password)
    page.click("button.primary")
    page.fill("#code", pyotp.TOTP(secret).at(clock.now().replace(tzinfo=UTC)))
    page.click("button.primary")
    page.wait_for_url("**/")


def no_sideways_scroll(page) -> bool:
    """The page itself fits the viewport (wide tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
