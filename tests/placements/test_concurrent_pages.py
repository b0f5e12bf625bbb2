"""The workspace page's edits of a goal and a check-in's feedback carry the version they were
opened at: when someone else wrote first, the page shows the object as it now is (409) instead of
overwriting it."""

import re

import pytest
from django.urls import reverse

from applications.models import CheckIn, Goal
from placements import services
from placements.views import CHECKIN_ANSWERED, GOAL_CHANGED

from .factories import with_confirmed_goals

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"placements:{name}", args=args)


def hidden_version(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


@pytest.fixture
def opened(client, cast):
    """The supervisor opens the workspace: two confirmed goals, a written check-in."""
    placement = with_confirmed_goals(cast.placement, supervisor=cast.supervisor)
    checkin = placement.checkins.order_by("due_on").first()
    services.checkin_submit(checkin=checkin, user=cast.student, hours=4, done="Read the codebase")
    goal = placement.goals.order_by("pk").first()
    client.force_login(cast.supervisor)
    page = client.get(url("workspace", placement.pk)).content.decode()
    return placement, goal, checkin, page


def test_the_forms_carry_the_versions_the_page_shows(opened):
    placement, goal, checkin, page = opened
    assert hidden_version(page, f"goal-{goal.pk}-version") == goal.version
    assert hidden_version(page, f"done-{goal.pk}-version") == goal.version
    assert hidden_version(page, f"feedback-{checkin.pk}-version") == CheckIn.objects.get(pk=checkin.pk).version


def test_a_goal_edited_meanwhile_is_shown_as_it_now_is_not_overwritten(client, cast, opened):
    placement, goal, _, page = opened
    version = hidden_version(page, f"goal-{goal.pk}-version")
    services.goal_update(goal=goal, user=cast.colleague, text="Ship the first feature behind a flag")
    response = client.post(
        url("goal_edit", placement.pk, goal.pk),
        {f"goal-{goal.pk}-text": "Ship the first feature by Friday", f"goal-{goal.pk}-version": version},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert GOAL_CHANGED in page
    assert Goal.objects.get(pk=goal.pk).text == "Ship the first feature behind a flag"
    # The form now holds the goal as it is, and its new version: sent again, it goes through.
    assert "Ship the first feature behind a flag</textarea>" in page
    fresh = hidden_version(page, f"goal-{goal.pk}-version")
    assert fresh == Goal.objects.get(pk=goal.pk).version != version
    again = client.post(
        url("goal_edit", placement.pk, goal.pk),
        {f"goal-{goal.pk}-text": "Ship the first feature by Friday", f"goal-{goal.pk}-version": fresh},
    )
    assert again.status_code == 302
    assert Goal.objects.get(pk=goal.pk).text == "Ship the first feature by Friday"


def test_a_goal_edited_meanwhile_is_not_marked_done_unseen(client, cast, opened):
    placement, goal, _, page = opened
    version = hidden_version(page, f"done-{goal.pk}-version")
    services.goal_update(goal=goal, user=cast.colleague, text="A different goal now")
    response = client.post(
        url("goal_done", placement.pk, goal.pk), {f"done-{goal.pk}-done_link": "", f"done-{goal.pk}-version": version}
    )
    assert response.status_code == 409 and GOAL_CHANGED in response.content.decode()
    assert Goal.objects.get(pk=goal.pk).done_at is None


def test_a_check_in_a_colleague_answered_meanwhile_keeps_their_feedback(client, cast, opened):
    placement, _, checkin, page = opened
    version = hidden_version(page, f"feedback-{checkin.pk}-version")
    services.checkin_feedback(checkin=checkin, user=cast.colleague, feedback="Nice start")
    response = client.post(
        url("checkin_feedback", placement.pk, checkin.pk),
        {f"feedback-{checkin.pk}-feedback": "Great work", f"feedback-{checkin.pk}-version": version},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert CHECKIN_ANSWERED in page and "Nice start" in page
    assert CheckIn.objects.get(pk=checkin.pk).feedback == "Nice start"


def test_an_edit_from_the_current_page_goes_through(client, opened):
    placement, goal, _, page = opened
    response = client.post(
        url("goal_edit", placement.pk, goal.pk),
        {f"goal-{goal.pk}-text": "Ship it", f"goal-{goal.pk}-version": hidden_version(page, f"goal-{goal.pk}-version")},
    )
    assert response.status_code == 302 and Goal.objects.get(pk=goal.pk).text == "Ship it"
