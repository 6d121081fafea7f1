"""The one headless Chromium of a test run (Debian's package; no browser downloads), for every
test that drives a browser (tests/browser/, tests/oidc/). One definition: Playwright's sync API
runs one loop per process, so a second `sync_playwright()` beside it fails."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_report_header(config):
    """The browser's version at the top of every run's output (CI logs)."""
    path = chromium_path()
    if path is None:
        return "chromium: not installed (browser tests skip)"
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    return f"chromium: {version.stdout.strip() or version.stderr.strip()} at {path}"


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium package is missing; .ci/run installs it.")
        pytest.skip("Install Debian's chromium package to run the browser tests.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        print(f"\nChromium {browser.version} at {path}")
        yield browser
        browser.close()
