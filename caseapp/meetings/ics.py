"""Building the ``.ics`` (RFC 5545) of a next meeting with the ``icalendar`` library.

One event per session that set the next meeting: its UID comes from that session, so
downloading again after changing the time, or a cancellation, replaces the same event in the
calendar (SEQUENCE is raised each time: minutes since 2020, so always higher than before).
The time is Europe/Oslo, with the zone's definition (VTIMEZONE, the EU summer-time rules) in
the file. The summary names only the case reference; the description is a link to the case.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

OSLO = "Europe/Oslo"
SEQUENCE_EPOCH = datetime(2020, 1, 1)


def oslo_timezone() -> Timezone:
    """Europe/Oslo as RFC 5545 VTIMEZONE: CET, summer time (CEST) from the last Sunday of
    March 02:00 to the last Sunday of October 03:00."""
    zone = Timezone()
    zone.add("tzid", OSLO)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def meeting_ics(*, uid: str, reference: str, link: str, day: date, start: time, minutes: int,
                stamp: datetime, summary: str, cancel: bool = False) -> bytes:
    """The calendar file: METHOD:PUBLISH to add or update the event, METHOD:CANCEL (and
    STATUS:CANCELLED) to remove it. ``stamp`` is the app's naive-UTC now."""
    calendar = Calendar()
    calendar.add("prodid", "-//caseapp//next meeting//NO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    calendar.add_component(oslo_timezone())
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.replace(tzinfo=UTC))
    event.add("sequence", int((stamp - SEQUENCE_EPOCH).total_seconds() // 60))
    begins = datetime.combine(day, start, tzinfo=ZoneInfo(OSLO))
    event.add("dtstart", begins)
    event.add("dtend", begins + timedelta(minutes=minutes))
    event.add("summary", summary)
    event.add("description", link)
    event.add("url", link)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("class", "PRIVATE")
    calendar.add_component(event)
    return calendar.to_ical()
