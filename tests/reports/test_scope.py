"""A staff member of one institution never sees another institution's students, rows or files;
other roles and anonymous visitors are refused every career-services page."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from reports import services
from reports.models import EmployerApproval, ExportAuditLog, ReportExport
from reports.selectors import ReportFilters
from tests.listings.factories import CareerServicesFactory, EmployerFactory, StaffFactory, StudentFactory
from tests.reports.factories import PendingLinkStudentFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _ready_export(staff):
    export = services.report_export_start(user=staff, format="csv", filters=ReportFilters())
    services.report_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ReportExport.Status.READY
    return export


PAGES = [
    ("reports:dashboard", "get"),
    ("reports:placements", "get"),
    ("reports:students", "get"),
    ("reports:employers", "get"),
    ("reports:placement_export", "post"),
]


@pytest.mark.parametrize(("name", "method"), PAGES)
@pytest.mark.parametrize(
    "make_user",
    [StudentFactory, EmployerFactory, StaffFactory, CareerServicesFactory],
    ids=["student", "employer", "site staff", "career services without institution"],
)
def test_other_roles_are_refused_every_page(client, campus, name, method, make_user):
    client.force_login(make_user())
    response = getattr(client, method)(reverse(name), {"format": "csv"} if method == "post" else None)
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "method"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, campus, name, method):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "make_user", [StudentFactory, EmployerFactory, StaffFactory], ids=["student", "employer", "site staff"]
)
def test_other_roles_cannot_read_a_student_or_an_export(client, campus, make_user):
    export = _ready_export(campus.staff_a)
    client.force_login(make_user())
    for url in [
        reverse("reports:student_detail", args=[campus.alice.student_profile.pk]),
        reverse("reports:export_status", args=[export.pk]),
        reverse("reports:export_download", args=[export.pk]),
    ]:
        assert client.get(url).status_code == 403


def test_dashboard_counts_only_own_institution(client, campus):
    client.force_login(campus.staff_a)
    figures = client.get(reverse("reports:dashboard")).context["figures"]
    assert figures.students == 2
    assert figures.placements_active == 1
    assert figures.applications_total == 1


def test_student_list_shows_only_own_linked_students(client, campus):
    PendingLinkStudentFactory(institution=campus.a, name="Pending Person")
    client.force_login(campus.staff_a)
    response = client.get(reverse("reports:students"))
    names = [p.user.name for p in response.context["page"]]
    assert names == ["Alice Alpha", "Anna Alpha"]
    assert b"Bob Beta" not in response.content
    assert b"Pending Person" not in response.content
    # Searching for the other institution's student finds nothing.
    assert list(client.get(reverse("reports:students"), {"q": "Bob"}).context["page"]) == []


def test_student_view_of_another_institution_is_not_found(client, campus):
    client.force_login(campus.staff_a)
    assert client.get(reverse("reports:student_detail", args=[campus.bob.student_profile.pk])).status_code == 404
    response = client.post(
        reverse("reports:student_detail", args=[campus.bob.student_profile.pk]), {"category": "employed_full_time"}
    )
    assert response.status_code == 404
    assert not campus.bob.outcome_records.exists()


def test_pending_link_student_is_not_visible(client, campus):
    pending = PendingLinkStudentFactory(institution=campus.a)
    PlacementFactory(student=pending, organization=campus.org)
    client.force_login(campus.staff_a)
    assert client.get(reverse("reports:student_detail", args=[pending.student_profile.pk])).status_code == 404
    rows = _csv(client.post(reverse("reports:placement_export"), {"format": "csv"}))
    assert [r[1] for r in rows[1:]] == ["Alice Alpha"]


def test_placement_report_and_exports_hold_only_own_rows(client, campus):
    client.force_login(campus.staff_a)
    page = client.get(reverse("reports:placements"))
    assert [p.pk for p in page.context["page"]] == [campus.placement_a.pk]
    assert b"Bob Beta" not in page.content

    rows = _csv(client.post(reverse("reports:placement_export"), {"format": "csv"}))
    assert [r[0] for r in rows[1:]] == [str(campus.placement_a.pk)]

    response = client.post(reverse("reports:placement_export"), {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    ids = [row[0] for row in workbook["Placements"].iter_rows(min_row=2, values_only=True)]
    assert ids == [campus.placement_a.pk]

    # The other institution's filters cannot widen the scope: a program only B has finds nothing of B.
    rows = _csv(client.post(reverse("reports:placement_export"), {"format": "csv", "program": "BA History"}))
    assert [r[1] for r in rows[1:]] == ["Alice Alpha"]


def test_background_export_files_stay_within_the_institution(client, campus):
    export_a = _ready_export(campus.staff_a)
    colleague = CareerServicesFactory()
    from accounts.models import CareerServicesMembership

    CareerServicesMembership.objects.create(user=colleague, institution=campus.a)

    client.force_login(campus.staff_b)
    assert client.get(reverse("reports:export_status", args=[export_a.pk])).status_code == 404
    assert client.get(reverse("reports:export_download", args=[export_a.pk])).status_code == 404
    page = client.get(reverse("reports:placements"))
    assert page.context["exports"] == []

    # Any staff member of the same institution may download it (not only the requester).
    client.force_login(colleague)
    response = client.get(reverse("reports:export_download", args=[export_a.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Alice Alpha" in body and "Bob Beta" not in body


def test_employer_decision_is_per_institution(client, campus):
    client.force_login(campus.staff_a)
    client.post(reverse("reports:employer_decide", args=[campus.org.pk]), {"decision": "blocked", "reason": "Scam"})
    assert EmployerApproval.objects.get(organization=campus.org).institution == campus.a
    client.force_login(campus.staff_b)
    page = client.get(reverse("reports:employers"))
    row = next(o for o in page.context["page"] if o.pk == campus.org.pk)
    assert row.decision is None
    assert row.placed == 1  # only B's own student counts


def test_audit_log_records_each_export(client, campus):
    client.force_login(campus.staff_a)
    b"".join(
        client.post(reverse("reports:placement_export"), {"format": "csv", "graduation_year": "2025"}).streaming_content
    )
    log = ExportAuditLog.objects.get()
    assert (log.user, log.institution, log.format, log.row_count) == (campus.staff_a, campus.a, "csv", 1)
    assert log.filters == {"date_from": None, "date_to": None, "program": "", "graduation_year": 2025}
