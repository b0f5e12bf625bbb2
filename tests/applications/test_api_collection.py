"""One applications collection for every role: a student's own, an organization's applicants
(filtered by listing and status); the reviewing team's detail, notes and bulk rejection."""

import pytest
from rest_framework.test import APIClient

from accounts.services import personal_token_create
from applications.models import Application, ApplicationNote
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import (
    CareerServicesFactory,
    EmployerFactory,
    OrganizationFactory,
    PublishedListingFactory,
    StudentFactory,
    member_of,
)
from tests.support.api import api_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications/"


@pytest.fixture
def world():
    listing, other_listing = PublishedListingFactory(), PublishedListingFactory()
    colleague_listing = PublishedListingFactory(organization=listing.organization)
    student = StudentFactory()
    mine = SubmittedApplicationFactory(listing=listing, student=student)
    second = SubmittedApplicationFactory(listing=colleague_listing, student=student)
    elsewhere = SubmittedApplicationFactory(listing=other_listing)
    return {
        "listing": listing,
        "student": student,
        "employer": member_of(listing),
        "mine": mine,
        "second": second,
        "elsewhere": elsewhere,
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {a["id"] for a in response.json()["results"]}


def test_a_student_sees_only_their_own_applications(world):
    api = api_for(world["student"])
    assert ids(api.get(URL)) == {world["mine"].pk, world["second"].pk}
    assert ids(api.get(URL, {"listing": world["listing"].pk})) == {world["mine"].pk}
    assert "cover_letter" in api.get(URL).json()["results"][0]


def test_an_employer_sees_the_organizations_applicants_filtered_by_listing_and_status(world):
    api = api_for(world["employer"])
    assert ids(api.get(URL)) == {world["mine"].pk, world["second"].pk}
    assert ids(api.get(URL, {"listing": world["listing"].pk})) == {world["mine"].pk}
    assert ids(api.get(URL, {"status": "rejected"})) == set()
    assert ids(api.get(URL, {"listing": world["elsewhere"].listing_id})) == set()  # not theirs: nothing
    first = api.get(URL).json()["results"][0]
    assert "student_name" in first and "cover_letter" not in first
    assert api.get(URL, {"status": "nonsense"}).status_code == 400
    assert api.get(URL, {"listing": "abc"}).status_code == 400


@pytest.mark.parametrize("who", ["careers", "anonymous"])
def test_others_have_no_applications(who):
    user = CareerServicesFactory() if who == "careers" else None
    assert api_for(user).get(URL).status_code == (403 if user else 401)


def test_the_reviewing_team_reads_the_detail_and_adds_notes_the_student_never_sees(world):
    mine, employer = world["mine"], world["employer"]
    team = api_for(employer)
    assert team.post(f"{URL}{mine.pk}/notes/", {"body": " "}, format="json").status_code == 400
    note = team.post(f"{URL}{mine.pk}/notes/", {"body": "Strong portfolio"}, format="json")
    assert note.status_code == 201 and note.json()["body"] == "Strong portfolio"
    detail = team.get(f"{URL}{mine.pk}/").json()
    assert [n["body"] for n in detail["notes"]] == ["Strong portfolio"] and detail["history"]
    own = api_for(world["student"]).get(f"{URL}{mine.pk}/").json()
    assert "notes" not in own and "Strong portfolio" not in str(own)
    assert api_for(world["student"]).get(f"{URL}{mine.pk}/notes/").status_code == 403
    outsider = api_for(EmployerFactory(organization=OrganizationFactory()))
    assert outsider.get(f"{URL}{mine.pk}/").status_code == 404
    assert outsider.post(f"{URL}{mine.pk}/notes/", {"body": "x"}, format="json").status_code == 404
    assert ApplicationNote.objects.count() == 1


def test_bulk_reject_moves_only_the_listings_open_applications(world):
    listing, employer = world["listing"], world["employer"]
    extra = SubmittedApplicationFactory(listing=listing)
    payload = {
        "listing": listing.pk,
        "applications": [world["mine"].pk, extra.pk, world["elsewhere"].pk],
        "message": "Thank you",
    }
    outsider = api_for(EmployerFactory(organization=OrganizationFactory()))
    assert outsider.post(f"{URL}bulk-reject/", payload, format="json").status_code == 400
    assert api_for(world["student"]).post(f"{URL}bulk-reject/", payload, format="json").status_code == 403
    response = api_for(employer).post(f"{URL}bulk-reject/", payload, format="json")
    assert response.status_code == 200 and response.json() == {"rejected": 2}
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[world["mine"].pk] == statuses[extra.pk] == "rejected"
    assert statuses[world["elsewhere"].pk] == "submitted"


def test_a_read_only_token_reads_the_collection_but_cannot_reject(world):
    _, secret = personal_token_create(user=world["employer"], name="ATS", scope="read", lifetime_days=30)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ids(api.get(URL)) == {world["mine"].pk, world["second"].pk}
    payload = {"listing": world["listing"].pk, "applications": [world["mine"].pk]}
    assert api.post(f"{URL}bulk-reject/", payload, format="json").status_code == 403
    assert api.post(f"{URL}{world['mine'].pk}/notes/", {"body": "x"}, format="json").status_code == 403
    assert Application.objects.get(pk=world["mine"].pk).status == "submitted"


@pytest.mark.parametrize("role", ["student", "employer"])
def test_the_collection_has_a_constant_number_of_queries(django_assert_num_queries, role):
    listing = PublishedListingFactory()
    student = StudentFactory()
    SubmittedApplicationFactory(listing=listing, student=student)
    user = student if role == "student" else member_of(listing)
    _, secret = personal_token_create(user=user, name="Script", scope="read", lifetime_days=30)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    api.get(URL)  # records the token's use; the next calls in the same minute do not write
    # the token with its user, the count, the page (listing and organization or student joined);
    # for a member, their membership too
    expected = 3 if role == "student" else 4
    with django_assert_num_queries(expected):
        assert api.get(URL).json()["count"] == 1
    for _ in range(12):
        other = StudentFactory() if role == "employer" else student
        target = listing if role == "employer" else PublishedListingFactory(organization=listing.organization)
        SubmittedApplicationFactory(listing=target, student=other)
    with django_assert_num_queries(expected):
        assert api.get(URL).json()["count"] == 13
