"""Every workspace URL and API endpoint from every role: the two parties write (other members of the
organization as supervisors may), career services of the student's institution read only, everyone
else gets a 404 and changes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from applications.models import CheckIn, Goal, Placement, PlacementFee
from placements import services
from tests.listings.factories import EmployerFactory, StudentFactory, member_of

from .factories import active_placement

pytestmark = pytest.mark.django_db


def _prepared(cast):
    """Two confirmed goals and one written check-in waiting for feedback."""
    placement = cast.placement
    for text in ("Clean the survey data", "Present the findings"):
        services.goal_propose(placement=placement, user=cast.student, text=text)
    services.goals_confirm(placement=placement, user=cast.supervisor)
    first = placement.checkins.order_by("due_on").first()
    services.checkin_submit(checkin=first, user=cast.student, hours=6, done="Cleaned the first survey wave")
    goal = placement.goals.first()
    unwritten = placement.checkins.filter(submitted_at__isnull=True).order_by("due_on").first()
    return placement, goal, first, unwritten


def _page_urls(p, goal, written, unwritten):
    return {
        "goal_add": (reverse("placements:goal_add", args=[p.pk]), {"text": "Another goal"}),
        "goals_confirm": (reverse("placements:goals_confirm", args=[p.pk]), {}),
        "goal_edit": (reverse("placements:goal_edit", args=[p.pk, goal.pk]), {f"goal-{goal.pk}-text": "Edited"}),
        "goal_remove": (reverse("placements:goal_remove", args=[p.pk, goal.pk]), {}),
        "goal_done": (reverse("placements:goal_done", args=[p.pk, goal.pk]), {f"done-{goal.pk}-done_link": ""}),
        "schedule": (reverse("placements:schedule", args=[p.pk]), {"cadence": "biweekly", "weekday": "2"}),
        "checkin_submit": (
            reverse("placements:checkin_submit", args=[p.pk, unwritten.pk]),
            {"hours": "5", "done": "Wrote the report"},
        ),
        "checkin_feedback": (
            reverse("placements:checkin_feedback", args=[p.pk, written.pk]),
            {f"feedback-{written.pk}-feedback": "Great work"},
        ),
        "fee_accept": (reverse("placements:fee_accept", args=[p.pk]), {}),
        "fee_paid": (reverse("placements:fee_paid", args=[p.pk]), {"paid_on": timezone.localdate().isoformat()}),
        "fee_received": (reverse("placements:fee_received", args=[p.pk]), {}),
        "complete": (reverse("placements:complete", args=[p.pk]), {}),
        "end_early": (reverse("placements:end_early", args=[p.pk]), {"reason": "Moving abroad"}),
    }


def _api_calls(p, goal, written, unwritten):
    base = f"/api/v1/placements/{p.pk}/"
    return [
        ("post", base + "goals/", {"text": "Another goal"}),
        ("post", base + "goals/confirm/", {}),
        ("put", base + f"goals/{goal.pk}/", {"text": "Edited"}),
        ("delete", base + f"goals/{goal.pk}/", None),
        ("post", base + f"goals/{goal.pk}/done/", {}),
        ("put", base + "schedule/", {"cadence": "biweekly", "weekday": 2}),
        ("post", base + f"checkins/{unwritten.pk}/submit/", {"hours": "5", "done": "Wrote the report"}),
        ("post", base + f"checkins/{written.pk}/feedback/", {"feedback": "Great work"}),
        ("post", base + "fee/accept/", {}),
        ("post", base + "fee/paid/", {"paid_on": timezone.localdate().isoformat()}),
        ("post", base + "fee/received/", {}),
        ("post", base + "complete/", {}),
        ("post", base + "end/", {"reason": "Moving abroad"}),
    ]


def _snapshot(placement):
    return (
        list(Placement.objects.filter(pk=placement.pk).values()),
        list(Goal.objects.filter(placement=placement).order_by("pk").values()),
        list(CheckIn.objects.filter(placement=placement).order_by("pk").values()),
        PlacementFee.objects.filter(placement=placement).count(),
    )


READERS = ["student", "supervisor", "colleague", "careers"]
OUTSIDERS = ["other_student", "other_employer", "other_careers"]


@pytest.mark.parametrize("role", READERS)
def test_the_two_parties_and_the_students_career_services_read_the_workspace(client, cast, role):
    placement, *_ = _prepared(cast)
    client.force_login(getattr(cast, role))
    response = client.get(reverse("placements:workspace", args=[placement.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Clean the survey data" in page and "Cleaned the first survey wave" in page
    assert ("Read-only view for career services" in page) == (role == "careers")
    api = APIClient()
    api.force_authenticate(getattr(cast, role))
    assert api.get(f"/api/v1/placements/{placement.pk}/").status_code == 200
    assert api.get(f"/api/v1/placements/{placement.pk}/goals/").status_code == 200
    assert api.get(f"/api/v1/placements/{placement.pk}/checkins/").json()["count"] == placement.checkins.count()
    assert [p["id"] for p in api.get("/api/v1/placements/").json()["results"]] == [placement.pk]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_another_student_organization_or_institution_gets_404_everywhere_and_changes_nothing(client, cast, role):
    placement, goal, written, unwritten = _prepared(cast)
    before = _snapshot(placement)
    user = getattr(cast, role)
    client.force_login(user)
    assert client.get(reverse("placements:workspace", args=[placement.pk])).status_code == 404
    for name, (url, data) in _page_urls(placement, goal, written, unwritten).items():
        assert client.post(url, data).status_code == 404, name
    api = APIClient()
    api.force_authenticate(user)
    for path in ("", "goals/", "checkins/", f"goals/{goal.pk}/", f"checkins/{written.pk}/"):
        assert api.get(f"/api/v1/placements/{placement.pk}/{path}").status_code == 404
    # Not found, whether or not the edits name a version (the If-Match check comes after).
    for headers in ({}, {"HTTP_IF_MATCH": "*"}):
        for method, url, data in _api_calls(placement, goal, written, unwritten):
            assert getattr(api, method)(url, data, format="json", **headers).status_code == 404, url
    assert api.get("/api/v1/placements/").json()["results"] == []
    assert _snapshot(placement) == before


def test_career_services_of_the_students_institution_only_read(client, cast):
    placement, goal, written, unwritten = _prepared(cast)
    before = _snapshot(placement)
    client.force_login(cast.careers)
    page = client.get(reverse("placements:workspace", args=[placement.pk])).content.decode()
    assert "Send feedback" not in page and "Propose goal" not in page and "Mark completed" not in page
    for name, (url, data) in _page_urls(placement, goal, written, unwritten).items():
        assert client.post(url, data).status_code == 403, name
    api = APIClient()
    api.force_authenticate(cast.careers)
    for headers in ({}, {"HTTP_IF_MATCH": "*"}):
        for method, url, data in _api_calls(placement, goal, written, unwritten):
            assert getattr(api, method)(url, data, format="json", **headers).status_code == 403, url
    assert _snapshot(placement) == before


def test_career_services_lose_sight_when_the_student_is_not_linked(client, cast):
    profile = cast.student.student_profile
    profile.institution_link = "requested"
    profile.save(update_fields=["institution_link"])
    client.force_login(cast.careers)
    assert client.get(reverse("placements:workspace", args=[cast.placement.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    placement, goal, written, unwritten = _prepared(cast)
    response = client.get(reverse("placements:workspace", args=[placement.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for name, (url, data) in _page_urls(placement, goal, written, unwritten).items():
        assert client.post(url, data).status_code == 302, name
    assert APIClient().get(f"/api/v1/placements/{placement.pk}/").status_code in (401, 403)


def test_an_inactive_member_loses_access(client, cast):
    cast.colleague.is_active = False
    cast.colleague.save(update_fields=["is_active"])
    client.force_login(cast.colleague)
    response = client.get(reverse("placements:workspace", args=[cast.placement.pk]))
    # A deactivated account is logged out by Django's authentication backend: it cannot see anything.
    assert response.status_code in (302, 404)


@pytest.mark.parametrize(
    "role, action, allowed",
    [
        ("student", "goal_add", True),
        ("supervisor", "goal_add", False),
        ("student", "goals_confirm", False),
        ("colleague", "goals_confirm", True),
        ("student", "checkin_submit", True),
        ("colleague", "checkin_submit", False),
        ("student", "checkin_feedback", False),
        ("colleague", "checkin_feedback", True),
        ("supervisor", "checkin_feedback", True),
        ("student", "goal_done", True),
        ("colleague", "goal_done", True),
        ("student", "goal_edit", "Your supervisor confirmed this goal"),  # a state refusal: 400
        ("colleague", "goal_edit", True),
        ("student", "schedule", True),
        ("colleague", "schedule", True),
        ("student", "complete", False),
        ("colleague", "complete", True),
        ("student", "end_early", True),
        ("supervisor", "end_early", True),
    ],
)
def test_who_of_the_two_parties_may_do_what(client, cast, role, action, allowed):
    placement, goal, written, unwritten = _prepared(cast)
    url, data = _page_urls(placement, goal, written, unwritten)[action]
    client.force_login(getattr(cast, role))
    response = client.post(url, data)
    if allowed is True:
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert response["Location"].startswith(f"/placements/{placement.pk}/")
    elif allowed is False:
        assert response.status_code == 403
    else:
        assert response.status_code == 400 and allowed in response.content.decode()


@pytest.mark.parametrize("role, allowed", [("supervisor", True), ("colleague", True), ("student", False)])
def test_only_the_organization_accepts_the_deliverable(client, micro_listing, role, allowed):
    student = StudentFactory(profile={"time_zone": "Asia/Kolkata"})
    placement = active_placement(listing=micro_listing, student=student, started_days_ago=3)
    user = {
        "supervisor": member_of(micro_listing),
        "colleague": EmployerFactory(organization=micro_listing.organization),
        "student": student,
    }[role]
    client.force_login(user)
    response = client.post(reverse("placements:fee_accept", args=[placement.pk]))
    assert response.status_code == (302 if allowed else 403)
    assert PlacementFee.objects.filter(placement=placement).exists() == allowed


def test_a_goal_or_check_in_of_another_placement_is_404(client, cast):
    placement, goal, written, unwritten = _prepared(cast)
    other = active_placement(
        listing=cast.listing, student=StudentFactory(profile={"time_zone": "UTC"}), supervisor=cast.supervisor
    )
    client.force_login(cast.supervisor)
    assert client.post(reverse("placements:goal_remove", args=[other.pk, goal.pk])).status_code == 404
    assert (
        client.post(
            reverse("placements:checkin_feedback", args=[other.pk, written.pk]),
            {f"feedback-{written.pk}-feedback": "x"},
        ).status_code
        == 404
    )
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert CheckIn.objects.get(pk=written.pk).feedback == ""
