"""The ``field__any`` lookup: one array parameter instead of one parameter per value."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from listings.models import Listing
from tests.listings.factories import PublishedListingFactory


def test_any_matches_like_in_with_a_single_parameter(org, employer):
    berlin = PublishedListingFactory(organization=org, actor=employer, time_zone="Europe/Berlin")
    tokyo = PublishedListingFactory(organization=org, actor=employer, time_zone="Asia/Tokyo")
    windows = [berlin.work_window, "Nowhere|09:00|17:00"]
    with CaptureQueriesContext(connection) as queries:
        found = list(Listing.objects.filter(work_window__any=windows))
    assert found == [berlin]
    assert "= ANY(" in queries[0]["sql"] and "Nowhere" in queries[0]["sql"]
    keys = [berlin.facet_key, tokyo.facet_key]
    assert set(Listing.objects.filter(facet_key__any=keys)) == set(Listing.objects.filter(facet_key__in=keys))
    assert not Listing.objects.filter(work_window__any=[]).exists()
