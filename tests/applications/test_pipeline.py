"""The employer's pipeline: grouped by status, filters, bulk reject, response time, query counts."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Skill
from applications.models import Application, ApplicationStatusChange
from applications.selectors import response_time, response_time_days
from applications.services import application_transition
from notifications.models import OutboxEmail
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import InstitutionFactory, PublishedListingFactory, StudentFactory, member_of

pytestmark = pytest.mark.django_db


def _student(i, institution=None, country="DE", tz="Europe/Berlin", skills=()):
    student = StudentFactory(
        name=f"Applicant {i:03d}", profile={"country": country, "time_zone": tz, "institution": institution}
    )
    if skills:
        student.student_profile.skills.set(
            [Skill.objects.get_or_create(slug=s.lower(), defaults={"name": s})[0] for s in skills]
        )
    return student


def _fill(listing, n, institution=None):
    employer = member_of(listing)
    apps = []
    for i in range(n):
        app = SubmittedApplicationFactory(
            listing=listing, student=_student(i, institution=institution, skills=["Python", f"Skill{i % 4}"])
        )
        if i % 3 == 1:
            application_transition(application=app, to_status="shortlisted", user=employer)
        apps.append(app)
    return apps


def _pipeline_queries(client, django_assert_num_queries, listing, expected):
    url = reverse("applications:pipeline", args=[listing.pk])
    client.get(url)  # warm the session
    with django_assert_num_queries(expected):
        response = client.get(url + "?skill=python&overlap=1")
    assert response.status_code == 200
    return response


PIPELINE_QUERIES = 15


@pytest.mark.parametrize("size", [5, 50])
def test_pipeline_query_count_does_not_grow_with_applicants(client, django_assert_num_queries, size):
    listing = PublishedListingFactory(requires_resume=False, openings=3)
    _fill(listing, size, institution=InstitutionFactory(name="Lakeside"))
    client.force_login(member_of(listing))
    response = _pipeline_queries(client, django_assert_num_queries, listing, PIPELINE_QUERIES)
    page = response.content.decode()
    assert page.count('name="application"') == size
    assert "Applicant 000" in page and "Lakeside" in page


def test_pipeline_groups_by_status_and_filters(client):
    listing = PublishedListingFactory(requires_resume=False, openings=3, time_zone="Europe/Berlin")
    employer = member_of(listing)
    lakeside, sol = InstitutionFactory(name="Lakeside"), InstitutionFactory(name="Sol")
    berlin = SubmittedApplicationFactory(
        listing=listing, student=_student(1, lakeside, "DE", "Europe/Berlin", ["Python"])
    )
    tokyo = SubmittedApplicationFactory(listing=listing, student=_student(2, sol, "JP", "Asia/Tokyo", ["Figma"]))
    lagos = SubmittedApplicationFactory(listing=listing, student=_student(3, None, "NG", "Africa/Lagos", ["Python"]))
    application_transition(application=tokyo, to_status="interview", user=employer)
    client.force_login(employer)
    url = reverse("applications:pipeline", args=[listing.pk])

    def names(query):
        page = client.get(url + query).content.decode()
        return {n for n in ("Applicant 001", "Applicant 002", "Applicant 003") if n in page}

    page = client.get(url).content.decode()
    assert page.index("Applicant 001") < page.index("Applicant 003") < page.index("Applicant 002")
    assert names("?status=interview") == {"Applicant 002"}
    assert names("?skill=python") == {"Applicant 001", "Applicant 003"}
    assert names(f"?institution={sol.pk}") == {"Applicant 002"}
    assert names("?country=NG") == {"Applicant 003"}
    # Berlin 9–17 vs the applicant's 9–18: Tokyo overlaps about an hour at most, Lagos and Berlin most of the day.
    assert names("?overlap=6") == {"Applicant 001", "Applicant 003"}
    assert names("?country=not-a-country") == {"Applicant 001", "Applicant 002", "Applicant 003"}
    assert berlin.pk and lagos.pk


def test_bulk_reject_sends_one_message_to_each_selected_applicant(client):
    listing = PublishedListingFactory(requires_resume=False, openings=3)
    apps = [SubmittedApplicationFactory(listing=listing) for _ in range(3)]
    other_listing_app = SubmittedApplicationFactory()
    client.force_login(member_of(listing))
    response = client.post(
        reverse("applications:bulk_reject", args=[listing.pk]),
        {"application": [apps[0].pk, apps[1].pk, other_listing_app.pk], "message": "We chose someone else."},
    )
    assert response.status_code == 302
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert (statuses[apps[0].pk], statuses[apps[1].pk], statuses[apps[2].pk]) == ("rejected", "rejected", "submitted")
    assert statuses[other_listing_app.pk] == "submitted"
    for app in apps[:2]:
        emails = OutboxEmail.objects.filter(to_email=app.student.email, event="application.status_changed")
        assert emails.count() == 1 and "We chose someone else." in emails.get().body_text
        assert ApplicationStatusChange.objects.get(application=app, to_status="rejected").message == (
            "We chose someone else."
        )


def test_bulk_reject_without_a_selection_is_refused_clearly(client):
    listing = PublishedListingFactory(requires_resume=False)
    client.force_login(member_of(listing))
    response = client.post(reverse("applications:bulk_reject", args=[listing.pk]), {"message": "x"}, follow=True)
    assert "Select at least one applicant to reject." in response.content.decode()


def test_response_time_is_the_median_days_to_the_first_answer(client):
    listing = PublishedListingFactory(requires_resume=False, openings=3)
    other = PublishedListingFactory(requires_resume=False, organization=listing.organization)
    employer = member_of(listing)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        apps = [SubmittedApplicationFactory(listing=listing) for _ in range(3)]
        never = SubmittedApplicationFactory(listing=other)
    assert response_time_days(organization=listing.organization) is None
    for days, app in zip((1, 2, 9), apps, strict=True):
        with time_machine.travel(start + timedelta(days=days), tick=False):
            application_transition(application=app, to_status="in_review", user=employer)
            # A later move does not change the first answer.
            application_transition(application=app, to_status="shortlisted", user=employer)
    assert response_time_days(organization=listing.organization) == 2.0
    assert response_time_days(organization=listing.organization, listing=other) is None
    assert response_time(organization=listing.organization, listing=listing).answered == 3
    # A student's own withdrawal is not an answer.
    application_transition(application=never, to_status="withdrawn", user=never.student)
    assert response_time_days(organization=listing.organization, listing=other) is None

    detail = client.get(reverse("listings:detail", args=[listing.pk])).content.decode()
    assert "answers applicants in <strong>2 days</strong>" in detail
    client.force_login(employer)
    inbox = client.get(reverse("applications:employer_applicants")).content.decode()
    assert "2 days" in inbox


def _student_list_queries(client, django_assert_num_queries, student, expected):
    client.get(reverse("applications:list"))
    with django_assert_num_queries(expected):
        response = client.get(reverse("applications:list"))
    return response.content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_my_applications_query_count_does_not_grow(client, django_assert_num_queries, size):
    student = StudentFactory(profile={"country": "DE"})
    for i in range(size):
        app = SubmittedApplicationFactory(student=student, openings=2)
        if i % 2:
            application_transition(application=app, to_status="offered", user=member_of(app.listing))
            application_transition(application=app, to_status="accepted", user=student)
    client.force_login(student)
    page = _student_list_queries(client, django_assert_num_queries, student, 4)
    assert page.count("Placement ") == size // 2


@pytest.mark.parametrize("size", [2, 12])
def test_employer_applicants_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    listing = PublishedListingFactory(requires_resume=False, openings=size)
    other = PublishedListingFactory(requires_resume=False, organization=listing.organization, openings=size)
    employer = member_of(listing)
    for i in range(size):
        app = SubmittedApplicationFactory(listing=listing if i % 2 else other)
        if i % 3 == 0:
            application_transition(application=app, to_status="offered", user=employer)
            application_transition(application=app, to_status="accepted", user=app.student)
    client.force_login(employer)
    url = reverse("applications:employer_applicants")
    client.get(url)
    with django_assert_num_queries(7):
        page = client.get(url).content.decode()
    assert page.count("Former user") == 0 and listing.title in page
