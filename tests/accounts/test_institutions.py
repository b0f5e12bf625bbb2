"""Institutions: link requests approved by that institution's staff, career-services invitations by
site staff or existing staff, and nobody else."""

import pytest
from django.urls import reverse

from accounts.models import CareerServicesMembership, InstitutionLinkRequest, Invitation, Role, StudentProfile, User
from notifications.models import Notification
from tests.accounts.factories import (
    CareerServicesFactory,
    EmployerFactory,
    InstitutionFactory,
    LinkedStudentFactory,
    SiteStaffFactory,
    StudentFactory,
    expired_invitation,
    pending_invitation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def institution():
    return InstitutionFactory(name="Lakeside University", domain="lakeside.edu")


@pytest.fixture
def careers(institution):
    return CareerServicesFactory(institution=institution)


def request_link(client, student, institution, **extra):
    client.force_login(student)
    return client.post(
        reverse("accounts:institution_link_request"),
        {"institution": institution.pk, "student_number": "LU-1", "message": "Distance learner", **extra},
    )


def test_student_requests_a_link_and_staff_are_notified(client, institution, careers):
    student = StudentFactory(email="priya@gmail.example")
    response = request_link(client, student, institution)
    assert response.status_code == 302
    link_request = InstitutionLinkRequest.objects.get()
    assert link_request.status == "pending" and link_request.student_number == "LU-1"
    profile = StudentProfile.objects.get(user=student)
    assert profile.institution_link == StudentProfile.LinkStatus.REQUESTED and profile.institution is None
    assert Notification.objects.filter(recipient=careers, event="accounts.link_requested").exists()
    page = client.get(reverse("accounts:profile"))
    assert b"pending" in page.content
    # A second pending request is refused.
    again = request_link(client, student, InstitutionFactory())
    assert again.status_code == 200 and again.context["link_request"] is not None
    assert InstitutionLinkRequest.objects.count() == 1


def test_staff_approve_and_the_student_is_linked_and_told(client, institution, careers):
    student = StudentFactory()
    request_link(client, student, institution)
    link_request = InstitutionLinkRequest.objects.get()
    client.force_login(careers)
    page = client.get(reverse("accounts:institution", args=[institution.slug]))
    assert link_request in page.context["link_requests"]
    response = client.post(reverse("accounts:link_request_decide", args=[link_request.pk]), {"decision": "approve"})
    assert response.status_code == 302
    profile = StudentProfile.objects.get(user=student)
    assert profile.institution == institution and profile.institution_link == StudentProfile.LinkStatus.APPROVED
    assert profile.student_number == "LU-1"
    assert Notification.objects.filter(recipient=student, event="accounts.link_decided").exists()
    # Deciding twice changes nothing.
    client.post(reverse("accounts:link_request_decide", args=[link_request.pk]), {"decision": "reject"})
    link_request.refresh_from_db()
    assert link_request.status == "approved"


def test_staff_reject_and_the_student_stays_independent(client, institution, careers):
    student = StudentFactory()
    request_link(client, student, institution)
    link_request = InstitutionLinkRequest.objects.get()
    client.force_login(careers)
    client.post(reverse("accounts:link_request_decide", args=[link_request.pk]), {"decision": "reject"})
    profile = StudentProfile.objects.get(user=student)
    assert profile.institution is None and profile.institution_link == StudentProfile.LinkStatus.NONE
    link_request.refresh_from_db()
    assert link_request.status == "rejected" and link_request.decided_by == careers


def test_linked_student_cannot_request_another_institution(client, institution):
    student = LinkedStudentFactory(profile={"institution": institution})
    response = request_link(client, student, InstitutionFactory())
    assert response.status_code == 200
    assert not InstitutionLinkRequest.objects.exists()


@pytest.mark.parametrize("who", ["other_staff", "site_staff", "student", "employer"])
def test_only_the_institutions_own_staff_decide_link_requests(client, institution, careers, who):
    student = StudentFactory()
    request_link(client, student, institution)
    link_request = InstitutionLinkRequest.objects.get()
    user = {
        "other_staff": lambda: CareerServicesFactory(),
        "site_staff": lambda: SiteStaffFactory(),
        "student": lambda: StudentFactory(),
        "employer": lambda: EmployerFactory(),
    }[who]()
    client.force_login(user)
    response = client.post(reverse("accounts:link_request_decide", args=[link_request.pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert StudentProfile.objects.get(user=student).institution is None


@pytest.mark.parametrize("inviter", ["site_staff", "institution_staff"])
def test_career_services_staff_are_invited_and_sign_up_through_the_link(client, institution, careers, inviter):
    by = SiteStaffFactory() if inviter == "site_staff" else careers
    client.force_login(by)
    response = client.post(
        reverse("accounts:institution_invite", args=[institution.slug]), {"email": "new@lakeside.edu"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(kind=Invitation.Kind.CAREER_SERVICES)
    client.logout()
    signup = client.post(
        reverse("accounts:invitation_signup", args=[invitation.token]),
        {"name": "Noor Haddad", "password1": "A-long-enough-pass-91", "password2": "A-long-enough-pass-91"},
    )
    assert signup.status_code == 302 and signup["Location"] == reverse("accounts:institution", args=[institution.slug])
    user = User.objects.get(email="new@lakeside.edu")
    assert user.role == Role.CAREER_SERVICES
    assert user.career_services.institution == institution
    # The reused link is refused.
    assert client.get(reverse("accounts:invitation", args=[invitation.token])).status_code == 410


def test_expired_career_services_invitation_is_refused(client, institution):
    invitation = expired_invitation(institution=institution, email="late@lakeside.edu")
    response = client.post(
        reverse("accounts:invitation_signup", args=[invitation.token]),
        {"name": "Late", "password1": "A-long-enough-pass-91", "password2": "A-long-enough-pass-91"},
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="late@lakeside.edu").exists()


def test_student_account_cannot_accept_a_career_services_invitation(client, institution):
    student = StudentFactory(email="stu@lakeside.edu")
    invitation = pending_invitation(institution=institution, email="stu@lakeside.edu")
    client.force_login(student)
    response = client.post(reverse("accounts:invitation", args=[invitation.token]))
    assert response.status_code == 403
    assert not CareerServicesMembership.objects.filter(user=student).exists()


@pytest.mark.parametrize("who", ["other_staff", "student", "employer"])
def test_others_cannot_see_or_invite_to_an_institution(client, institution, careers, who):
    user = {"other_staff": CareerServicesFactory, "student": StudentFactory, "employer": EmployerFactory}[who]()
    client.force_login(user)
    assert client.get(reverse("accounts:institution", args=[institution.slug])).status_code == 404
    response = client.post(reverse("accounts:institution_invite", args=[institution.slug]), {"email": "x@y.org"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_other_institution_staff_cannot_revoke_our_invitation(client, institution, careers):
    invitation = pending_invitation(institution=institution, by=careers)
    client.force_login(CareerServicesFactory())
    assert client.post(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_my_institution_redirects_staff_and_refuses_others(client, institution, careers):
    client.force_login(careers)
    assert client.get(reverse("accounts:my_institution"))["Location"] == reverse(
        "accounts:institution", args=[institution.slug]
    )
    client.force_login(StudentFactory())
    assert client.get(reverse("accounts:my_institution")).status_code == 403


def test_malformed_institution_domain_is_refused_in_the_admin(client):
    admin = SiteStaffFactory(is_superuser=True)
    client.force_login(admin)
    data = {
        "name": "Harbor College",
        "slug": "harbor",
        "country": "CA",
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-domain": "harbor..edu",
    }
    response = client.post(reverse("admin:accounts_institution_add"), data)
    assert response.status_code == 200
    assert "is not a valid email domain" in response.content.decode()
    from accounts.models import Institution

    assert not Institution.objects.filter(slug="harbor").exists()
    data["domains-0-domain"] = "@Harbor.EDU"
    assert client.post(reverse("admin:accounts_institution_add"), data).status_code == 302
    assert Institution.objects.get(slug="harbor").domains.get().domain == "harbor.edu"


@pytest.mark.parametrize("count", [2, 20])
def test_institution_page_has_constant_queries(client, institution, careers, django_assert_num_queries, count):
    for _ in range(count):
        student = StudentFactory()
        InstitutionLinkRequest.objects.create(student=student, institution=institution)
        CareerServicesFactory(institution=institution)
    client.force_login(careers)
    # session, user, institution, the viewer's membership and its institution, domains, staff,
    # requests, invitations, student count, unread notifications
    with django_assert_num_queries(11):
        response = client.get(reverse("accounts:institution", args=[institution.slug]))
    assert len(response.context["link_requests"]) == count
