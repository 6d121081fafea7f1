"""The login rate limit holds across the real multi-worker server (``caseapp run``, gunicorn
with three workers): the counters live in Redis (a server of the test's own), so a client gets
the documented limit, not the limit times the number of workers. The same server with
per-process counters (``memory://``) lets more through: the check can fail."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import pytest
import requests

from tests.backup.conftest import CASEAPP, run
from tests.conftest import CSRF_RE
from tests.jobs.conftest import redis_server  # noqa: F401  (fixture)
from tests.oidc.provider import free_port

LIMIT = 5
ATTEMPTS = 15


@pytest.fixture
def instance_env(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("CASEAPP_") or k == "DATABASE_URL")}
    env.update(CASEAPP_INSTANCE=str(tmp_path / "instance"), CASEAPP_ARGON2_MEMORY_COST="8192",
               CASEAPP_ARGON2_TIME_COST="1", CASEAPP_LOGIN_RATE_LIMIT=f"{LIMIT} per minute",
               CASEAPP_SESSION_COOKIE_SECURE="false")
    run(env, "init")
    return env


def serve(env, log):
    port = free_port()
    server = subprocess.Popen([CASEAPP, "run", "--port", str(port), "--workers", "3"], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/health", timeout=5).status_code < 500:
                return server, base
        except requests.RequestException:  # not listening yet, or its workers still warming up
            pass
        assert server.poll() is None, "the server did not start"
        time.sleep(0.3)
    raise AssertionError("the server did not answer in time")


def failed_logins_let_through(env, log) -> int:
    """Wrong passwords from one client, each with a fresh connection (so the workers share
    them): how many were answered before the limit's 429."""
    server, base = serve(env, log)
    try:
        answered = 0
        for _ in range(ATTEMPTS):
            browser = requests.Session()
            token = CSRF_RE.search(browser.get(f"{base}/login", timeout=10).text).group(1)
            response = browser.post(f"{base}/login", timeout=10, allow_redirects=False,
                                    headers={"Referer": f"{base}/login"},
                                    data={"csrf_token": token, "username": "nobody",
                                          "password": "wrong-password-123"})
            assert response.status_code in {200, 429}
            answered += response.status_code == 200
        return answered
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_the_login_limit_holds_across_workers(instance_env, redis_server, tmp_path):  # noqa: F811
    with (tmp_path / "server.log").open("w") as log:
        shared = failed_logins_let_through(
            {**instance_env, "CASEAPP_REDIS_URL": redis_server.url}, log)
        per_process = failed_logins_let_through(
            {**instance_env, "CASEAPP_RATELIMIT_STORAGE_URI": "memory://"}, log)
    assert shared == LIMIT
    assert per_process > LIMIT  # the control: several workers, each counting for itself
    workers = set(re.findall(r"Booting worker with pid: (\d+)", (tmp_path / "server.log").read_text()))
    assert len(workers) >= 6
