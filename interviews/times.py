"""Interview times across zones: entered as a wall-clock time in one zone, stored as an aware UTC
instant, shown in each party's zone (``listings.timezones`` resolves the zones).

Wall-clock times are placed on their real date with ``zoneinfo``, so a daylight-saving change
between proposing and the interview, and the date line, come out right; a time that does not
exist (the hour skipped in spring) is refused and an ambiguous one (the hour repeated in autumn)
is the first of the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from listings.timezones import zone

# A slot outside these hours of the student's own day gets a warning.
STUDENT_DAY_START = time(8, 0)
STUDENT_DAY_END = time(21, 0)


class NonexistentTime(ValueError):
    """A wall-clock time skipped by a daylight-saving change."""


def to_utc(day: date, at: time, time_zone: str) -> datetime:
    """The instant ``day`` ``at`` in ``time_zone``, in UTC (refuses a skipped time)."""
    tz = zone(time_zone)
    local = datetime.combine(day, at, tzinfo=tz)
    instant = local.astimezone(UTC)
    # A skipped wall time does not come back to itself through UTC.
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentTime(
            f"{day:%-d %B %Y} {at:%H:%M} does not exist in {time_zone} (the clocks change that night)."
        )
    return instant


def student_zone(application) -> str:
    """The student's zone from their profile (select ``student__student_profile``), else UTC."""
    profile = getattr(application.student, "student_profile", None) if application.student_id else None
    return (profile.time_zone if profile is not None else "") or "UTC"


def local(instant: datetime, time_zone: str) -> datetime:
    return instant.astimezone(zone(time_zone))


def outside_day(instant: datetime, minutes: int, time_zone: str) -> bool:
    """Whether an interview starting at ``instant`` falls (partly) outside 08:00–21:00 in
    ``time_zone``."""
    start = local(instant, time_zone)
    end = local(instant + timedelta(minutes=minutes), time_zone)
    return start.time() < STUDENT_DAY_START or end.date() != start.date() or end.time() > STUDENT_DAY_END


@dataclass(frozen=True)
class Shown:
    """One interview time as both parties see it."""

    starts_at: datetime  # UTC
    minutes: int
    own_zone: str  # the viewer's
    other_zone: str  # the other party's
    student_zone: str

    @property
    def own(self) -> datetime:
        return local(self.starts_at, self.own_zone)

    @property
    def own_end(self) -> datetime:
        return local(self.starts_at + timedelta(minutes=self.minutes), self.own_zone)

    @property
    def other(self) -> datetime:
        return local(self.starts_at, self.other_zone)

    @property
    def student(self) -> datetime:
        return local(self.starts_at, self.student_zone)

    @property
    def student_warning(self) -> bool:
        return outside_day(self.starts_at, self.minutes, self.student_zone)

    @property
    def own_text(self) -> str:
        """E.g. "Tue 10 Mar 2026, 09:00–09:30" in the viewer's zone."""
        return f"{self.own:%a %-d %b %Y, %H:%M}–{self.own_end:%H:%M}"

    @property
    def other_text(self) -> str:
        return f"{self.other:%a %-d %b %Y, %H:%M}"

    @property
    def student_text(self) -> str:
        return f"{self.student:%a %-d %b %Y, %H:%M}"

    @property
    def day_shift(self) -> int:
        """How many dates the other party's date differs from the viewer's (across the date line)."""
        return (self.other.date() - self.own.date()).days


def minutes_between(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)
