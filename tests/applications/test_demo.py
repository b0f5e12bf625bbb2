import os

import pytest
from django.core.management import call_command

from accounts.models import Organization
from applications.models import Application, ApplicationStatus, Placement
from applications.selectors import response_time_days


@pytest.mark.django_db
def test_demo_has_every_status_and_placements_and_is_idempotent(demo_data):
    assert set(Application.objects.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert Placement.objects.count() == 3
    assert all(p.supervisor_id for p in Placement.objects.all())
    assert response_time_days(organization=Organization.objects.get(slug="northwind-labs")) > 1
    counts = (Application.objects.count(), Placement.objects.count())
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    assert (Application.objects.count(), Placement.objects.count()) == counts
    # The demo student's journey is left to try.
    assert not Application.objects.filter(
        student__email="student@demo.example", listing__title="Accessibility audit of a web app"
    ).exists()
