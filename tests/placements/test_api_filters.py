"""Filtering and ordering the placements list (``placements.filters``), within what the caller may
see: the student's own, the organization's, the institution's linked students'."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from placements import services
from tests.accounts.factories import CareerServicesFactory
from tests.listings.factories import PublishedListingFactory, StudentFactory, member_of
from tests.support.api import api_for

from .conftest import linked_student
from .factories import active_placement

pytestmark = pytest.mark.django_db
URL = "/api/v1/placements/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [p["id"] for p in response.json()["results"]]


@pytest.fixture
def world(institution):
    """One organization's two listings: p1 (started 30 days ago, completed), p2 (10 days ago, active)
    on the first, p3 (20 days ago, ended early) on the second; p4 at another organization. The
    three students of p1, p3 and p4 are linked to the institution."""
    first = PublishedListingFactory(requires_resume=False, openings=5)
    second = PublishedListingFactory(organization=first.organization, requires_resume=False, openings=5)
    elsewhere = PublishedListingFactory(requires_resume=False, openings=5)
    supervisor = member_of(first)
    amara = linked_student(institution)
    p1 = active_placement(listing=first, student=amara, supervisor=supervisor, started_days_ago=30)
    p2 = active_placement(listing=first, student=StudentFactory(), supervisor=supervisor, started_days_ago=10)
    p3 = active_placement(
        listing=second, student=linked_student(institution), supervisor=supervisor, started_days_ago=20
    )
    p4 = active_placement(listing=elsewhere, student=amara, started_days_ago=5)
    services.placement_complete(placement=p1, user=supervisor)
    services.placement_end_early(placement=p3, user=supervisor, reason="The project was cancelled.")
    return {
        "first": first,
        "second": second,
        "elsewhere": elsewhere,
        "supervisor": supervisor,
        "amara": amara,
        "careers": CareerServicesFactory(institution=institution),
        "p1": p1.pk,
        "p2": p2.pk,
        "p3": p3.pk,
        "p4": p4.pk,
    }


def test_a_member_filters_the_organizations_placements(world):
    api, w = api_for(world["supervisor"]), world
    assert ids(api.get(URL)) == [w["p2"], w["p3"], w["p1"]]  # default: latest start first
    assert ids(api.get(URL, {"status": "active"})) == [w["p2"]]
    assert ids(api.get(URL, {"status": ["completed", "ended_early"]})) == [w["p3"], w["p1"]]
    assert ids(api.get(URL, {"listing": w["second"].pk})) == [w["p3"]]
    assert ids(api.get(URL, {"listing": w["elsewhere"].pk})) == []  # not theirs: nothing
    assert ids(api.get(URL, {"organization": w["first"].organization_id})) == [w["p2"], w["p3"], w["p1"]]
    assert ids(api.get(URL, {"organization": w["elsewhere"].organization_id})) == []


def test_placements_are_filtered_by_start_date_and_ordered(world):
    api, w = api_for(world["supervisor"]), world
    today = timezone.localdate()
    after = (today - timedelta(days=25)).isoformat()
    assert ids(api.get(URL, {"start_date_after": after})) == [w["p2"], w["p3"]]
    assert ids(api.get(URL, {"start_date_before": after})) == [w["p1"]]
    assert ids(api.get(URL, {"ordering": "start_date"})) == [w["p1"], w["p3"], w["p2"]]
    assert ids(api.get(URL, {"ordering": "status,-start_date"})) == [w["p2"], w["p1"], w["p3"]]


def test_a_student_filters_only_their_own_placements(world):
    api, w = api_for(world["amara"]), world
    assert ids(api.get(URL)) == [w["p4"], w["p1"]]
    assert ids(api.get(URL, {"organization": w["elsewhere"].organization_id})) == [w["p4"]]
    assert ids(api.get(URL, {"status": "completed"})) == [w["p1"]]
    assert ids(api.get(URL, {"listing": w["second"].pk})) == []  # p3 is another student's


def test_career_services_filter_their_linked_students_placements(world):
    api, w = api_for(world["careers"]), world
    assert ids(api.get(URL)) == [w["p4"], w["p3"], w["p1"]]
    assert ids(api.get(URL, {"organization": w["first"].organization_id})) == [w["p3"], w["p1"]]
    assert ids(api.get(URL, {"status": "ended_early"})) == [w["p3"]]
    assert ids(api_for(CareerServicesFactory()).get(URL, {"status": "active"})) == []  # another institution


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "paused"}, "status"),
        ({"organization": "acme"}, "organization"),
        ({"listing": "-3"}, "listing"),
        ({"start_date_after": "31/12/2026"}, "start_date"),
        ({"ordering": "hours_logged"}, "ordering"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(world, params, field):
    response = api_for(world["supervisor"]).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error" and list(body["fields"]) == [field], body


def test_anonymous_visitors_are_refused_before_any_filter_is_read(db):
    response = APIClient().get(URL, {"status": "paused"})
    assert response.status_code == 401 and response.json()["type"] == "not_authenticated"


@pytest.mark.parametrize("size", [1, 8])
def test_a_filtered_list_takes_a_constant_number_of_queries(django_assert_num_queries, institution, size):
    listing = PublishedListingFactory(requires_resume=False, openings=10)
    supervisor = member_of(listing)
    for _ in range(size):
        active_placement(listing=listing, student=linked_student(institution), supervisor=supervisor)
    api = APIClient()
    api.force_login(supervisor)
    params = {"status": "active", "listing": listing.pk, "ordering": "-start_date", "start_date_after": "2000-01-01"}
    # session, user, membership, the count, the page (listing, organization, student, supervisor, fee joined)
    with django_assert_num_queries(5):
        assert api.get(URL, params).json()["count"] == size


def test_the_schema_shows_the_filter_parameters(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"status", "organization", "listing", "start_date_after", "start_date_before", "ordering"} <= set(parameters)
    assert parameters["status"]["schema"]["items"]["enum"] == ["active", "completed", "ended_early"]
