"""Browser journey: the demo career-services user filters the dashboard, then exports the placement
report for the same filters as CSV and XLSX; the downloaded files hold the expected rows."""

import csv
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from applications.models import Placement
from reports.models import ExportAuditLog
from tests.e2e.journeys import log_in

pytestmark = pytest.mark.e2e


def test_career_services_filters_dashboard_and_exports(page, demo_data):
    expected = sorted(
        Placement.objects.filter(
            student__student_profile__institution__slug="lakeside", student__student_profile__graduation_year=2025
        ).values_list("pk", flat=True)
    )
    assert len(expected) == 2  # Jonas Berg (class of 2025): one completed, one ended early

    log_in(page, "careers@demo.example")
    page.get_by_role("link", name="Career dashboard").click()
    expect(page.get_by_role("heading", name="Career services dashboard")).to_be_visible()
    expect(page.locator('[data-figure="students"]')).to_have_text("5")

    page.get_by_label("Graduation year").select_option("2025")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator('[data-figure="students"]')).to_have_text("1")
    expect(page.locator('[data-figure="placements-completed"]')).to_have_text("1")
    expect(page.locator('[data-figure="knowledge-rate"]')).to_have_text("100.0 %")
    expect(page.get_by_role("img", name="Placements by field")).to_be_visible()

    page.get_by_role("link", name="Placement report and exports for these filters").click()
    expect(page.get_by_role("heading", name="2 placements")).to_be_visible()
    expect(page.get_by_label("Graduation year")).to_have_value("2025")

    with page.expect_download() as info:
        page.get_by_role("button", name="Export CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Placement", "Student", "Email"]
    assert sorted(int(r[0]) for r in rows[1:]) == expected
    assert {r[1] for r in rows[1:]} == {"Jonas Berg"}

    with page.expect_download() as info:
        page.get_by_role("button", name="Export Excel (XLSX)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    sheet_rows = list(workbook["Placements"].iter_rows(values_only=True))
    assert sheet_rows[0][0] == "Placement"
    assert sorted(r[0] for r in sheet_rows[1:]) == expected
    assert {r[1] for r in sheet_rows[1:]} == {"Jonas Berg"}

    logs = list(ExportAuditLog.objects.order_by("pk").values_list("format", "row_count", "filters"))
    assert [(f, n, filters["graduation_year"]) for f, n, filters in logs] == [("csv", 2, 2025), ("xlsx", 2, 2025)]
