"""Reads for the workspace page and API: a constant number of queries whatever the number of goals
and check-ins."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from applications.models import CheckIn, CheckInCadence, Goal, Placement, PlacementFee
from listings import currency
from listings.timezones import overlap_hours, zone

from . import schedule
from .permissions import Side, side_of, visible_placements_filter

# The organization's earned hourly rate is shown once this many fees were paid.
EARNED_RATE_MIN_PAID = 3
# The workspace shows the most recent written check-ins; older ones on request (?checkins=all).
RECENT_CHECKINS = 10


def _with_workspace(qs: QuerySet[Placement]) -> QuerySet[Placement]:
    return qs.select_related(
        "listing__organization", "organization", "student__student_profile", "supervisor", "fee"
    ).prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("created_at", "pk")),
        Prefetch("checkins", queryset=CheckIn.objects.select_related("feedback_by").order_by("due_on")),
    )


def placement_for_viewer(*, user, pk: int) -> tuple[Placement, Side] | None:
    """The placement with everything its workspace shows, and the viewer's side; None when the
    viewer may not see it (the caller answers 404)."""
    placement = _with_workspace(Placement.objects.filter(pk=pk)).first()
    if placement is None:
        return None
    side = side_of(user, placement)
    return (placement, side) if side is not None else None


def placements_for(user) -> QuerySet[Placement]:
    """Every placement the user may see (the rule of ``permissions.side_of`` as a filter)."""
    condition = visible_placements_filter(user)
    if condition is None:
        return Placement.objects.none()
    return (
        Placement.objects.filter(condition)
        .select_related("listing__organization", "student", "supervisor", "fee")
        .order_by("-start_date", "-pk")
    )


def hours_estimate(placement: Placement) -> int:
    """The listing's estimate: a micro-internship's estimated total hours, else hours per week over
    the placement's length."""
    listing = placement.listing
    if listing.estimated_total_hours:
        return listing.estimated_total_hours
    weeks = ((placement.end_date - placement.start_date).days or 1) / 7
    return round(listing.hours_per_week * weeks)


@dataclass
class Workspace:
    placement: Placement
    side: Side
    goals: list[Goal]
    written: list[CheckIn]  # newest first
    next_due: CheckIn | None  # the earliest period not written yet (possibly overdue)
    writable: CheckIn | None  # the period the student may write now
    overdue: int
    scheduled_later: int
    student_zone: str
    organization_zone: str
    student_today: date
    next_due_moment: datetime | None
    overlap: float
    work_start_local: time  # the organization's working day on the intern's clock
    work_end_local: time
    hours_estimate: int
    fee: PlacementFee | None
    goals_confirmable: bool
    awaiting_feedback: list[CheckIn] = field(default_factory=list)
    show_all: bool = False

    @property
    def shown(self) -> list[CheckIn]:
        """The written check-ins the page lists: the latest ones, or all of them on request (those
        still waiting for feedback are always listed, so they can be answered)."""
        if self.show_all or len(self.written) <= RECENT_CHECKINS:
            return self.written
        recent = self.written[:RECENT_CHECKINS]
        older = [c for c in self.written[RECENT_CHECKINS:] if c.feedback_at is None]
        return recent + older

    @property
    def can_work(self) -> bool:
        return self.side in (Side.STUDENT, Side.SUPERVISOR) and self.placement.is_active

    @property
    def is_student(self) -> bool:
        return self.side == Side.STUDENT

    @property
    def is_supervisor(self) -> bool:
        return self.side == Side.SUPERVISOR

    @property
    def read_only(self) -> bool:
        return self.side == Side.CAREERS

    @property
    def hours_share(self) -> int:
        if not self.hours_estimate:
            return 0
        return min(100, round(float(self.placement.hours_logged) * 100 / self.hours_estimate))

    @property
    def is_fixed_fee(self) -> bool:
        listing = self.placement.listing
        return listing.compensation_type == listing.Compensation.FIXED_FEE and bool(listing.compensation_amount)


