import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.models import CheckIn, Goal, Placement, PlacementFee

pytestmark = pytest.mark.django_db


def test_the_demo_student_has_an_active_workspace_and_a_completed_paid_micro_internship(client, demo_data):
    student = User.objects.get(email="student@demo.example")
    active = Placement.objects.get(student=student, listing__title="QA and test automation intern")
    assert (active.status, active.organization.slug) == ("active", "northwind-labs")
    assert active.goals_confirmed_at is not None
    assert Goal.objects.filter(placement=active, confirmed_at__isnull=False).count() == 3
    written = CheckIn.objects.filter(placement=active, submitted_at__isnull=False)
    assert written.count() == 3 and written.filter(feedback_at__isnull=True).count() == 1
    assert active.checkins.filter(submitted_at__isnull=True, due_on__lt=timezone.localdate()).count() == 0
    assert active.hours_logged == 27

    micro = Placement.objects.get(student=student, listing__title="Automate our invoice export with Python")
    fee = PlacementFee.objects.get(placement=micro)
    assert (micro.status, micro.hours_logged, fee.status, str(fee.hourly_rate)) == (
        "completed",
        28,
        "received",
        "21.43",
    )
    assert micro.completed_at.date() == micro.end_date < timezone.localdate()

    client.force_login(student)
    page = client.get(reverse("placements:workspace", args=[active.pk])).content.decode()
    assert "Write end-to-end tests for the sign-up flow" in page and "Waiting for feedback." in page
    client.force_login(User.objects.get(email="careers@demo.example"))
    assert client.get(reverse("placements:workspace", args=[micro.pk])).status_code == 200

    before = (Placement.objects.count(), Goal.objects.count(), CheckIn.objects.count(), PlacementFee.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Placement.objects.count(),
        Goal.objects.count(),
        CheckIn.objects.count(),
        PlacementFee.objects.count(),
    ) == before
