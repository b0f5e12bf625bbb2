"""The number of SQL queries per page does not grow with the number of listings."""

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationStatus
from tests.listings.factories import PublishedListingFactory, StudentFactory

FIELDS = ["marketing", "research", "software_development", "video"]


def make_listings(org, employer, n):
    listings = []
    for i in range(n):
        listings.append(
            PublishedListingFactory(
                organization=org,
                actor=employer,
                title=f"Remote intern {i}",
                field=FIELDS[i % 4],
                skills=["Python", f"Skill {i % 7}"],
                eligible_countries=[] if i % 2 else ["DE", "US"],
            )
        )
    return listings


def with_applications(listings):
    statuses = [ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.REJECTED]
    students = [StudentFactory() for _ in range(3)]
    for listing in listings[:10]:
        for student, status in zip(students, statuses, strict=True):
            Application.objects.create(listing=listing, student=student, cover_letter="Hi", status=status)


BROWSE_CASES = [
    # Without text: the listings written since the in-memory copy's horizon, the page's listings.
    ({}, 2),
    ({"skill": "Python", "country": "DE", "sort": "pay", "page": "2"}, 2),
    ({"overlap": "2", "kind": "internship"}, 2),
    # A text search adds its planner setting and the matching ids, ranked as they are matched when
    # the order is by relevance (the process keeps them ranked: listings/matches.py).
    ({"q": "remote intern", "field": "marketing", "sort": "relevance"}, 4),
    ({"q": "remote", "field": ["marketing", "research"], "skill": "Python", "sort": "deadline"}, 4),
    ({"q": "remote", "overlap": "4"}, 4),
    ({"q": "remote intern"}, 4),
]


@pytest.mark.parametrize("size", [10, 60])
@pytest.mark.parametrize("params, queries", BROWSE_CASES)
def test_browse_page_query_count_is_constant(client, org, employer, django_assert_num_queries, size, params, queries):
    make_listings(org, employer, size)
    with django_assert_num_queries(queries):
        response = client.get(reverse("listings:list"), params)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 60])
def test_browse_page_query_count_for_a_signed_in_student(
    client, org, employer, student, django_assert_num_queries, size
):
    listings = make_listings(org, employer, size)
    client.force_login(student)
    client.post(reverse("listings:save", args=[listings[0].pk]))
    # session, user, profile, listings changed since the in-memory copy, organizations blocked by the
    # student's institution, page, saved ids, unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("listings:list"))
    assert response.status_code == 200
    # session, user, profile, changed listings, blocked organizations, page
    with django_assert_num_queries(6):
        response = client.get("/api/v1/listings/?page=1&sort=newest")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 60])
def test_dashboard_query_count_is_constant(client, org, employer, django_assert_num_queries, size):
    listings = make_listings(org, employer, size)
    with_applications(listings)
    client.force_login(employer)
    # session, user, membership, organization, listings, applicant counts, unread notifications
    with django_assert_num_queries(7):
        response = client.get(reverse("listings:dashboard"))
    assert response.status_code == 200
    assert response.context["listings"][-1].applicant_counts == {"submitted": 1, "in_review": 1, "rejected": 1}


@pytest.mark.parametrize("size", [10, 60])
def test_api_list_query_count_is_constant(client, org, employer, django_assert_num_queries, size):
    make_listings(org, employer, size)
    # changed listings, the planner setting, the matching ids with their ranks, the page's listings
    with django_assert_num_queries(4):
        response = client.get("/api/v1/listings/", {"q": "python", "kind": "internship"})
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 60])
def test_without_kept_matches_a_filtered_search_ranks_only_its_results(
    client, org, employer, django_assert_num_queries, settings, size
):
    make_listings(org, employer, size)
    settings.SEARCH_MATCH_CACHE_IDS = 0
    # changed listings, the planner setting, the matching ids, the results' ranks, the page's listings
    with django_assert_num_queries(5):
        response = client.get("/api/v1/listings/", {"q": "python", "kind": "internship"})
    assert response.status_code == 200


def test_every_search_is_counted_live_from_the_in_memory_copy(client, org, employer, django_assert_num_queries):
    make_listings(org, employer, 4)
    client.get(reverse("listings:list"))
    with django_assert_num_queries(2):  # what changed since the copy's horizon, the page
        response = client.get(reverse("listings:list"))
    assert response.context["result"].total == 4
    PublishedListingFactory(organization=org, actor=employer, title="Remote writer", skills=["Python"])
    with django_assert_num_queries(2):
        response = client.get(reverse("listings:list"))
    assert response.context["result"].total == 5
    assert {v.value: v.count for v in response.context["result"].facets["skill"]}["Python"] == 5
    result = client.get(reverse("listings:list"), {"q": "remote", "sort": "newest"}).context["result"]
    assert result.total == 5 and {v.value: v.count for v in result.facets["skill"]}["Python"] == 5
