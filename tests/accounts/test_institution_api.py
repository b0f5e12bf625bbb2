"""The career-services staff member's institution on the API, and deciding students' link requests."""

import pytest
from rest_framework.test import APIClient

from accounts.models import InstitutionLinkRequest, StudentProfile
from accounts.services import institution_link_request, personal_token_create
from tests.accounts.factories import CareerServicesFactory, InstitutionFactory, StudentFactory
from tests.support.api import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    institution = InstitutionFactory()
    staff = CareerServicesFactory(institution=institution)
    student = StudentFactory()
    request = institution_link_request(student=student, institution=institution, student_number="S-1")
    return {"institution": institution, "staff": staff, "student": student, "request": request}


def test_staff_read_their_institution_with_its_pending_requests(world):
    body = api_for(world["staff"]).get("/api/v1/institution/").json()
    assert body["id"] == world["institution"].pk and body["domains"]
    assert [r["student_number"] for r in body["link_requests"]] == ["S-1"]
    assert api_for(world["student"]).get("/api/v1/institution/").status_code == 403
    assert api_for(None).get("/api/v1/institution/").status_code == 401


def test_staff_approve_a_request_and_staff_elsewhere_cannot(world):
    url = f"/api/v1/institution/link-requests/{world['request'].pk}/decide/"
    other = CareerServicesFactory(institution=InstitutionFactory())
    assert api_for(other).post(url, {"decision": "approve"}, format="json").status_code == 404
    assert api_for(world["student"]).post(url, {"decision": "approve"}, format="json").status_code == 403
    api = api_for(world["staff"])
    assert api.post(url, {"decision": "maybe"}, format="json").status_code == 400
    assert api.post(url, {"decision": "approve"}, format="json").status_code == 204
    profile = StudentProfile.objects.get(user=world["student"])
    assert profile.institution_id == world["institution"].pk and profile.student_number == "S-1"
    assert api.post(url, {"decision": "reject"}, format="json").status_code == 400  # decided once
    assert InstitutionLinkRequest.objects.get(pk=world["request"].pk).status == "approved"


def test_a_read_only_token_cannot_decide(world):
    _, secret = personal_token_create(user=world["staff"], name="SIS", scope="read", lifetime_days=90)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/institution/").status_code == 200
    url = f"/api/v1/institution/link-requests/{world['request'].pk}/decide/"
    assert api.post(url, {"decision": "approve"}, format="json").status_code == 403
    assert InstitutionLinkRequest.objects.get(pk=world["request"].pk).status == "pending"


def test_staff_invite_a_colleague_list_and_withdraw_and_no_one_else_can(world):
    from accounts.models import Invitation

    url = "/api/v1/institution/invitations/"
    staff = api_for(world["staff"])
    created = staff.post(url, {"email": "Colleague@Example.edu"}, format="json")
    assert created.status_code == 201 and created.json()["email"] == "colleague@example.edu"
    invitation = Invitation.objects.get(email="colleague@example.edu")
    assert invitation.institution == world["institution"] and invitation.kind == Invitation.Kind.CAREER_SERVICES
    listed = staff.get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == invitation.pk
    # The same address again: the newest link replaces the older one; a member of the team is refused.
    assert staff.post(url, {"email": world["staff"].email}, format="json").json()["type"] == "validation_error"
    assert staff.post(url, {"email": "not an address"}, format="json").status_code == 400

    other = api_for(CareerServicesFactory(institution=InstitutionFactory()))
    assert other.get(url).json()["count"] == 0  # their own institution's list, empty
    revoke = f"{url}{invitation.pk}/revoke/"
    assert other.post(revoke).status_code == 404
    assert api_for(world["student"]).post(url, {"email": "x@example.edu"}, format="json").status_code == 403
    assert api_for(None).get(url).status_code == 401

    _token, secret = personal_token_create(user=world["staff"], name="Sync", scope="read", lifetime_days=30)
    read_only = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert read_only.get(url).status_code == 200
    assert read_only.post(revoke).status_code == 403

    assert staff.post(revoke).status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert staff.get(url).json()["count"] == 0
