"""The reveal rule from every role and moment: nobody reads the other side's answers until both
are in or the 14-day window closed; then both see the ratings side by side with the gap."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from evaluations.models import Evaluation
from notifications.models import Notification

from .factories import completed, student_evaluates, supervisor_evaluates

pytestmark = pytest.mark.django_db

# Words only the supervisor's answer puts on the page, and words only the self-assessment does.
SUPERVISOR_MARK = "A pleasure to work with."
SELF_MARK = "I automated the weekly report."
ENDORSEMENT = "Amara shipped our first automated report in week two."


def page_of(client, user, placement):
    client.force_login(user)
    response = client.get(reverse("evaluations:evaluation", args=[placement.pk]))
    return response.status_code, response.content.decode()


def api_of(user, placement):
    api = APIClient()
    api.force_authenticate(user)
    return api.get(reverse("v1:placement-evaluation", args=[placement.pk]))


def test_completing_opens_the_evaluation_for_14_days_and_tells_both_sides(cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    evaluation = Evaluation.objects.get(placement=placement)
    assert evaluation.closes_at - evaluation.opened_at == timedelta(days=14)
    told = set(Notification.objects.filter(event="evaluation.opened").values_list("recipient_id", flat=True))
    assert {cast.student.pk, cast.supervisor.pk} <= told


def test_nobody_outside_the_placement_sees_its_evaluation(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    for outsider in (cast.other_student, cast.other_employer, cast.other_careers):
        assert page_of(client, outsider, placement)[0] == 404
        assert api_of(outsider, placement).status_code == 404


def test_one_side_submitted_the_other_sees_nothing_of_it(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    supervisor_evaluates(placement, cast.supervisor)

    status, page = page_of(client, cast.supervisor, placement)
    assert status == 200 and SUPERVISOR_MARK in page  # their own answers
    status, page = page_of(client, cast.colleague, placement)
    assert SUPERVISOR_MARK in page  # the organization's side
    for viewer in (cast.student, cast.careers):
        status, page = page_of(client, viewer, placement)
        assert status == 200
        assert SUPERVISOR_MARK not in page and ENDORSEMENT not in page
    data = api_of(cast.student, placement).json()
    assert (data["revealed"], data["supervisor"], data["comparison"], data["other_side_submitted"]) == (
        False,
        None,
        [],
        True,
    )
    assert api_of(cast.careers, placement).json()["supervisor"] is None

    # The student's answers are not shown to the organization before the reveal either.
    evaluation = Evaluation.objects.get(placement=placement)
    Evaluation.objects.filter(pk=evaluation.pk).update(supervisor_submitted_at=None)
    student_evaluates(placement, comments="Unique review words")
    status, page = page_of(client, cast.supervisor, placement)
    assert "Unique review words" not in page and SELF_MARK not in page
    assert api_of(cast.supervisor, placement).json()["review"] is None


def test_both_submitted_both_sides_and_careers_see_the_comparison_with_the_gap(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    student_evaluates(placement)
    supervisor_evaluates(placement, cast.supervisor)
    for viewer in (cast.student, cast.supervisor, cast.careers):
        status, page = page_of(client, viewer, placement)
        assert status == 200 and SUPERVISOR_MARK in page and SELF_MARK in page and "supervisor rated higher" in page
    data = api_of(cast.student, placement).json()
    assert data["revealed"] is True
    communication = next(r for r in data["comparison"] if r["skill"] == "communication")
    assert (communication["supervisor"], communication["self"], communication["gap"]) == (5, 3, 2)
    assert api_of(cast.supervisor, placement).json()["review"]["would_recommend"] is True
    assert Notification.objects.filter(event="evaluation.revealed", recipient=cast.student).count() == 1


def test_when_the_window_closes_what_was_submitted_is_shown_and_nothing_more_can_be_sent(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    supervisor_evaluates(placement, cast.supervisor)
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        status, page = page_of(client, cast.student, placement)
        assert SUPERVISOR_MARK in page and "the window closed" in page
        response = client.post(reverse("evaluations:student_submit", args=[placement.pk]), {})
        assert response.status_code == 400
        api = APIClient()
        api.force_authenticate(cast.student)
        payload = {
            **{f"self_{k}": 3 for k in ("communication", "quality", "reliability", "initiative", "remote")},
            **dict.fromkeys(("supervision", "feedback", "clarity", "learning"), 4),
            "would_recommend": True,
        }
        answer = api.post(reverse("v1:placement-evaluation-student", args=[placement.pk]), payload, format="json")
        assert answer.status_code == 400 and "closed" in str(answer.json())


def test_each_side_submits_once_and_only_its_own_part(client, cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    client.force_login(cast.student)
    refused = client.post(reverse("evaluations:supervisor_submit", args=[placement.pk]), {})
    assert refused.status_code == 403
    client.force_login(cast.careers)
    assert client.post(reverse("evaluations:student_submit", args=[placement.pk]), {}).status_code == 403
    client.force_login(cast.supervisor)
    bad = client.post(reverse("evaluations:supervisor_submit", args=[placement.pk]), {"communication": "9"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    supervisor_evaluates(placement, cast.supervisor)
    again = client.post(
        reverse("evaluations:supervisor_submit", args=[placement.pk]),
        {"communication": 1, "quality": 1, "reliability": 1, "initiative": 1, "remote": 1},
    )
    assert again.status_code == 403 or "already submitted" in again.content.decode()
    assert Evaluation.objects.get(placement=placement).sup_communication == 5


def test_ending_early_opens_the_evaluation_without_a_certificate(cast):
    from placements import services as placement_services

    placement = placement_services.placement_end_early(placement=cast.placement, user=cast.student, reason="Moved")
    assert Evaluation.objects.filter(placement=placement).exists()
    assert not hasattr(placement, "certificate") or placement.certificate is None
