"""The career-services API: the placement report, export jobs and the dashboard's figures, with
the pages' filters, forms, services and permission functions. Only career-services staff of an
institution get in; each sees their own institution's rows and exports only."""

import csv
import io
import json
import time
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from reports import selectors, services
from reports.models import ExportAuditLog, ReportExport
from reports.selectors import ReportFilters
from tests.listings.factories import CareerServicesFactory, EmployerFactory, StaffFactory, StudentFactory
from tests.reports.factories import (
    CareerStaffFactory,
    InstitutionFactory,
    InstitutionStudentFactory,
    OrganizationFactory,
    PlacementFactory,
    PublishedListingFactory,
)
from tests.support.api import api_for

REPORT = reverse("v1:career-placement-report")
DASHBOARD = reverse("v1:career-dashboard")
EXPORTS = reverse("v1:career-export-list")


def signed_in(user) -> APIClient:
    """A client with a session, as the site's own JavaScript has: the user is loaded per request."""
    client = APIClient()
    client.force_login(user)
    return client


def _detail(export) -> str:
    return reverse("v1:career-export-detail", args=[export.pk])


def _download(export) -> str:
    return reverse("v1:career-export-download", args=[export.pk])


def _ready_export(staff, fmt="csv"):
    export = services.report_export_start(user=staff, format=fmt, filters=ReportFilters())
    return services.report_export_run(export_id=export.pk)


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


# --- who gets in ----------------------------------------------------------------------------------


OTHER_ROLES = pytest.mark.parametrize(
    "make_user",
    [lambda: None, StudentFactory, EmployerFactory, StaffFactory, CareerServicesFactory],
    ids=["anonymous", "student", "employer", "site staff", "career services without institution"],
)


@pytest.mark.django_db
@OTHER_ROLES
def test_other_roles_are_refused_every_career_services_endpoint(campus, make_user):
    export = _ready_export(campus.staff_a)
    user = make_user()
    client = api_for(user)
    # Without credentials the API asks for them (401); a signed-in user of another role is refused.
    refused = 401 if user is None else 403
    for url in (REPORT, DASHBOARD, EXPORTS, _detail(export), _download(export)):
        response = client.get(url)
        assert response.status_code == refused, url
        assert "detail" in response.json()
    assert client.post(EXPORTS, {"format": "csv"}, format="json").status_code == refused
    assert ReportExport.objects.count() == 1


@pytest.mark.django_db
def test_a_token_authenticates_career_services_staff(campus):
    from accounts import services as account_services

    _token, secret = account_services.personal_token_create(
        user=campus.staff_a, name="Placement sync", scope="read", lifetime_days=30
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(REPORT).json()["count"] == 1
    # A read-only token reads the report but cannot start an export.
    assert client.post(EXPORTS, {"format": "csv"}, format="json").status_code == 403


@pytest.mark.django_db
def test_staff_see_only_their_own_institutions_placements(campus):
    rows_a = api_for(campus.staff_a).get(REPORT).json()
    rows_b = api_for(campus.staff_b).get(REPORT).json()
    assert [r["id"] for r in rows_a["results"]] == [campus.placement_a.pk]
    assert [r["id"] for r in rows_b["results"]] == [campus.placement_b.pk]
    row = rows_a["results"][0]
    assert row["student"] == {
        "id": campus.alice.pk,
        "name": "Alice Alpha",
        "email": campus.alice.email,
        "student_number": campus.alice.student_profile.student_number,
        "program": "BA History",
        "graduation_year": 2025,
    }
    assert row["organization"] == {"id": campus.org.pk, "name": "Northwind", "country": "DE"}
    assert row["listing"]["title"] == "Alpha listing" and row["status"] == "active"


@pytest.mark.django_db
def test_another_institutions_export_is_not_found(campus):
    export = _ready_export(campus.staff_a)
    other = api_for(campus.staff_b)
    for url in (_detail(export), _download(export)):
        assert other.get(url).status_code == 404
    assert other.get(EXPORTS).json()["count"] == 0
    # Any staff member of the same institution may follow it, not only the one who asked.
    colleague = api_for(CareerStaffFactory(institution=campus.a))
    assert colleague.get(_detail(export)).json()["status"] == "ready"
    assert colleague.get(_download(export)).status_code == 200


# --- the placement report's filters ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_takes_the_pages_filters(campus):
    PlacementFactory(
        student=campus.anna, listing=PublishedListingFactory(organization=campus.org, requires_resume=False)
    )
    client = api_for(campus.staff_a)
    assert client.get(REPORT).json()["count"] == 2
    history = client.get(REPORT, {"program": "BA History"}).json()
    assert [r["id"] for r in history["results"]] == [campus.placement_a.pk]
    assert client.get(REPORT, {"graduation_year": "2027"}).json()["count"] == 1
    today = campus.placement_a.start_date
    assert client.get(REPORT, {"date_from": today.isoformat(), "date_to": today.isoformat()}).json()["count"] == 2
    before = (today - timedelta(days=400)).isoformat()
    assert client.get(REPORT, {"date_to": before}).json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"program": "BA History"}, None),  # one of the institution's programs
        ({"program": "Medicine"}, "program"),
        ({"graduation_year": "1999"}, "graduation_year"),
        ({"graduation_year": "soon"}, "graduation_year"),
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"program": "BA\x00History"}, "program"),
    ],
)
def test_bad_filters_get_a_400_naming_the_field(campus, params, field):
    client = api_for(campus.staff_b)
    for url in (REPORT, DASHBOARD):
        response = client.get(url, params)
        if field is None:
            assert response.status_code == 200
        else:
            assert response.status_code == 400, response.content
            assert field in response.json()["fields"]


