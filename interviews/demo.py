"""Demo interviews for `seed_demo` (after the applications demo), made through the services: the
demo student has an interview booked with Northwind Labs ("Backend developer intern") and times to
choose from Brightpath Media ("Social media intern for youth campaigns"); Northwind keeps weekly
interview windows. Idempotent: an application that already has an invitation is left alone."""

from __future__ import annotations

from datetime import time, timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, User
from applications.models import Application, ApplicationStatusChange
from notifications.models import Notification

from . import services
from .models import Availability, InterviewInvite

STUDENT = "student@demo.example"
BOOKED = "Backend developer intern (Python/Django)"
TO_CHOOSE = "Social media intern for youth campaigns"


def _member(organization_id: int) -> User | None:
    first = Membership.objects.filter(organization_id=organization_id).select_related("user").order_by("pk").first()
    return first.user if first else None


def _propose(application: Application, *, hours: list[int], days_ahead: int) -> InterviewInvite | None:
    listing = application.listing
    employer = _member(listing.organization_id)
    if employer is None:
        return None
    day = timezone.localdate() + timedelta(days=days_ahead)
    # Weekdays only: a demo interview on a Sunday would look odd.
    while day.weekday() >= 5:
        day += timedelta(days=1)
    proposed = services.interview_round_propose(
        listing=listing,
        application_ids=[application.pk],
        user=employer,
        slots=[
            services.SlotInput(day=day + timedelta(days=i // 2), at=time(h), minutes=45) for i, h in enumerate(hours)
        ],
        time_zone=listing.time_zone,
        location="https://meet.example.org/" + listing.organization.slug + "-interview",
    )
    return proposed.round.invites.get(application=application)


def _backdate(since, *, days: int = 2) -> None:
    """Demo realism: the invitations went out two days ago, so they sit behind the demo's newer
    notifications (the welcome first) rather than on top of them."""
    earlier = timedelta(days=days)
    Notification.objects.filter(created_at__gte=since).update(created_at=F("created_at") - earlier)
    ApplicationStatusChange.objects.filter(created_at__gte=since).update(created_at=F("created_at") - earlier)
    Application.objects.filter(status_changed_at__gte=since).update(status_changed_at=F("status_changed_at") - earlier)


def seed(stdout) -> None:
    student = User.objects.filter(email=STUDENT).first()
    if student is None:
        return
    started = timezone.now()
    applications = {
        a.listing.title: a
        for a in Application.objects.filter(student=student, listing__title__in=[BOOKED, TO_CHOOSE]).select_related(
            "listing__organization"
        )
    }
    made = []
    booked = applications.get(BOOKED)
    if booked is not None and not InterviewInvite.objects.filter(application=booked).exists():
        invite = _propose(booked, hours=[10, 14, 11], days_ahead=3)
        if invite is not None:
            slot = invite.round.slots.order_by("starts_at").first()
            services.interview_book(invite=invite, slot_id=slot.pk, user=student)
            made.append("one booked")
    choose = applications.get(TO_CHOOSE)
    fresh = choose is not None and choose.is_open and not InterviewInvite.objects.filter(application=choose).exists()
    if fresh and _propose(choose, hours=[9, 15, 10], days_ahead=5) is not None:
        made.append("one with times to choose")
    if booked is not None:
        organization_id = booked.listing.organization_id
        if not Availability.objects.filter(organization_id=organization_id).exists():
            for weekday in (1, 3):
                Availability.objects.create(
                    organization_id=organization_id,
                    weekday=weekday,
                    start=time(14),
                    end=time(17),
                    time_zone=booked.listing.time_zone,
                )
    if made:
        _backdate(started)
    stdout.write(f"  interviews: {', '.join(made) or 'already there'}")
