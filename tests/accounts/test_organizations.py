"""Organizations: onboarding with a logo checked by content, invitations (single use, expiring),
removing members, transferring ownership, verification by site staff with the owner notified."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, Organization, Role, User
from notifications.models import Notification, OutboxEmail
from tests.accounts.factories import (
    EmployerFactory,
    SiteStaffFactory,
    StudentFactory,
    expired_invitation,
    owner_of,
    pdf_bytes,
    pending_invitation,
    png_bytes,
    recruiter_of,
)

pytestmark = pytest.mark.django_db


def org_data(**overrides):
    data = {
        "name": "Northwind Labs",
        "website": "https://northwind.example",
        "country": "de",
        "size": Organization.Size.SMALL,
        "description": "Tools for non-profits.",
    }
    data.update(overrides)
    return data


def invitation_path(invitation: Invitation) -> str:
    [email] = OutboxEmail.objects.filter(key=f"accounts.invitation:{invitation.pk}")
    return urlparse(re.search(r"https?://\S+", email.body_text).group(0)).path


# --- onboarding ----------------------------------------------------------------------------------


def test_employer_creates_an_organization_with_a_logo_and_becomes_owner(client):
    employer = EmployerFactory()
    client.force_login(employer)
    logo = SimpleUploadedFile("logo.jpg", png_bytes(size=(1200, 600), fmt="JPEG"), content_type="image/jpeg")
    response = client.post(reverse("accounts:organization_create"), org_data(logo=logo))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:organization")
    organization = Organization.objects.get(name="Northwind Labs")
    assert organization.slug == "northwind-labs" and organization.country == "DE"
    assert organization.verification == Organization.Verification.UNVERIFIED
    assert Membership.objects.get(user=employer).role == Membership.Role.OWNER
    # Re-encoded as a PNG of at most 512 px.
    from PIL import Image

    with organization.logo.open("rb") as fh, Image.open(fh) as image:
        assert image.format == "PNG" and max(image.size) == 512
    logo_response = client.get(reverse("accounts:organization_logo", args=[organization.slug]))
    assert logo_response.status_code == 200 and logo_response["Content-Type"] == "image/png"
    # A second organization is not possible: onboarding now redirects to the organization.
    assert client.get(reverse("accounts:organization_create"))["Location"] == reverse("accounts:organization")


def test_pdf_renamed_as_a_logo_is_refused_and_nothing_is_created(client):
    employer = EmployerFactory()
    client.force_login(employer)
    fake = SimpleUploadedFile("logo.png", pdf_bytes(), content_type="image/png")
    response = client.post(reverse("accounts:organization_create"), org_data(logo=fake))
    assert response.status_code == 200
    assert "must be an image" in response.context["form"].errors["logo"][0]
    assert not Organization.objects.exists() and not Membership.objects.exists()


@override_settings(LOGO_MAX_BYTES=1000)
def test_oversized_logo_is_refused(client):
    client.force_login(EmployerFactory())
    big = SimpleUploadedFile("logo.png", png_bytes(size=(600, 600), fmt="BMP"), content_type="image/png")
    response = client.post(reverse("accounts:organization_create"), org_data(logo=big))
    assert "too large" in response.context["form"].errors["logo"][0]
    assert not Organization.objects.exists()


def test_missing_fields_and_bad_country_are_form_errors(client):
    client.force_login(EmployerFactory())
    response = client.post(reverse("accounts:organization_create"), org_data(name="", country="Germany", size=""))
    assert set(response.context["form"].errors) == {"name", "country", "size"}


@pytest.mark.parametrize("factory", [StudentFactory, SiteStaffFactory])
def test_only_employers_onboard(client, factory):
    client.force_login(factory())
    assert client.get(reverse("accounts:organization_create")).status_code == 403
    assert client.post(reverse("accounts:organization_create"), org_data()).status_code == 403
    assert not Organization.objects.exists()


def test_owner_edits_the_organization_and_a_recruiter_cannot(client):
    owner = owner_of("Acme")
    organization = owner.membership.organization
    recruiter = recruiter_of(organization)
    client.force_login(recruiter)
    assert client.get(reverse("accounts:organization_edit")).status_code == 403
    client.force_login(owner)
    response = client.post(reverse("accounts:organization_edit"), org_data(name="Acme Remote"))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Acme Remote"


# --- invitations ---------------------------------------------------------------------------------


def test_owner_invites_a_recruiter_who_signs_up_through_the_link(client, django_capture_on_commit_callbacks):
    owner = owner_of("Acme")
    client.force_login(owner)
    response = client.post(reverse("accounts:organization_invite"), {"email": "Rec@Example.org"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "rec@example.org" and invitation.role == Membership.Role.RECRUITER
    assert invitation.expires_at - timezone.now() > timedelta(days=6)
    path = invitation_path(invitation)

    client.logout()
    landing = client.get(path)
    assert landing.status_code == 200 and b"Create my account" in landing.content
    signup = client.post(
        reverse("accounts:invitation_signup", args=[invitation.token]),
        {"name": "Rui Costa", "password1": "A-long-enough-pass-91", "password2": "A-long-enough-pass-91"},
    )
    assert signup.status_code == 302 and signup["Location"] == reverse("accounts:organization")
    recruiter = User.objects.get(email="rec@example.org")
    assert recruiter.role == Role.EMPLOYER
    assert recruiter.membership.organization == owner.membership.organization
    assert recruiter.membership.role == Membership.Role.RECRUITER
    assert EmailAddress.objects.get(user=recruiter).verified
    assert client.get(reverse("accounts:organization")).status_code == 200

    # The link is single use.
    client.logout()
    reused = client.get(path)
    assert reused.status_code == 410 and b"already been used" in reused.content
    again = client.post(
        reverse("accounts:invitation_signup", args=[invitation.token]),
        {"name": "X", "password1": "A-long-enough-pass-91", "password2": "A-long-enough-pass-91"},
    )
    assert again.status_code == 410
    assert User.objects.filter(email="rec@example.org").count() == 1


def test_existing_employer_without_organization_accepts_after_signing_in(client):
    owner = owner_of("Acme")
    employer = EmployerFactory(email="free@example.org")
    invitation = pending_invitation(organization=owner.membership.organization, email="free@example.org")
    landing = client.get(reverse("accounts:invitation", args=[invitation.token]))
    assert b"Sign in to accept" in landing.content
    client.force_login(employer)
    response = client.post(reverse("accounts:invitation", args=[invitation.token]))
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.membership.organization == owner.membership.organization
    second = client.post(reverse("accounts:invitation", args=[invitation.token]))
    assert second.status_code == 410


def test_expired_invitation_link_is_refused(client):
    owner = owner_of("Acme")
    invitation = pending_invitation(organization=owner.membership.organization)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        page = client.get(invitation_path(invitation))
        assert page.status_code == 410 and b"expired" in page.content
        response = client.post(
            reverse("accounts:invitation_signup", args=[invitation.token]),
            {"name": "Late", "password1": "A-long-enough-pass-91", "password2": "A-long-enough-pass-91"},
        )
        assert response.status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_expired_invitation_cannot_be_accepted_by_a_signed_in_employer(client):
    owner = owner_of("Acme")
    employer = EmployerFactory(email="late@example.org")
    invitation = expired_invitation(organization=owner.membership.organization, email="late@example.org")
    client.force_login(employer)
    response = client.post(reverse("accounts:invitation", args=[invitation.token]))
    assert response.status_code == 410
    assert not Membership.objects.filter(user=employer).exists()


def test_a_new_invitation_revokes_the_previous_link(client):
    owner = owner_of("Acme")
    first = pending_invitation(organization=owner.membership.organization, email="x@example.org")
    second = pending_invitation(organization=owner.membership.organization, email="x@example.org")
    assert client.get(reverse("accounts:invitation", args=[first.token])).status_code == 410
    assert client.get(reverse("accounts:invitation", args=[second.token])).status_code == 200


def test_owner_withdraws_an_invitation(client):
    owner = owner_of("Acme")
    invitation = pending_invitation(organization=owner.membership.organization)
    client.force_login(owner)
    assert client.post(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code == 302
    client.logout()
    page = client.get(reverse("accounts:invitation", args=[invitation.token]))
    assert page.status_code == 410 and b"withdrawn" in page.content


def test_unknown_invitation_token_is_404(client, db):
    assert client.get(reverse("accounts:invitation", args=["nope"])).status_code == 404


def test_invitation_for_another_address_is_refused(client):
    owner = owner_of("Acme")
    invitation = pending_invitation(organization=owner.membership.organization, email="right@example.org")
    intruder = EmployerFactory(email="wrong@example.org")
    client.force_login(intruder)
    response = client.post(reverse("accounts:invitation", args=[invitation.token]))
    assert response.status_code == 403 and b"sign in with that address" in response.content
    assert not Membership.objects.filter(user=intruder).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_student_account_cannot_join_an_organization(client):
    owner = owner_of("Acme")
    student = StudentFactory(email="stu@example.org")
    invitation = pending_invitation(organization=owner.membership.organization, email="stu@example.org")
    client.force_login(student)
    response = client.post(reverse("accounts:invitation", args=[invitation.token]))
    assert response.status_code == 403 and b"not one" in response.content
    assert not Membership.objects.filter(user=student).exists()


def test_member_of_another_organization_cannot_join_a_second(client):
    owner = owner_of("Acme")
    other_owner = owner_of("Other", email="busy@example.org")
    invitation = pending_invitation(organization=owner.membership.organization, email="busy@example.org")
    client.force_login(other_owner)
    response = client.post(reverse("accounts:invitation", args=[invitation.token]))
    assert response.status_code == 403
    assert other_owner.membership.organization.name == "Other"


def test_invitation_form_errors(client):
    owner = owner_of("Acme")
    recruiter = recruiter_of(owner.membership.organization, email="already@example.org")
    client.force_login(owner)
    bad = client.post(reverse("accounts:organization_invite"), {"email": "someone@bad..domain"})
    assert bad.status_code == 400 and bad.context["invite_form"].errors["email"]
    member = client.post(reverse("accounts:organization_invite"), {"email": recruiter.email})
    assert member.status_code == 400 and "already a member" in member.context["invite_form"].errors["email"][0]
    assert Invitation.objects.count() == 1  # only the one that made the recruiter


def test_invitation_signup_refuses_mismatched_passwords_and_saves_nothing(client):
    owner = owner_of("Acme")
    invitation = pending_invitation(organization=owner.membership.organization)
    response = client.post(
        reverse("accounts:invitation_signup", args=[invitation.token]),
        {"name": "N", "password1": "A-long-enough-pass-91", "password2": "Different-pass-91"},
    )
    assert response.status_code == 200 and response.context["form"].errors["password2"]
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# --- members -------------------------------------------------------------------------------------


def test_owner_removes_a_recruiter_but_not_themselves(client):
    owner = owner_of("Acme")
    recruiter = recruiter_of(owner.membership.organization)
    client.force_login(owner)
    client.post(reverse("accounts:membership_remove", args=[owner.membership.pk]))
    assert Membership.objects.filter(user=owner).exists()
    client.post(reverse("accounts:membership_remove", args=[recruiter.membership.pk]))
    assert not Membership.objects.filter(user=recruiter).exists()
    assert User.objects.filter(pk=recruiter.pk, is_active=True).exists()


def test_recruiter_cannot_remove_or_promote(client):
    owner = owner_of("Acme")
    organization = owner.membership.organization
    recruiter = recruiter_of(organization)
    other = recruiter_of(organization)
    client.force_login(recruiter)
    assert client.post(reverse("accounts:membership_remove", args=[other.membership.pk])).status_code == 403
    assert client.post(reverse("accounts:ownership_transfer", args=[recruiter.membership.pk])).status_code == 403
    assert Membership.objects.filter(organization=organization).count() == 3


def test_owner_of_another_organization_cannot_touch_our_members(client):
    owner = owner_of("Acme")
    recruiter = recruiter_of(owner.membership.organization)
    other_owner = owner_of("Other")
    client.force_login(other_owner)
    assert client.post(reverse("accounts:membership_remove", args=[recruiter.membership.pk])).status_code == 404
    assert client.post(reverse("accounts:ownership_transfer", args=[recruiter.membership.pk])).status_code == 404
    assert Membership.objects.filter(user=recruiter).exists()


def test_owner_transfers_ownership_and_the_new_owner_is_notified(client):
    owner = owner_of("Acme")
    organization = owner.membership.organization
    recruiter = recruiter_of(organization)
    client.force_login(owner)
    response = client.post(reverse("accounts:ownership_transfer", args=[recruiter.membership.pk]))
    assert response.status_code == 302
    roles = dict(Membership.objects.filter(organization=organization).values_list("user_id", "role"))
    assert roles == {owner.pk: Membership.Role.RECRUITER, recruiter.pk: Membership.Role.OWNER}
    assert Notification.objects.filter(recipient=recruiter, event="accounts.ownership_transferred").exists()
    # The former owner is now a recruiter and cannot manage.
    assert client.get(reverse("accounts:organization_edit")).status_code == 403


# --- verification --------------------------------------------------------------------------------


def test_site_staff_verify_an_organization_and_the_owner_is_notified(client):
    owner = owner_of("Acme")
    organization = owner.membership.organization
    staff = SiteStaffFactory()
    client.force_login(staff)
    page = client.get(reverse("accounts:staff_organizations"), {"verification": "unverified"})
    assert organization in page.context["page"].object_list
    response = client.post(
        reverse("accounts:staff_organization_verify", args=[organization.slug]),
        {"verification": "verified", "note": "Checked the company register.", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:staff_organizations")
    organization.refresh_from_db()
    assert organization.is_verified and organization.verified_at is not None
    notification = Notification.objects.get(recipient=owner, event="accounts.organization_verification")
    assert "verified" in notification.title
    email = OutboxEmail.objects.get(recipient=owner, event="accounts.organization_verification")
    assert "Checked the company register." in email.body_text

    client.post(
        reverse("accounts:staff_organization_verify", args=[organization.slug]),
        {"verification": "rejected", "note": "Website offline."},
    )
    organization.refresh_from_db()
    assert organization.verification == "rejected" and organization.verified_at is None
    assert Notification.objects.filter(recipient=owner, event="accounts.organization_verification").count() == 2


def test_admin_action_verifies_through_the_service(client):
    owner = owner_of("Acme")
    organization = owner.membership.organization
    admin = SiteStaffFactory(is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_organization_changelist"),
        {"action": "mark_verified", "_selected_action": [organization.pk]},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.is_verified
    assert Notification.objects.filter(recipient=owner, event="accounts.organization_verification").exists()


@pytest.mark.parametrize("factory", [StudentFactory, EmployerFactory])
def test_verification_pages_are_for_site_staff_only(client, factory):
    owner = owner_of("Acme")
    user = factory()
    client.force_login(user)
    assert client.get(reverse("accounts:staff_organizations")).status_code == 403
    response = client.post(
        reverse("accounts:staff_organization_verify", args=[owner.membership.organization.slug]),
        {"verification": "verified"},
    )
    assert response.status_code == 403
    assert not Organization.objects.get().is_verified


def test_an_owner_cannot_verify_their_own_organization(client):
    owner = owner_of("Acme")
    client.force_login(owner)
    response = client.post(
        reverse("accounts:staff_organization_verify", args=[owner.membership.organization.slug]),
        {"verification": "verified"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("count", [3, 30])
def test_staff_organization_list_has_constant_queries(client, django_assert_num_queries, count):
    for i in range(count):
        recruiter_of(owner_of(f"Org {i}").membership.organization)
    client.force_login(SiteStaffFactory())
    # session, user, count, page, unread notifications
    with django_assert_num_queries(5):
        response = client.get(reverse("accounts:staff_organizations"))
    rows = response.context["page"].object_list
    assert len(rows) == min(count, 25)
    assert all(row.member_count == 2 and row.owner_email for row in rows)


def test_service_refuses_transfer_to_a_member_of_another_organization(db):
    owner = owner_of("Acme")
    stranger = owner_of("Other")
    with pytest.raises(services.ValidationError):
        services.organization_transfer_ownership(
            organization=owner.membership.organization, to=stranger.membership, by=owner
        )
