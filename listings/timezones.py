"""Time-zone overlap: how many hours of a listing's working day fall inside the viewer's own day.

Both days are placed on real calendar dates and compared as UTC instants, so daylight-saving
changes (which happen on different dates in different zones) and the date line are handled by
``zoneinfo`` rather than by fixed offsets.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

VIEWER_DAY_START = time(9, 0)
VIEWER_DAY_END = time(18, 0)


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_zone(name: str | None) -> str | None:
    """``name`` if it is an IANA time zone this machine knows, else None."""
    if name and name in _known_zones():
        return name
    return None


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _interval(day: date, start: time, end: time, tz: ZoneInfo) -> tuple[datetime, datetime]:
    begin = datetime.combine(day, start, tzinfo=tz)
    # A working day that ends at or before it starts (e.g. 22:00–06:00) ends on the next date.
    finish = datetime.combine(day + timedelta(days=1) if end <= start else day, end, tzinfo=tz)
    return begin.astimezone(UTC), finish.astimezone(UTC)


def viewer_today(viewer_tz: str, now: datetime) -> date:
    return now.astimezone(zone(viewer_tz)).date()


@lru_cache(maxsize=4096)
def overlap_hours(
    *,
    listing_tz: str,
    work_start: time,
    work_end: time,
    viewer_tz: str,
    on: date,
    viewer_start: time = VIEWER_DAY_START,
    viewer_end: time = VIEWER_DAY_END,
) -> float:
    """Hours of the listing's working day(s) inside the viewer's ``viewer_start``–``viewer_end``
    on the viewer's date ``on``. Rounded to a tenth of an hour.

    The listing's working days of the neighbouring dates are included too: across the date line
    the listing's "yesterday" or "tomorrow" may be the viewer's today.
    """
    v_start, v_end = _interval(on, viewer_start, viewer_end, zone(viewer_tz))
    ltz = zone(listing_tz)
    seconds = 0.0
    for delta in (-2, -1, 0, 1, 2):
        l_start, l_end = _interval(on + timedelta(days=delta), work_start, work_end, ltz)
        seconds += max(0.0, (min(l_end, v_end) - max(l_start, v_start)).total_seconds())
    return round(seconds / 3600, 1)


def work_window_key(*, time_zone: str, work_start: time, work_end: time) -> str:
    """The stored key of a working day (``Listing.work_window``)."""
    return f"{time_zone}|{work_start:%H:%M}|{work_end:%H:%M}"


def parse_work_window(key: str) -> tuple[str, time, time] | None:
    try:
        tz, start, end = key.split("|")
        return tz, time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        return None
