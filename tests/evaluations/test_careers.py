"""Career services: completion and evaluation figures on the dashboard, and the placement report
and its export with hours, certificate code and the average rating (once revealed)."""

import csv
import io

import pytest
from django.urls import reverse

from evaluations.models import Certificate

from .factories import completed, student_evaluates, supervisor_evaluates

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_completion_and_the_self_versus_supervisor_gap(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    supervisor_evaluates(placement, cast.supervisor)
    client.force_login(cast.careers)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "100.0 %" in page and "<strong>1</strong> evaluation outstanding" in page
    student_evaluates(placement)
    page = client.get(reverse("reports:dashboard")).content.decode()
    # Communication: supervisor 5, self 3.
    assert "<strong>0</strong> evaluations outstanding" in page and "+2.00" in page


def test_the_report_and_export_carry_hours_certificate_and_the_revealed_average(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor, hours=12.5)
    code = Certificate.objects.get(placement=placement).code
    supervisor_evaluates(placement, cast.supervisor)
    client.force_login(cast.careers)

    def export():
        response = client.post(reverse("reports:placement_export"), {"format": "csv"})
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        return dict(zip(rows[0], rows[1], strict=True))

    row = export()
    assert (row["Hours logged"], row["Certificate"], row["Average rating"], row["Status"]) == (
        "12.5",
        code,
        "",  # not revealed yet: the intern has not answered
        "Completed",
    )
    student_evaluates(placement)
    assert export()["Average rating"] == "4.60"
    page = client.get(reverse("reports:placements")).content.decode()
    assert code in page and "4.60" in page
