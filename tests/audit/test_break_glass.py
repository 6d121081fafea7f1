"""Break-glass: a written reason opens a case outside need-to-know for a limited time; the
opening is flagged and lands on the privacy officer's review list."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.breakglass.models import BreakGlassAccess
from caseapp.extensions import db

REASON = "Politiet ringte om en bekymringsmelding; saksbehandler er syk i dag."


@pytest.fixture
def world(factory):
    school = factory.unit("Lund skole")
    other_school = factory.unit("Vågsbygd skole")
    owner = factory.user("youth_mentor", [school], username="uv.eier")
    stranger = factory.user("youth_mentor", [other_school], username="uv.fremmed")
    officer = factory.user("privacy_officer", username="personvern")
    case = factory.case(owner, school, participant=factory.participant("Ola", "Testesen"))
    return {"owner": owner, "stranger": stranger, "officer": officer, "case": case}


def actions(participant_id):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == participant_id)
                              .order_by(AuditEvent.seq)).all()


def test_a_reason_opens_the_case_for_a_limited_time(world, client, login, clock):
    case, stranger = world["case"], world["stranger"]
    login(client, stranger)
    detail, glass = f"/cases/{case.id}", f"/break-glass/cases/{case.id}"
    assert client.get(detail).status_code == 404
    short = client.submit(glass, {"reason": "trenger det"})
    assert short.status_code == 200 and "minst 20 tegn" in short.text
    assert db.session.scalar(select(BreakGlassAccess)) is None

    opened = client.submit(glass, {"reason": REASON})
    assert opened.status_code == 302 and opened.headers["Location"] == detail
    page = client.get(detail)
    assert page.status_code == 200 and "Ola Testesen" in page.text and "nødtilgang" in page.text
    events = actions(case.participant_id)
    assert [(e.action, e.grounds) for e in events if e.outcome == "allowed"] == [
        ("break_glass.open", "break_glass"), ("case.view", "break_glass")]
    assert all(REASON not in str(e.details) for e in events)

    for minutes in (15, 15, 15, 14):  # 59 minutes (the login session stays alive meanwhile)
        clock.advance(minutes=minutes)
        assert client.get(detail).status_code == 200
    clock.advance(minutes=2)  # 61 minutes: the access has run out
    assert client.get(detail).status_code == 404


def test_privacy_officer_reviews_and_questions(world, client, make_client, login):
    case = world["case"]
    worker = make_client()
    login(worker, world["stranger"])
    worker.submit(f"/break-glass/cases/{case.id}", {"reason": REASON})
    login(client, world["officer"])
    listing = client.get("/break-glass/review")
    assert "uv.fremmed" in listing.text and "Ikke vurdert" in listing.text
    assert REASON not in listing.text and "Ola" not in listing.text  # the list is metadata
    access = db.session.scalar(select(BreakGlassAccess))
    path = f"/break-glass/review/{access.id}"
    page = client.get(path)
    assert REASON in page.text and "Ola" not in page.text
    missing = client.submit(path, {"decision": "questioned", "comment": ""})
    assert missing.status_code == 200 and "Skriv hva du stiller spørsmål ved" in missing.text
    done = client.submit(path, {"decision": "questioned", "comment": "Be om dokumentasjon."})
    assert done.status_code == 302
    db.session.expire_all()
    assert access.review == "questioned" and access.review_comment == "Be om dokumentasjon."
    assert "Spørsmål stilt" in client.get("/break-glass/review").text
    review = [e for e in actions(case.participant_id) if e.action.startswith("break_glass.re")]
    assert review[-1].action == "break_glass.review"
    assert {e.action for e in review[:-1]} == {"break_glass.reason_view"}
    assert review[-1].details == {"decision": "questioned"}

    flagged = client.get("/audit/", query_string={"flag": "break_glass"}).text
    assert flagged.count('class="tag flag flag-break_glass"') == 1  # the opening


def test_own_case_goes_straight_to_the_case(world, client, login):
    login(client, world["owner"])
    response = client.get(f"/break-glass/cases/{world['case'].id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{world['case'].id}"


def test_privacy_officer_cannot_break_glass(world, client, login):
    login(client, world["officer"])
    assert client.get(f"/break-glass/cases/{world['case'].id}").status_code == 404
    assert client.get(f"/cases/{world['case'].id}").status_code == 404
