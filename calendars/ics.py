"""Events as iCalendar (RFC 5545) with the ``icalendar`` package: timed events carry their TZID
and the calendar carries a VTIMEZONE for every zone used, covering only the years its events
span (a whole 1970–2038 table per zone would make the feed heavy)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings

from .sources import CalendarEvent

# icalendar (about 9 MB resident with what it imports) is imported when a calendar is written, not
# when a web process starts.
if TYPE_CHECKING:
    import icalendar

PRODID = "-//Intern Anywhere//Calendar//EN"


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "internanywhere.example"


def _vevent(event: CalendarEvent, *, stamp: datetime) -> icalendar.Event:
    import icalendar

    vevent = icalendar.Event()
    vevent.add("uid", f"{event.key}@{uid_domain()}")
    vevent.add("dtstamp", stamp)
    vevent.add("summary", event.summary)
    vevent.add("dtstart", event.start)
    if event.end is not None:
        vevent.add("dtend", event.end)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", settings.SITE_URL.rstrip("/") + event.url)
    vevent.add("transp", "TRANSPARENT")
    return vevent


def calendar_bytes(events: Iterable[CalendarEvent], *, name: str, stamp: datetime) -> bytes:
    """One VCALENDAR with the given events (a feed, or a one-event download)."""
    import icalendar

    events = list(events)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event, stamp=stamp))
    timed = [e.start for e in events if isinstance(e.start, datetime)]
    if timed:
        first = min(t.date() for t in timed) - timedelta(days=366)
        last = max(t.date() for t in timed) + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()
