"""``/api/v1/me/``: every role reads itself; students change their profile and résumé under the
profile page's rules (its form checks the API's input), sending back the profile's ETag in
``If-Match`` (428 without, 412 when it was saved since)."""

import json

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


def edit(api, data, format="json"):
    """A PATCH with the profile's ETag as just read."""
    return api.patch(URL, data, format=format, HTTP_IF_MATCH=api.get(URL)["ETag"])


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
    edit(api, {"program": "History", "bio": "Hello\nthere"})
    response = edit(
        api, {"skills": ["Python", "SQL"], "links": ["https://example.org/me"], "time_zone": "Africa/Lagos"}
    )
    assert response.status_code == 200, response.json()
    profile = response.json()["profile"]
    assert profile["program"] == "History" and profile["bio"] == "Hello\nthere"
    assert sorted(profile["skills"]) == ["Python", "SQL"] and profile["time_zone"] == "Africa/Lagos"
    assert response.json()["name"] == "Ada Student"


def test_the_profile_pages_rules_apply_and_a_refusal_changes_nothing():
    student = StudentFactory()
    api = signed_in(student)
    response = edit(api, {"program": "History", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400 and "time_zone" in response.json()["fields"]
    response = edit(api, {"weekly_availability_hours": 500})
    assert response.status_code == 400 and "weekly_availability_hours" in response.json()["fields"]
    student.student_profile.refresh_from_db()
    assert student.student_profile.program != "History"


def test_a_student_uploads_a_pdf_resume_and_a_non_pdf_is_refused():
    student = StudentFactory()
    api = signed_in(student)
    fake = pdf_upload(name="cv.pdf", content=b"GIF89a not a pdf at all")
    refused = edit(api, {"resume": fake}, format="multipart")
    assert refused.status_code == 400 and "not a PDF" in str(refused.json())
    ok = edit(api, {"resume": pdf_upload()}, format="multipart")
    assert ok.status_code == 200 and ok.json()["profile"]["has_resume"] is True
    removed = edit(api, {"remove_resume": True})
    assert removed.json()["profile"]["has_resume"] is False


@pytest.mark.parametrize("make", [lambda: owner_of("Acme"), CareerServicesFactory, SiteStaffFactory])
def test_only_students_update_a_profile(make):
    api = signed_in(make())
    assert "ETag" not in api.get(URL)  # nothing of theirs to edit here
    for headers in ({}, {"HTTP_IF_MATCH": "*"}):
        assert api.patch(URL, {"program": "History"}, format="json", **headers).status_code == 403


def test_an_edit_answers_the_profiles_new_etag():
    student = StudentFactory()
    api = signed_in(student)
    etag = api.get(URL)["ETag"]
    assert etag == f'"{student.student_profile.version}"'
    response = api.patch(URL, {"program": "History"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    student.student_profile.refresh_from_db()
    assert response["ETag"] == api.get(URL)["ETag"] == f'"{student.student_profile.version}"' != etag


def test_a_stale_if_match_gets_412_and_changes_nothing():
    student = StudentFactory()
    phone, laptop = signed_in(student), signed_in(student)
    etag = phone.get(URL)["ETag"]
    assert laptop.get(URL)["ETag"] == etag
    assert laptop.patch(URL, {"program": "Physics"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = phone.patch(URL, {"program": "History", "bio": "Hi"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["type"] == "precondition_failed"
    student.student_profile.refresh_from_db()
    assert (student.student_profile.program, student.student_profile.bio) == ("Physics", "")


def test_an_edit_without_if_match_gets_428_and_star_overwrites():
    student = StudentFactory()
    api = signed_in(student)
    refused = api.patch(URL, {"program": "History"}, format="json")
    assert refused.status_code == 428 and refused.json()["type"] == "precondition_required"
    student.student_profile.refresh_from_db()
    assert student.student_profile.program != "History"
    assert api.patch(URL, {"program": "History"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    student.student_profile.refresh_from_db()
    assert student.student_profile.program == "History"


def test_the_profile_edit_documents_if_match_etag_412_and_428(client):
    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/json").content)
    me = schema["paths"]["/api/v1/me/"]
    headers = {p["name"]: p for p in me["patch"]["parameters"] if p["in"] == "header"}
    assert headers["If-Match"]["required"] is True
    assert {"412", "428"} <= set(me["patch"]["responses"])
    assert "ETag" in me["patch"]["responses"]["200"]["headers"]
    assert "ETag" in me["get"]["responses"]["200"]["headers"]
