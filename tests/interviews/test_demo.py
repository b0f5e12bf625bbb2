import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from interviews.models import Availability, Interview, InterviewInvite

pytestmark = pytest.mark.django_db


def test_the_demo_student_has_one_interview_booked_and_times_to_choose_for_another(client, demo_data):
    student = User.objects.get(email="student@demo.example")
    booked = Interview.objects.get(application__student=student, status="scheduled")
    assert booked.application.listing.title == "Backend developer intern (Python/Django)"
    assert booked.application.status == "interview"
    waiting = InterviewInvite.objects.get(application__student=student, status="waiting")
    assert waiting.application.listing.title == "Social media intern for youth campaigns"
    assert waiting.round.slots.filter(status="open").count() == 3
    assert Availability.objects.filter(organization__slug="northwind-labs").count() == 2

    client.force_login(student)
    page = client.get(reverse("interviews:mine")).content.decode()
    assert "Social media intern for youth campaigns" in page and "Backend developer intern" in page
    client.force_login(User.objects.get(email="employer@demo.example"))
    assert "Backend developer intern" in client.get(reverse("interviews:organization")).content.decode()

    before = (Interview.objects.count(), InterviewInvite.objects.count(), Availability.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Interview.objects.count(), InterviewInvite.objects.count(), Availability.objects.count()) == before
