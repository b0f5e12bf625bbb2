"""The member's organization on the API: members read it and its members; the owner invites,
withdraws invitations and removes recruiters, through the organization page's services."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Invitation, Membership
from accounts.services import personal_token_create
from tests.accounts.factories import StudentFactory, owner_of, recruiter_of
from tests.support.api import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    owner = owner_of("Acme Remote")
    organization = owner.membership.organization
    return {"owner": owner, "recruiter": recruiter_of(organization), "organization": organization}


def test_members_read_the_organization_and_its_members(team):
    api = api_for(team["recruiter"])
    assert api.get("/api/v1/organization/").json()["name"] == "Acme Remote"
    members = api.get("/api/v1/organization/members/").json()["results"]
    assert [m["role"] for m in members] == ["owner", "recruiter"]
    assert api.get("/api/v1/organization/invitations/").status_code == 403  # the owner's tools
    assert api_for(StudentFactory()).get("/api/v1/organization/").status_code == 403
    assert api_for(None).get("/api/v1/organization/").status_code == 401


def test_the_owner_invites_lists_and_withdraws(team, outbox):
    api = api_for(team["owner"])
    assert api.post("/api/v1/organization/invitations/", {"email": "nope"}, format="json").status_code == 400
    created = api.post("/api/v1/organization/invitations/", {"email": "New.Hire@Example.org"}, format="json")
    assert created.status_code == 201 and created.json()["email"] == "new.hire@example.org"
    assert [e.to_email for e in outbox(to="new.hire@example.org")] == ["new.hire@example.org"]
    member_email = team["recruiter"].email
    again = api.post("/api/v1/organization/invitations/", {"email": member_email}, format="json")
    assert again.status_code == 400
    listed = api.get("/api/v1/organization/invitations/").json()["results"]
    assert [i["email"] for i in listed] == ["new.hire@example.org"]
    invitation_id = listed[0]["id"]
    other_owner = api_for(owner_of("Other"))
    assert other_owner.post(f"/api/v1/organization/invitations/{invitation_id}/revoke/").status_code == 404
    assert api.post(f"/api/v1/organization/invitations/{invitation_id}/revoke/").status_code == 204
    assert Invitation.objects.get(pk=invitation_id).revoked_at is not None


def test_the_owner_removes_a_recruiter_and_nobody_else_can(team):
    recruiter_membership = Membership.objects.get(user=team["recruiter"])
    owner_membership = Membership.objects.get(user=team["owner"])
    url = f"/api/v1/organization/members/{recruiter_membership.pk}/remove/"
    assert api_for(team["recruiter"]).post(url).status_code == 403
    assert api_for(owner_of("Other")).post(url).status_code == 404
    assert api_for(team["owner"]).post(f"/api/v1/organization/members/{owner_membership.pk}/remove/").status_code == 400
    assert api_for(team["owner"]).post(url).status_code == 204
    assert not Membership.objects.filter(pk=recruiter_membership.pk).exists()


def test_a_read_only_token_cannot_invite(team):
    before = Invitation.objects.count()  # the recruiter joined by invitation
    _, secret = personal_token_create(user=team["owner"], name="HR", scope="read", lifetime_days=30)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/organization/invitations/").status_code == 200
    assert api.post("/api/v1/organization/invitations/", {"email": "x@example.org"}, format="json").status_code == 403
    assert Invitation.objects.count() == before


def test_members_and_invitations_lists_have_a_constant_number_of_queries(team, django_assert_num_queries):
    from accounts.services import invitation_create

    owner = team["owner"]
    _, secret = personal_token_create(user=owner, name="HR", scope="read", lifetime_days=30)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    api.get("/api/v1/organization/members/")  # records the token's use for the next minute
    invitation_create(invited_by=owner, email="first@example.org", organization=team["organization"])
    # The token with its user, the membership, its organization, the count, the page.
    counts = {"/api/v1/organization/members/": 5, "/api/v1/organization/invitations/": 5}
    for url, expected in counts.items():
        with django_assert_num_queries(expected):
            api.get(url)
    for n in range(6):
        recruiter_of(team["organization"])
        invitation_create(invited_by=owner, email=f"person{n}@example.org", organization=team["organization"])
    for url, expected in counts.items():
        with django_assert_num_queries(expected):
            assert api.get(url).json()["count"] >= 6
