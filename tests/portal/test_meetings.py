"""My meetings (/meg/meetings): the next meeting and the past sessions; a worker's note shows
only as a summary the worker shared, never another person's."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.extensions import db


def case_of(person) -> Case:
    return db.session.scalar(select(Case).where(Case.participant_id == person.id))


def test_next_meeting_and_only_shared_summaries(portal_client, factory, young, other_young):
    case = case_of(young)
    today = now()
    factory.contact(case, note="Intern: bekymring for hjemmet", occurred_at=today - timedelta(days=20),
                    kind="home_visit")
    factory.contact(case, note="Vi snakket om sommerjobb", next_step="Skrive CV",
                    summary_shared=True, occurred_at=today - timedelta(days=10))
    deleted = factory.contact(case, note="Slettet notat", occurred_at=today - timedelta(days=5),
                              summary_shared=True)
    deleted.deleted_at = today
    db.session.commit()
    factory.contact(case, note="Internt igjen", occurred_at=today - timedelta(days=2),
                    kind="phone_digital", next_date=(today + timedelta(days=7)).date(),
                    next_place="Biblioteket, 2. etasje")
    factory.contact(case_of(other_young), note="Fremmed sammendrag", summary_shared=True)
    page = portal_client.get("/meg/meetings")
    assert page.status_code == 200
    text = page.text
    assert "Biblioteket, 2. etasje" in text and case.worker.display_name in text
    assert "Vi snakket om sommerjobb" in text and "Skrive CV" in text
    assert "Hjemmebesøk" in text and "Telefon eller digitalt" in text
    for hidden in ("bekymring", "Internt igjen", "Slettet notat", "Fremmed"):
        assert hidden not in text
    assert text.count("<h3>") == 3  # the deleted one is not listed
    view = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "portal.view"))
    assert view.categories == ["contact_notes"] and view.subject_id == young.id


def test_no_next_meeting_says_whom_to_ask(portal_client, young):
    page = portal_client.get("/meg/meetings")
    assert "Ingen neste møte er avtalt ennå" in page.text
    assert case_of(young).worker.display_name in page.text


def test_the_next_meeting_shows_its_time_when_one_is_set(portal_client, factory, young):
    """The time the worker set, Norwegian wall-clock time, after the date; without one only the
    date (no invented time)."""
    from datetime import time

    from babel.dates import format_date

    case = case_of(young)
    day = (now() + timedelta(days=7)).date()  # the portal's clock is the real time
    contact = factory.contact(case, occurred_at=now() - timedelta(days=1), next_date=day)
    when = '<dd id="portal-next-meeting-when">'
    page = portal_client.get("/meg/meetings").text
    assert f"{when}{format_date(day, 'full', locale='nb')}</dd>" in page
    contact.next_time = time(14, 30)
    db.session.commit()
    page = portal_client.get("/meg/meetings").text
    assert f"{when}{format_date(day, 'full', locale='nb')} kl.\xa014:30</dd>" in page
    portal_client.post("/language", data={"csrf_token": portal_client.csrf_token("/meg/meldinger"),
                                          "language": "en", "next": "/meg/"})
    page = portal_client.get("/meg/meetings").text
    assert f"{when}{format_date(day, 'full', locale='en')} at\xa014:30</dd>" in page
