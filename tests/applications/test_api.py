"""The applications API: students apply and follow their applications; employers list and move applicants."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications.models import Application
from tests.applications.factories import SubmittedApplicationFactory, pdf_upload
from tests.listings.factories import PublishedListingFactory, StudentFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_student_applies_with_json_and_lists_own_applications(api, student):
    listing = PublishedListingFactory(requires_resume=False, questions=["Why us?"])
    question = listing.questions.get()
    api.force_authenticate(student)
    response = api.post(
        reverse("v1:application-create"),
        {"listing": listing.pk, "cover_letter": "Hello!", "answers": {str(question.pk): "Because."}},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["answers"][str(question.pk)]["prompt"] == "Why us?"
    assert body["history"][0]["to_status"] == "submitted"
    SubmittedApplicationFactory()  # someone else's
    listed = api.get(reverse("v1:application-list")).json()
    assert [a["id"] for a in listed["results"]] == [body["id"]]


def test_student_applies_with_a_pdf_upload(api, student):
    listing = PublishedListingFactory(requires_resume=True)
    api.force_authenticate(student)
    response = api.post(
        reverse("v1:application-create"),
        {"listing": listing.pk, "cover_letter": "Hello", "resume": pdf_upload()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["has_resume"] is True
    with Application.objects.get().resume.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"listing": None, "cover_letter": "Hi"}, "listing"),
        ({"listing": 999999, "cover_letter": "Hi"}, "listing"),
        ({"cover_letter": ""}, "cover_letter"),
        ({"cover_letter": "Hi", "answers": {"abc": "x"}}, "answers"),
        ({"cover_letter": "Hi", "answers": {}}, "answer_"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(api, student, listing, payload, field):
    api.force_authenticate(student)
    payload = {"listing": listing.pk, **payload}
    response = api.post(reverse("v1:application-create"), payload, format="json")
    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.json()["fields"]), response.json()
    assert not Application.objects.exists()


def test_bad_resume_through_the_api_is_refused(api, student):
    listing = PublishedListingFactory(requires_resume=True)
    api.force_authenticate(student)
    response = api.post(
        reverse("v1:application-create"),
        {"listing": listing.pk, "cover_letter": "Hi", "resume": pdf_upload("cv.pdf", b"GIF89a not a pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["resume"] == ["The résumé must be a PDF document (this file is not a PDF)."]
    assert not Application.objects.exists()


def test_applying_twice_is_refused_clearly(api, student):
    listing = PublishedListingFactory(requires_resume=False)
    api.force_authenticate(student)
    url = reverse("v1:application-create")
    assert api.post(url, {"listing": listing.pk, "cover_letter": "Hi"}, format="json").status_code == 201
    response = api.post(url, {"listing": listing.pk, "cover_letter": "Hi"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "detail": "You have already applied to this listing.",
        "fields": {"non_field_errors": ["You have already applied to this listing."]},
    }


def test_employer_lists_the_listings_applicants_and_filters_by_status(api):
    listing = PublishedListingFactory(requires_resume=False, openings=2)
    apps = [SubmittedApplicationFactory(listing=listing) for _ in range(2)]
    SubmittedApplicationFactory()  # another organization's
    employer = member_of(listing)
    api.force_authenticate(employer)
    api.post(reverse("v1:employer-application-status", args=[apps[0].pk]), {"status": "in_review"}, format="json")
    url = reverse("v1:employer-listing-applications", args=[listing.pk])
    body = api.get(url).json()
    assert {a["id"] for a in body["results"]} == {a.pk for a in apps}
    assert [a["id"] for a in api.get(url + "?status=in_review").json()["results"]] == [apps[0].pk]
    assert api.get(url + "?status=bogus").status_code == 400


def test_employer_offer_with_a_start_date_through_the_api(api):
    application = SubmittedApplicationFactory()
    api.force_authenticate(member_of(application.listing))
    url = reverse("v1:employer-application-status", args=[application.pk])
    assert api.post(url, {"status": "offered", "offer_start_date": "2001-01-01"}, format="json").status_code == 400
    response = api.post(url, {"status": "offered", "offer_start_date": "2999-01-01"}, format="json")
    assert response.status_code == 200 and response.json()["offer_start_date"] == "2999-01-01"
    assert api.post(url, {"status": "nonsense"}, format="json").status_code == 400


def test_the_operations_are_in_the_openapi_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in (
        "/api/v1/applications/",
        "/api/v1/applications/create/",
        "/api/v1/applications/{id}/withdraw/",
        "/api/v1/applications/{id}/accept/",
        "/api/v1/applications/{id}/decline/",
        "/api/v1/employer/listings/{id}/applications/",
        "/api/v1/employer/applications/{id}/status/",
    ):
        assert path in schema["paths"], path


def test_student_without_profile_can_still_use_the_api(api):
    student = StudentFactory(profile=None)
    api.force_authenticate(student)
    assert api.get(reverse("v1:application-list")).json()["count"] == 0
