"""Search relevance, every facet and sort, typo fallback, blocked organizations."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from listings import search
from listings.models import Listing
from listings.search import Params, Viewer, corrections, edit_distance, fallback_query, search_listings
from reports.models import EmployerApproval
from tests.listings.factories import OrganizationFactory, PublishedListingFactory


def titles(result):
    return [x.title for x in result.listings]


def run(viewer=None, **params):
    return search_listings(Params(**params), viewer=viewer or Viewer())


def test_title_match_outranks_description_match(org, employer):
    PublishedListingFactory(
        organization=org, actor=employer, title="Community intern", description="You will write about astronomy."
    )
    PublishedListingFactory(
        organization=org, actor=employer, title="Astronomy outreach intern", description="Help our community."
    )
    result = run(q="astronomy")
    assert titles(result) == ["Astronomy outreach intern", "Community intern"]


def test_skill_match_outranks_description_match(org, employer):
    PublishedListingFactory(organization=org, actor=employer, title="Intern A", description="Some figma work.")
    PublishedListingFactory(organization=org, actor=employer, title="Intern B", skills=["Figma"])
    assert titles(run(q="figma")) == ["Intern B", "Intern A"]


def test_search_vector_is_maintained_on_edit(org, employer):
    from listings import services
    from tests.listings.factories import listing_data

    listing = PublishedListingFactory(organization=org, actor=employer, title="Video editor")
    assert titles(run(q="podcast")) == []
    services.listing_update(
        listing=listing, actor=employer, data=listing_data(title="Podcast editor"), skill_names=[], questions=[]
    )
    assert titles(run(q="podcast")) == ["Podcast editor"]
    assert titles(run(q="video")) == []


@pytest.fixture
def catalogue(org, employer):
    make = lambda **kw: PublishedListingFactory(organization=org, actor=employer, **kw)  # noqa: E731
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        old = make(
            title="Old research intern",
            field="research",
            compensation_type="unpaid",
            hours_per_week=8,
            duration_days=120,
            eligible_countries=["US"],
            skills=["Research"],
            application_deadline=timezone.now() + timedelta(days=60),
        )
    micro = make(
        title="Logo design sprint",
        kind=Listing.Kind.MICRO,
        field="graphic_design",
        hours_per_week=15,
        duration_days=10,
        compensation_amount=400,
        estimated_total_hours=10,
        skills=["Figma", "Illustration"],
        application_deadline=timezone.now() + timedelta(days=5),
    )
    paid = make(
        title="Paid marketing intern",
        field="marketing",
        compensation_amount=25,
        pay_period="hour",
        hours_per_week=25,
        duration_days=60,
        eligible_countries=["DE", "FR"],
        skills=["SEO"],
        application_deadline=timezone.now() + timedelta(days=20),
    )
    monthly = make(
        title="Monthly stipend intern",
        field="marketing",
        compensation_amount=800,
        pay_period="month",
        hours_per_week=40,
        duration_days=30,
        skills=["SEO", "Research"],
        application_deadline=None,
    )
    return {"old": old, "micro": micro, "paid": paid, "monthly": monthly}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": ["micro"]}, {"micro"}),
        ({"kind": ["internship"]}, {"old", "paid", "monthly"}),
        ({"field": ["marketing"]}, {"paid", "monthly"}),
        ({"field": ["research", "graphic_design"]}, {"old", "micro"}),
        ({"compensation": ["unpaid"]}, {"old"}),
        ({"compensation": ["fixed_fee"]}, {"micro"}),
        ({"compensation": ["paid"]}, {"paid", "monthly"}),
        ({"hours": ["lte10"]}, {"old"}),
        ({"hours": ["11-20"]}, {"micro"}),
        ({"hours": ["21-30"]}, {"paid"}),
        ({"hours": ["gt30"]}, {"monthly"}),
        ({"duration": ["lte14"]}, {"micro"}),
        ({"duration": ["15-42"]}, {"monthly"}),
        ({"duration": ["43-90"]}, {"paid"}),
        ({"duration": ["gt90"]}, {"old"}),
        # Worldwide listings are open to applicants from every country.
        ({"country": ["FR"]}, {"paid", "micro", "monthly"}),
        ({"country": ["US"]}, {"old", "micro", "monthly"}),
        ({"country": ["worldwide"]}, {"micro", "monthly"}),
        ({"skill": ["SEO"]}, {"paid", "monthly"}),
        ({"skill": ["SEO", "Research"]}, {"monthly"}),
        ({"posted": "7"}, {"micro", "paid", "monthly"}),
        ({"posted": "30"}, {"old", "micro", "paid", "monthly"}),
        ({"field": ["marketing"], "hours": ["gt30"]}, {"monthly"}),
    ],
)
def test_each_facet_filters(catalogue, params, expected):
    names = {v.pk: k for k, v in catalogue.items()}
    result = run(**params)
    assert {names[x.pk] for x in result.listings} == expected
    assert result.total == len(expected)


FILTER_CASES = [
    {"field": ["marketing"], "compensation": ["paid"], "sort": "pay"},
    {"kind": ["internship"], "hours": ["gt30", "lte10"], "duration": ["15-42", "gt90"], "sort": "deadline"},
    {"country": ["FR"], "skill": ["SEO"], "posted": "7"},
    {"country": ["worldwide"], "compensation": ["fixed_fee"]},
    {"field": ["graphic_design"], "kind": ["internship"]},  # nothing passes both
    {"sort": "newest", "page": 2},  # past the end: the last page
    {"skill": ["SEO"], "country": ["DE", "worldwide"], "sort": "deadline"},
    {"overlap": "4", "compensation": ["paid", "unpaid"], "sort": "pay"},
]


@pytest.mark.parametrize("params", FILTER_CASES)
def test_a_text_search_counts_and_orders_like_the_same_filters_without_text(catalogue, params):
    """A text search filters the in-memory copy down to the listings its words match; a word every
    catalogue listing has must give exactly the results, order and facet counts of no text."""
    sort = params.pop("sort", "newest")
    plain, text = run(sort=sort, **params), run(q="campaigns", sort=sort, **params)
    assert [x.pk for x in text.listings] == [x.pk for x in plain.listings]
    assert (text.total, text.page, text.num_pages) == (plain.total, plain.page, plain.num_pages)
    assert text.facets == plain.facets


def test_a_text_search_pages_through_its_results(org, employer):
    for i in range(25):
        PublishedListingFactory(organization=org, actor=employer, title=f"Archive intern {i}")
    first, second = run(q="archive", page=1), run(q="archive", page=2)
    assert (first.total, len(first.listings), len(second.listings)) == (25, 20, 5)
    assert not {x.pk for x in first.listings} & {x.pk for x in second.listings}
    assert [x.pk for x in run(q="archive", page=9).listings] == [x.pk for x in second.listings]


def test_facet_counts_describe_the_result_set(catalogue):
    result = run()
    counts = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    assert counts["kind"] == {"internship": 3, "micro": 1}
    assert counts["compensation"] == {"paid": 2, "unpaid": 1, "fixed_fee": 1}
    assert counts["field"]["marketing"] == 2 and counts["field"]["research"] == 1
    assert counts["hours"] == {"lte10": 1, "11-20": 1, "21-30": 1, "gt30": 1}
    assert counts["duration"] == {"lte14": 1, "15-42": 1, "43-90": 1, "gt90": 1}
    assert counts["posted"] == {"1": 3, "7": 3, "30": 4}
    assert counts["country"]["worldwide"] == 2
    assert counts["country"]["DE"] == 3  # one listing for DE plus the two worldwide ones
    assert counts["skill"] == {"SEO": 2, "Research": 2, "Figma": 1, "Illustration": 1}
    narrowed = run(field=["marketing"])
    assert {v.value: v.count for v in narrowed.facets["kind"]} == {"internship": 2, "micro": 0}


def test_sorts(catalogue):
    names = {v.pk: k for k, v in catalogue.items()}
    order = lambda result: [names[x.pk] for x in result.listings]  # noqa: E731
    assert order(run(sort="newest")) == ["monthly", "paid", "micro", "old"]
    assert order(run()) == ["monthly", "paid", "micro", "old"]  # newest is the default without a query
    # Soonest deadline first; no deadline last.
    assert order(run(sort="deadline")) == ["micro", "paid", "old", "monthly"]
    # Hourly figures in EUR: fixed fee 400/10 h = 40, 25/h, 800/month at 40 h/week ≈ 4.62, unpaid 0;
    # stored in US dollars (1 EUR = 1.08 USD).
    assert order(run(sort="pay")) == ["micro", "paid", "monthly", "old"]
    assert catalogue["monthly"].hourly_pay == Decimal("4.98")
    assert catalogue["micro"].effective_hourly_rate == Decimal("40.00")
    result = run(q="intern", sort="relevance")
    assert set(order(result)) == {"old", "paid", "monthly"}


def test_pagination_is_stable_and_clamped(org, employer):
    for i in range(25):
        PublishedListingFactory(organization=org, actor=employer, title=f"Listing number {i}")
    first = run(page=1)
    second = run(page=2)
    assert first.total == 25 and first.num_pages == 2
    assert len(first.listings) == 20 and len(second.listings) == 5
    assert not {x.pk for x in first.listings} & {x.pk for x in second.listings}
    assert run(page=99).page == 2


def test_typo_fallback_without_pg_trgm(org, employer):
    PublishedListingFactory(organization=org, actor=employer, title="Marketing analytics intern", skills=["Python"])
    assert corrections(["markting", "pyhton"], use_trigram=False) == {"markting": ["marketing"], "pyhton": ["python"]}
    query, suggestion = fallback_query("Markting pyhton", use_trigram=False)
    assert suggestion == "marketing python"
    assert query is not None


def test_typo_fallback_on_this_server(org, employer, client):
    """Whichever path this database offers (the embedded server has no pg_trgm)."""
    PublishedListingFactory(organization=org, actor=employer, title="Journalism internship")
    result = run(q="jurnalism")
    assert titles(result) == ["Journalism internship"]
    assert result.used_fallback and result.suggestion == "journalism"
    page = client.get(reverse("listings:list"), {"q": "jurnalism"}).content.decode()
    assert "showing results for <strong>journalism</strong>" in page
    assert run(q="zzqqxx").total == 0


def test_trigram_availability_is_detected(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        installed = cursor.fetchone() is not None
    search._trigram.clear()
    assert search.trigram_available() is installed


def test_edit_distance():
    assert edit_distance("python", "pyhton", 2) == 1  # a transposition counts once
    assert edit_distance("design", "desing", 2) == 1
    assert edit_distance("seo", "sql", 1) == 2
    assert edit_distance("marketing", "mark", 2) == 3


def test_blocked_organization_is_hidden_from_that_institutions_students(org, employer, student, client):
    listing = PublishedListingFactory(organization=org, actor=employer, title="Blocked org listing")
    other = PublishedListingFactory(organization=OrganizationFactory(), title="Fine listing")
    institution = student.student_profile.institution
    EmployerApproval.objects.create(
        institution=institution, organization=org, decision=EmployerApproval.Decision.BLOCKED
    )
    viewer = Viewer(user=student, institution_id=institution.pk)
    assert titles(run(viewer=viewer)) == ["Fine listing"]
    assert set(titles(run())) == {"Blocked org listing", "Fine listing"}
    client.force_login(student)
    assert client.get(reverse("listings:detail", args=[listing.pk])).status_code == 404
    assert client.get(reverse("listings:detail", args=[other.pk])).status_code == 200
    assert "Blocked org listing" not in client.get(reverse("listings:list")).content.decode()


def test_browse_page_urls_are_shareable_and_bad_params_do_not_fail(catalogue, client):
    response = client.get(reverse("listings:list") + "?field=marketing&hours=gt30&sort=pay")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Monthly stipend intern" in body and "Paid marketing intern" not in body
    response = client.get(reverse("listings:list") + "?kind=bogus&page=abc&country=123")
    assert response.status_code == 200
    assert "were not understood" in response.content.decode()


def test_odd_queries_never_fail(org, employer, client):
    PublishedListingFactory(organization=org, actor=employer, title="The best intern for the job")
    for q in ["the", "!!!", "a & b | !c", '"unclosed', "-intern", "x" * 200, "'; DROP TABLE listings_listing; --"]:
        response = client.get(reverse("listings:list"), {"q": q})
        assert response.status_code == 200, q
        assert client.get("/api/v1/listings/", {"q": q}).status_code == 200, q
    assert run(q="-intern").total == 0
    assert run(q='"best intern"').total == 1


def counts_of(result):
    return {name: {v.value: v.count for v in values} for name, values in result.facets.items()}


def test_facet_counts_are_disjunctive(catalogue):
    """Each facet is counted with every other filter applied but not its own, so choosing one
    value still shows what the others would add."""
    result = run(field=["marketing"])
    counts = counts_of(result)
    assert result.total == 2
    assert counts["field"]["marketing"] == 2
    assert counts["field"]["research"] == 1 and counts["field"]["graphic_design"] == 1
    assert counts["kind"] == {"internship": 2, "micro": 0}  # other facets describe the results

    narrowed = run(field=["marketing"], hours=["gt30"])
    counts = counts_of(narrowed)
    assert [x.title for x in narrowed.listings] == ["Monthly stipend intern"]
    # Fields, among listings of more than 30 h; hours, among marketing listings.
    assert counts["field"]["marketing"] == 1 and counts["field"]["research"] == 0
    assert counts["hours"] == {"lte10": 0, "11-20": 0, "21-30": 1, "gt30": 1}
    assert counts["compensation"] == {"paid": 1, "unpaid": 0, "fixed_fee": 0}


def test_posted_and_country_counts_are_disjunctive(catalogue):
    counts = counts_of(run(posted="7"))
    assert counts["posted"] == {"1": 3, "7": 3, "30": 4}
    assert counts["kind"] == {"internship": 2, "micro": 1}

    result = run(country=["US"])
    counts = counts_of(result)
    assert {x.title for x in result.listings} == {"Old research intern", "Logo design sprint", "Monthly stipend intern"}
    # Countries are counted without the country filter (worldwide listings are open to all).
    assert counts["country"]["US"] == 3 and counts["country"]["DE"] == 3 and counts["country"]["worldwide"] == 2
    # Skills ("all of") are counted within the results.
    assert counts["skill"] == {"Research": 2, "Figma": 1, "Illustration": 1, "SEO": 1}


def test_an_empty_result_still_shows_how_to_widen_it(catalogue):
    result = run(kind=["micro"], field=["marketing"])
    counts = counts_of(result)
    assert result.total == 0 and result.listings == []
    assert counts["kind"]["internship"] == 2  # marketing internships
    assert counts["field"]["graphic_design"] == 1  # micro-internships in other fields


def test_facet_key_holds_every_single_valued_facet(catalogue):
    from listings import facets

    expected = {
        "old": {"kind": "internship", "field": "research", "compensation": "unpaid", "hours": "lte10"},
        "micro": {"kind": "micro", "field": "graphic_design", "compensation": "fixed_fee", "hours": "11-20"},
        "paid": {"kind": "internship", "field": "marketing", "compensation": "paid", "hours": "21-30"},
        "monthly": {"kind": "internship", "field": "marketing", "compensation": "paid", "hours": "gt30"},
    }
    durations = {"old": "gt90", "micro": "lte14", "paid": "43-90", "monthly": "15-42"}
    worldwide = {"old": "no", "micro": "yes", "paid": "no", "monthly": "yes"}
    for name, listing in catalogue.items():
        listing.refresh_from_db()
        assert facets.decode(listing.facet_key) == {
            **expected[name],
            "duration": durations[name],
            "worldwide": worldwide[name],
        }
    # The column follows edits made in the database itself.
    Listing.objects.filter(pk=catalogue["old"].pk).update(hours_per_week=35, eligible_countries=[])
    catalogue["old"].refresh_from_db()
    assert facets.decode(catalogue["old"].facet_key)["hours"] == "gt30"
    assert facets.decode(catalogue["old"].facet_key)["worldwide"] == "yes"


def test_keys_counted_are_those_failing_at_most_one_selection():
    from listings import facets

    every = facets.keys_matching({})
    assert len(every) == len(set(every))
    selected = {"kind": {"micro"}, "field": {"marketing", "research"}, "hours": {"gt30"}}
    assert facets.keys_counted({"kind": {"micro"}}) is None

    def failing(key):
        values = facets.decode(key)
        return sum(values[name] not in chosen for name, chosen in selected.items())

    assert facets.keys_counted(selected) == [k for k in every if failing(k) <= 1]
    assert facets.keys_matching(selected) == [k for k in every if failing(k) == 0]


def test_pay_sort_compares_pay_across_currencies(org, employer):
    from django.core.management import call_command

    make = lambda title, amount, currency: PublishedListingFactory(  # noqa: E731
        organization=org, actor=employer, title=title, compensation_amount=amount, currency=currency, pay_period="hour"
    )
    rupees = make("Rupees", 500, "INR")  # ≈ 6 USD
    make("Euros", 20, "EUR")  # ≈ 21.60 USD
    make("Dollars", 25, "USD")
    assert titles(run(sort="pay")) == ["Dollars", "Euros", "Rupees"]
    rupees.refresh_from_db()
    assert rupees.hourly_pay == Decimal("6.00")

    # After the rates change, one command re-ranks existing listings.
    Listing.objects.filter(pk=rupees.pk).update(hourly_pay=Decimal("999"))
    assert titles(run(sort="pay"))[0] == "Rupees"
    call_command("refresh_hourly_pay", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert titles(run(sort="pay")) == ["Dollars", "Euros", "Rupees"]
