"""The browse page's cards and facet column come from a cache keyed by what they show (issue 17):
the page must stay what it was before (same listings, facets, counts, links and controls), cached
or not, and a change to anything a card shows must show at once."""

import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext, ContextList
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.models import Organization
from listings import fragments, services
from listings.api.serializers import ListingSummaryOutput
from listings.search import Params, Viewer, search_listings
from tests.listings.factories import PublishedListingFactory

# templates/listings/_results.html before the cards and facets were cached.
BEFORE = (Path(__file__).parent / "reference" / "results_before_fragments.html").read_text()


class _Tokens(HTMLParser):
    """The page as a list of tags (attributes sorted, CSRF tokens blanked) and texts (whitespace
    collapsed): what a reader or a browser gets, without the template's indentation."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        attrs = sorted((k, "" if k == "value" and ("name", "csrfmiddlewaretoken") in attrs else v) for k, v in attrs)
        self.tokens.append(("<", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.tokens.append((">", tag))

    def handle_data(self, data):
        text = " ".join(data.split())
        if text:
            self.tokens.append(("text", text))


def tokens(html: str) -> list:
    parser = _Tokens()
    parser.feed(html)
    return parser.tokens


def results_fragment_of(page: str) -> str:
    """The results region inside a whole page."""
    start = page.index('<div id="results" aria-live="polite">') + len('<div id="results" aria-live="polite">')
    return page[start : page.index("</section>", start) + len("</section>") + len("\n</div>")]


def edit(listing, employer, **data):
    return services.listing_update(listing=listing, actor=employer, data=data, skill_names=[], questions=[])


def results_fragment(client, **params) -> tuple[str, str]:
    """The results region as served (htmx request) and as the template before the change renders
    it from the same context."""
    response = client.get("/listings/", params, headers={"HX-Request": "true"})
    assert response.status_code == 200
    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    page_context = next(c for c in contexts if "saved_ids" in c).flatten()
    before = engines["django"].from_string(BEFORE).render(page_context, response.wsgi_request)
    return response.content.decode(), before


@pytest.fixture
def listings(org, employer):
    PublishedListingFactory(
        organization=org,
        actor=employer,
        title="Data <cleaning> & research",
        skills=["Python", "C++ & <C#>"],
        eligible_countries=["DE"],
        compensation_type="fixed_fee",
        compensation_amount=500,
        estimated_total_hours=25,
    )
    PublishedListingFactory(organization=org, actor=employer, kind="micro", field="research", skills=["Excel"])
    for i in range(3):
        PublishedListingFactory(organization=org, actor=employer, field="writing", hours_per_week=5 + 10 * i)


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "research"},
        {"field": ["writing"], "sort": "pay"},
        {"kind": "micro", "overlap": "4"},
        {"field": ["government"]},  # no results
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "student"])
def test_the_page_is_what_it_was_before_cold_and_cached(listings, student, empty_cache, params, who):
    client = Client()
    if who == "student":
        client.force_login(student)
    cold, before = results_fragment(client, **params)
    warm, _ = results_fragment(client, **params)
    assert tokens(cold) == tokens(before)
    assert tokens(warm) == tokens(before)
    if not params:
        assert tokens(cold).count(("<", "article", (("class", "card mb-3"),))) == 5
        assert "Data &lt;cleaning&gt; &amp; research" in cold  # escaped once, cached or not
        assert (who == "student") == ("Save<span" in warm)


def test_a_card_shows_a_change_of_the_listing_or_its_organization_at_once(listings, org, employer, empty_cache):
    client = Client()
    listing = org.listings.get(field="research")
    assert "Acme Remote" in client.get("/listings/").content.decode()
    services.listing_update(
        listing=listing,
        actor=employer,
        data={"title": "Lab notebook tidy-up"},
        skill_names=["Excel"],
        questions=[],
    )
    Organization.objects.filter(pk=org.pk).update(name="Acme Worldwide")
    page = client.get("/listings/").content.decode()
    assert "Lab notebook tidy-up" in page
    assert "Acme Remote" not in page and page.count("Acme Worldwide") == 5


def test_the_overlap_and_the_time_zone_are_part_of_a_cards_key(listings):
    listing = search_listings(Params(), viewer=Viewer(time_zone="Europe/Berlin")).listings[0]
    keys = {fragments.listing_key("card", listing)}
    listing.overlap = listing.overlap + 1
    keys.add(fragments.listing_key("card", listing))
    with timezone.override("Asia/Tokyo"):
        keys.add(fragments.listing_key("card", listing))
    assert len(keys) == 3


def test_the_facet_column_is_shared_by_searches_with_the_same_counts(listings, empty_cache, monkeypatch):
    rendered = []
    real = fragments.render_to_string

    def counting(name, context):
        rendered.append(name)
        return real(name, context)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    client = Client()
    first = client.get("/listings/", {"sort": "pay"}).content.decode()
    assert rendered.count("listings/_facets.html") == 1 and rendered.count("listings/_card.html") == 5
    second = client.get("/listings/", {"sort": "deadline"}).content.decode()
    # Same facets and counts in another order: nothing is rendered again.
    assert rendered.count("listings/_facets.html") == 1 and rendered.count("listings/_card.html") == 5
    client.get("/listings/", {"field": "writing"})
    assert rendered.count("listings/_facets.html") == 2 and rendered.count("listings/_card.html") == 5
    assert 'id="f-field-writing"' in first and 'id="f-field-writing"' in second


def test_without_the_cache_the_page_is_rendered_afresh(listings, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client = Client()
    cold, before = results_fragment(client)
    assert tokens(cold) == tokens(before)


def test_the_apis_results_are_what_the_serializer_writes_cold_and_cached(listings, org, employer, empty_cache):
    client = Client()
    cold = client.get("/api/v1/listings/", {"sort": "pay"}, headers={"Cookie": "tz=Asia%2FTokyo"}).json()
    warm = client.get("/api/v1/listings/", {"sort": "pay"}, headers={"Cookie": "tz=Asia%2FTokyo"}).json()
    assert cold == warm and len(cold["results"]) == 5
    result = search_listings(Params(sort="pay"), viewer=Viewer(time_zone="Asia/Tokyo"))
    expected = json.loads(JSONRenderer().render(ListingSummaryOutput(result.listings, many=True).data))
    assert warm["results"] == expected
    # An edit shows at once, in the same order.
    listing = org.listings.get(field="research")
    services.listing_update(
        listing=listing, actor=employer, data={"openings": 3, "title": "Renamed"}, skill_names=[], questions=[]
    )
    titles = [r["title"] for r in client.get("/api/v1/listings/", {"sort": "pay"}).json()["results"]]
    assert "Renamed" in titles


# --- a whole search's answer --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_visitors_repeated_search_is_answered_from_the_cache_until_a_listing_changes(
    listings, org, employer, empty_cache
):
    client = Client()
    first = client.get("/listings/", {"field": "writing"}).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/listings/", {"field": "writing"}).content.decode()
    # Only the copy's changes since its horizon (none): no search, no listing read.
    assert len(queries) == 1 and "listings_listing" in queries[0]["sql"]
    assert tokens(results_fragment_of(again)) == tokens(results_fragment_of(first))
    assert first.count('class="card mb-3"') == 3
    htmx = client.get("/listings/", {"field": "writing"}, headers={"HX-Request": "true"}).content.decode()
    assert tokens(htmx) == tokens(results_fragment_of(first))

    listing = org.listings.get(field="writing", hours_per_week=5)
    edit(listing, employer, title="Newsletter editor")
    changed = client.get("/listings/", {"field": "writing"}).content.decode()
    assert "Newsletter editor" in changed


@pytest.mark.django_db(transaction=True)
def test_the_cached_answer_follows_the_minute_the_time_zone_and_the_query(listings, empty_cache, monkeypatch):
    rendered = []
    real = fragments.render_to_string

    def counting(name, context, request=None):
        rendered.append(name)
        return real(name, context, request)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get("/listings/")
        client.get("/listings/")
        assert rendered.count("listings/_facets.html") == 1
        client.get("/listings/", {"sort": "pay"})  # another query: searched again (same facets)
        client.get("/listings/", headers={"Cookie": "tz=Asia%2FTokyo"})  # another time zone
        assert rendered.count("listings/_facets.html") == 2
        traveller.shift(timedelta(minutes=1))
        client.get("/listings/")
        assert rendered.count("listings/_facets.html") == 2  # the facets' own cache: same counts
    assert rendered.count("listings/_card.html") >= 5


@pytest.mark.django_db(transaction=True)
def test_a_student_who_saves_listings_is_never_served_a_shared_answer(listings, student, empty_cache):
    Client().get("/listings/")  # a visitor's answer, cached
    client = Client()
    client.force_login(student)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/listings/").content.decode()
    assert "Save<span" in page and "csrfmiddlewaretoken" in page
    assert any("listings_listing" in q["sql"] and "IN (" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_the_api_answer_is_cached_by_what_it_shows(listings, org, employer, empty_cache):
    client = Client()
    first = client.get("/api/v1/listings/", {"field": "writing", "page_size": 2}).json()
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/listings/", {"field": "writing", "page_size": 2}).json()
    assert again == first and len(queries) == 1
    assert first["count"] == 3 and first["next"].startswith("http://testserver/api/v1/listings/?")
    other_host = client.get("/api/v1/listings/", {"field": "writing", "page_size": 2}, HTTP_HOST="localhost").json()
    assert other_host["next"].startswith("http://localhost/")
    edit(org.listings.get(field="writing", hours_per_week=5), employer, title="Newsletter editor")
    titles = [
        r["title"] for r in client.get("/api/v1/listings/", {"field": "writing", "page_size": 3}).json()["results"]
    ]
    assert "Newsletter editor" in titles
