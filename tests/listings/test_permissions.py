"""Every listing rule from each wrong role: student, another organization's employer, career
services, anonymous (and staff where staff are not members)."""

import pytest
from django.urls import reverse

from listings import services
from listings.models import Listing, ListingReport, SavedListing, SavedSearch
from tests.listings.factories import (
    DraftListingFactory,
    EmployerFactory,
    PublishedListingFactory,
    StudentFactory,
)

WRONG_ROLES = ["anonymous", "student", "other_employer", "careers"]


@pytest.fixture
def as_role(client, student, other_employer, careers, staff, employer):
    users = {
        "student": student,
        "other_employer": other_employer,
        "careers": careers,
        "staff": staff,
        "member": employer,
    }

    def login(role):
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return login


@pytest.fixture
def listing(org, employer):
    return PublishedListingFactory(organization=org, actor=employer, title="Members only edits")


@pytest.fixture
def draft(org, employer):
    return DraftListingFactory(organization=org, actor=employer, title="Unsubmitted draft")


def _denied(response, role):
    if role == "anonymous":
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code in (403, 404)


@pytest.mark.parametrize("role", WRONG_ROLES)
@pytest.mark.parametrize("name", ["manage", "edit"])
def test_wrong_roles_cannot_open_management_pages(as_role, listing, role, name):
    response = as_role(role).get(reverse(f"listings:{name}", args=[listing.pk]))
    assert _denied(response, role)
    if role != "anonymous":
        assert response.status_code == 404  # another organization's listing is not even revealed


@pytest.mark.parametrize("role", [*WRONG_ROLES, "staff"])
def test_wrong_roles_cannot_change_a_listing(as_role, listing, draft, role):
    c = as_role(role)
    assert _denied(c.post(reverse("listings:close", args=[listing.pk]), {"reason": "filled"}), role)
    assert _denied(c.post(reverse("listings:submit", args=[draft.pk])), role)
    assert _denied(c.post(reverse("listings:duplicate", args=[listing.pk])), role)
    assert _denied(c.post(reverse("listings:delete", args=[draft.pk])), role)
    assert _denied(c.post(reverse("listings:edit", args=[listing.pk]), {"title": "Hijacked"}), role)
    listing.refresh_from_db()
    draft.refresh_from_db()
    assert (listing.status, listing.title) == (Listing.Status.PUBLISHED, "Members only edits")
    assert draft.status == Listing.Status.DRAFT
    assert Listing.objects.count() == 2


@pytest.mark.parametrize("role", ["anonymous", "student", "careers", "staff"])
def test_dashboard_and_create_are_for_employers(as_role, role):
    c = as_role(role)
    assert _denied(c.get(reverse("listings:dashboard")), role)
    assert _denied(c.get(reverse("listings:create")), role)


def test_another_organizations_dashboard_shows_only_its_own_listings(as_role, listing, draft):
    page = as_role("other_employer").get(reverse("listings:dashboard")).content.decode()
    assert "Members only edits" not in page and "Unsubmitted draft" not in page


def test_every_member_of_the_organization_manages_its_listings(client, org, listing):
    colleague = EmployerFactory(organization=org)
    client.force_login(colleague)
    assert client.get(reverse("listings:edit", args=[listing.pk])).status_code == 200
    client.post(reverse("listings:close", args=[listing.pk]), {"reason": "filled"})
    listing.refresh_from_db()
    assert listing.status == Listing.Status.CLOSED


@pytest.mark.parametrize("role", ["anonymous", "student", "other_employer", "careers", "member"])
def test_moderation_is_for_site_staff_only(as_role, role):
    from tests.listings.factories import PendingListingFactory

    pending = PendingListingFactory()
    c = as_role(role)
    assert _denied(c.get(reverse("listings:moderation")), role)
    assert _denied(c.post(reverse("listings:moderation-decide", args=[pending.pk, "approve"])), role)
    pending.refresh_from_db()
    assert pending.status == Listing.Status.PENDING_REVIEW


@pytest.mark.parametrize("role", ["anonymous", "student", "other_employer", "careers"])
def test_drafts_are_not_reachable_by_url(as_role, draft, role):
    assert as_role(role).get(reverse("listings:detail", args=[draft.pk])).status_code == 404
    assert as_role(role).get(f"/api/v1/listings/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "other_employer", "careers"])
def test_saving_is_for_students(as_role, listing, role):
    c = as_role(role)
    assert _denied(c.post(reverse("listings:save", args=[listing.pk])), role)
    assert _denied(c.get(reverse("listings:saved")), role)
    assert _denied(c.post(reverse("listings:search-create"), {"name": "x", "frequency": "daily"}), role)
    assert not SavedListing.objects.exists() and not SavedSearch.objects.exists()


def test_a_student_cannot_touch_another_students_saved_search(client, student):
    other = StudentFactory()
    search = services.saved_search_create(user=other, name="Theirs", query_string="q=python", frequency="daily")
    client.force_login(student)
    assert client.post(reverse("listings:search-update", args=[search.pk]), {"delete": "1"}).status_code == 404
    assert client.post(reverse("listings:search-update", args=[search.pk]), {"frequency": "off"}).status_code == 404
    search.refresh_from_db()
    assert search.frequency == "daily"


def test_reporting_needs_a_sign_in_and_not_ones_own_listing(client, listing, employer, careers):
    response = client.post(reverse("listings:report", args=[listing.pk]), {"reason": "scam"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(employer)
    assert client.post(reverse("listings:report", args=[listing.pk]), {"reason": "scam"}).status_code == 403
    client.force_login(careers)  # anyone else signed in may report
    client.post(reverse("listings:report", args=[listing.pk]), {"reason": "misleading"})
    assert ListingReport.objects.get().reporter == careers


def test_closed_listings_stay_readable_but_not_open(client, listing, employer):
    services.listing_close(listing=listing, actor=employer, reason="filled")
    page = client.get(reverse("listings:detail", args=[listing.pk])).content.decode()
    assert "no longer accepts applications" in page
