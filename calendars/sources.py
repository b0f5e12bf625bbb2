"""What goes into a user's calendar: a list of event sources, each a function of the user.

Adding a kind of event (check-in due dates, goal due dates, interviews) is one function appended
to :data:`SOURCES`. A source returns :class:`CalendarEvent`s whose ``start`` is either an aware
datetime already in the zone the event belongs to (written with its TZID) or a date (all day).
Each event has a stable ``key``: its UID, and the address of its one-off ``.ics`` download.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from applications.models import CheckIn, Goal, Placement
from interviews.selectors import calendar_interviews
from interviews.times import local, student_zone
from listings.models import Listing
from listings.timezones import zone
from placements.permissions import visible_placements_filter
from placements.schedule import due_moment

# Deadlines stay in the feed a month after they pass, so the calendar keeps its recent history.
PAST_DEADLINES = timedelta(days=30)


@dataclass(frozen=True)
class CalendarEvent:
    key: str  # stable and unique per event: "<kind>-<id>"
    summary: str
    start: date | datetime
    end: date | datetime | None = None
    description: str = ""
    url: str = ""  # a path on this site

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.start, datetime):
            return self.start.astimezone(UTC)
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def time_zone(self) -> str | None:
        tz = self.start.tzinfo if isinstance(self.start, datetime) else None
        return getattr(tz, "key", None)


def _working_day(day: date, start: time, end: time, tz: ZoneInfo) -> tuple[datetime, datetime]:
    begin = datetime.combine(day, start, tzinfo=tz)
    # A working day that ends at or before it starts (22:00–06:00) ends on the next date.
    finish = datetime.combine(day + timedelta(days=1) if end <= start else day, end, tzinfo=tz)
    return begin, finish


def _placements_of(user):
    """The placements the user works in, as the student or a member of the organization (the
    workspace's rule). Career services read workspaces but get no calendar of them."""
    condition = visible_placements_filter(user) if (user.is_student or user.is_employer) else None
    if condition is None:
        return Placement.objects.none()
    return Placement.objects.filter(condition)


def _who(placement: Placement) -> str:
    return placement.student.get_full_name() if placement.student else "Former user"


def _workspace(placement_id: int, anchor: str = "") -> str:
    return reverse("placements:workspace", args=[placement_id]) + anchor


def placement_dates(user, *, now: datetime) -> Iterable[CalendarEvent]:
    """First and last day of each placement, over the listing's working hours in the listing's
    zone: the student (and their supervisor) see when the first day starts in their own time."""
    for placement in (
        _placements_of(user).select_related("listing__organization", "student").order_by("start_date", "pk")
    ):
        listing = placement.listing
        tz = zone(listing.time_zone)
        organization = listing.organization.name
        if user.is_student:
            first, last = (
                f"First day at {organization}: {listing.title}",
                f"Last day at {organization}: {listing.title}",
            )
        else:
            who = _who(placement)
            first, last = f"{who} starts: {listing.title}", f"{who}'s last day: {listing.title}"
        hours = f"Working hours {listing.work_start:%H:%M}–{listing.work_end:%H:%M} ({listing.time_zone})."
        url = _workspace(placement.pk)
        begin, finish = _working_day(placement.start_date, listing.work_start, listing.work_end, tz)
        yield CalendarEvent(
            key=f"placement-start-{placement.pk}", summary=first, start=begin, end=finish, description=hours, url=url
        )
        if placement.status != Placement.Status.ENDED_EARLY:
            begin, finish = _working_day(placement.end_date, listing.work_start, listing.work_end, tz)
            yield CalendarEvent(
                key=f"placement-end-{placement.pk}", summary=last, start=begin, end=finish, description=hours, url=url
            )


def saved_listing_deadlines(user, *, now: datetime) -> Iterable[CalendarEvent]:
    """The application deadline of each saved listing still published, at the moment it falls,
    in the listing's zone (the employer sets it there)."""
    saved = (
        Listing.objects.visible()
        .filter(saves__user=user, application_deadline__gte=now - PAST_DEADLINES)
        .select_related("organization")
        .order_by("application_deadline", "pk")
    )
    for listing in saved:
        yield CalendarEvent(
            key=f"listing-deadline-{listing.pk}",
            summary=f"Application deadline: {listing.title} ({listing.organization.name})",
            start=listing.application_deadline.astimezone(zone(listing.time_zone)),
            description="Applications close at this time. You saved this listing.",
            url=reverse("listings:detail", args=[listing.pk]),
        )


def checkin_due_dates(user, *, now: datetime) -> Iterable[CalendarEvent]:
    """Each check-in of the user's placements, at the end of its due day in the student's zone
    (``placements.schedule.due_moment``, shown as 23:59 there), from a month back."""
    checkins = (
        CheckIn.objects.filter(placement__in=_placements_of(user), due_on__gte=(now - PAST_DEADLINES).date())
        .select_related("placement__listing", "placement__student__student_profile")
        .order_by("due_on", "pk")
    )
    for checkin in checkins:
        placement = checkin.placement
        profile = getattr(placement.student, "student_profile", None) if placement.student else None
        student_zone = profile.time_zone if profile is not None else "UTC"
        due = (due_moment(checkin.due_on, student_zone) - timedelta(minutes=1)).astimezone(zone(student_zone))
        state = "written" if checkin.submitted_at else "due"
        title = placement.listing.title
        summary = f"Check-in {state}: {title}" if user.is_student else f"Check-in {state} ({_who(placement)}): {title}"
        yield CalendarEvent(
            key=f"checkin-{checkin.pk}",
            summary=summary,
            start=due,
            description=f"Due by the end of {checkin.due_on:%A} {checkin.due_on.day} {checkin.due_on:%B} "
            f"in the intern's time zone ({student_zone}).",
            url=_workspace(placement.pk, "#checkins"),
        )


def goal_due_dates(user, *, now: datetime) -> Iterable[CalendarEvent]:
    """Each goal not yet done that has a due date: an all-day event on that date."""
    goals = (
        Goal.objects.filter(
            placement__in=_placements_of(user),
            due_on__isnull=False,
            done_at__isnull=True,
            due_on__gte=(now - PAST_DEADLINES).date(),
        )
        .select_related("placement__listing", "placement__student")
        .order_by("due_on", "pk")
    )
    for goal in goals:
        placement = goal.placement
        owner = "" if user.is_student else f" ({_who(placement)})"
        yield CalendarEvent(
            key=f"goal-{goal.pk}",
            summary=f"Goal due{owner}: {goal.text}",
            start=goal.due_on,
            end=goal.due_on + timedelta(days=1),
            description=f"A goal of the placement “{placement.listing.title}”.",
            url=_workspace(placement.pk, "#goals"),
        )


def interviews(user, *, now: datetime) -> Iterable[CalendarEvent]:
    """Each booked interview of the user (as the student or a member of the organization), in the
    student's zone for the student and the organization's for its members. Its key is the UID
    of the emailed invitation, so a calendar that has both shows one event."""
    for interview in calendar_interviews(user=user, since=now - PAST_DEADLINES):
        application = interview.application
        listing = application.listing
        zone_name = student_zone(application) if user.is_student else interview.time_zone
        who = listing.organization.name if user.is_student else _who_applied(application)
        yield CalendarEvent(
            key=interview.key,
            summary=f"Interview with {who}: {listing.title}",
            start=local(interview.starts_at, zone_name),
            end=local(interview.ends_at, zone_name),
            description=f"How to join: {interview.location}",
            url=reverse("interviews:detail", args=[interview.pk]),
        )


def _who_applied(application) -> str:
    return application.student.get_full_name() if application.student else "Former user"


EventSource = Callable[..., Iterable[CalendarEvent]]
SOURCES: list[EventSource] = [
    placement_dates,
    checkin_due_dates,
    goal_due_dates,
    saved_listing_deadlines,
    interviews,
]


def events_for(user, *, now: datetime | None = None) -> list[CalendarEvent]:
    """Every event of every source for ``user``, in time order."""
    now = now or timezone.now()
    events = [event for source in SOURCES for event in source(user, now=now)]
    return sorted(events, key=lambda e: (e.sort_key, e.key))
