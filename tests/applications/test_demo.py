import os

import pytest
from django.core.management import call_command

from accounts.models import Organization
from applications.models import Application, ApplicationStatus, Placement
from applications.selectors import response_time_days


@pytest.mark.django_db
def test_demo_has_every_status_and_placements_and_is_idempotent(demo_data):
    assert set(Application.objects.values_list("status", flat=True)) == set(ApplicationStatus.values)
    for email, title, status in (
        # The placements demo then completes this one (tests/placements/test_demo.py).
        ("student@demo.example", "Automate our invoice export with Python", Placement.Status.COMPLETED),
        ("student2@demo.example", "User interviews for a volunteer-scheduling tool", Placement.Status.ACTIVE),
        ("student3@demo.example", "Design social media templates", Placement.Status.ACTIVE),
    ):
        placement = Placement.objects.get(student__email=email, listing__title=title)
        assert placement.supervisor is not None and placement.status == status
    assert response_time_days(organization=Organization.objects.get(slug="northwind-labs")) > 1
    counts = (Application.objects.count(), Placement.objects.count())
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    assert (Application.objects.count(), Placement.objects.count()) == counts
    # The demo student's journey is left to try.
    assert not Application.objects.filter(
        student__email="student@demo.example", listing__title="Accessibility audit of a web app"
    ).exists()
