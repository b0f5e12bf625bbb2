""" "Visible to the public" and "blocked by the student's institution" are one rule each: the
queryset, the listing in memory, the SQL of the in-memory copy, the search-document trigger,
search, pages, API and applying all give the same answer."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import CareerServicesMembership
from applications.services import application_apply_context
from listings import services
from listings.models import Listing, SearchDocument
from listings.search import Params, Viewer, search_listings
from listings.visibility import visible_sql
from reports.services import employer_approval_decide
from tests.listings.factories import (
    CareerServicesFactory,
    ClosedListingFactory,
    DraftListingFactory,
    InstitutionFactory,
    OrganizationFactory,
    PendingListingFactory,
    PublishedListingFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db


def _hide(listing: Listing) -> Listing:
    """Hidden the way it happens: enough students report it."""
    for _ in range(services.REPORTS_TO_HIDE):
        services.listing_report(listing=listing, reporter=StudentFactory(), reason="scam")
    return Listing.objects.get(pk=listing.pk)


@pytest.fixture
def listings():
    published = PublishedListingFactory(title="Published")
    ended = ClosedListingFactory(title="Closed")
    return {
        "draft": DraftListingFactory(title="Draft"),
        "pending": PendingListingFactory(title="Pending"),
        "published": published,
        "published, hidden": _hide(PublishedListingFactory(title="Hidden")),
        "closed": ended,
    }


def test_every_form_of_the_visibility_rule_agrees(listings, client):
    api = APIClient()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT l.id FROM listings_listing l WHERE {visible_sql('l')}")  # noqa: S608 (fixed text)
        by_sql = {row[0] for row in cursor.fetchall()}
    by_queryset = set(Listing.objects.visible().values_list("pk", flat=True))
    by_trigger = set(SearchDocument.objects.values_list("listing_id", flat=True))
    by_search = {item.pk for item in search_listings(Params(), viewer=Viewer()).listings}
    for name, listing in listings.items():
        listing = Listing.objects.get(pk=listing.pk)
        expected = name == "published"
        assert listing.is_visible is expected, name
        assert (listing.pk in by_queryset) is expected, name
        assert (listing.pk in by_sql) is expected, name
        assert (listing.pk in by_trigger) is expected, name
        assert (listing.pk in by_search) is expected, name
        # Ended listings stay readable by their applicants; hidden and unpublished ones do not.
        readable = name in ("published", "closed")
        assert client.get(reverse("listings:detail", args=[listing.pk])).status_code == (200 if readable else 404), name
        assert api.get(reverse("api:listing-detail", args=[listing.pk])).status_code == (200 if readable else 404), name
        refusal = application_apply_context(student=StudentFactory(profile={"country": "DE"}), listing=listing).refusal
        assert (refusal is None) is expected, name


def test_an_institutions_block_hides_the_organization_everywhere_for_its_students(client):
    blocked_org, other_org = OrganizationFactory(), OrganizationFactory()
    blocked = PublishedListingFactory(organization=blocked_org, title="From the blocked organization")
    fine = PublishedListingFactory(organization=other_org, title="From another organization")
    careers = CareerServicesFactory()
    institution = CareerServicesMembership.objects.create(user=careers, institution=InstitutionFactory()).institution
    student = StudentFactory(profile={"country": "DE", "institution": institution, "institution_link": "domain"})
    outsider = StudentFactory(profile={"country": "DE"})
    employer_approval_decide(user=careers, organization=blocked_org, decision="blocked", reason="Unpaid work")

    viewer = Viewer(user=student, institution_id=institution.pk)
    assert [x.pk for x in search_listings(Params(), viewer=viewer).listings] == [fine.pk]
    assert {x.pk for x in search_listings(Params(), viewer=Viewer(user=outsider)).listings} == {blocked.pk, fine.pk}
    assert application_apply_context(student=student, listing=blocked).blocked
    assert not application_apply_context(student=outsider, listing=blocked).blocked
    client.force_login(student)
    assert client.get(reverse("listings:detail", args=[blocked.pk])).status_code == 404
    assert client.get(reverse("listings:detail", args=[fine.pk])).status_code == 200
    api = APIClient()
    api.force_authenticate(student)
    assert api.get(reverse("api:listing-detail", args=[blocked.pk])).status_code == 404
    assert blocked.title not in client.get(reverse("listings:list")).content.decode()
