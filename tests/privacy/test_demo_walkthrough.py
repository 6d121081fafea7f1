"""The issue's "done when", in the browser on the demo data: a worker opens a case; the privacy
officer finds the person in the log, produces the access report and the Art. 15 export; a
break-glass opening lands on the review list; and the chain verifies."""
from __future__ import annotations

import io
import re
from datetime import UTC

import pyotp
from pypdf import PdfReader

from audit import verify
from caseapp.demo.generate import load_demo
from caseapp.extensions import db


def sign_in(make_client, clock, login):
    client = make_client()
    client.submit("/login", {"username": login["username"], "password": login["password"]})
    code = pyotp.TOTP(login["totp_secret"]).at(clock.now().replace(tzinfo=UTC))
    assert client.submit("/login/code", {"code": code}).status_code == 302
    clock.advance(seconds=30)
    return client


def test_demo_walkthrough(app, make_client, clock):
    logins = {l["username"]: l for l in load_demo(db.session, seed=3)}
    db.session.commit()
    mentor = sign_in(make_client, clock, logins["uv.lund"])
    case_id = re.findall(r'href="/cases/([0-9a-f-]{36})"', mentor.get("/cases/").text)[0]
    assert mentor.get(f"/cases/{case_id}").status_code == 200
    stranger = sign_in(make_client, clock, logins["al.bygg"])
    assert stranger.get(f"/cases/{case_id}").status_code == 404
    stranger.submit(f"/break-glass/cases/{case_id}",
                    {"reason": "Kandidaten er meldt savnet; trenger kontaktinformasjon nå."})
    assert stranger.get(f"/cases/{case_id}").status_code == 200

    officer = sign_in(make_client, clock, logins["personvern"])
    log = officer.get("/audit/", query_string={"action": "case.view"}).text
    participant = re.findall(r'participant=([0-9a-f-]{36})"', log)[0]
    page = officer.get("/audit/", query_string={"participant": participant}).text
    report_url = f"/audit/participants/{participant}/access-report.pdf"
    assert report_url in page and f"/audit/participants/{participant}/export.json" in page
    report = officer.get(report_url)
    text = " ".join(PdfReader(io.BytesIO(report.data)).pages[0].extract_text().split())
    assert "Åpnet saken din" in text and "Nødtilgang med skriftlig begrunnelse" in text
    export = officer.get(f"/audit/participants/{participant}/export.json").get_json()
    assert export["records"]["cases"][0]["id"] == case_id
    review = officer.get("/break-glass/review").text
    assert "al.bygg" in review and "Ikke vurdert" in review
    assert verify.full(db.session).ok
