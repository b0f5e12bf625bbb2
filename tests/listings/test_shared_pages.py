"""A listing's page is rendered once for every anonymous visitor and shared through the cache
(marketplace/pages.py, issue 17): each visitor still gets a working CSRF token of their own, a
change to the listing or its organization shows at once, signed-in users and a visitor with a
message waiting get their own page, and a listing hidden since is not served from the cache."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Organization
from listings import services
from marketplace import pages
from tests.listings.factories import PublishedListingFactory
from tests.listings.test_fragments import tokens

TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]+)"')


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def listing(org, employer):
    return PublishedListingFactory(organization=org, actor=employer, title="Field research <assistant>")


def url(listing) -> str:
    return f"/listings/{listing.pk}/"


def get(client, listing) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(listing))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_second_visitor_gets_the_first_visitors_page_with_their_own_token(listing, empty_cache):
    first, cold_queries = get(Client(), listing)
    second, warm_queries = get(Client(), listing)
    assert warm_queries == 1  # the listing with its organization; nothing else
    assert cold_queries > warm_queries
    assert tokens(second) == tokens(first.replace(TOKEN.search(first)[1], TOKEN.search(second)[1]))
    assert "Field research &lt;assistant&gt;" in second
    assert pages._placeholder() not in first + second
    assert TOKEN.search(first)[1] != TOKEN.search(second)[1]


def test_each_visitors_token_is_accepted_with_their_cookie(listing, empty_cache):
    for _ in range(2):  # rendered, then from the cache
        client = Client(enforce_csrf_checks=True)
        page, _queries = get(client, listing)
        token = TOKEN.search(page)[1]
        refused = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "x@example.com", "password": "x"})
        accepted = client.post(
            "/accounts/login/", {"login": "x@example.com", "password": "x"}, headers={"X-CSRFToken": token}
        )
        assert refused.status_code == 403
        assert accepted.status_code == 200  # the form again, with its error: past the CSRF check
        assert "not correct" in accepted.content.decode()


def test_a_change_to_the_listing_or_its_organization_shows_at_once(listing, org, employer, empty_cache):
    get(Client(), listing)
    services.listing_update(
        listing=listing,
        actor=employer,
        data={"title": "Archive digitisation"},
        skill_names=[],
        questions=[{"prompt": "Which archives have you used?", "required": True}],
    )
    Organization.objects.filter(pk=org.pk).update(website="https://acme.example/jobs")
    page, queries = get(Client(), listing)
    assert "Archive digitisation" in page
    assert "Which archives have you used?" in page
    assert "https://acme.example/jobs" in page
    assert queries > 1  # rendered again


def test_signed_in_users_get_their_own_page_and_never_leave_it_to_others(listing, student, empty_cache):
    mine = Client()
    mine.force_login(student)
    page, _queries = get(mine, listing)
    assert "Save<span" in page
    anonymous, _queries = get(Client(), listing)
    assert "Save<span" not in anonymous
    assert "Log in" in anonymous
    again, _queries = get(mine, listing)
    assert "Save<span" in again
    assert "Log out" in again


def test_a_message_waiting_is_shown_to_its_visitor_only(listing, student, empty_cache):
    get(Client(), listing)  # the shared page exists
    leaving = Client()
    leaving.force_login(student)
    leaving.post("/accounts/logout/")
    page, _queries = get(leaving, listing)
    assert "You have signed out." in page
    other, _queries = get(Client(), listing)
    assert "You have signed out." not in other


def test_a_listing_hidden_since_is_not_served_from_the_cache(listing, empty_cache):
    get(Client(), listing)
    type(listing).objects.filter(pk=listing.pk).update(hidden_for_review=True)
    assert Client().get(url(listing)).status_code == 404


def test_the_viewers_time_zone_is_part_of_the_page(listing, empty_cache):
    berlin = Client()
    berlin.cookies["tz"] = "Europe/Berlin"
    tokyo = Client()
    tokyo.cookies["tz"] = "Asia/Tokyo"
    in_berlin, _queries = get(berlin, listing)
    in_tokyo, _queries = get(tokyo, listing)
    assert "in your time zone (Europe/Berlin)" in in_berlin
    assert "in your time zone (Asia/Tokyo)" in in_tokyo


# --- the browse page ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_browse_page_is_shared_whole_between_visitors_each_with_a_working_token(org, employer, empty_cache):
    PublishedListingFactory(organization=org, actor=employer, title="Survey design")
    first = Client().get("/listings/", {"q": "survey"}).content.decode()
    visitor = Client(enforce_csrf_checks=True)
    with CaptureQueriesContext(connection) as queries:
        second = visitor.get("/listings/", {"q": "survey"}).content.decode()
    assert len(queries) == 1  # the copy's changes since its horizon: nothing rendered, nothing searched
    assert tokens(second) == tokens(first.replace(TOKEN.search(first)[1], TOKEN.search(second)[1]))
    assert "Survey design" in second and pages._placeholder() not in first + second
    accepted = visitor.post(
        "/accounts/login/",
        {"login": "x@example.com", "password": "x"},
        headers={"X-CSRFToken": TOKEN.search(second)[1]},
    )
    assert accepted.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_employer_gets_their_own_browse_page(org, employer, empty_cache):
    PublishedListingFactory(organization=org, actor=employer, title="Survey design")
    anonymous = Client().get("/listings/").content.decode()
    signed_in = Client()
    signed_in.force_login(employer)
    page = signed_in.get("/listings/").content.decode()
    assert "Log out" in page and "Log out" not in anonymous
    assert "Survey design" in page


def test_a_listing_page_is_kept_once_whatever_a_link_adds_to_its_address(listing, empty_cache):
    get(Client(), listing)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url(listing), {"utm_source": "newsletter", "ref": "x" * 500})
    assert response.status_code == 200 and len(queries) == 1  # the page kept for the bare address
