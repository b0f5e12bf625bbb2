"""Filtering and ordering the applications through the API (``applications.filters``): each filter
from the role that has it, within what the role sees; bad values are a 400 in the error shape; the
pipeline page and the API share one FilterSet; query counts stay constant."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Skill
from accounts.services import personal_token_create
from applications.services import application_transition
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import (
    CareerServicesFactory,
    EmployerFactory,
    InstitutionFactory,
    OrganizationFactory,
    PublishedListingFactory,
    StudentFactory,
    member_of,
)
from tests.support.api import api_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications/"


def api_with_token(user) -> APIClient:
    """A client as a script uses the API: a fresh user per request (nothing cached on it)."""
    _, secret = personal_token_create(user=user, name="Script", scope="read", lifetime_days=30)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    api.get(URL)  # records the token's use; the next calls in the same minute do not write
    return api


def student(country, time_zone="Europe/Berlin", institution=None, skills=()):
    user = StudentFactory(profile={"country": country, "time_zone": time_zone, "institution": institution})
    user.student_profile.skills.set(
        [Skill.objects.get_or_create(slug=s, defaults={"name": s.title()})[0] for s in skills]
    )
    return user


def order(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [a["id"] for a in response.json()["results"]]


def ids(response) -> set[int]:
    return set(order(response))


def iso(moment) -> str:
    return moment.isoformat()


@pytest.fixture
def world():
    """One organization's two listings with three applicants, submitted a day apart (a1, a2, a3) and
    moved later (a2 shortlisted on day 5, a3 rejected on day 6); the first applicant also applied
    to another organization (a4, in review on day 4)."""
    start = timezone.now()
    listing = PublishedListingFactory(requires_resume=False, openings=3)
    second = PublishedListingFactory(organization=listing.organization, requires_resume=False)
    elsewhere = PublishedListingFactory(requires_resume=False)
    lakeside, hillside = InstitutionFactory(name="Lakeside"), InstitutionFactory(name="Hillside")
    ada = student("DE", institution=lakeside, skills=["python"])
    bo = student("FR", time_zone="Asia/Tokyo", skills=["design"])
    cy = student("DE", institution=hillside, skills=["python", "design"])
    employer = member_of(listing)
    day = {n: start + timedelta(days=n) for n in range(1, 7)}
    with time_machine.travel(day[1], tick=False):
        a1 = SubmittedApplicationFactory(listing=listing, student=ada)
    with time_machine.travel(day[2], tick=False):
        a2 = SubmittedApplicationFactory(listing=listing, student=bo)
        a4 = SubmittedApplicationFactory(listing=elsewhere, student=ada)
    with time_machine.travel(day[3], tick=False):
        a3 = SubmittedApplicationFactory(listing=second, student=cy)
    with time_machine.travel(day[4], tick=False):
        application_transition(application=a4, to_status="in_review", user=member_of(elsewhere))
    with time_machine.travel(day[5], tick=False):
        application_transition(application=a2, to_status="shortlisted", user=employer)
    with time_machine.travel(day[6], tick=False):
        application_transition(application=a3, to_status="rejected", user=employer)
    return {
        "listing": listing,
        "second": second,
        "employer": employer,
        "ada": ada,
        "lakeside": lakeside,
        "day": day,
        "a1": a1.pk,
        "a2": a2.pk,
        "a3": a3.pk,
        "a4": a4.pk,
    }


# --- the collection, as an organization's member -------------------------------------------------


def test_a_member_filters_by_several_statuses_and_by_listing(world):
    api = api_for(world["employer"])
    w = world
    assert ids(api.get(URL, {"status": ["shortlisted", "rejected"]})) == {w["a2"], w["a3"]}
    assert ids(api.get(URL, {"status": "submitted"})) == {w["a1"]}
    assert ids(api.get(URL, {"listing": w["listing"].pk, "status": ["submitted", "shortlisted"]})) == {w["a1"], w["a2"]}
    assert ids(api.get(URL, {"status": "in_review"})) == set()  # a4 is another organization's


def test_a_member_filters_by_the_applicants_skill_institution_and_country(world):
    api, w = api_for(world["employer"]), world
    assert ids(api.get(URL, {"skill": "python"})) == {w["a1"], w["a3"]}
    assert ids(api.get(URL, {"skill": "design", "country": "DE"})) == {w["a3"]}
    assert ids(api.get(URL, {"institution": w["lakeside"].pk})) == {w["a1"]}
    assert ids(api.get(URL, {"country": "fr"})) == {w["a2"]}  # the code in either case
    assert ids(api.get(URL, {"skill": "cobol"})) == set()


def test_a_member_filters_by_submission_and_status_change_dates(world):
    api, w, day = api_for(world["employer"]), world, world["day"]
    noon = timedelta(hours=12)
    assert ids(api.get(URL, {"submitted_at_after": iso(day[2] - noon)})) == {w["a2"], w["a3"]}
    assert ids(api.get(URL, {"submitted_at_before": iso(day[2] + noon)})) == {w["a1"], w["a2"]}
    window = {"submitted_at_after": iso(day[2] - noon), "submitted_at_before": iso(day[2] + noon)}
    assert ids(api.get(URL, window)) == {w["a2"]}
    assert ids(api.get(URL, {"status_changed_at_after": iso(day[5] - noon)})) == {w["a2"], w["a3"]}
    assert ids(api.get(URL, {"status_changed_at_before": iso(day[5] - noon)})) == {w["a1"]}


def test_a_member_orders_by_submission_status_change_and_pipeline_stage(world):
    api, w = api_for(world["employer"]), world
    assert order(api.get(URL)) == [w["a3"], w["a2"], w["a1"]]  # default: newest submitted first
    assert order(api.get(URL, {"ordering": "submitted_at"})) == [w["a1"], w["a2"], w["a3"]]
    assert order(api.get(URL, {"ordering": "-status_changed_at"})) == [w["a3"], w["a2"], w["a1"]]
    # Pipeline order, not alphabetical: submitted, shortlisted, then the outcome "rejected".
    assert order(api.get(URL, {"ordering": "status"})) == [w["a1"], w["a2"], w["a3"]]
    assert order(api.get(URL, {"ordering": "-status,submitted_at"})) == [w["a3"], w["a2"], w["a1"]]
    assert order(api.get(URL, {"ordering": "status", "status": ["submitted", "rejected"]})) == [w["a1"], w["a3"]]


# --- the collection, as a student ---------------------------------------------------------------


def test_a_student_filters_and_orders_only_their_own_applications(world):
    api, w = api_for(world["ada"]), world
    assert ids(api.get(URL)) == {w["a1"], w["a4"]}
    assert ids(api.get(URL, {"status": "in_review"})) == {w["a4"]}
    assert ids(api.get(URL, {"status": ["shortlisted", "rejected"]})) == set()  # others' applications
    assert ids(api.get(URL, {"listing": w["listing"].pk})) == {w["a1"]}
    assert ids(api.get(URL, {"listing": w["second"].pk})) == set()
    assert ids(api.get(URL, {"status_changed_at_after": iso(w["day"][3])})) == {w["a4"]}
    assert order(api.get(URL, {"ordering": "submitted_at"})) == [w["a1"], w["a4"]]
    assert order(api.get(URL, {"ordering": "-status"})) == [w["a4"], w["a1"]]


# --- bad values and the wrong role --------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "nonsense"}, "status"),
        ({"status": ["submitted", "nonsense"]}, "status"),
        ({"listing": "abc"}, "listing"),
        ({"listing": "1.5"}, "listing"),
        ({"listing": "0"}, "listing"),
        ({"listing": str(2**63)}, "listing"),
        ({"institution": "Lakeside"}, "institution"),
        ({"country": "DEU"}, "country"),
        ({"country": "D\rE"}, "country"),
        ({"skill": "no spaces"}, "skill"),
        ({"submitted_at_after": "last tuesday"}, "submitted_at"),
        ({"status_changed_at_before": "2026-13-01"}, "status_changed_at"),
        ({"ordering": "cover_letter"}, "ordering"),
        ({"ordering": "submitted_at,pk"}, "ordering"),
    ],
)
@pytest.mark.parametrize("role", ["student", "employer"])
def test_a_bad_filter_is_a_400_naming_the_parameter(world, params, field, role):
    user = world["ada"] if role == "student" else world["employer"]
    response = api_for(user).get(URL, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "validation_error" and body["detail"]
    assert list(body["fields"]) == [field] and body["fields"][field], body


def test_a_bad_filter_on_a_listings_applicants_is_a_400(world):
    url = reverse("v1:employer-listing-applications", args=[world["listing"].pk])
    for params, field in [
        ({"overlap": "3"}, "overlap"),
        ({"status": "bogus"}, "status"),
        ({"ordering": "x"}, "ordering"),
    ]:
        body = api_for(world["employer"]).get(url, params).json()
        assert body["type"] == "validation_error" and list(body["fields"]) == [field], body


@pytest.mark.parametrize("params", [{}, {"status": "submitted"}, {"status": "nonsense"}])
def test_the_wrong_role_is_refused_before_any_filter_is_read(world, params):
    careers = api_for(CareerServicesFactory()).get(URL, params)
    assert careers.status_code == 403 and careers.json()["type"] == "permission_denied"
    assert api_for(None).get(URL, params).status_code == 401
    url = reverse("v1:employer-listing-applications", args=[world["listing"].pk])
    assert api_for(world["ada"]).get(url, params).status_code == 403
    outsider = api_for(EmployerFactory(organization=OrganizationFactory())).get(url, params)
    assert outsider.status_code == 404 and outsider.json()["type"] == "not_found"


# --- one listing's applicants: the pipeline page's filters --------------------------------------


def test_a_listings_applicants_take_the_pipelines_filters_and_ordering(world):
    api, w = api_for(world["employer"]), world
    url = reverse("v1:employer-listing-applications", args=[w["listing"].pk])
    assert ids(api.get(url)) == {w["a1"], w["a2"]}
    assert ids(api.get(url, {"status": ["submitted", "rejected"]})) == {w["a1"]}
    assert ids(api.get(url, {"skill": "design"})) == {w["a2"]}
    assert ids(api.get(url, {"institution": w["lakeside"].pk})) == {w["a1"]}
    # Berlin 9–17 against the applicant's 9–18: Tokyo overlaps an hour at most, Berlin all day.
    assert ids(api.get(url, {"overlap": "6"})) == {w["a1"]}
    assert ids(api.get(url, {"overlap": "1"})) == {w["a1"], w["a2"]}
    assert order(api.get(url, {"ordering": "-status"})) == [w["a2"], w["a1"]]
    assert ids(api.get(url, {"listing": w["second"].pk})) == {w["a1"], w["a2"]}  # not a parameter here


def test_the_pipeline_page_reads_the_same_filters(client, world):
    client.force_login(world["employer"])
    url = reverse("applications:pipeline", args=[world["listing"].pk])
    page = client.get(url, {"skill": "design"})
    assert page.status_code == 200
    assert [a.pk for a in page.context["page"].object_list] == [world["a2"]]
    assert type(page.context["form"]).__name__ == "ListingApplicantFilterForm"
    # The page reports a bad filter on its form and still applies the valid ones.
    page = client.get(url, {"skill": "design", "overlap": "3"})
    assert page.status_code == 200 and page.context["form"].errors["overlap"]
    assert [a.pk for a in page.context["page"].object_list] == [world["a2"]]


# --- query counts -------------------------------------------------------------------------------

FILTERS = {
    "status": ["submitted", "shortlisted"],
    "skill": "python",
    "country": "DE",
    "submitted_at_after": "2000-01-01T00:00:00Z",
    "ordering": "-status,submitted_at",
}


@pytest.mark.parametrize("role", ["student", "employer"])
def test_a_filtered_collection_has_a_constant_number_of_queries(django_assert_num_queries, role):
    listing = PublishedListingFactory(requires_resume=False)
    one = student("DE", skills=["python"])
    SubmittedApplicationFactory(listing=listing, student=one)
    api = api_with_token(one if role == "student" else member_of(listing))
    # the token with its user, the count, the page; for a member, their membership too
    expected = 3 if role == "student" else 4
    with django_assert_num_queries(expected):
        assert api.get(URL, FILTERS).json()["count"] == 1
    for _ in range(12):
        target = PublishedListingFactory(organization=listing.organization, requires_resume=False)
        SubmittedApplicationFactory(
            listing=target, student=one if role == "student" else student("DE", skills=["python"])
        )
    with django_assert_num_queries(expected):
        assert api.get(URL, FILTERS).json()["count"] == 13


def test_a_listings_filtered_applicants_have_a_constant_number_of_queries(django_assert_num_queries):
    listing = PublishedListingFactory(requires_resume=False, openings=20)
    api = api_with_token(member_of(listing))
    url = reverse("v1:employer-listing-applications", args=[listing.pk])
    params = {**FILTERS, "overlap": "4"}
    SubmittedApplicationFactory(listing=listing, student=student("DE", skills=["python"]))
    # the token with its user, the membership, the listing, the applicants' time zones (overlap),
    # the count and the page
    with django_assert_num_queries(6):
        assert api.get(url, params).json()["count"] == 1
    for _ in range(12):
        SubmittedApplicationFactory(listing=listing, student=student("DE", skills=["python"]))
    with django_assert_num_queries(6):
        assert api.get(url, params).json()["count"] == 13


# --- the schema ---------------------------------------------------------------------------------


def test_the_schema_shows_the_filter_and_ordering_parameters(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    def parameters(path):
        return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"}

    collection = parameters("/api/v1/applications/")
    assert {
        "listing",
        "status",
        "skill",
        "institution",
        "country",
        "submitted_at_after",
        "submitted_at_before",
        "status_changed_at_after",
        "status_changed_at_before",
        "ordering",
        "page",
        "page_size",
    } == set(collection)
    assert collection["status"]["schema"]["type"] == "array" and collection["status"]["explode"] is True
    assert "shortlisted" in collection["status"]["schema"]["items"]["enum"]
    assert collection["listing"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    assert {"status", "-submitted_at", "status_changed_at"} <= set(collection["ordering"]["schema"]["items"]["enum"])
    applicants = parameters("/api/v1/employer/listings/{id}/applications/")
    assert "overlap" in applicants and "listing" not in applicants
    assert "400" in schema["paths"]["/api/v1/applications/"]["get"]["responses"]
