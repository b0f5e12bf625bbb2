"""Moderation: verified organizations publish at once, unverified ones wait for staff; staff approve
or reject with a reason; reports hide a listing at three; every move is recorded."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from listings import services
from listings.models import Listing, ListingReport, ListingStatusChange
from notifications.models import Notification
from tests.listings.factories import (
    DraftListingFactory,
    EmployerFactory,
    PendingListingFactory,
    PublishedListingFactory,
    StudentFactory,
    UnverifiedOrganizationFactory,
)


def test_verified_organization_publishes_at_once(client, org, employer):
    listing = DraftListingFactory(organization=org, actor=employer)
    client.force_login(employer)
    response = client.post(reverse("listings:submit", args=[listing.pk]), follow=True)
    assert "Published" in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED and listing.published_at and listing.expires_at
    change = ListingStatusChange.objects.get(listing=listing)
    assert (change.from_status, change.to_status, change.actor) == ("draft", "published", employer)


def test_unverified_organization_cannot_publish_directly(db, client):
    org = UnverifiedOrganizationFactory()
    employer = EmployerFactory(organization=org)
    listing = DraftListingFactory(organization=org, actor=employer)
    client.force_login(employer)
    client.post(reverse("listings:submit", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PENDING_REVIEW
    # Not on the public pages while pending.
    client.logout()
    assert client.get(reverse("listings:detail", args=[listing.pk])).status_code == 404
    assert listing.title not in client.get(reverse("listings:list")).content.decode()
    # And no path straight to published for the organization: the machine refuses.
    with pytest.raises(ValidationError):
        services.listing_submit(listing=listing, actor=employer)


def test_staff_approve_from_the_staff_page_and_the_owner_is_told(client, staff):
    listing = PendingListingFactory(title="Pending growth intern")
    owner = listing.organization.memberships.get().user
    client.force_login(staff)
    page = client.get(reverse("listings:moderation")).content.decode()
    assert "Pending growth intern" in page
    client.post(reverse("listings:moderation-decide", args=[listing.pk, "approve"]))
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED
    note = Notification.objects.get(recipient=owner, event="listing.approved")
    assert "Pending growth intern" in note.title


def test_staff_reject_needs_a_reason_which_the_owner_sees(client, staff):
    listing = PendingListingFactory(title="Dubious gig")
    owner = listing.organization.memberships.get().user
    client.force_login(staff)
    client.post(reverse("listings:moderation-decide", args=[listing.pk, "reject"]), {"reason": ""})
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PENDING_REVIEW
    client.post(
        reverse("listings:moderation-decide", args=[listing.pk, "reject"]), {"reason": "Pay is not stated clearly."}
    )
    listing.refresh_from_db()
    assert listing.status == Listing.Status.REJECTED
    assert listing.moderation_note == "Pay is not stated clearly."
    assert Notification.objects.filter(recipient=owner, event="listing.rejected").exists()
    client.force_login(owner)
    assert "Pay is not stated clearly." in client.get(reverse("listings:manage", args=[listing.pk])).content.decode()
    # Edited and resubmitted, it goes back to review.
    client.post(reverse("listings:submit", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PENDING_REVIEW


def test_admin_actions_approve_and_reject(admin_client):
    approve = PendingListingFactory()
    reject = PendingListingFactory()
    url = reverse("admin:listings_listing_changelist")
    admin_client.post(url, {"action": "approve", "_selected_action": [approve.pk]})
    admin_client.post(url, {"action": "reject", "_selected_action": [reject.pk], "reason": "Scam signals"})
    approve.refresh_from_db()
    reject.refresh_from_db()
    assert approve.status == Listing.Status.PUBLISHED
    assert (reject.status, reject.moderation_note) == (Listing.Status.REJECTED, "Scam signals")


def test_an_unverified_organizations_edit_of_a_published_listing_goes_back_to_review(staff):
    listing = PendingListingFactory()
    services.listing_approve(listing=listing, actor=staff)
    owner = listing.organization.memberships.get().user
    from tests.listings.factories import listing_data

    listing = services.listing_update(
        listing=Listing.objects.get(pk=listing.pk),
        actor=owner,
        data=listing_data(title="Now with a crypto wallet"),
        skill_names=[],
        questions=[],
    )
    assert listing.status == Listing.Status.PENDING_REVIEW


def test_transition_table_refuses_disallowed_moves(org, employer, staff):
    draft = DraftListingFactory(organization=org, actor=employer)
    with pytest.raises(ValidationError):
        services.listing_close(listing=draft, actor=employer, reason="filled")
    with pytest.raises(ValidationError):
        services.listing_approve(listing=draft, actor=staff)
    with pytest.raises(PermissionDenied):
        services.listing_approve(listing=draft, actor=employer)
    assert not ListingStatusChange.objects.filter(listing=draft).exists()


def test_three_open_reports_hide_a_listing_until_staff_decide(client, org, employer, staff):
    listing = PublishedListingFactory(organization=org, actor=employer, title="Too good to be true")
    reporters = [StudentFactory() for _ in range(3)]
    for i, reporter in enumerate(reporters[:2]):
        client.force_login(reporter)
        client.post(reverse("listings:report", args=[listing.pk]), {"reason": "scam", "details": f"report {i}"})
    listing.refresh_from_db()
    assert not listing.hidden_for_review
    # A second report by the same person does not count twice.
    response = client.post(reverse("listings:report", args=[listing.pk]), {"reason": "other"})
    assert "already reported" in response.content.decode()
    client.force_login(reporters[2])
    client.post(reverse("listings:report", args=[listing.pk]), {"reason": "unpaid_as_paid"})
    listing.refresh_from_db()
    assert listing.hidden_for_review
    assert Notification.objects.filter(recipient=employer, event="listing.hidden").exists()
    # Hidden: not reachable by URL, search or API for the public; still visible to its members.
    client.logout()
    assert client.get(reverse("listings:detail", args=[listing.pk])).status_code == 404
    assert client.get(f"/api/v1/listings/{listing.pk}/").status_code == 404
    assert "Too good to be true" not in client.get(reverse("listings:list")).content.decode()
    client.force_login(employer)
    assert client.get(reverse("listings:detail", args=[listing.pk])).status_code == 200
    # Staff see it in the queue and dismiss the reports: visible again.
    client.force_login(staff)
    assert "Too good to be true" in client.get(reverse("listings:moderation")).content.decode()
    client.post(reverse("listings:moderation-decide", args=[listing.pk, "dismiss"]))
    listing.refresh_from_db()
    assert not listing.hidden_for_review
    assert set(ListingReport.objects.values_list("status", flat=True)) == {"dismissed"}


def test_upholding_reports_closes_the_listing(client, org, employer, staff):
    listing = PublishedListingFactory(organization=org, actor=employer)
    services.listing_report(listing=listing, reporter=StudentFactory(), reason="scam")
    client.force_login(staff)
    client.post(reverse("listings:moderation-decide", args=[listing.pk, "uphold"]), {"note": "Asked for a fee"})
    listing.refresh_from_db()
    assert listing.status == Listing.Status.CLOSED
    assert listing.status_changes.last().reason == "Asked for a fee"
    assert ListingReport.objects.get().status == "upheld"


def test_report_reasons_are_validated(client, org, employer, student):
    listing = PublishedListingFactory(organization=org, actor=employer)
    client.force_login(student)
    response = client.post(reverse("listings:report", args=[listing.pk]), {"reason": "bogus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ListingReport.objects.exists()


def test_approving_several_listings_at_once_gives_each_a_new_version(staff):
    from listings.models import Listing
    from listings.services import listing_transition
    from tests.listings.factories import PendingListingFactory

    pending = [PendingListingFactory(), PendingListingFactory()]
    before = {listing.pk: listing.version for listing in pending}
    moved = listing_transition(
        listing_ids=list(before), to_status=Listing.Status.PUBLISHED, actor=staff, from_statuses=("pending_review",)
    )
    assert len(moved) == 2
    for listing in Listing.objects.filter(pk__in=before):
        assert listing.status == "published"
        assert listing.version != before[listing.pk]  # an If-Match of the version before is stale
