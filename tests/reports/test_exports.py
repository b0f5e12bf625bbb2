"""Export contents equal the database, column by column, in CSV and XLSX, streamed or built in the
background; text that a spreadsheet would run as a formula is neutralised."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from applications.models import Placement
from listings.models import Listing
from reports import services
from reports.exports import HEADERS, neutralise
from reports.models import ReportExport
from reports.selectors import ReportFilters
from tests.listings.factories import OrganizationFactory
from tests.reports.factories import (
    CareerStaffFactory,
    CompletedPlacementFactory,
    InstitutionFactory,
    InstitutionStudentFactory,
    PlacementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20", "'+44 20"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Plain, text", "Plain, text"),
        ("", ""),
    ],
)
def test_neutralise(raw, safe):
    assert neutralise(raw) == safe


@pytest.fixture
def fixture_rows(db):
    institution = InstitutionFactory(name="Lakeside")
    staff = CareerStaffFactory(institution=institution)
    tricky = OrganizationFactory(name='+Plus Corp, "Ltd."', country="GB")
    unicode_org = OrganizationFactory(name="Ünïcödé 株式会社", country="JP")
    zoe = InstitutionStudentFactory(
        institution=institution,
        name='Zoë "the Quoter" O\'Brien, Jr.',
        program='Design, "Visual"',
        student_number="=1+2",
        graduation_year=2025,
    )
    wang = InstitutionStudentFactory(
        institution=institution, name="王小明", program="-Engineering", student_number="@SUM(A1)", graduation_year=2026
    )
    plain = InstitutionStudentFactory(institution=institution, name="Ola Nordmann", program="", graduation_year=None)
    p1 = CompletedPlacementFactory(
        student=zoe, organization=tricky, title='=HYPERLINK("http://evil.example","click")', field="graphic_design"
    )
    p2 = PlacementFactory(
        student=wang,
        organization=unicode_org,
        title="Micro: 日本語 translation",
        kind=Listing.Kind.MICRO,
        field="writing",
    )
    p3 = PlacementFactory(
        student=plain,
        organization=tricky,
        title="Unpaid research",
        compensation_type=Listing.Compensation.UNPAID,
        compensation_amount=None,
        currency="",
        pay_period="",
        field="research",
    )
    return staff, [p1, p2, p3]


def expected(placements, *, typed: bool) -> list[list]:
    """The rows read straight from the models (not from the export code's query)."""
    rows = []
    for p in sorted(Placement.objects.filter(pk__in=[x.pk for x in placements]), key=lambda x: (x.start_date, x.pk)):
        profile, listing, org = p.student.student_profile, p.listing, p.organization

        def num(value):
            return value if typed else ("" if value is None else str(value))

        amount = listing.compensation_amount
        rows.append(
            [
                num(p.pk),
                neutralise(p.student.name),
                neutralise(p.student.email),
                neutralise(profile.student_number),
                neutralise(profile.program),
                num(profile.graduation_year),
                neutralise(org.name),
                org.country,
                neutralise(listing.title),
                listing.get_kind_display(),
                listing.get_field_display(),
                listing.get_compensation_type_display(),
                (amount if amount is None else Decimal(amount)) if typed else ("" if amount is None else f"{amount:f}"),
                listing.currency,
                listing.get_pay_period_display() if listing.pay_period else "",
                num(listing.hours_per_week),
                p.start_date if typed else p.start_date.isoformat(),
                p.end_date if typed else p.end_date.isoformat(),
                p.get_status_display(),
                p.hours_logged if typed else f"{p.hours_logged:f}",
                "",  # no certificate: these placements were not completed through the workspace
                "",  # no revealed evaluation, so no average rating
            ]
        )
    return rows


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Summary", "Placements"]
    sheet = workbook["Placements"]
    assert sheet.freeze_panes == "A2"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert all(cell.font.b for cell in sheet[1])
    return workbook, rows


def normalise_xlsx(rows):
    out = []
    for row in rows:
        row = ["" if v is None and i not in (0, 5, 12, 15) else v for i, v in enumerate(row)]
        row[12] = None if row[12] is None else Decimal(str(row[12])).quantize(Decimal("0.01"))
        row[16] = row[16].date() if isinstance(row[16], datetime) else row[16]
        row[17] = row[17].date() if isinstance(row[17], datetime) else row[17]
        out.append(row)
    return out


def test_csv_stream_matches_the_database(client, fixture_rows):
    staff, placements = fixture_rows
    client.force_login(staff)
    response = client.post(reverse("reports:placement_export"), {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="placements-')
    rows = read_csv(b"".join(response.streaming_content))
    assert rows[0] == HEADERS
    assert rows[1:] == expected(placements, typed=False)
    # The tricky cells, spelled out.
    zoe = next(r for r in rows if r[1].startswith("Zoë"))
    assert zoe[1] == 'Zoë "the Quoter" O\'Brien, Jr.'
    assert zoe[3] == "'=1+2"
    assert zoe[6] == '\'+Plus Corp, "Ltd."'
    assert zoe[8].startswith("'=HYPERLINK(")
    wang = next(r for r in rows if r[1] == "王小明")
    assert (wang[3], wang[4], wang[6]) == ("'@SUM(A1)", "'-Engineering", "Ünïcödé 株式会社")


def test_xlsx_matches_the_database_with_typed_cells(client, fixture_rows):
    staff, placements = fixture_rows
    client.force_login(staff)
    response = client.post(reverse("reports:placement_export"), {"format": "xlsx"})
    assert response.status_code == 200
    workbook, rows = read_xlsx(b"".join(response.streaming_content))
    assert rows[0] == HEADERS
    assert normalise_xlsx(rows[1:]) == expected(placements, typed=True)
    sheet = workbook["Placements"]
    assert sheet.cell(row=2, column=1).data_type == "n"
    assert sheet.cell(row=2, column=17).is_date
    # Neutralised text stays text: no formula anywhere.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    summary = {r[0]: r[1] for r in workbook["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Placements"] == 3
    assert summary["Active"] == 2
    assert summary["Completed"] == 1
    assert summary["Institution"] == "Lakeside"


def test_filters_apply_to_exports(client, fixture_rows):
    staff, placements = fixture_rows
    client.force_login(staff)
    response = client.post(reverse("reports:placement_export"), {"format": "csv", "graduation_year": "2026"})
    rows = read_csv(b"".join(response.streaming_content))
    assert [r[1] for r in rows[1:]] == ["王小明"]
    response = client.post(reverse("reports:placement_export"), {"format": "csv", "program": 'Design, "Visual"'})
    rows = read_csv(b"".join(response.streaming_content))
    assert [r[1] for r in rows[1:]] == ['Zoë "the Quoter" O\'Brien, Jr.']


def test_invalid_export_request_is_refused_with_a_message(client, fixture_rows):
    staff, _ = fixture_rows
    client.force_login(staff)
    response = client.post(reverse("reports:placement_export"), {"format": "pdf"}, follow=True)
    assert response.status_code == 200
    assert "could not start" in response.content.decode()
    response = client.post(
        reverse("reports:placement_export"), {"format": "csv", "date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_background_export_file_matches_the_database(fixture_rows, fmt):
    staff, placements = fixture_rows
    export = services.report_export_start(user=staff, format=fmt, filters=ReportFilters())
    services.report_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.progress, export.row_count) == (ReportExport.Status.READY, 100, 3)
    with export.file.open("rb") as fh:
        data = fh.read()
    if fmt == "csv":
        rows = read_csv(data)
        assert rows[1:] == expected(placements, typed=False)
    else:
        _, rows = read_xlsx(data)
        assert normalise_xlsx(rows[1:]) == expected(placements, typed=True)
    # Running the task again (a redelivery) changes nothing.
    name = export.file.name
    services.report_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.file.name == name
    assert export.audit_log.row_count == 3


def test_date_range_selects_placements_running_in_it(client, fixture_rows):
    staff, placements = fixture_rows
    start = min(p.start_date for p in placements)
    client.force_login(staff)
    before = {"format": "csv", "date_to": date(start.year - 1, 1, 1).isoformat()}
    rows = read_csv(b"".join(client.post(reverse("reports:placement_export"), before).streaming_content))
    assert rows[1:] == []
    during = {"format": "csv", "date_from": start.isoformat(), "date_to": start.isoformat()}
    rows = read_csv(b"".join(client.post(reverse("reports:placement_export"), during).streaming_content))
    assert len(rows) == 4
