"""Employer reviews (hidden below three, career services see their own students' attributed, one
public reply), the portfolio (off by default, 404 when switched off), and the day-3 / day-10
reminders (each sent once)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from evaluations import reminders, services
from evaluations.models import Evaluation
from notifications.models import Notification
from tests.placements.factories import active_placement

from ..placements.conftest import linked_student
from .factories import completed, student_evaluates, supervisor_evaluates

pytestmark = pytest.mark.django_db


def reviewed(cast, n, institution=None):
    """``n`` completed placements at the cast's organization, each reviewed and revealed."""
    placements = []
    for i in range(n):
        student = cast.student if i == 0 else linked_student(institution, name=f"Intern {i}")
        placement = (
            cast.placement
            if i == 0
            else active_placement(
                listing=cast.listing, student=student, supervisor=cast.supervisor, started_days_ago=10
            )
        )
        placement = completed(placement, supervisor=cast.supervisor)
        student_evaluates(placement, recommend=i != 1, comments=f"Review number {i}")
        supervisor_evaluates(placement, cast.supervisor)
        placements.append(placement)
    return placements


def test_reviews_are_hidden_below_three_and_shown_from_three(client, cast, institution):
    url = reverse("evaluations:organization_reviews", args=[cast.listing.organization.slug])
    reviewed(cast, 2, institution)
    page = client.get(url).content.decode()
    assert 'data-testid="reviews-hidden"' in page and "Review number 0" not in page and "recommend-share" not in page
    assert "Median time to answer a check-in" in page  # the workspace figure is always shown
    third = active_placement(
        listing=cast.listing, student=linked_student(institution, name="Third"), supervisor=cast.supervisor
    )
    third = completed(third, supervisor=cast.supervisor)
    student_evaluates(third, comments="Review number 2")
    page = client.get(url).content.decode()
    assert 'data-testid="reviews-hidden"' in page  # not revealed yet: the supervisor has not evaluated
    supervisor_evaluates(third, cast.supervisor)
    page = client.get(url).content.decode()
    assert "67 %" in page and "Review number 2" in page and "Intern 1" not in page and "Amara" not in page


def test_careers_see_their_students_reviews_attributed_and_other_careers_none(client, cast, institution):
    reviewed(cast, 1, institution)
    client.force_login(cast.careers)
    page = client.get(reverse("evaluations:careers_reviews")).content.decode()
    assert "Amara Okafor" in page and "Review number 0" in page
    client.force_login(cast.other_careers)
    page = client.get(reverse("evaluations:careers_reviews")).content.decode()
    assert "Amara Okafor" not in page and "No reviews yet." in page
    client.force_login(cast.student)
    assert client.get(reverse("evaluations:careers_reviews")).status_code == 403


def test_the_organization_posts_one_public_reply_per_review(client, cast, institution):
    placements = reviewed(cast, 3, institution)
    evaluation = Evaluation.objects.get(placement=placements[0])
    client.force_login(cast.other_employer)
    client.post(reverse("evaluations:review_reply", args=[evaluation.pk]), {"reply": "Not ours"})
    client.force_login(cast.colleague)
    client.post(reverse("evaluations:review_reply", args=[evaluation.pk]), {"reply": "Thank you, Amara!"})
    client.post(reverse("evaluations:review_reply", args=[evaluation.pk]), {"reply": "A second reply"})
    evaluation.refresh_from_db()
    assert evaluation.reply == "Thank you, Amara!"
    page = client.get(
        reverse("evaluations:organization_reviews", args=[cast.listing.organization.slug])
    ).content.decode()
    assert "Thank you, Amara!" in page and "A second reply" not in page


def test_the_portfolio_is_off_by_default_and_404s_once_switched_off(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    goal = placement.goals.order_by("pk").first()
    from placements import services as placement_services  # noqa: PLC0415

    portfolio = services.portfolio_for(cast.student)
    assert not portfolio.is_public and len(portfolio.slug) >= 12
    assert client.get(reverse("evaluations:portfolio", args=[portfolio.slug])).status_code == 404
    assert APIClient().get(reverse("v1:portfolio", args=[portfolio.slug])).status_code == 404

    client.force_login(cast.student)
    response = client.post(reverse("evaluations:portfolio_settings"), {"is_public": "on", "slug": "amara-okafor"})
    assert response.status_code == 302
    client.logout()
    page = client.get(reverse("evaluations:portfolio", args=["amara-okafor"])).content.decode()
    assert "Data analyst intern" in page and placement.certificate.code in page
    assert cast.student.email not in page and "A pleasure" not in page
    assert APIClient().get(reverse("v1:portfolio", args=["amara-okafor"])).json()["placements"][0]["code"] == (
        placement.certificate.code
    )
    assert goal is not None and placement_services  # the goals were confirmed at completion

    client.force_login(cast.student)
    client.post(reverse("evaluations:portfolio_settings"), {"slug": "amara-okafor"})
    client.logout()
    assert client.get(reverse("evaluations:portfolio", args=["amara-okafor"])).status_code == 404


def test_a_taken_portfolio_address_is_refused_with_a_message(client, cast):
    services.portfolio_update(student=cast.other_student, is_public=True, slug="taken-name")
    client.force_login(cast.student)
    response = client.post(reverse("evaluations:portfolio_settings"), {"is_public": "on", "slug": "taken-name"})
    assert response.status_code == 400 and "This address is taken" in response.content.decode()


def test_reminders_go_once_on_day_3_and_day_10_to_whoever_has_not_submitted(cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    supervisor_evaluates(placement, cast.supervisor)
    opened = Evaluation.objects.get(placement=placement).opened_at

    def reminded(user):
        return Notification.objects.filter(event="evaluation.reminder", recipient=user, key__contains=":day").count()

    assert reminders.evaluations_remind(day=3, now=opened + timedelta(days=2)) == (0, False)
    assert reminders.evaluations_remind(day=3, now=opened + timedelta(days=3, hours=1))[0] == 1
    assert reminders.evaluations_remind(day=3, now=opened + timedelta(days=3, hours=2))[0] == 0
    assert (reminded(cast.student), reminded(cast.supervisor)) == (1, 0)
    assert reminders.evaluations_remind(day=10, now=opened + timedelta(days=10, hours=1))[0] == 1
    assert reminders.evaluations_remind(day=10, now=opened + timedelta(days=10, hours=2))[0] == 0
    assert reminded(cast.student) == 2
    # After the window: no reminder, and both sides are told once that what was submitted is shown.
    assert reminders.evaluations_reveal_closed(now=opened + timedelta(days=13))[0] == 0
    assert reminders.evaluations_reveal_closed(now=opened + timedelta(days=14, hours=1))[0] == 1
    assert reminders.evaluations_reveal_closed(now=opened + timedelta(days=14, hours=2))[0] == 0
    assert timezone.now() < opened + timedelta(days=14)
