"""`make run`'s local provider (caseapp demo-provider): the demo staff sign in through it with
MFA and are refused without, and a demo young person reaches /meg."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from caseapp.extensions import db
from caseapp.oidc import demo
from tests.conftest import PASSWORD as STAFF_PASSWORD
from tests.oidc.conftest import PID_KNOWN, young_person
from tests.oidc.provider import SERVER, free_port, sign_in_as


@pytest.fixture
def demo_world(factory, tmp_path, make_app):
    unit = factory.unit("Lund omsorgssenter")
    coordinator = factory.user("coordinator", [unit], username="koord.kommune")
    coordinator.email = "koord.kommune@caseapp.example"
    mentor = factory.user("youth_mentor", [unit])
    factory.case(mentor, unit, participant=young_person(PID_KNOWN, date(2009, 3, 14)))
    logins = [{"username": "koord.kommune", "password": STAFF_PASSWORD, "role": "coordinator"}]
    provider, relying_party, lines = demo.build(db.session, logins, "https://localhost",
                                                free_port())
    db.session.commit()
    config = tmp_path / "oidc-provider.json"
    demo.write_private(config, provider)
    assert config.stat().st_mode & 0o077 == 0  # secrets: owner-only
    process = subprocess.Popen([shutil.which("node"), str(SERVER), str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout.readline().startswith("ready")
    yield make_app(CASEAPP_OIDC_PROVIDERS=relying_party), lines
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


def test_the_demo_staff_and_young_people_sign_in_through_the_local_provider(demo_world):
    app, lines = demo_world
    assert any("uten-mfa" in line for line in lines)
    staff = app.test_client()
    response = sign_in_as(staff, "koord.kommune", password=STAFF_PASSWORD)
    assert response.headers["Location"] == "/"
    assert staff.get("/caseload/").status_code == 200
    refused = app.test_client()
    assert sign_in_as(refused, "koord.kommune.uten-mfa", password=STAFF_PASSWORD).status_code == 403
    young = app.test_client()
    response = sign_in_as(young, "ung1", password=demo.YOUNG_PASSWORD, start_path="/meg/login")
    assert response.headers["Location"] == "/meg/"
    assert young.get("/meg/").status_code == 200
