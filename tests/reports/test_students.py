"""Student list (status, search, exact query counts) and the read-only student view with outcomes."""

import pytest
from django.urls import reverse

from reports.models import OutcomeRecord
from tests.applications.factories import InReviewApplicationFactory, SubmittedApplicationFactory
from tests.reports.factories import InstitutionStudentFactory, OrganizationFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def test_list_shows_application_and_placement_status(client, campus):
    SubmittedApplicationFactory(student=campus.anna)
    InReviewApplicationFactory(student=campus.anna)
    client.force_login(campus.staff_a)
    response = client.get(reverse("reports:students"))
    rows = {p.user.name: p for p in response.context["page"]}
    assert rows["Alice Alpha"].applications_count == 1
    assert rows["Alice Alpha"].placement_status == "active"
    assert rows["Alice Alpha"].placement_organization == "Northwind"
    assert rows["Anna Alpha"].applications_count == 2
    assert rows["Anna Alpha"].open_applications == 2
    assert rows["Anna Alpha"].placement_status is None
    html = response.content.decode()
    assert "Active at Northwind" in html
    assert "2 (2 open)" in html


def test_search_by_name_email_number_and_program(client, campus):
    InstitutionStudentFactory(institution=campus.a, name="Chen Wei", student_number="S-4711", program="MSc Data")
    client.force_login(campus.staff_a)

    def names(q):
        return [p.user.name for p in client.get(reverse("reports:students"), {"q": q}).context["page"]]

    assert names("chen") == ["Chen Wei"]
    assert names("4711") == ["Chen Wei"]
    assert names("physics") == ["Anna Alpha"]
    assert names(campus.alice.email) == ["Alice Alpha"]
    assert names("nobody") == []


def _grow(institution, n):
    org = OrganizationFactory()
    for i in range(n):
        student = InstitutionStudentFactory(institution=institution, name=f"Student {i:02d}")
        if i % 2:
            PlacementFactory(student=student, organization=org)
        else:
            SubmittedApplicationFactory(student=student)


@pytest.mark.parametrize("extra", [0, 30])
def test_student_list_query_count_is_constant(client, campus, django_assert_num_queries, extra):
    _grow(campus.a, extra)
    client.force_login(campus.staff_a)
    # session, user, membership, count, page of students, unread notifications
    with django_assert_num_queries(6):
        response = client.get(reverse("reports:students"))
    assert len(response.context["page"]) == min(25, 2 + extra)
    with django_assert_num_queries(6):
        client.get(reverse("reports:students"), {"q": "Alpha"})


@pytest.mark.parametrize("extra", [0, 12])
def test_placement_report_query_count_is_constant(client, campus, django_assert_num_queries, extra):
    _grow(campus.a, extra)
    client.force_login(campus.staff_a)
    # session, user, membership, filter choices, count, page rows, recent exports, unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:placements"))
    assert response.context["page"].paginator.count == 1 + extra // 2


def test_student_view_is_read_only_with_applications_and_placements(client, campus):
    client.force_login(campus.staff_a)
    response = client.get(reverse("reports:student_detail", args=[campus.alice.student_profile.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Alpha" in html and "Alpha listing" in html and "Offer accepted" in html
    assert "Not recorded" in html
    assert "Cover letter" not in html  # the application's content stays between student and employer


def test_staff_record_an_outcome(client, campus):
    client.force_login(campus.staff_a)
    url = reverse("reports:student_detail", args=[campus.alice.student_profile.pk])
    response = client.post(url, {"category": "continuing_education", "note": "MSc at Lakeside"})
    assert response.status_code == 302
    record = OutcomeRecord.objects.get()
    assert (record.student, record.institution, record.recorded_by) == (campus.alice, campus.a, campus.staff_a)
    assert "Continuing education" in client.get(url).content.decode()


def test_outcome_form_rejects_an_unknown_category(client, campus):
    client.force_login(campus.staff_a)
    url = reverse("reports:student_detail", args=[campus.alice.student_profile.pk])
    response = client.post(url, {"category": "astronaut"})
    assert response.status_code == 400
    assert response.context["form"].errors["category"]
    assert not OutcomeRecord.objects.exists()
