"""Crash safety: the real server (``caseapp run``, gunicorn) is killed with SIGKILL in the middle
of a burst of writes and started again. Every write that got a success answer is there, nothing
is half-written, and the audit log verifies. SQLite and PostgreSQL (the suite's ``--db``)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from http.cookiejar import CookieJar
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pyotp
from sqlalchemy import func, select

from tests.backup.conftest import CASEAPP, close_app, open_app, run
from tests.conftest import CSRF_RE, PASSWORD, Factory
from tests.contacts.test_sessions import quick
from tests.plans.test_plans import first_plan

SESSION_WRITERS = 6


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we want to see


class Browser:
    """A minimal browser over real HTTP: cookies, no redirects, the CSRF token of a page."""

    def __init__(self) -> None:
        self.base = ""
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        req = Request(self.base + path, data=body, headers={"Referer": self.base + "/"})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read().decode()
        except HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def token(self, path: str) -> str:
        status, html = self.request(path)
        assert status == 200, (path, status)
        return CSRF_RE.search(html).group(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(env, log) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen([CASEAPP, "run", "--port", str(port), "--workers", "2"], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    probe = Browser()
    probe.base = base
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if probe.request("/login")[0] == 200:
                return server, base
        except (URLError, ConnectionError, OSError):
            pass
        assert server.poll() is None, "the server did not start"
        time.sleep(0.3)
    raise AssertionError("the server did not answer in time")


def _kill(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGKILL)  # gunicorn's master and all its workers, no cleanup
    server.wait(timeout=30)


def _setup(env) -> dict:
    """A worker (with a known TOTP secret) and two cases with a valid basis, in the instance."""

    app = open_app(env)
    try:
        with app.app_context():
            factory = Factory()
            unit = factory.unit("Lund ungdomsskole")
            worker = factory.user("youth_mentor", [unit], username="uv.krasj")
            cases = [factory.case(worker, unit) for _ in range(2)]
            for case in cases:
                factory.consent(case.participant)
            factory.plan(cases[0])
            return {"username": worker.username, "secret": worker.totp_secret,
                    "cases": [str(case.id) for case in cases]}
    finally:
        close_app(app)


def _login(browser: Browser, facts: dict) -> None:
    status, _ = browser.request("/login", {"csrf_token": browser.token("/login"),
                                           "username": facts["username"], "password": PASSWORD})
    assert status == 302
    code = pyotp.TOTP(facts["secret"]).now()
    status, _ = browser.request("/login/code", {"csrf_token": browser.token("/login/code"),
                                                "code": code})
    assert status == 302


def _burst(browser: Browser, facts: dict, token: str):
    """Sessions and plan versions written from several threads until the server dies;
    returns the notes and plan versions that got a success answer."""
    saved_notes: list[str] = []
    saved_versions: list[int] = []
    failures: list[int] = []  # answers other than success (e.g. "database is locked" as 500)

    def sessions(writer: int) -> None:
        case_id = facts["cases"][writer % 2]
        for n in range(10_000):
            note = f"Krasjtest {writer}-{n}"
            try:
                status, _ = browser.request(f"/cases/{case_id}/contacts/new",
                                            {"csrf_token": token, **quick(note=note)})
            except (URLError, ConnectionError, OSError):
                return
            if status == 302:
                saved_notes.append(note)
            else:
                failures.append(status)

    def plans() -> None:
        version = 1
        while True:
            try:
                status, _ = browser.request(f"/cases/{facts['cases'][0]}/plan/edit", {
                    "csrf_token": token, **first_plan(version=str(version),
                                                      **{"goals-0-text": f"Mål {version + 1}"})})
            except (URLError, ConnectionError, OSError):
                return
            if status == 302:
                version += 1
                saved_versions.append(version)
            else:
                failures.append(status)

    threads = [threading.Thread(target=sessions, args=(w,)) for w in range(SESSION_WRITERS)]
    threads.append(threading.Thread(target=plans))
    for thread in threads:
        thread.start()
    return saved_notes, saved_versions, failures, threads


def test_a_killed_server_loses_no_answered_write(new_instance, tmp_path):
    env = new_instance("crash")
    env["CASEAPP_SESSION_COOKIE_SECURE"] = "false"  # plain http on loopback
    env["CASEAPP_LOGIN_RATE_LIMIT"] = "1000 per minute"
    run(env, "init")
    facts = _setup(env)
    log = open(tmp_path / "server.log", "wb")
    server, base = _start(env, log)
    try:
        browser = Browser()
        browser.base = base
        _login(browser, facts)
        token = browser.token(f"/cases/{facts['cases'][0]}/contacts/new")
        notes, versions, failures, threads = _burst(browser, facts, token)
        deadline = time.monotonic() + 60
        while len(notes) < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
        _kill(server)  # in the middle of the burst: requests are in flight
        for thread in threads:
            thread.join(timeout=60)
        answered_notes, answered_versions = list(notes), list(versions)
        assert len(answered_notes) >= 30
        assert failures == []  # every answered write succeeded: no lock errors, no conflicts

        server, base = _start(env, log)  # the same instance and database, after the crash
        browser.base = base  # the login session survived in the database
        status, page = browser.request(f"/cases/{facts['cases'][0]}/plan")
        assert status == 200
        if answered_versions:
            assert f"Mål {answered_versions[-1]}" in page
    finally:
        if server.poll() is None:
            _kill(server)
        log.close()
    _check_nothing_lost_or_half_written(env, facts, answered_notes, answered_versions)
    verified = run(env, "audit", "verify")
    assert "intact" in verified.stdout


def _check_nothing_lost_or_half_written(env, facts, answered_notes, answered_versions) -> None:
    from audit.models import AuditEvent
    from caseapp.contacts.models import Contact, ContactRevision
    from caseapp.extensions import db
    from caseapp.plans.models import Plan, PlanVersion

    app = open_app(env)
    try:
        with app.app_context():
            contacts = db.session.scalars(select(Contact)).all()
            stored = {contact.note for contact in contacts}
            assert set(answered_notes) <= stored  # every answered write survived
            assert len(stored) == len(contacts)  # and none twice
            for contact in contacts:  # each with its first revision and its audit event
                assert [r.action for r in contact.revisions][:1] == ["created"]
            assert db.session.scalar(select(func.count(ContactRevision.id))) == len(contacts)
            created = set(db.session.scalars(select(AuditEvent.object_id).where(
                AuditEvent.action == "contact.create")))
            assert created == {str(contact.id) for contact in contacts}
            plan = db.session.scalars(select(Plan)).one()
            numbers = db.session.scalars(select(PlanVersion.number).where(
                PlanVersion.plan_id == plan.id).order_by(PlanVersion.number)).all()
            assert numbers == list(range(1, plan.version + 1))  # no gap, no half-saved plan
            assert set(answered_versions) <= set(numbers)
            saves = db.session.scalar(select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "plan.save"))
            assert saves == plan.version - 1  # the factory's first version is not audited
    finally:
        close_app(app)