def workspace(*, placement: Placement, side: Side, now: datetime, show_all: bool = False) -> Workspace:
    """Everything the workspace page shows, computed from the rows loaded by
    :func:`placement_for_viewer` (no further queries)."""
    from .services import MAX_GOALS, MIN_GOALS, checkin_is_open

    listing = placement.listing
    profile = getattr(placement.student, "student_profile", None) if placement.student_id else None
    student_zone = profile.time_zone if profile is not None else "UTC"
    today = schedule.local_today(student_zone, now)
    checkins = list(placement.checkins.all())
    unwritten = [c for c in checkins if c.submitted_at is None]
    next_due = unwritten[0] if unwritten else None
    writable = (
        next((c for c in unwritten if checkin_is_open(checkin=c, placement=placement, now=now)), None)
        if placement.is_active
        else None
    )
    written = sorted((c for c in checkins if c.submitted_at is not None), key=lambda c: c.due_on, reverse=True)
    goals = list(placement.goals.all())
    stz, otz = zone(student_zone), zone(listing.time_zone)
    start_local = datetime.combine(today, listing.work_start, tzinfo=otz).astimezone(stz).time()
    end_local = datetime.combine(today, listing.work_end, tzinfo=otz).astimezone(stz).time()
    return Workspace(
        placement=placement,
        side=side,
        goals=goals,
        written=written,
        next_due=next_due,
        writable=writable,
        overdue=schedule.overdue_count((c.due_on for c in unwritten), student_zone, now),
        scheduled_later=sum(1 for c in unwritten if c.due_on > today and c is not next_due),
        student_zone=student_zone,
        organization_zone=listing.time_zone,
        student_today=today,
        next_due_moment=schedule.due_moment(next_due.due_on, student_zone) if next_due else None,
        overlap=overlap_hours(
            listing_tz=listing.time_zone,
            work_start=listing.work_start,
            work_end=listing.work_end,
            viewer_tz=student_zone,
            on=today,
        ),
        work_start_local=start_local,
        work_end_local=end_local,
        hours_estimate=hours_estimate(placement),
        fee=getattr(placement, "fee", None),
        goals_confirmable=placement.is_active
        and placement.goals_confirmed_at is None
        and MIN_GOALS <= len(goals) <= MAX_GOALS,
        awaiting_feedback=[c for c in written if c.feedback_at is None],
        show_all=show_all,
    )


def checkin_cadence_label(placement: Placement) -> str:
    return f"{CheckInCadence(placement.checkin_cadence).label.lower()} on {placement.get_checkin_weekday_display()}"


@dataclass(frozen=True)
class EarnedRate:
    """The median hourly rate students actually earned on the organization's paid fixed fees."""

    median: Decimal | None
    currency: str
    paid: int
    approximate: bool = False


def earned_hourly_rate(*, organization_id: int) -> EarnedRate:
    """Median of fee ÷ hours logged over the organization's paid fees (one query). Shown only from
    three paid placements on; fees in several currencies are compared in US dollars (approximate
    reference rates)."""
    rows = list(
        PlacementFee.objects.filter(
            placement__organization_id=organization_id,
            status__in=[PlacementFee.Status.PAID, PlacementFee.Status.RECEIVED],
            hourly_rate__isnull=False,
        ).values_list("hourly_rate", "currency")
    )
    if len(rows) < EARNED_RATE_MIN_PAID:
        return EarnedRate(median=None, currency="", paid=len(rows))
    currencies = {c for _, c in rows}
    if len(currencies) == 1:
        median = statistics.median(r for r, _ in rows)
        return EarnedRate(median=Decimal(median).quantize(Decimal("0.01")), currency=currencies.pop(), paid=len(rows))
    converted = [v for v in (currency.to_reference(r, c) for r, c in rows) if v is not None]
    if len(converted) < EARNED_RATE_MIN_PAID:
        return EarnedRate(median=None, currency="", paid=len(rows))
    median = Decimal(statistics.median(converted)).quantize(Decimal("0.01"))
    return EarnedRate(median=median, currency=currency.REFERENCE, paid=len(rows), approximate=True)
