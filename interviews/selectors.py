"""The reads of the interview pages and API: each a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet

from accounts.permissions import organization_id_for
from applications.models import Application

from .choices import InviteStatus, Party, SlotStatus
from .models import Availability, Interview, InterviewInvite, InterviewSlot
from .permissions import party_of
from .times import Shown, minutes_between, student_zone, to_utc

# An interview stays in the "upcoming" lists until two hours after it started (no-shows).
KEEP_AFTER_START = timedelta(hours=2)

_APPLICATION = ("application__listing__organization", "application__student__student_profile")


def _open_slots(now: datetime) -> Prefetch:
    return Prefetch(
        "round__slots",
        queryset=InterviewSlot.objects.filter(status=SlotStatus.OPEN, starts_at__gt=now).order_by("starts_at", "pk"),
        to_attr="open_slots",
    )


def invite_for_viewer(*, user, pk: int, now: datetime) -> tuple[InterviewInvite, Party] | None:
    invite = (
        InterviewInvite.objects.filter(pk=pk)
        .select_related("round", *_APPLICATION)
        .prefetch_related(_open_slots(now))
        .first()
    )
    if invite is None:
        return None
    party = party_of(user, invite.application)
    return (invite, party) if party is not None else None


def interview_for_viewer(*, user, pk: int) -> tuple[Interview, Party] | None:
    interview = Interview.objects.filter(pk=pk).select_related("invite__round", "slot", *_APPLICATION).first()
    if interview is None:
        return None
    party = party_of(user, interview.application)
    return (interview, party) if party is not None else None


def invite_is_open(invite: InterviewInvite, now: datetime) -> bool:
    return (
        invite.status == InviteStatus.WAITING
        and invite.round.respond_by > now
        and invite.application.status == "interview"
    )


def shown(*, starts_at: datetime, ends_at: datetime, application: Application, own: str, other: str) -> Shown:
    return Shown(
        starts_at=starts_at,
        minutes=minutes_between(starts_at, ends_at),
        own_zone=own,
        other_zone=other,
        student_zone=student_zone(application),
    )


def slot_times(invite: InterviewInvite, *, party: Party, viewer_zone: str) -> list[tuple[InterviewSlot, Shown]]:
    """The round's open times as the viewer sees them: the student in their own zone with the
    organization's beside it, the organization the other way round."""
    if party == Party.STUDENT:
        own, other = student_zone(invite.application), invite.round.time_zone
    else:
        own, other = viewer_zone, student_zone(invite.application)
    return [
        (
            slot,
            shown(starts_at=slot.starts_at, ends_at=slot.ends_at, application=invite.application, own=own, other=other),
        )
        for slot in getattr(invite.round, "open_slots", [])
    ]


def interview_shown(interview: Interview, *, party: Party, viewer_zone: str) -> Shown:
    if party == Party.STUDENT:
        own, other = student_zone(interview.application), interview.time_zone
    else:
        own, other = viewer_zone, student_zone(interview.application)
    return shown(
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        application=interview.application,
        own=own,
        other=other,
    )


@dataclass(frozen=True)
class Upcoming:
    interviews: list[Interview]
    invites: list[InterviewInvite]


def student_upcoming(*, user, now: datetime) -> Upcoming:
    """The student's booked interviews still to come, and the rounds waiting for their choice."""
    interviews = list(
        Interview.objects.scheduled()
        .filter(application__student=user, starts_at__gte=now - KEEP_AFTER_START)
        .select_related("invite__round", *_APPLICATION)
        .order_by("starts_at", "pk")
    )
    invites = list(
        InterviewInvite.objects.filter(
            application__student=user,
            application__status="interview",
            status=InviteStatus.WAITING,
            round__respond_by__gt=now,
        )
        .select_related("round", *_APPLICATION)
        .prefetch_related(_open_slots(now))
        .order_by("round__respond_by", "pk")
    )
    return Upcoming(interviews=interviews, invites=invites)


def organization_upcoming(*, user, now: datetime, listing_id: int | None = None) -> Upcoming:
    """An organization's booked interviews still to come, and its rounds waiting for students'
    choices: for the whole organization, or one listing."""
    organization_id = organization_id_for(user)
    where = Q(application__listing__organization_id=organization_id)
    if listing_id is not None:
        where &= Q(application__listing_id=listing_id)
    interviews = list(
        Interview.objects.scheduled()
        .filter(where, starts_at__gte=now - KEEP_AFTER_START)
        .select_related("invite__round", *_APPLICATION)
        .order_by("starts_at", "pk")
    )
    invites = list(
        InterviewInvite.objects.filter(where, status=InviteStatus.WAITING, round__respond_by__gt=now)
        .select_related("round", *_APPLICATION)
        .prefetch_related(_open_slots(now))
        .order_by("round__respond_by", "pk")
    )
    return Upcoming(interviews=interviews, invites=invites)


def application_interviews(*, application: Application) -> QuerySet[Interview]:
    return Interview.objects.filter(application=application).select_related("invite__round").order_by("-starts_at")


def waiting_invite(*, application: Application) -> InterviewInvite | None:
    return InterviewInvite.objects.filter(application=application, status=InviteStatus.WAITING).first()


def no_shows_of_institution(*, institution_id: int) -> QuerySet[Interview]:
    """Interviews the student of one institution missed, newest first (career services)."""
    return (
        Interview.objects.filter(
            no_show=Party.STUDENT, application__student__student_profile__institution_id=institution_id
        )
        .select_related("application__listing__organization", "application__student", "no_show_recorded_by")
        .order_by("-starts_at", "-pk")
    )


def availability_of(*, organization_id: int) -> list[Availability]:
    return list(Availability.objects.filter(organization_id=organization_id))


def availability_times(
    *, windows: list[Availability], minutes: int, today: date, now: datetime, days: int = 14, limit: int = 40
) -> list[datetime]:
    """Start times (UTC) the organization's weekly windows offer over the next ``days`` days, one
    every ``minutes`` inside each window, in each window's own zone (so a window keeps its wall-clock
    hours across a daylight-saving change). At most ``limit``."""
    starts: list[datetime] = []
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        for window in windows:
            if window.weekday != day.weekday():
                continue
            cursor = datetime.combine(day, window.start)
            finish = datetime.combine(day, window.end)
            while cursor + timedelta(minutes=minutes) <= finish:
                try:
                    instant = to_utc(day, cursor.time(), window.time_zone)
                except ValueError:
                    instant = None
                if instant is not None and instant > now:
                    starts.append(instant)
                cursor += timedelta(minutes=minutes)
    return sorted(set(starts))[:limit]


def calendar_interviews(*, user, since: datetime) -> list[Interview]:
    """The scheduled interviews of ``user``'s applications (student) or organization (members),
    from ``since``: the calendar feed's source."""
    if user.is_student:
        where = Q(application__student=user)
    else:
        organization_id = organization_id_for(user)
        if organization_id is None:
            return []
        where = Q(application__listing__organization_id=organization_id)
    return list(
        Interview.objects.scheduled()
        .filter(where, starts_at__gte=since)
        .select_related(*_APPLICATION)
        .order_by("starts_at", "pk")
    )
