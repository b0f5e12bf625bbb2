"""Sign-up by role, mandatory email verification, institution auto-linking, password reset and
change, login rate limits: all through the pages, emails read from the notifications outbox."""

import re
import uuid
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Role, StudentProfile, User
from notifications.models import OutboxEmail
from tests.accounts.factories import InstitutionFactory, StudentFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-and-unusual-passphrase-42"


def unique(address: str) -> str:
    """allauth rate-limits verification emails per address in the shared cache (one per 3 minutes):
    every test, and every run, uses addresses of its own."""
    local, domain = address.split("@")
    return f"{local}.{uuid.uuid4().hex[:10]}@{domain}"


def signup(client, *, email=None, name="Amara Okafor", role="student", password=PASSWORD):
    email = email or unique("amara@example.org")
    return client.post(
        reverse("account_signup"),
        {"name": name, "email": email, "role": role, "password1": password, "password2": password},
    )


def link_in(email: OutboxEmail) -> str:
    url = re.search(r"https?://\S+", email.body_text).group(0)
    return urlparse(url).path


def confirm(client, email_address: str):
    [message] = OutboxEmail.objects.filter(to_email=email_address, subject__icontains="confirm")
    path = link_in(message)
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path)


def test_student_signs_up_gets_a_verification_email_and_is_not_signed_in_until_verified(client):
    email = unique("amara@example.org")
    response = signup(client, email=email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email=email)
    assert (user.name, user.role) == ("Amara Okafor", Role.STUDENT)
    assert StudentProfile.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("accounts:profile")).status_code == 302  # not signed in
    [message] = OutboxEmail.objects.filter(to_email=email)
    assert message.event == "account.email" and message.status == OutboxEmail.Status.PENDING
    assert "/accounts/confirm-email/" in message.body_text

    # Signing in before verifying only re-sends to the verification page.
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_following_the_verification_link_verifies_and_signs_the_student_in_to_the_profile(client):
    email = unique("amara@example.org")
    signup(client, email=email)
    response = confirm(client, email)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:next_step")
    assert client.get(response["Location"])["Location"] == reverse("accounts:profile")
    assert EmailAddress.objects.get(email=email).verified
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert page.context["completeness"].percent < 100


def test_employer_signs_up_verifies_and_is_sent_to_organization_onboarding(client):
    email = unique("lena@northwind.example")
    signup(client, email=email, name="Lena Fischer", role="employer")
    user = User.objects.get(email=email)
    assert user.role == Role.EMPLOYER
    assert not StudentProfile.objects.filter(user=user).exists()
    response = confirm(client, email)
    assert client.get(response["Location"])["Location"] == reverse("accounts:organization_create")
    assert client.get(reverse("accounts:organization")).url == reverse("accounts:organization_create")


def test_verified_address_at_an_institution_domain_links_the_student_automatically(client):
    email = unique("wei@cs.lakeside.edu")
    institution = InstitutionFactory(domain="lakeside.edu")
    signup(client, email=email)
    profile = StudentProfile.objects.get(user__email=email)
    assert profile.institution is None  # not before verification
    confirm(client, email)
    profile.refresh_from_db()
    assert profile.institution == institution
    assert profile.institution_link == StudentProfile.LinkStatus.DOMAIN


def test_address_at_a_lookalike_domain_is_not_linked(client):
    email = unique("mallory@notlakeside.edu")
    InstitutionFactory(domain="lakeside.edu")
    signup(client, email=email)
    confirm(client, email)
    profile = StudentProfile.objects.get(user__email=email)
    assert profile.institution is None and profile.institution_link == StudentProfile.LinkStatus.NONE


def test_duplicate_email_in_any_case_is_a_form_error_and_saves_nothing(client):
    StudentFactory(email="taken@example.org")
    emails_before = OutboxEmail.objects.count()
    response = signup(client, email="Taken@Example.org")
    assert response.status_code == 200
    errors = response.context["form"].errors["email"]
    assert any("already" in e for e in errors)
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert OutboxEmail.objects.count() == emails_before


@pytest.mark.parametrize("email", ["amara@lakeside..edu", "amara@-lakeside.edu", "amara@lake side.edu", "amara@"])
def test_malformed_email_domain_is_a_form_error_and_saves_nothing(client, email):
    response = signup(client, email=email)
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert b"invalid-feedback" in response.content
    assert User.objects.count() == 0 and OutboxEmail.objects.count() == 0


def test_career_services_role_is_not_self_serve(client):
    response = signup(client, role=Role.CAREER_SERVICES)
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert User.objects.count() == 0


def test_missing_name_and_weak_password_are_form_errors(client):
    response = signup(client, name="  ", password="12345678")
    form = response.context["form"]
    assert form.errors["name"] and form.errors["password1"]
    assert User.objects.count() == 0


def test_signup_page_offers_the_two_roles_with_labels(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert 'for="id_name"' in page and "A student or graduate" in page and "An employer" in page
    assert "Career services" not in page


def test_password_reset_by_emailed_link(client):
    email = unique("reset@example.org")
    user = StudentFactory(email=email)
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302
    [message] = OutboxEmail.objects.filter(to_email=email)
    path = link_in(message)
    page = client.get(path, follow=True)
    assert page.status_code == 200
    form_path = page.redirect_chain[-1][0] if page.redirect_chain else path
    new = "Another-long-passphrase-77"
    done = client.post(form_path, {"password1": new, "password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # The link is spent.
    again = client.get(path, follow=True)
    assert b"token" in again.content.lower() or again.status_code in (400, 404) or b"invalid" in again.content.lower()


def test_password_change(client):
    user = StudentFactory()
    client.force_login(user)
    new = "Brand-new-passphrase-2024"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": "correct-horse-battery", "password1": new, "password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    wrong = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": "x-Y-z-123456", "password2": "x-Y-z-123456"},
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["oldpassword"]


def test_login_is_rate_limited_after_repeated_failures_for_one_account(client):
    email = unique("target@example.org")
    StudentFactory(email=email)
    for _ in range(5):
        failed = client.post(reverse("account_login"), {"login": email, "password": "wrong"})
        assert failed.status_code == 200 and not failed.wsgi_request.user.is_authenticated
    blocked = client.post(reverse("account_login"), {"login": email, "password": "correct-horse-battery"})
    assert not blocked.wsgi_request.user.is_authenticated
    assert b"Too many failed login attempts" in blocked.content


def test_login_with_the_right_password_works(client):
    email = unique("fine@example.org")
    StudentFactory(email=email, profile={})
    response = client.post(reverse("account_login"), {"login": email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
