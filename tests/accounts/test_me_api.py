"""``/api/v1/me/``: every role reads itself; students change their profile and résumé under the
profile page's rules (its form checks the API's input)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership
from tests.accounts.factories import (
    CareerServicesFactory,
    SiteStaffFactory,
    StudentFactory,
    owner_of,
    pdf_upload,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/"


def signed_in(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_anonymous_gets_401():
    assert APIClient().get(URL).status_code == 401
    assert APIClient().patch(URL, {"program": "x"}, format="json").status_code == 401


def test_a_student_reads_their_profile():
    student = StudentFactory(name="Ada Student")
    body = signed_in(student).get(URL).json()
    assert body["role"] == "student" and body["name"] == "Ada Student"
    assert body["profile"]["time_zone"] == "UTC" and body["organization"] is None
    assert body["token_scope"] is None


def test_an_employer_reads_their_organization_and_role():
    owner = owner_of("Acme Remote")
    body = signed_in(owner).get(URL).json()
    assert body["organization"]["name"] == "Acme Remote"
    assert body["organization_role"] == Membership.Role.OWNER
    assert body["profile"] is None and body["institution"] is None


def test_career_services_read_their_institution():
    staff = CareerServicesFactory()
    body = signed_in(staff).get(URL).json()
    assert body["institution"]["id"] == staff.career_services.institution_id


def test_a_student_updates_only_the_fields_sent():
    student = StudentFactory(name="Ada Student")
    api = signed_in(student)
    api.patch(URL, {"program": "History", "bio": "Hello\nthere"}, format="json")
    response = api.patch(
        URL,
        {"skills": ["Python", "SQL"], "links": ["https://example.org/me"], "time_zone": "Africa/Lagos"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    profile = response.json()["profile"]
    assert profile["program"] == "History" and profile["bio"] == "Hello\nthere"
    assert sorted(profile["skills"]) == ["Python", "SQL"] and profile["time_zone"] == "Africa/Lagos"
    assert response.json()["name"] == "Ada Student"


def test_the_profile_pages_rules_apply_and_a_refusal_changes_nothing():
    student = StudentFactory()
    api = signed_in(student)
    response = api.patch(URL, {"program": "History", "time_zone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400 and "time_zone" in response.json()["fields"]
    response = api.patch(URL, {"weekly_availability_hours": 500}, format="json")
    assert response.status_code == 400 and "weekly_availability_hours" in response.json()["fields"]
    student.student_profile.refresh_from_db()
    assert student.student_profile.program != "History"


def test_a_student_uploads_a_pdf_resume_and_a_non_pdf_is_refused():
    student = StudentFactory()
    api = signed_in(student)
    fake = pdf_upload(name="cv.pdf", content=b"GIF89a not a pdf at all")
    refused = api.patch(URL, {"resume": fake}, format="multipart")
    assert refused.status_code == 400 and "not a PDF" in str(refused.json())
    ok = api.patch(URL, {"resume": pdf_upload()}, format="multipart")
    assert ok.status_code == 200 and ok.json()["profile"]["has_resume"] is True
    removed = api.patch(URL, {"remove_resume": True}, format="json")
    assert removed.json()["profile"]["has_resume"] is False


@pytest.mark.parametrize("make", [lambda: owner_of("Acme"), CareerServicesFactory, SiteStaffFactory])
def test_only_students_update_a_profile(make):
    response = signed_in(make()).patch(URL, {"program": "History"}, format="json")
    assert response.status_code == 403
