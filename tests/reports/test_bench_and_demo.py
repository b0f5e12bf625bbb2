import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Institution
from applications.models import Placement
from reports import bench
from reports.models import OutcomeRecord

pytestmark = pytest.mark.django_db


def test_seed_bench_tops_up_lakeside_placements():
    out = io.StringIO()
    assert bench.seed(out, placements=120, listings=0)
    lakeside = Institution.objects.get(slug="lakeside")
    assert Placement.objects.filter(student__student_profile__institution=lakeside).count() == 120
    call_command("seed_bench", placements=150, stdout=out)
    assert Placement.objects.filter(student__student_profile__institution=lakeside).count() == 150


def test_demo_careers_login_sees_a_populated_dashboard(client, demo_data):
    from accounts.models import User

    careers = User.objects.get(email="careers@demo.example")
    client.force_login(careers)
    figures = client.get(reverse("reports:dashboard")).context["figures"]
    assert figures.students == 5
    assert figures.placements_completed >= 5
    assert figures.placements_active >= 1
    assert figures.applications_total >= 10
    assert figures.median_response_days is not None
    assert figures.outcomes.graduates >= 1 and figures.outcomes.known >= 1
    assert len(figures.placements_by_field) >= 4
    assert len(figures.employer_countries) >= 3
    # Idempotent: a second run adds nothing.
    before = (Placement.objects.count(), OutcomeRecord.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Placement.objects.count(), OutcomeRecord.objects.count()) == before


def test_demo_careers_login_reads_the_same_through_the_api(client, demo_data):
    from accounts.models import User

    client.force_login(User.objects.get(email="careers@demo.example"))
    page = client.get(reverse("reports:placements")).context["page"]
    report = client.get(reverse("v1:career-placement-report")).json()
    assert report["count"] == page.paginator.count >= 6
    dashboard = client.get(reverse("v1:career-dashboard")).json()
    assert dashboard["students"] == 5 and dashboard["outcomes"]["known"] >= 1
