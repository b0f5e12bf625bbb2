"""The contracts other apps rely on: closing and expiring listings close their open applications."""

import pytest
from django.core.exceptions import ValidationError

from applications.models import Application, ApplicationStatus, ApplicationStatusChange
from listings import services
from listings.models import Listing, ListingStatusChange
from notifications.models import Notification
from tests.listings.factories import DraftListingFactory, PublishedListingFactory, StudentFactory


def _apply(listing, student, status=ApplicationStatus.SUBMITTED):
    # The applications app has no submit service yet: a row as it would create it.
    return Application.objects.create(listing=listing, student=student, cover_letter="Hello", status=status)


def test_close_closes_open_applications_and_tells_each_student_once(org, employer):
    listing = PublishedListingFactory(organization=org, actor=employer, title="Closing soon")
    waiting = [_apply(listing, StudentFactory()) for _ in range(3)]
    rejected = _apply(listing, StudentFactory(), status=ApplicationStatus.REJECTED)
    closed = services.listing_close(listing=listing, actor=employer, reason="filled")
    assert closed.status == Listing.Status.CLOSED and closed.closed_at
    assert listing.status == Listing.Status.CLOSED  # the caller's instance follows
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert all(statuses[a.pk] == ApplicationStatus.CLOSED for a in waiting)
    assert statuses[rejected.pk] == ApplicationStatus.REJECTED
    assert ApplicationStatusChange.objects.filter(to_status="closed").count() == 3
    for application in waiting:
        assert Notification.objects.filter(recipient=application.student, event="application.closed").count() == 1
    change = ListingStatusChange.objects.get(listing=listing, to_status="closed")
    assert (change.reason, change.actor) == ("filled", employer)


def test_close_twice_is_refused_and_changes_nothing(org, employer):
    listing = PublishedListingFactory(organization=org, actor=employer)
    services.listing_close(listing=listing, actor=employer, reason="filled")
    with pytest.raises(ValidationError):
        services.listing_close(listing=listing, actor=None, reason="filled")
    assert ListingStatusChange.objects.filter(listing=listing, to_status="closed").count() == 1


def test_expire_is_set_based_and_skips_what_cannot_expire(org, employer):
    published = [PublishedListingFactory(organization=org, actor=employer) for _ in range(3)]
    draft = DraftListingFactory(organization=org, actor=employer)
    applications = [_apply(listing, StudentFactory()) for listing in published]
    count = services.listing_expire(listing_ids=[x.pk for x in published] + [draft.pk])
    assert count == 3
    assert set(Listing.objects.filter(pk__in=[x.pk for x in published]).values_list("status", flat=True)) == {"expired"}
    draft.refresh_from_db()
    assert draft.status == Listing.Status.DRAFT
    assert {a.status for a in Application.objects.filter(pk__in=[a.pk for a in applications])} == {"closed"}
    # Expiry has no actor: every member hears about each expired listing once.
    assert Notification.objects.filter(recipient=employer, event="listing.expired").count() == 3
    assert services.listing_expire(listing_ids=[x.pk for x in published]) == 0  # safe to run twice


def test_members_are_told_when_a_listing_expires(org, employer):
    from tests.listings.factories import EmployerFactory

    colleague = EmployerFactory(organization=org)
    listing = PublishedListingFactory(organization=org, actor=employer)
    services.listing_expire(listing_ids=[listing.pk])
    assert Notification.objects.filter(recipient=colleague, event="listing.expired").count() == 1
    assert Notification.objects.filter(recipient=employer, event="listing.expired").count() == 1


def test_a_failure_half_way_leaves_the_listing_open(org, employer, monkeypatch):
    import applications.services

    listing = PublishedListingFactory(organization=org, actor=employer)
    _apply(listing, StudentFactory())

    def boom(**kwargs):
        raise RuntimeError("applications service down")

    monkeypatch.setattr(applications.services, "applications_close_for_listings", boom)
    with pytest.raises(RuntimeError):
        services.listing_close(listing=listing, actor=employer, reason="filled")
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED
    assert not ListingStatusChange.objects.filter(listing=listing, to_status="closed").exists()