@pytest.mark.django_db
def test_a_program_of_another_institution_is_refused(campus):
    InstitutionStudentFactory(institution=campus.b, program="BSc Medicine")
    response = api_for(campus.staff_a).get(REPORT, {"program": "BSc Medicine"})
    assert response.status_code == 400 and "program" in response.json()["fields"]


@pytest.mark.django_db
def test_the_report_is_paginated(campus, monkeypatch):
    monkeypatch.setattr("marketplace.api.Pagination.page_size", 1)
    PlacementFactory(
        student=campus.anna, listing=PublishedListingFactory(organization=campus.org, requires_resume=False)
    )
    client = api_for(campus.staff_a)
    first = client.get(REPORT).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["next"]
    second = client.get(first["next"]).json()
    assert second["previous"] and second["results"][0]["id"] != first["results"][0]["id"]
    assert client.get(REPORT, {"page": "9"}).status_code == 404


def _grow(institution, n: int) -> None:
    org = OrganizationFactory(country="FR")
    for i in range(n):
        student = InstitutionStudentFactory(institution=institution, program=f"Program {i % 3}")
        PlacementFactory(student=student, organization=org, field=["research", "marketing", "writing"][i % 3])


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 6])
def test_report_query_count_does_not_grow(campus, django_assert_num_queries, extra):
    _grow(campus.a, extra)
    client = signed_in(campus.staff_a)
    # session, user, membership, filter choices, count, the page of rows
    with django_assert_num_queries(6):
        response = client.get(REPORT, {"graduation_year": "2025"})
    assert response.status_code == 200
    with django_assert_num_queries(6):
        response = client.get(REPORT)
    assert response.json()["count"] == 1 + extra


# --- the dashboard --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_figures_are_the_pages(campus):
    PlacementFactory(
        student=campus.anna, listing=PublishedListingFactory(organization=campus.org, requires_resume=False)
    )
    services.outcome_record(user=campus.staff_a, profile=campus.alice.student_profile, category="employed_full_time")
    data = api_for(campus.staff_a).get(DASHBOARD).json()
    figures = selectors.dashboard(institution_id=campus.a.pk, filters=ReportFilters())
    assert (data["students"], data["placements_active"], data["applications_total"]) == (2, 2, 2)
    assert data["students"] == figures.students
    assert data["employer_countries"] == [{"label": "DE", "count": 2}]
    outcomes = data["outcomes"]
    assert outcomes["graduates"] == 1 and outcomes["known"] == 1
    assert outcomes["knowledge_rate"] == 1.0 and outcomes["career_outcomes_rate"] == 1.0
    assert outcomes["by_category"]["employed_full_time"] == 1 and outcomes["by_category"]["military"] == 0
    other = api_for(campus.staff_b).get(DASHBOARD).json()
    assert (other["students"], other["placements_active"]) == (1, 1)
    assert api_for(campus.staff_a).get(DASHBOARD, {"program": "BSc Physics"}).json()["students"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 6])
def test_dashboard_query_count_does_not_grow(campus, django_assert_num_queries, extra):
    _grow(campus.a, extra)
    client = signed_in(campus.staff_a)
    # session, user, membership, filter choices, nine figure queries
    with django_assert_num_queries(13):
        assert client.get(DASHBOARD, {"graduation_year": "2025"}).status_code == 200
    with django_assert_num_queries(13):
        assert client.get(DASHBOARD).status_code == 200


