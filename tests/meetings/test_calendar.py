"""The next meeting as a calendar file: parsed back with the icalendar library and imported
(its time resolved through the file's own VTIMEZONE), no name of the young person in it, and
updated or cancelled under the same UID with a higher SEQUENCE."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.extensions import db


def _setup(factory, mentor, school):
    participant = factory.participant(given="Sigrid", family="Kvamsdal")
    case = factory.case(mentor, school, participant=participant)
    factory.consent(participant)
    contact = factory.contact(case, next_date=date(2026, 11, 10))
    return participant, case, contact


def _events(body: bytes):
    calendar = Calendar.from_ical(body)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_the_worker_downloads_the_next_meeting_without_the_name(
        app, client, factory, login, mentor, school, clock):
    participant, case, contact = _setup(factory, mentor, school)
    login(client, mentor)
    page = client.get(f"/cases/{case.id}").text
    assert f"/meetings/{contact.id}.ics" in page and "kalender" in page
    response = client.get(f"/meetings/{contact.id}.ics?time=14:30&minutes=45")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    for secret in (participant.given_name, participant.family_name, participant.national_id):
        assert secret not in text
    calendar, (event,) = _events(response.data)
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Oslo"
    # imported: the local 14:30 on 10 November (winter time, +01:00) is 13:30 UTC
    start = event.decoded("DTSTART")
    assert start.utcoffset() == timedelta(hours=1)
    assert start.replace(tzinfo=None) == datetime(2026, 11, 10, 14, 30)
    assert event.decoded("DTEND") - start == timedelta(minutes=45)
    zones = calendar.get_used_tzids()
    assert zones == {"Europe/Oslo"}
    assert str(case.id)[:8] in str(event["SUMMARY"])
    assert str(event["URL"]).endswith(f"/cases/{case.id}")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.calendar")
                             ).subject_id == participant.id


def test_a_summer_meeting_uses_summer_time_from_the_files_zone(
        app, client, factory, login, mentor, school):
    participant, case, contact = _setup(factory, mentor, school)
    contact.next_date = date(2027, 6, 15)
    db.session.commit()
    login(client, mentor)
    calendar, (event,) = _events(client.get(f"/meetings/{contact.id}.ics?time=09:00").data)
    # resolve the time through the VTIMEZONE in the file itself (as a calendar importing it)
    (zone,) = calendar.walk("VTIMEZONE")
    tz = zone.to_tz()
    local = event.decoded("DTSTART").replace(tzinfo=None)
    assert tz.utcoffset(local) == timedelta(hours=2)


def test_update_and_cancel_keep_the_uid_and_raise_the_sequence(
        app, client, factory, login, mentor, school, clock):
    participant, case, contact = _setup(factory, mentor, school)
    login(client, mentor)
    _, (first,) = _events(client.get(f"/meetings/{contact.id}.ics?time=09:00").data)
    clock.advance(minutes=5)
    _, (moved,) = _events(client.get(f"/meetings/{contact.id}.ics?time=11:00").data)
    clock.advance(minutes=5)
    calendar, (cancelled,) = _events(client.get(f"/meetings/{contact.id}.ics?cancel=1").data)
    assert str(first["UID"]) == str(moved["UID"]) == str(cancelled["UID"])
    assert int(first["SEQUENCE"]) < int(moved["SEQUENCE"]) < int(cancelled["SEQUENCE"])
    assert moved.decoded("DTSTART").hour == 11
    assert str(calendar["METHOD"]) == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"


def test_only_the_cases_worker_gets_the_file(app, client, make_client, factory, login, mentor,
                                             school):
    participant, case, contact = _setup(factory, mentor, school)
    other = factory.user(role="youth_mentor", units=[school])
    login(client, other)
    assert client.get(f"/meetings/{contact.id}.ics").status_code == 404  # as for the case
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.calendar")) is None
    own = make_client()
    login(own, mentor)
    assert own.get(f"/meetings/{contact.id}.ics?minutes=100000").status_code == 400


def test_a_next_meeting_that_has_passed_is_not_offered_for_the_calendar(
        app, client, factory, login, mentor, school, clock):
    _participant, case, contact = _setup(factory, mentor, school)  # next meeting 10 November
    clock.set(datetime(2026, 11, 10, 20, 0))  # 21:00 in Oslo on the day itself: still offered
    login(client, mentor)
    assert f"/meetings/{contact.id}.ics" in client.get(f"/cases/{case.id}").text
    clock.set(datetime(2026, 11, 11, 8, 0))
    login(client, mentor)
    page = client.get(f"/cases/{case.id}").text
    assert f"/meetings/{contact.id}.ics" not in page and "calendar-invitation" not in page
