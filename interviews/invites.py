"""Calendar invitations for interviews (iTIP, RFC 5546, sent by email as RFC 6047 describes):
``METHOD:REQUEST`` when booked, ``METHOD:CANCEL`` when cancelled (or moved: the organization
offers new times and the new booking is a new event), under one stable UID with a SEQUENCE that
grows with every change. Times carry the organization's TZID with its
VTIMEZONE, so calendar applications place them right in every zone.

The UID is the one the private feed (``calendars``) gives the same interview, so a calendar that
has both shows one event.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings

from notifications.services import Attachment

from .models import Interview
from .times import local

PRODID = "-//Intern Anywhere//Interviews//EN"


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "internanywhere.example"


def interview_uid(interview: Interview) -> str:
    return f"{interview.key}@{uid_domain()}"


def _address(user) -> str:
    return f"mailto:{user.email}"


def invitation_ics(
    *, interview: Interview, method: str, organizer, attendees: list, title: str, stamp: datetime
) -> str:
    """The invitation (``method`` REQUEST or CANCEL) as iCalendar text."""
    import icalendar  # imported when an invitation is written: about 9 MB no web page needs

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", interview_uid(interview))
    event.add("sequence", interview.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", local(interview.starts_at, interview.time_zone))
    event.add("dtend", local(interview.ends_at, interview.time_zone))
    event.add("summary", title)
    event.add("location", interview.location[:500])
    event.add("description", f"Interview for “{interview.application.listing.title}”.\n{interview.location}")
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if organizer is not None and organizer.email:
        event.add("organizer", _address(organizer), parameters={"CN": organizer.get_full_name()})
    for attendee in attendees:
        if attendee is not None and attendee.email:
            event.add(
                "attendee",
                _address(attendee),
                parameters={
                    "CN": attendee.get_full_name(),
                    "ROLE": "REQ-PARTICIPANT",
                    "PARTSTAT": "ACCEPTED",
                    "RSVP": "FALSE",
                },
            )
    cal.add_component(event)
    day = interview.starts_at.date()
    cal.add_missing_timezones(first_date=day - timedelta(days=366), last_date=day + timedelta(days=366))
    return cal.to_ical().decode()


def invitation_attachment(**kwargs) -> Attachment:
    method = kwargs["method"]
    return Attachment(
        filename="invite.ics" if method == "REQUEST" else "cancel.ics",
        content=invitation_ics(**kwargs),
        mimetype=f"text/calendar; method={method}",
    )