# --- export jobs ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_export_job_is_created_polled_and_downloaded(campus, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("reports.tasks.report_export_task.delay", lambda export_id: None)
    client = api_for(campus.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORTS, {"format": "xlsx", "program": "BA History"}, format="json")
    assert response.status_code == 202
    job = response.json()
    export = ReportExport.objects.get()
    assert response["Location"] == _detail(export)
    assert (job["id"], job["status"], job["progress"], job["download_url"]) == (export.pk, "pending", 0, None)
    assert job["filters"]["program"] == "BA History" and export.requested_by == campus.staff_a

    waiting = client.get(_download(export))
    assert waiting.status_code == 409 and waiting.json()["type"] == "conflict" and "0% done" in waiting.json()["detail"]
    assert waiting["Cache-Control"] in ("private, no-store", "no-store, private")

    services.report_export_run(export_id=export.pk)
    job = client.get(_detail(export)).json()
    assert (job["status"], job["progress"], job["row_count"]) == ("ready", 100, 1)
    assert job["download_url"] == _download(export) and job["expires_at"]
    download = client.get(job["download_url"], HTTP_ACCEPT="application/json")
    assert download.status_code == 200
    assert set(download["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert download["Content-Disposition"].startswith('attachment; filename="placements-')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)["Placements"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [campus.placement_a.pk]
    assert ExportAuditLog.objects.get(export=export).user == campus.staff_a
    assert [e["id"] for e in client.get(EXPORTS).json()["results"]] == [export.pk]


@pytest.mark.django_db
def test_failed_and_expired_exports_are_gone(campus):
    client = api_for(campus.staff_a)
    export = _ready_export(campus.staff_a)
    with time_machine.travel(export.expires_at + timedelta(minutes=1)):
        assert client.get(_detail(export)).json()["download_url"] is None
        gone = client.get(_download(export))
        assert gone.status_code == 410 and "detail" in gone.json()
    failed = services.report_export_start(user=campus.staff_a, format="csv", filters=ReportFilters())
    ReportExport.objects.filter(pk=failed.pk).update(status=ReportExport.Status.FAILED)
    assert client.get(_download(failed)).status_code == 410
    assert client.get(reverse("v1:career-export-download", args=[999999])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "format"),
        ({"format": "pdf"}, "format"),
        ({"format": "csv", "program": "Medicine"}, "program"),
        ({"format": "csv", "date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"format": "csv", "program": "BA\u0007History"}, "program"),
    ],
)
def test_a_bad_export_request_gets_a_400_and_starts_nothing(campus, body, field):
    response = api_for(campus.staff_a).post(EXPORTS, body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"]
    assert not ReportExport.objects.exists()


@pytest.mark.django_db
def test_a_non_object_body_is_a_400(campus):
    response = api_for(campus.staff_a).post(EXPORTS, json.dumps(["csv"]), content_type="application/json")
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 5])
def test_export_list_query_count_does_not_grow(campus, django_assert_num_queries, extra):
    for _ in range(extra + 1):
        _ready_export(campus.staff_a)
    client = signed_in(campus.staff_a)
    # session, user, membership, count, the page of exports with their requesters
    with django_assert_num_queries(5):
        response = client.get(EXPORTS)
    assert response.json()["count"] == extra + 1


@pytest.mark.worker
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_api_export_runs_in_a_real_worker(celery_worker, fmt):
    institution = InstitutionFactory()
    staff = CareerStaffFactory(institution=institution)
    org = OrganizationFactory(name="Worker Org")
    placements = [
        PlacementFactory(student=InstitutionStudentFactory(institution=institution, name=f"=cmd|{i}"), organization=org)
        for i in range(3)
    ]
    client = api_for(staff)
    response = client.post(EXPORTS, {"format": fmt}, format="json")
    assert response.status_code == 202
    url = response["Location"]

    deadline, seen = time.monotonic() + 60, []
    while time.monotonic() < deadline:
        job = client.get(url).json()
        seen.append(job["progress"])
        if job["status"] in ("ready", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "ready", job
    assert seen == sorted(seen) and seen[-1] == 100 and job["row_count"] == 3

    download = client.get(job["download_url"])
    assert download.status_code == 200
    assert set(download["Cache-Control"].split(", ")) == {"private", "no-store"}
    data = b"".join(download.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert sorted(int(r[0]) for r in rows[1:]) == sorted(p.pk for p in placements)
        assert all(r[1].startswith("'=") for r in rows[1:])  # the export's formula neutralisation
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["Placements"]
        assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == sorted(p.pk for p in placements)
    assert celery_worker.mail.wait_for_to(staff.email)


@pytest.mark.django_db
def test_the_career_services_api_is_in_the_openapi_schema(client):
    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/json").content)
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/careers/placements/": {"get"},
        "/api/v1/careers/dashboard/": {"get"},
        "/api/v1/careers/exports/": {"get", "post"},
        "/api/v1/careers/exports/{id}/": {"get"},
        "/api/v1/careers/exports/{id}/download/": {"get"},
    }.items():
        assert methods <= set(paths[path]), path
    report = paths["/api/v1/careers/placements/"]["get"]
    assert {"date_from", "date_to", "program", "graduation_year", "page"} <= {p["name"] for p in report["parameters"]}
    download = paths["/api/v1/careers/exports/{id}/download/"]["get"]["responses"]
    assert {"200", "404", "409", "410"} <= set(download)
    assert "text/csv" in download["200"]["content"]
