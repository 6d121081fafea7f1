"""Who has seen my data (/meg/innsyn): the access log, live and in plain bokmål — who, their
role and workplace, when, on what grounds, and the written reason of an emergency opening —
and the Art. 15 copy (PDF and JSON), the same the privacy officer produces."""
from __future__ import annotations

import json
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.accounts.models import User
from caseapp.breakglass.services import open_with_reason
from caseapp.cases.models import Case
from caseapp.extensions import db

URL = "/meg/innsyn"
REASON = "Ungdommen ringte fra legevakten og trenger hjelp med en gang i natt"


def case_of(person) -> Case:
    return db.session.scalar(select(Case).where(Case.participant_id == person.id))


def test_the_log_says_who_when_why_and_the_break_glass_reason(portal_client, young, factory,
                                                              client, login, clock):
    case = case_of(young)
    worker = db.session.get(User, case.worker_id)
    login(client, worker)
    client.get(f"/cases/{case.id}")  # the own caseload
    stranger = factory.user("youth_mentor", [factory.unit("Annen skole 2"),
                                             factory.unit("Annen skole 3")])
    open_with_reason(db.session, stranger, case, REASON, 30)
    db.session.commit()
    page = portal_client.get(URL)
    assert page.status_code == 200
    assert worker.display_name in page.text and "Følger deg opp" in page.text
    assert stranger.display_name in page.text and "Ungdomsveileder" in page.text
    assert "Nødtilgang med skriftlig begrunnelse" in page.text
    assert REASON in page.text
    # Where they work: the organisation, once, not every school of the worker.
    assert "Kristiansand kommune" in page.text
    assert "Annen skole 2" not in page.text and "Annen skole 3" not in page.text


def test_the_live_log_grows_with_each_opening(portal_client, young, client, login):
    case = case_of(young)
    worker = db.session.get(User, case.worker_id)
    before = portal_client.get(URL).text.count("Åpnet saken din")
    login(client, worker)
    client.get(f"/cases/{case.id}")
    assert portal_client.get(URL).text.count("Åpnet saken din") == before + 1


def test_the_art15_copy_is_the_persons_own_and_audited(portal_client, young, other_young):
    response = portal_client.get(f"{URL}/kopi.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    assert "Alt vi har lagret om deg" in text
    assert "Ungina Portalsen" in text and "Fremmedine" not in text
    copy = json.loads(portal_client.get(f"{URL}/kopi.json").data)
    assert copy["format"] == "caseapp-art15-v1" and copy["participant"]["id"] == str(young.id)
    exports = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "participant.export")).all()
    assert [e.details["format"] for e in exports] == ["pdf", "json"]
    assert all(e.subject_id == young.id and e.actor_id is None for e in exports)


def test_an_unknown_copy_format_is_not_found(portal_client):
    assert portal_client.get(f"{URL}/kopi.csv").status_code == 404
