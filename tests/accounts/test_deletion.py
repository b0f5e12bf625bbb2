"""Account deletion: personal data removed, the user row kept anonymised so counts stay true."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts import services
from accounts.models import Membership, Organization, StudentProfile, User
from applications.models import Application
from notifications.models import Notification
from tests.accounts.factories import LinkedStudentFactory, owner_of, pdf_upload, recruiter_of
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import PublishedListingFactory

pytestmark = pytest.mark.django_db


def test_student_deletes_their_account_and_personal_data_goes(client, django_capture_on_commit_callbacks):
    student = LinkedStudentFactory(email="amara@example.org", profile={"country": "DE", "time_zone": "Europe/Berlin"})
    profile = StudentProfile.objects.get(user=student)
    services.student_profile_update(profile=profile, name="Amara Okafor", skills=["Python"], resume=pdf_upload())
    resume = StudentProfile.objects.get(user=student).resume
    owner = owner_of("Acme", verification=Organization.Verification.VERIFIED)
    listing = PublishedListingFactory(organization=owner.membership.organization, actor=owner, requires_resume=False)
    application = SubmittedApplicationFactory(listing=listing, student=student)
    client.force_login(student)

    wrong = client.post(reverse("accounts:account_delete"), {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["password"]
    assert User.objects.get(pk=student.pk).anonymised_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:account_delete"), {"password": "correct-horse-battery", "confirm": "on"}
        )
    assert response.status_code == 302
    user = User.objects.get(pk=student.pk)
    assert user.anonymised_at is not None and not user.is_active and not user.has_usable_password()
    assert user.name == "" and "amara" not in user.email
    assert not StudentProfile.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Notification.objects.filter(recipient=user).exists()
    assert not resume.storage.exists(resume.name)
    # The application row stays, as a count, pointing at the anonymised user, without what they wrote.
    kept = Application.objects.get(pk=application.pk, listing=listing)
    assert kept.cover_letter == "" and kept.answers == {} and not kept.resume
    assert kept.status == application.status
    # Signed out, and the old credentials no longer work.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert not client.login(email="amara@example.org", password="correct-horse-battery")
    # The address is free again.
    assert not User.objects.filter(email__iexact="amara@example.org").exists()


def test_owner_with_members_must_transfer_ownership_first(client):
    owner = owner_of("Acme")
    recruiter_of(owner.membership.organization)
    client.force_login(owner)
    response = client.post(reverse("accounts:account_delete"), {"password": "correct-horse-battery", "confirm": "on"})
    assert response.status_code == 200
    assert "transfer the ownership" in response.content.decode()
    assert User.objects.get(pk=owner.pk).anonymised_at is None
    assert Membership.objects.filter(user=owner).exists()


def test_recruiter_deletes_their_account_and_leaves_the_organization(client):
    owner = owner_of("Acme")
    recruiter = recruiter_of(owner.membership.organization)
    client.force_login(recruiter)
    client.post(reverse("accounts:account_delete"), {"password": "correct-horse-battery", "confirm": "on"})
    assert not Membership.objects.filter(user=recruiter).exists()
    assert Membership.objects.filter(organization=owner.membership.organization).count() == 1


def test_deleting_twice_is_harmless(db):
    student = LinkedStudentFactory()
    services.user_delete(user=student)
    again = services.user_delete(user=student)
    assert again.anonymised_at is not None


def test_confirmation_checkbox_is_required(client):
    student = LinkedStudentFactory()
    client.force_login(student)
    response = client.post(reverse("accounts:account_delete"), {"password": "correct-horse-battery"})
    assert response.status_code == 200 and response.context["form"].errors["confirm"]
    assert User.objects.get(pk=student.pk).is_active
