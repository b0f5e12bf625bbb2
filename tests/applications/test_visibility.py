"""Nobody reads another student's application, notes or résumé, or another organization's applicants."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications.services import application_note_add
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import CareerServicesFactory, EmployerFactory, StaffFactory, StudentFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    application = SubmittedApplicationFactory(cover_letter="Secret cover letter")
    application_note_add(
        application=application, author=member_of(application.listing), body="Strong candidate, private"
    )
    return application


def test_student_sees_own_application_without_the_team_notes(client, application):
    client.force_login(application.student)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Secret cover letter" in page
    assert "Strong candidate, private" not in page
    response = client.get(reverse("applications:resume", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # The employer's pages are not the student's, even for their own application.
    assert client.get(reverse("applications:employer_detail", args=[application.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(application.student)
    body = api.get(reverse("v1:application-detail", args=[application.pk])).json()
    assert body["cover_letter"] == "Secret cover letter" and "notes" not in body


def test_student_never_sees_another_students_application_notes_or_resume(client, application):
    other = StudentFactory()
    client.force_login(other)
    for name in ("applications:detail", "applications:resume", "applications:employer_detail"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 404, name
    listing_page = client.get(reverse("applications:list")).content.decode()
    assert application.listing.title not in listing_page
    api = APIClient()
    api.force_authenticate(other)
    assert api.get(reverse("v1:application-detail", args=[application.pk])).status_code == 404
    assert api.get(reverse("v1:application-list")).json()["count"] == 0


def test_employer_of_the_listing_sees_everything_of_the_applicant(client, application):
    client.force_login(member_of(application.listing))
    page = client.get(reverse("applications:employer_detail", args=[application.pk])).content.decode()
    assert "Secret cover letter" in page and "Strong candidate, private" in page
    assert client.get(reverse("applications:resume", args=[application.pk])).status_code == 200
    pipeline = client.get(reverse("applications:pipeline", args=[application.listing.pk])).content.decode()
    assert application.student.get_full_name() in pipeline


def test_employer_never_sees_another_organizations_applicants(client, application):
    stranger = EmployerFactory()
    client.force_login(stranger)
    for name, pk in (
        ("applications:employer_detail", application.pk),
        ("applications:resume", application.pk),
        ("applications:pipeline", application.listing.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.post(reverse("applications:bulk_reject", args=[application.listing.pk]), {}).status_code == 404
    inbox = client.get(reverse("applications:employer_applicants")).content.decode()
    assert application.listing.title not in inbox
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get(reverse("v1:employer-listing-applications", args=[application.listing.pk])).status_code == 404


@pytest.mark.parametrize("role", ["careers", "staff", "student"])
def test_other_roles_have_no_employer_pages(client, application, role):
    user = {"careers": CareerServicesFactory, "staff": StaffFactory, "student": StudentFactory}[role]()
    client.force_login(user)
    assert client.get(reverse("applications:employer_applicants")).status_code == 403
    assert client.get(reverse("applications:pipeline", args=[application.listing.pk])).status_code == 404
    assert client.get(reverse("applications:employer_detail", args=[application.pk])).status_code == 404
    assert client.get(reverse("applications:resume", args=[application.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(user)
    assert api.get(reverse("v1:employer-listing-applications", args=[application.listing.pk])).status_code == 403


@pytest.mark.parametrize("role", ["careers", "employer"])
def test_my_applications_is_for_students_only(client, role):
    user = CareerServicesFactory() if role == "careers" else EmployerFactory()
    client.force_login(user)
    assert client.get(reverse("applications:list")).status_code == 403
    api = APIClient()
    api.force_authenticate(user)
    # The API's collection is scoped by role: an organization's applicants for its members.
    assert api.get(reverse("v1:application-list")).status_code == (403 if role == "careers" else 200)


def test_anonymous_is_sent_to_log_in(client, application):
    for name, pk in (
        ("applications:list", None),
        ("applications:detail", application.pk),
        ("applications:resume", application.pk),
        ("applications:pipeline", application.listing.pk),
    ):
        response = client.get(reverse(name, args=[pk] if pk else []))
        assert response.status_code == 302 and "/accounts/login/" in response.url
