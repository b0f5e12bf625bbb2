"""Optimistic concurrency on the workspace's edits through the API: a goal's edit, removal and
marking done, the schedule, a check-in's feedback. Each answers its object's ``ETag``, needs it
back in ``If-Match`` (428 without), and refuses a stale one with 412, changing nothing."""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from applications.models import CheckIn, Goal, Placement
from placements import services
from tests.support.api import api_for

from .factories import active_placement

pytestmark = pytest.mark.django_db


@dataclass
class World:
    cast: object
    placement: Placement
    goal: Goal
    checkin: CheckIn  # written, waiting for feedback

    @property
    def base(self) -> str:
        return f"/api/v1/placements/{self.placement.pk}/"


@pytest.fixture
def world(cast) -> World:
    placement = cast.placement
    for text in ("Clean the survey data", "Present the findings"):
        services.goal_propose(placement=placement, user=cast.student, text=text)
    services.goals_confirm(placement=placement, user=cast.supervisor)
    checkin = placement.checkins.order_by("due_on").first()
    services.checkin_submit(checkin=checkin, user=cast.student, hours=6, done="Cleaned the first survey wave")
    return World(cast, placement, placement.goals.order_by("pk").first(), checkin)


@dataclass(frozen=True)
class Edit:
    """One guarded edit: who makes it, how, where its ETag is read, what row it changes, and
    someone else's write of the same object in between (which makes the ETag stale)."""

    actor: str
    method: str
    path: Callable[[World], str]
    data: dict | None
    read: Callable[[World], str]  # a GET answering the object's ETag
    row: Callable[[World], object]  # the object's row as stored
    meanwhile: Callable[[World], object]
    gone: bool = False  # the edit removes the object: no ETag in the answer


def goal_row(w):
    return Goal.objects.filter(pk=w.goal.pk).values().first()


def colleague_edits_goal(w):
    services.goal_update(goal=w.goal, user=w.cast.colleague, text="Clean and document the survey data")


EDITS = {
    "goal_update": Edit(
        "supervisor",
        "put",
        lambda w: w.base + f"goals/{w.goal.pk}/",
        {"text": "Clean the survey data by Friday"},
        lambda w: w.base + f"goals/{w.goal.pk}/",
        goal_row,
        colleague_edits_goal,
    ),
    "goal_remove": Edit(
        "supervisor",
        "delete",
        lambda w: w.base + f"goals/{w.goal.pk}/",
        None,
        lambda w: w.base + f"goals/{w.goal.pk}/",
        goal_row,
        colleague_edits_goal,
        gone=True,
    ),
    "goal_mark_done": Edit(
        "student",
        "post",
        lambda w: w.base + f"goals/{w.goal.pk}/done/",
        {"link": "https://example.org/notebook"},
        lambda w: w.base + f"goals/{w.goal.pk}/",
        goal_row,
        colleague_edits_goal,
    ),
    "schedule_set": Edit(
        "supervisor",
        "put",
        lambda w: w.base + "schedule/",
        {"cadence": "biweekly", "weekday": 1},
        lambda w: w.base,
        lambda w: Placement.objects.filter(pk=w.placement.pk).values().first(),
        lambda w: services.schedule_set(placement=w.placement, user=w.cast.student, cadence="weekly", weekday=2),
    ),
    "checkin_feedback": Edit(
        "supervisor",
        "post",
        lambda w: w.base + f"checkins/{w.checkin.pk}/feedback/",
        {"feedback": "Great start: keep the notes"},
        lambda w: w.base + f"checkins/{w.checkin.pk}/",
        lambda w: CheckIn.objects.filter(pk=w.checkin.pk).values().first(),
        lambda w: services.checkin_feedback(checkin=w.checkin, user=w.cast.colleague, feedback="Well done"),
    ),
}


def send(w: World, edit: Edit, **headers):
    api = api_for(getattr(w.cast, edit.actor))
    return getattr(api, edit.method)(edit.path(w), edit.data, format="json", **headers)


def current_etag(w: World, edit: Edit) -> str:
    response = api_for(getattr(w.cast, edit.actor)).get(edit.read(w))
    assert response.status_code == 200
    return response["ETag"]


