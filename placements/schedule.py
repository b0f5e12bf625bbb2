"""When check-ins fall due, and when a placement needs attention: the rules, in one place.

A check-in is due at the end of its day **in the student's time zone**: it is overdue once the
student's own calendar has moved past ``due_on``. Comparing local dates (``zoneinfo``) rather than
fixed offsets keeps this right across daylight-saving changes and the date line.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from applications.models import CheckInCadence
from listings.timezones import zone

# Two check-in periods overdue: the organization and career services are told.
NEEDS_ATTENTION_OVERDUE = 2
# A check-in left without feedback this long reminds the supervisor (once).
FEEDBACK_REMINDER_AFTER = timedelta(days=3)

STEP_DAYS = {CheckInCadence.WEEKLY: 7, CheckInCadence.BIWEEKLY: 14}


def due_dates(*, start: date, end: date, cadence: str, weekday: int) -> list[date]:
    """The due dates of a placement's check-ins: the chosen weekday, every one or two weeks.

    The first falls on the first chosen weekday after the start (for a two-weekly rhythm, after
    the first week), the last on or before the end date. A placement too short for any still has
    one check-in, due on its end date.
    """
    step = STEP_DAYS[CheckInCadence(cadence)]
    after = start + timedelta(days=step - 7)
    first = after + timedelta(days=(weekday - after.weekday()) % 7 or 7)
    dates = []
    day = first
    while day <= end:
        dates.append(day)
        day += timedelta(days=step)
    return dates or [end]


def local_today(time_zone: str, now: datetime) -> date:
    """The student's calendar date at ``now``."""
    return now.astimezone(zone(time_zone)).date()


def due_moment(due_on: date, time_zone: str) -> datetime:
    """The instant a check-in falls overdue: midnight after ``due_on`` in the student's zone (UTC)."""
    return datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=zone(time_zone)).astimezone(UTC)


def is_overdue(due_on: date, time_zone: str, now: datetime) -> bool:
    return local_today(time_zone, now) > due_on


def overdue_count(unwritten: Iterable[date], time_zone: str, now: datetime) -> int:
    """How many of the given unwritten check-in periods are past their due date."""
    today = local_today(time_zone, now)
    return sum(1 for due_on in unwritten if today > due_on)


def needs_attention(unwritten: Iterable[date], time_zone: str, now: datetime) -> bool:
    return overdue_count(unwritten, time_zone, now) >= NEEDS_ATTENTION_OVERDUE


def may_be_overdue_somewhere(now: datetime) -> date:
    """The latest due date that can be overdue anywhere on Earth at ``now`` (the furthest-ahead zone,
    UTC+14, is at most one calendar day ahead of UTC): a database bound before the exact test."""
    return now.astimezone(UTC).date()
