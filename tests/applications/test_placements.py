"""Offers become placements; the last opening is given once; a full or ended listing closes every
application still open and tells each student once."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationStatusChange, Placement
from applications.services import TransitionError, application_accept_offer, application_transition
from listings.models import Listing
from listings.services import listing_close, listing_expire
from notifications.models import Notification, OutboxEmail
from tests.applications.factories import (
    InterviewApplicationFactory,
    OfferedApplicationFactory,
    SubmittedApplicationFactory,
)
from tests.listings.factories import EmployerFactory, PublishedListingFactory, member_of

pytestmark = pytest.mark.django_db


def test_accepting_an_offer_creates_the_placement_with_the_offering_member_as_supervisor(client):
    listing = PublishedListingFactory(requires_resume=False, openings=2, duration_days=60)
    colleague = EmployerFactory(organization=listing.organization)
    application = InterviewApplicationFactory(listing=listing)
    start = timezone.localdate() + timedelta(days=10)
    client.force_login(colleague)
    response = client.post(
        reverse("applications:employer_offer", args=[application.pk]),
        {"message": "We'd love to have you.", "offer_start_date": start.isoformat()},
    )
    assert response.status_code == 302
    offer_email = OutboxEmail.objects.get(to_email=application.student.email, event="application.offer_made")
    assert "We'd love to have you." in offer_email.body_text

    client.force_login(application.student)
    response = client.post(reverse("applications:accept", args=[application.pk]))
    assert response.status_code == 302
    placement = Placement.objects.get(application=application)
    assert (placement.student, placement.listing, placement.organization, placement.supervisor) == (
        application.student,
        listing,
        listing.organization,
        colleague,
    )
    assert (placement.start_date, placement.end_date, placement.status) == (
        start,
        start + timedelta(days=60),
        "active",
    )
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED  # one opening left
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Your placement" in page
    assert Notification.objects.filter(recipient=colleague, event="application.student_responded").exists()


def test_placement_starts_on_the_listing_start_date_without_a_proposed_date():
    listing_start = timezone.localdate() + timedelta(days=20)
    listing = PublishedListingFactory(requires_resume=False, openings=3, start_date=listing_start, duration_days=14)
    application = OfferedApplicationFactory(listing=listing)
    placement = application_accept_offer(application=application, user=application.student)
    assert (placement.start_date, placement.end_date) == (listing_start, listing_start + timedelta(days=14))


def test_filling_the_last_opening_closes_the_listing_and_every_open_application_once():
    listing = PublishedListingFactory(requires_resume=False, openings=1)
    winner = OfferedApplicationFactory(listing=listing)
    waiting = [SubmittedApplicationFactory(listing=listing) for _ in range(3)]
    application_transition(application=waiting[0], to_status="rejected", user=member_of(listing))

    application_transition(application=winner, to_status="accepted", user=winner.student)

    listing.refresh_from_db()
    assert listing.status == Listing.Status.CLOSED
    assert listing.status_changes.filter(to_status="closed", reason="filled").count() == 1
    assert Application.objects.get(pk=waiting[0].pk).status == "rejected"
    for application in waiting[1:]:
        assert Application.objects.get(pk=application.pk).status == "closed"
        assert OutboxEmail.objects.filter(to_email=application.student.email, event="application.closed").count() == 1
    assert not OutboxEmail.objects.filter(to_email=waiting[0].student.email, event="application.closed").exists()
    assert Placement.objects.filter(listing=listing).count() == 1


@pytest.mark.parametrize("how", ["closed by the employer", "expired"])
def test_listing_close_or_expiry_closes_open_applications_and_tells_each_student_once(how):
    listing = PublishedListingFactory(requires_resume=False, openings=2)
    open_ones = [SubmittedApplicationFactory(listing=listing), OfferedApplicationFactory(listing=listing)]
    accepted = OfferedApplicationFactory(listing=listing)
    application_transition(application=accepted, to_status="accepted", user=accepted.student)
    if how == "expired":
        assert listing_expire(listing_ids=[listing.pk]) == 1
        assert listing_expire(listing_ids=[listing.pk]) == 0
    else:
        listing_close(listing=listing, actor=member_of(listing), reason="we hired offline")
    for application in open_ones:
        application.refresh_from_db()
        assert application.status == "closed"
        assert OutboxEmail.objects.filter(to_email=application.student.email, event="application.closed").count() == 1
        assert Notification.objects.filter(recipient=application.student, event="application.closed").count() == 1
    assert Application.objects.get(pk=accepted.pk).status == "accepted"
    assert not OutboxEmail.objects.filter(to_email=accepted.student.email, event="application.closed").exists()


def test_an_offer_on_a_closed_listing_cannot_be_accepted(client):
    listing = PublishedListingFactory(requires_resume=False, openings=1)
    application = OfferedApplicationFactory(listing=listing)
    listing_close(listing=listing, actor=member_of(listing), reason="budget cut")
    client.force_login(application.student)
    response = client.post(reverse("applications:accept", args=[application.pk]), follow=True)
    assert "can no longer be accepted" in response.content.decode()
    assert not Placement.objects.exists()


def test_employer_proposed_start_date_in_the_past_is_refused(client):
    application = InterviewApplicationFactory()
    client.force_login(member_of(application.listing))
    response = client.post(
        reverse("applications:employer_offer", args=[application.pk]),
        {"offer_start_date": (timezone.localdate() - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "interview"


@pytest.mark.django_db(transaction=True)
def test_two_students_accepting_the_last_opening_at_once_get_one_placement():
    listing = PublishedListingFactory(requires_resume=False, openings=1)
    offers = [OfferedApplicationFactory(listing=listing), OfferedApplicationFactory(listing=listing)]
    barrier = threading.Barrier(2)
    outcomes = {}

    def accept(application):
        try:
            barrier.wait(timeout=10)
            application_transition(application=application, to_status="accepted", user=application.student)
            outcomes[application.pk] = "accepted"
        except TransitionError as exc:
            outcomes[application.pk] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(a,)) for a in offers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == [
        "Sorry: this listing's openings have all been filled or it has closed, so the offer can no longer be accepted.",
        "accepted",
    ]
    assert Placement.objects.filter(listing=listing).count() == 1
    loser = next(pk for pk, outcome in outcomes.items() if outcome != "accepted")
    assert Application.objects.get(pk=loser).status == "closed"
    assert (
        OutboxEmail.objects.filter(
            event="application.closed", to_email=Application.objects.get(pk=loser).student.email
        ).count()
        == 1
    )
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.CLOSED
    assert ApplicationStatusChange.objects.filter(to_status="accepted").count() == 1
    assert isinstance(Placement.objects.get().start_date, date)
