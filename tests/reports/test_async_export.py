"""Large exports run in a real Celery worker: progress reaches 100, the file downloads, the
requester is notified, and expired files are purged."""

import csv
import io
import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from reports import services
from reports.bench import bulk_placements
from reports.models import ExportAuditLog, ReportExport
from reports.selectors import ReportFilters
from tests.reports.factories import (
    CareerStaffFactory,
    InstitutionFactory,
    InstitutionStudentFactory,
    OrganizationFactory,
    PlacementFactory,
)


def _placements(institution, n):
    org = OrganizationFactory(name="Worker Org")
    return [
        PlacementFactory(
            student=InstitutionStudentFactory(institution=institution, name=f"Ünïcode, {i}"), organization=org
        )
        for i in range(n)
    ]


def _wait_until_finished(export, timeout=60.0):
    deadline = time.monotonic() + timeout
    seen = set()
    while time.monotonic() < deadline:
        export.refresh_from_db()
        seen.add(export.progress)
        if export.is_finished:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"export still {export.status} at {export.progress} %")


@pytest.mark.worker
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_above_threshold_runs_in_the_worker(client, celery_worker, settings, fmt):
    settings.REPORTS_ASYNC_EXPORT_THRESHOLD = 2
    institution = InstitutionFactory()
    staff = CareerStaffFactory(institution=institution)
    placements = _placements(institution, 3)
    client.force_login(staff)

    response = client.post(reverse("reports:placement_export"), {"format": fmt}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    export = ReportExport.objects.get()
    assert (export.requested_by, export.institution, export.format) == (staff, institution, fmt)
    assert f'hx-get="{reverse("reports:export_status", args=[export.pk])}"' in response.content.decode()

    _wait_until_finished(export)
    assert (export.status, export.progress, export.row_count) == ("ready", 100, 3)
    assert export.expires_at > timezone.now()
    status = client.get(reverse("reports:export_status", args=[export.pk])).content.decode()
    assert "hx-get" not in status  # polling stops once the export is ready
    assert reverse("reports:export_download", args=[export.pk]) in status

    download = client.get(reverse("reports:export_download", args=[export.pk]))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert sorted(int(r[0]) for r in rows[1:]) == sorted(p.pk for p in placements)
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["Placements"]
        assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == sorted(p.pk for p in placements)

    log = ExportAuditLog.objects.get(export=export)
    assert (log.user, log.row_count, log.format) == (staff, 3, fmt)
    note = Notification.objects.get(recipient=staff, event="reports.export_ready")
    assert note.url == reverse("reports:export_download", args=[export.pk])
    assert celery_worker.mail.wait_for_to(staff.email)


@pytest.mark.worker
def test_progress_grows_to_100_on_a_large_export(client, celery_worker):
    institution = InstitutionFactory()
    staff = CareerStaffFactory(institution=institution)
    assert bulk_placements(institution=institution, count=6000) == 6000
    client.force_login(staff)
    # 6,000 rows is above the default threshold (5,000): the export goes to the worker.
    client.post(reverse("reports:placement_export"), {"format": "xlsx"})
    export = ReportExport.objects.get()
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        html = client.get(reverse("reports:export_status", args=[export.pk])).content.decode()
        shown = re.search(r'role="progressbar"[^>]*aria-valuenow="(\d+)"', html)
        if shown is None:  # finished: the page shows the download link instead of the bar
            export.refresh_from_db()
            assert export.is_finished, html
            seen.append(export.progress)
            break
        # What the page shows is what the worker had reached; it may move on right after.
        seen.append(int(shown.group(1)))
        time.sleep(0.05)
    assert export.status == "ready", export.error
    assert export.row_count == 6000
    assert seen == sorted(seen)  # never goes backwards
    assert seen[-1] == 100


@pytest.mark.django_db
def test_expired_exports_are_purged_and_no_longer_downloadable(client):
    institution = InstitutionFactory()
    staff = CareerStaffFactory(institution=institution)
    _placements(institution, 1)
    export = services.report_export_start(user=staff, format="csv", filters=ReportFilters())
    services.report_export_run(export_id=export.pk)
    export.refresh_from_db()
    storage = export.file.storage
    name = export.file.name
    assert storage.exists(name)

    client.force_login(staff)
    with time_machine.travel(export.expires_at + timedelta(minutes=1)):
        assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 410
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
            assert services.report_exports_purge() == 1
    export.refresh_from_db()
    assert export.status == "expired"
    assert not export.file
    assert not storage.exists(name)
    assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 410
    assert services.report_exports_purge() == 0