@pytest.mark.parametrize("name", EDITS)
def test_a_fresh_if_match_writes_and_answers_the_new_etag(world, name):
    edit = EDITS[name]
    etag = current_etag(world, edit)
    before = edit.row(world)
    response = send(world, edit, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert edit.row(world) != before
    if edit.gone:
        assert edit.row(world) is None and "ETag" not in response
    else:
        assert response["ETag"] != etag
        assert response["ETag"] == current_etag(world, edit)


@pytest.mark.parametrize("name", EDITS)
def test_a_stale_if_match_gets_412_and_changes_nothing(world, name):
    edit = EDITS[name]
    etag = current_etag(world, edit)  # both read the same version; someone else writes first
    edit.meanwhile(world)
    after_theirs = edit.row(world)
    response = send(world, edit, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json() == {
        "type": "precondition_failed",
        "detail": "The resource changed since you read it: fetch it again and reapply your change.",
        "fields": {},
    }
    assert edit.row(world) == after_theirs
    # Read again, the change goes through.
    if name != "checkin_feedback":  # feedback is given once: the colleague's stands
        assert send(world, edit, HTTP_IF_MATCH=current_etag(world, edit)).status_code == 200


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_without_if_match_gets_428_and_changes_nothing(world, name):
    edit = EDITS[name]
    before = edit.row(world)
    response = send(world, edit)
    assert response.status_code == 428
    assert response.json()["type"] == "precondition_required" and response.json()["fields"] == {}
    assert edit.row(world) == before


@pytest.mark.parametrize("name", ["goal_update", "schedule_set"])
def test_if_match_star_writes_whatever_is_there(world, name):
    edit = EDITS[name]
    edit.meanwhile(world)
    before = edit.row(world)
    assert send(world, edit, HTTP_IF_MATCH="*").status_code == 200
    assert edit.row(world) != before


def test_feedback_once_given_is_not_overwritten_even_with_star(world):
    EDITS["checkin_feedback"].meanwhile(world)
    response = send(world, EDITS["checkin_feedback"], HTTP_IF_MATCH="*")
    assert response.status_code == 400
    assert CheckIn.objects.get(pk=world.checkin.pk).feedback == "Well done"


def test_weak_and_listed_etags_are_read_as_versions(world):
    edit = EDITS["goal_update"]
    version = current_etag(world, edit).strip('"')
    response = send(world, edit, HTTP_IF_MATCH=f'"1-0", W/"{version}"')
    assert response.status_code == 200


def test_the_versions_in_the_placement_detail_are_the_etags_of_the_objects(world):
    api = api_for(world.cast.supervisor)
    detail = api.get(world.base)
    goals = {g["id"]: g["version"] for g in detail.json()["goals"]}
    assert (
        detail["ETag"] == f'"{detail.json()["version"]}"' == f'"{Placement.objects.get(pk=world.placement.pk).version}"'
    )
    assert api.get(world.base + f"goals/{world.goal.pk}/")["ETag"] == f'"{goals[world.goal.pk]}"'
    checkins = {c["id"]: c["version"] for c in api.get(world.base + "checkins/").json()["results"]}
    assert api.get(world.base + f"checkins/{world.checkin.pk}/")["ETag"] == f'"{checkins[world.checkin.pk]}"'


def test_the_goal_and_check_in_reads_are_the_placements_own(world):
    api = api_for(world.cast.student)
    goal = api.get(world.base + f"goals/{world.goal.pk}/").json()
    assert (goal["id"], goal["text"]) == (world.goal.pk, "Clean the survey data")
    checkin = api.get(world.base + f"checkins/{world.checkin.pk}/").json()
    assert checkin["done"] == "Cleaned the first survey wave" and checkin["due_at"].endswith("Z")
    # Another placement's goal and check-in are not found under this one.
    other = active_placement(listing=world.placement.listing, student=world.cast.other_student, started_days_ago=10)
    other_goal = services.goal_propose(placement=other, user=world.cast.other_student, text="Someone else's goal")
    assert api.get(world.base + f"goals/{other_goal.pk}/").status_code == 404
    assert api.get(world.base + f"checkins/{other.checkins.first().pk}/").status_code == 404


def test_the_edits_document_if_match_etag_412_and_428(client):
    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/json").content)
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/placements/{id}/goals/{goal_pk}/", "put"),
        ("/api/v1/placements/{id}/goals/{goal_pk}/", "delete"),
        ("/api/v1/placements/{id}/goals/{goal_pk}/done/", "post"),
        ("/api/v1/placements/{id}/schedule/", "put"),
        ("/api/v1/placements/{id}/checkins/{checkin_pk}/feedback/", "post"),
    ]:
        operation = paths[path][method]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert headers["If-Match"]["required"] is True, (path, method)
        assert {"412", "428"} <= set(operation["responses"]), (path, method)
        if method != "delete":
            assert "ETag" in operation["responses"]["200"]["headers"], (path, method)
    for path in (
        "/api/v1/placements/{id}/",
        "/api/v1/placements/{id}/goals/{goal_pk}/",
        "/api/v1/placements/{id}/checkins/{checkin_pk}/",
    ):
        assert "ETag" in paths[path]["get"]["responses"]["200"]["headers"], path
