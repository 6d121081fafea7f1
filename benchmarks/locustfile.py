"""Load test: workers reading their cases and logging sessions (run by benchmarks/loadtest.sh).

Each simulated user logs in (password + TOTP) as its own bench worker account, taken in turn
from ``$BENCH_LOGINS`` (``<instance>/bench-logins.json`` of a ``caseapp bench-data`` dataset
made with ``--cases-per-worker 20``, so 1,000 participants give 50 accounts), finds its case
ids on "Mine saker", then mixes: Mine saker (4), a case page (4), log a session (POST, 2),
search by name (POST, 1)."""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time

import pyotp
from locust import HttpUser, between, task

LOGINS = json.loads(open(os.environ["BENCH_LOGINS"], encoding="utf-8").read())
ACCOUNTS = itertools.cycle([u["username"] for u in LOGINS["logins"]
                            if u["role"] in ("youth_mentor", "work_leader")])
LOCK = threading.Lock()
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CASE = re.compile(r'href="/cases/([0-9a-f-]{36})"')
NO_BASIS = "Mangler grunnlag for oppfølging"  # Mine saker's tag (bokmål, the default)
NAME = re.compile(r'<a href="/cases/[0-9a-f-]{36}">\s*([^<]+?)\s*</a>')


class Worker(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        with LOCK:
            self.username = next(ACCOUNTS)
        token = self._token("/login")
        self.client.post("/login", data={"csrf_token": token, "username": self.username,
                                         "password": LOGINS["password"]}, name="login")
        code = pyotp.TOTP(LOGINS["totp_secret"]).at(time.time() + 30)
        response = self.client.post("/login/code", data={"csrf_token": self._token("/login/code"),
                                                         "code": code}, name="login code")
        page = self.client.get("/cases/", name="mine").text
        # Sessions can be logged only where a basis for follow-up is recorded (the others are
        # refused by design, with the form shown again): write to those, read all.
        rows = page.split("<tr")
        self.cases = sorted({c for row in rows for c in CASE.findall(row)}) or [None]
        self.writable = sorted({c for row in rows if NO_BASIS not in row
                                for c in CASE.findall(row)}) or self.cases
        self.names = [n.split()[-1] for n in NAME.findall(page)] or ["Nordmann"]
        self.token = (TOKEN.search(page) or TOKEN.search(response.text)).group(1)

    def _token(self, path: str) -> str:
        found = TOKEN.search(self.client.get(path, name=path).text)
        return found.group(1) if found else ""

    @task(4)
    def mine(self) -> None:
        self.client.get("/cases/", name="mine")

    @task(4)
    def case_page(self) -> None:
        self.client.get(f"/cases/{random.choice(self.cases)}", name="case page")

    @task(2)
    def log_session(self) -> None:
        case = random.choice(self.writable)
        with self.client.post(f"/cases/{case}/contacts/new", name="log session",
                              allow_redirects=False, catch_response=True, data={
                                  "csrf_token": self.token, "occurred_at": "2026-10-20T10:00",
                                  "duration_minutes": "30", "kind": "individual",
                                  "present": "participant", "topics": "school",
                                  "note": "Lasttest: kort samtale.", "next_step": "",
                                  "next_date": ""}) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")

    @task(1)
    def name_search(self) -> None:
        self.client.post("/cases/", name="name search",
                         data={"csrf_token": self.token, "q": random.choice(self.names)})
