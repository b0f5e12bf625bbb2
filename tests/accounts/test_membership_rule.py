""" "An active member of the organization" is one rule: a member whose account is switched off
(site staff untick "active" in the admin) loses access in pages, API, services and notifications
alike."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import permissions
from accounts.models import User
from accounts.services import personal_token_create
from applications import permissions as application_permissions
from applications.services import application_transition, applications_bulk_reject
from listings import permissions as listing_permissions
from listings.services import listing_close, listing_create
from notifications.models import Notification, OutboxEmail
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import EmployerFactory, listing_data, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    application = SubmittedApplicationFactory()
    listing = application.listing
    owner = member_of(listing)
    colleague = EmployerFactory(organization=listing.organization)
    return {"application": application, "listing": listing, "owner": owner, "colleague": colleague}


def _switch_off(user) -> User:
    User.objects.filter(pk=user.pk).update(is_active=False)
    return User.objects.select_related("membership").get(pk=user.pk)


def test_every_copy_of_the_member_rule_refuses_a_switched_off_member(world):
    listing, application = world["listing"], world["application"]
    member = world["colleague"]
    assert permissions.is_member(member, listing.organization_id)
    off = _switch_off(member)
    assert permissions.organization_id_for(off) is None
    assert not permissions.is_member(off, listing.organization_id)
    assert not permissions.can_view_organization_page(off, listing.organization)
    assert not listing_permissions.can_manage_listing(off, listing)
    assert not listing_permissions.can_manage_listings(off)
    assert not application_permissions.can_view_pipeline(off, listing)
    assert not application_permissions.can_review_application(off, application)
    assert application_permissions.organization_id_of(off) is None


def test_switched_off_member_cannot_post_or_move_applicants_through_the_services(world):
    listing, application = world["listing"], world["application"]
    off = _switch_off(world["colleague"])
    with pytest.raises(PermissionDenied):
        listing_create(organization=listing.organization, actor=off, data=listing_data(), skill_names=[], questions=[])
    with pytest.raises(PermissionDenied):
        application_transition(application=application, to_status="in_review", user=off)
    with pytest.raises(PermissionDenied):
        applications_bulk_reject(listing=listing, application_ids=[application.pk], user=off)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_switched_off_member_is_not_told_about_the_organizations_listings(world):
    listing, owner = world["listing"], world["owner"]
    off = _switch_off(world["colleague"])
    listing_close(listing=listing, actor=None, reason="filled")
    assert Notification.objects.filter(recipient=owner, event="listing.closed").count() == 1
    assert not Notification.objects.filter(recipient=off).exists()
    assert not OutboxEmail.objects.filter(to_email=off.email).exists()


def test_switched_off_member_loses_the_pages_and_the_api(client, world):
    listing, application, member = world["listing"], world["application"], world["colleague"]
    api = APIClient()
    _token, secret = personal_token_create(user=member, name="ATS", scope="read", lifetime_days=30)
    pages = [
        reverse("listings:dashboard"),
        reverse("listings:manage", args=[listing.pk]),
        reverse("applications:pipeline", args=[listing.pk]),
        reverse("applications:employer_detail", args=[application.pk]),
    ]
    endpoint = reverse("api:employer-listing-applications", args=[listing.pk])
    client.force_login(member)
    assert all(client.get(url).status_code == 200 for url in pages)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(endpoint).status_code == 200

    _switch_off(member)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert api.get(endpoint).status_code == 401  # the token of a switched-off account no longer works
    response = client.post(reverse("applications:employer_move", args=[application.pk]), {"to_status": "in_review"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    application.refresh_from_db()
    assert application.status == "submitted"
