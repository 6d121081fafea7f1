"""Each demo login works with its TOTP secret and lands on a start page made for the role."""
from __future__ import annotations

import re
from datetime import UTC

import pyotp
import pytest

from caseapp.demo.generate import load_demo
from caseapp.extensions import db

SECTIONS = {
    "youth_mentor": "Mine saker",
    "work_leader": "Mine saker",
    "coordinator": "Saker i enhetene dine",
    "privacy_officer": "Siste logghendelser",
    "admin": "Administrasjon",
}


@pytest.fixture
def demo(app):
    logins = load_demo(db.session, seed=3)
    db.session.commit()
    return logins


def test_every_demo_role_logs_in_and_sees_its_start_page(demo, make_client, clock):
    for login in demo:
        client = make_client()
        step = client.submit("/login", {"username": login["username"], "password": login["password"]})
        assert step.headers["Location"] == "/login/code", login["username"]
        code = pyotp.TOTP(login["totp_secret"]).at(clock.now().replace(tzinfo=UTC))
        assert client.submit("/login/code", {"code": code}).status_code == 302
        page = client.get("/").text
        assert SECTIONS[login["role"]] in page, login["username"]
        others = set(SECTIONS.values()) - {SECTIONS[login["role"]]}
        headings = set(re.findall(r"<h[12][^>]*>([^<]+)</h[12]>", page))
        assert not headings & others, login["username"]


def test_demo_workers_each_see_a_caseload_and_not_each_others(demo, make_client, clock):
    seen = {}
    for login in (l for l in demo if l["role"] in {"youth_mentor", "work_leader"}):
        client = make_client()
        client.submit("/login", {"username": login["username"], "password": login["password"]})
        code = pyotp.TOTP(login["totp_secret"]).at(clock.now().replace(tzinfo=UTC))
        client.submit("/login/code", {"code": code})
        page = client.get("/cases/").text
        seen[login["username"]] = set(__import__("re").findall(r'href="/cases/([0-9a-f-]{36})"', page))
        assert seen[login["username"]], login["username"]
    names = list(seen)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not seen[a] & seen[b]
