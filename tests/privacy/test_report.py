"""The access report ("who has looked at my data") as PDF in plain bokmål."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.extensions import db


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_access_report_tells_who_looked_when_and_why(factory, client, make_client, login, clock):
    school, elsewhere = factory.unit("Lund skole"), factory.unit("Tangen vgs")
    mentor = factory.user("youth_mentor", [school])
    coordinator = factory.user("coordinator", [school])
    stranger = factory.user("work_leader", [elsewhere])
    officer = factory.user("privacy_officer")
    case = factory.case(mentor, school, participant=factory.participant("Ola", "Testesen"))
    other = factory.case(mentor, school, participant=factory.participant("Kari", "Annensen"))
    for user in (mentor, coordinator, stranger):
        browser = make_client()
        login(browser, user)
        browser.get(f"/cases/{case.id}")
    browser.get(f"/cases/{other.id}")  # someone else's data stays out of Ola's report

    login(client, officer)
    client.post("/language", data={"csrf_token": client.csrf_token("/"), "language": "en",
                                   "next": "/"})
    text = pdf_text(client.get(f"/audit/participants/{case.participant_id}/access-report.pdf"))
    assert "Hvem har sett opplysningene dine?" in text
    assert "Ola Testesen" in text and "Kari" not in text and "Annensen" not in text
    assert "2.11.2026 kl. 10:00" in text  # 09:00 UTC is 10:00 in Oslo
    assert "Åpnet saken din" in text and "Følger deg opp" in text
    assert "Leder som går gjennom sakene i enheten" in text
    assert "Forsøkte å åpne saken din, men fikk ikke lov" in text
    assert "Datatilsynet" in text
    assert case.participant.national_id not in text

    made = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "audit.access_report")).one()
    assert made.subject_id == case.participant_id and made.actor_id == officer.id
    assert "identity" in made.categories


def test_unknown_participant_is_404(factory, client, login):
    login(client, factory.user("privacy_officer"))
    assert client.get("/audit/participants/00000000-0000-4000-8000-000000000000/"
                      "access-report.pdf").status_code == 404
    assert client.get("/audit/participants/nope/access-report.pdf").status_code == 404


def test_access_report_as_an_accessible_web_page_beside_the_pdf(factory, client, make_client, login):
    school = factory.unit("Lund skole")
    mentor = factory.user("youth_mentor", [school])
    officer = factory.user("privacy_officer")
    case = factory.case(mentor, school, participant=factory.participant("Ola", "Testesen"))
    browser = make_client()
    login(browser, mentor)
    browser.get(f"/cases/{case.id}")

    login(client, officer)
    client.post("/language", data={"csrf_token": client.csrf_token("/"), "language": "en",
                                   "next": "/"})
    found = client.submit("/audit/subjects", {"national_id": case.participant.national_id})
    assert f'/audit/participants/{case.participant_id}/access-report"' in found.text
    page = client.get(f"/audit/participants/{case.participant_id}/access-report")
    assert page.status_code == 200 and '<html lang="nb">' in page.text
    assert "<h1>Hvem har sett opplysningene dine?</h1>" in page.text
    assert "Ola Testesen" in page.text and mentor.display_name in page.text
    assert "2.11.2026 kl. 10:00" in page.text and "Åpnet saken din" in page.text
    assert "Følger deg opp" in page.text and "access-report.pdf" in page.text
    assert case.participant.national_id not in page.text
    made = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "audit.access_report")).one()
    assert made.subject_id == case.participant_id and made.actor_id == officer.id
