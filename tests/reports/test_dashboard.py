"""Dashboard figures: counts, median response time, NACE rates, filters, charts and query counts."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from applications import services as application_services
from reports import services
from reports.models import OutcomeCategory
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import member_of
from tests.reports.factories import (
    CareerStaffFactory,
    CompletedPlacementFactory,
    InstitutionFactory,
    InstitutionStudentFactory,
    OrganizationFactory,
    PlacementFactory,
    PublishedListingFactory,
)

pytestmark = pytest.mark.django_db
C = OutcomeCategory


def at(day: int, month: int = 3):
    return time_machine.travel(datetime(2026, month, day, 9, tzinfo=UTC), tick=False)


def test_median_days_to_first_employer_response(client):
    institution = InstitutionFactory()
    staff = CareerStaffFactory(institution=institution)
    listing = PublishedListingFactory(requires_resume=False, openings=5)
    employer = member_of(listing)
    for waited in (1, 2, 6, None):
        student = InstitutionStudentFactory(institution=institution)
        with at(1):
            application = SubmittedApplicationFactory(listing=listing, student=student)
        if waited is not None:
            with at(1 + waited):
                application_services.application_transition(
                    application=application, to_status="in_review", user=employer
                )
    client.force_login(staff)
    with at(20):
        response = client.get(reverse("reports:dashboard"))
    figures = response.context["figures"]
    assert figures.median_response_days == pytest.approx(2.0)
    assert figures.responses_counted == 3
    assert dict(figures.applications_by_status)["In review"] == 3
    assert dict(figures.applications_by_status)["Submitted"] == 1
    assert figures.active_students == 4
    assert figures.applications_over_time == [("2026-03", 4)]
    assert 'data-figure="median-response">2.0<' in response.content.decode()


def test_knowledge_and_career_outcomes_rates(client):
    institution = InstitutionFactory()
    staff = CareerStaffFactory(institution=institution)
    graduates = [InstitutionStudentFactory(institution=institution, graduation_year=2025) for _ in range(6)]
    later = InstitutionStudentFactory(institution=institution, graduation_year=2027)
    with at(1, 1):
        services.outcome_record(user=staff, profile=graduates[4].student_profile, category=C.EMPLOYED_FULL_TIME)
    with at(1, 4):
        for student, category in zip(
            graduates,
            [C.EMPLOYED_FULL_TIME, C.SERVICE, C.NOT_SEEKING, C.SEEKING_EMPLOYMENT, C.NO_INFORMATION],
            strict=False,
        ):
            services.outcome_record(user=staff, profile=student.student_profile, category=category)
        services.outcome_record(user=staff, profile=later.student_profile, category=C.MILITARY)
    client.force_login(staff)
    with at(1, 6):
        response = client.get(reverse("reports:dashboard"))
    outcomes = response.context["figures"].outcomes
    # Six graduates; known: employed, service, not seeking, seeking (the fifth's latest is "no
    # information", the sixth has none). Career outcomes: 2 ÷ (4 − 1 not seeking).
    assert outcomes.graduates == 6
    assert outcomes.known == 4
    assert outcomes.knowledge_rate == pytest.approx(4 / 6)
    assert outcomes.career_outcomes_rate == pytest.approx(2 / 3)
    html = response.content.decode()
    assert 'data-figure="knowledge-rate">66.7 %<' in html
    assert 'data-figure="career-outcomes-rate">66.7 %<' in html


def test_filters_by_program_year_and_dates(client):
    institution = InstitutionFactory()
    staff = CareerStaffFactory(institution=institution)
    history = InstitutionStudentFactory(institution=institution, program="BA History", graduation_year=2025)
    physics = InstitutionStudentFactory(institution=institution, program="BSc Physics", graduation_year=2027)
    with at(1):
        PlacementFactory(student=history, field="research")
    with at(1, 9):
        CompletedPlacementFactory(student=physics, field="engineering", organization=OrganizationFactory(country="CA"))
    client.force_login(staff)
    with at(1, 10):
        every = client.get(reverse("reports:dashboard")).context["figures"]
        assert (every.students, every.placements_active, every.placements_completed) == (2, 1, 1)
        assert dict(every.employer_countries) == {"DE": 1, "CA": 1}
        by_program = client.get(reverse("reports:dashboard"), {"program": "BSc Physics"}).context["figures"]
        assert (by_program.students, by_program.placements_active, by_program.placements_completed) == (1, 0, 1)
        assert by_program.placements_by_field == [("Engineering", 1)]
        by_year = client.get(reverse("reports:dashboard"), {"graduation_year": "2025"}).context["figures"]
        assert by_year.placements_by_field == [("Research", 1)]
        in_march = client.get(reverse("reports:dashboard"), {"date_from": "2026-03-01", "date_to": "2026-03-31"})
        figures = in_march.context["figures"]
        assert (figures.applications_total, figures.active_students, figures.students) == (1, 1, 2)
        bad = client.get(reverse("reports:dashboard"), {"date_from": "2026-05-01", "date_to": "2026-01-01"})
        assert bad.status_code == 200
        assert "on or after its start" in bad.content.decode()
        unknown = client.get(reverse("reports:dashboard"), {"program": "Not a program"})
        assert unknown.status_code == 200
        assert unknown.context["form"].errors["program"]


def test_charts_have_data_tables(client, campus):
    client.force_login(campus.staff_a)
    html = client.get(reverse("reports:dashboard")).content.decode()
    for key in ("fields", "compensation", "countries", "over-time"):
        assert f'data-chart="{key}"' in html
    assert html.count('role="img"') == 4
    assert "<script" not in html.split("<main")[1].split("</main>")[0]


def _grow(institution, n: int) -> None:
    org = OrganizationFactory(country="FR")
    for i in range(n):
        student = InstitutionStudentFactory(institution=institution, program=f"Program {i % 3}")
        PlacementFactory(student=student, organization=org, field=["research", "marketing", "writing"][i % 3])


@pytest.mark.parametrize("extra", [0, 6])
def test_dashboard_query_count_does_not_grow(client, campus, django_assert_num_queries, extra):
    _grow(campus.a, extra)
    client.force_login(campus.staff_a)
    # session, user, membership, filter choices, institution, nine figure queries, two evaluation
    # figure queries, unread notifications
    with django_assert_num_queries(17):
        response = client.get(reverse("reports:dashboard"), {"graduation_year": "2026"})
    assert response.status_code == 200
    with django_assert_num_queries(17):
        client.get(reverse("reports:dashboard"))


@pytest.mark.parametrize("extra", [0, 6])
def test_placement_report_page_query_count_does_not_grow(client, campus, django_assert_num_queries, extra):
    _grow(campus.a, extra)
    client.force_login(campus.staff_a)
    # session, user, membership, filter choices, count, the page of rows (only the columns shown),
    # recent exports, unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:placements"))
    html = response.content.decode()
    assert len(response.context["page"]) == 1 + extra
    assert "Alice Alpha" in html and "BA History" in html and "Northwind" in html and "Alpha listing" in html
