"""Interview factories, built through the real services: an applicant invited to a round of
times, and a booked interview."""

from __future__ import annotations

from datetime import date, datetime, time

from interviews import services
from interviews.models import Interview, InterviewInvite
from tests.applications.factories import ShortlistedApplicationFactory
from tests.listings.factories import StudentFactory, member_of


def applicant(*, student_zone: str = "Asia/Tokyo", listing_zone: str = "Europe/Berlin", listing=None, **fields):
    """A shortlisted application of a student in ``student_zone`` to a listing in ``listing_zone``."""
    student = StudentFactory(profile={"country": "JP", "time_zone": student_zone})
    if listing is not None:
        return ShortlistedApplicationFactory(listing=listing, student=student)
    return ShortlistedApplicationFactory(student=student, time_zone=listing_zone, **fields)


def propose(
    application,
    *,
    times: list[tuple[date, time]],
    time_zone: str = "Europe/Berlin",
    minutes: int = 30,
    others=(),
    respond_by: datetime | None = None,
) -> InterviewInvite:
    """The organization proposes ``times`` (wall-clock in ``time_zone``) to the application (and
    ``others`` of the same listing); returns the application's invite."""
    proposed = services.interview_round_propose(
        listing=application.listing,
        application_ids=[application.pk, *(o.pk for o in others)],
        user=member_of(application.listing),
        slots=[services.SlotInput(day=d, at=t, minutes=minutes) for d, t in times],
        time_zone=time_zone,
        location="https://meet.example.org/acme-interview",
        respond_by=respond_by,
    )
    return proposed.round.invites.select_related("round", "application__listing").get(application=application)


def booked(invite: InterviewInvite, *, index: int = 0) -> Interview:
    slot = invite.round.slots.order_by("starts_at")[index]
    return services.interview_book(invite=invite, slot_id=slot.pk, user=invite.application.student)
