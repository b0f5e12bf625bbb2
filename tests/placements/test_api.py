"""The placements API: the same rules as the pages, 4xx JSON for bad input, in the OpenAPI schema."""

import json

import pytest
from django.utils import timezone

from applications.models import Placement, PlacementFee
from tests.listings.factories import StudentFactory, member_of
from tests.support.api import api_for

from .factories import active_placement

pytestmark = pytest.mark.django_db


def test_a_placement_goes_from_goals_to_completion_through_the_api(cast):
    base = f"/api/v1/placements/{cast.placement.pk}/"
    student, supervisor = api_for(cast.student), api_for(cast.colleague)

    detail = student.get(base).json()
    assert (detail["student_time_zone"], detail["organization_time_zone"]) == ("Africa/Lagos", "Europe/Berlin")
    assert detail["hours_estimate"] == 200 and detail["next_checkin"]["due_on"]

    assert student.post(base + "goals/", {"text": "Clean the data"}, format="json").status_code == 201
    response = student.post(base + "goals/", {"text": "Present", "link": "ftp://nope"}, format="json")
    assert response.status_code == 400 and "link" in response.json()["fields"]
    student.post(base + "goals/", {"text": "Present"}, format="json")
    response = student.post(base + "goals/confirm/", format="json")
    assert response.status_code == 403
    confirmed = supervisor.post(base + "goals/confirm/", format="json").json()
    assert confirmed["goals_confirmed_at"] and len(confirmed["goals"]) == 2

    etag = supervisor.get(base)["ETag"]
    schedule = supervisor.put(
        base + "schedule/", {"cadence": "biweekly", "weekday": 9}, format="json", HTTP_IF_MATCH=etag
    )
    assert schedule.status_code == 400 and "weekday" in schedule.json()["fields"]
    schedule = supervisor.put(
        base + "schedule/", {"cadence": "weekly", "weekday": 4}, format="json", HTTP_IF_MATCH=etag
    )
    assert schedule.status_code == 200

    checkins = student.get(base + "checkins/").json()["results"]
    first = checkins[0]
    assert first["submitted_at"] is None and first["due_at"].endswith("Z")
    bad = student.post(base + f"checkins/{first['id']}/submit/", {"hours": "-1", "done": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"hours", "done"}
    written = student.post(
        base + f"checkins/{first['id']}/submit/", {"hours": "6.5", "done": "Cleaned", "learned": "SQL"}, format="json"
    )
    assert written.status_code == 200 and written.json()["hours_logged"] == "6.5"
    again = student.post(base + f"checkins/{first['id']}/submit/", {"hours": "1", "done": "x"}, format="json")
    assert again.status_code == 400 and again.json()["fields"] == {
        "non_field_errors": ["This check-in was already sent."]
    }
    version = student.get(base + "checkins/").json()["results"][0]["version"]
    feedback = supervisor.post(
        base + f"checkins/{first['id']}/feedback/", {"feedback": "Nice"}, format="json", HTTP_IF_MATCH=f'"{version}"'
    )
    assert feedback.status_code == 200
    assert student.get(base + "checkins/").json()["results"][0]["feedback_by"]["name"] == cast.colleague.name

    goal_id = confirmed["goals"][0]["id"]
    etag = student.get(base + f"goals/{goal_id}/")["ETag"]
    done = student.post(
        base + f"goals/{goal_id}/done/", {"link": "https://example.org/nb"}, format="json", HTTP_IF_MATCH=etag
    )
    assert done.status_code == 200
    assert student.post(base + "complete/", format="json").status_code == 403
    done = supervisor.post(base + "complete/", format="json").json()
    assert done["status"] == "completed" and done["completed_at"] and done["hours_logged"] == "6.5"
    assert student.post(base + "end/", {"reason": "x"}, format="json").status_code == 400


def test_the_fee_through_the_api(micro_listing):
    student = StudentFactory(profile={"time_zone": "Asia/Kolkata"})
    placement = active_placement(listing=micro_listing, student=student, started_days_ago=8)
    base = f"/api/v1/placements/{placement.pk}/"
    intern, employer = api_for(student), api_for(member_of(micro_listing))
    first = intern.get(base + "checkins/").json()["results"][0]
    intern.post(base + f"checkins/{first['id']}/submit/", {"hours": "16", "done": "Audit"}, format="json")
    fee = employer.post(base + "fee/accept/", format="json").json()["fee"]
    assert (fee["status"], fee["amount"], fee["hourly_rate"]) == ("due", "300.00", "18.75")
    bad = employer.post(base + "fee/paid/", {"paid_on": "not a date"}, format="json")
    assert bad.status_code == 400 and "paid_on" in bad.json()["fields"]
    today = timezone.localdate().isoformat()
    assert employer.post(base + "fee/paid/", {"paid_on": today}, format="json").json()["fee"]["paid_on"] == today
    assert employer.post(base + "fee/received/", format="json").status_code == 403
    assert intern.post(base + "fee/received/", format="json").json()["fee"]["status"] == "received"
    assert PlacementFee.objects.get(placement=placement).status == "received"
    assert Placement.objects.get(pk=placement.pk).status == "active"


def test_the_placements_api_is_in_the_openapi_schema(client):
    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/json").content)
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/placements/": {"get"},
        "/api/v1/placements/{id}/": {"get"},
        "/api/v1/placements/{id}/goals/": {"get", "post"},
        "/api/v1/placements/{id}/goals/{goal_pk}/": {"get", "put", "delete"},
        "/api/v1/placements/{id}/goals/{goal_pk}/done/": {"post"},
        "/api/v1/placements/{id}/goals/confirm/": {"post"},
        "/api/v1/placements/{id}/schedule/": {"put"},
        "/api/v1/placements/{id}/checkins/": {"get"},
        "/api/v1/placements/{id}/checkins/{checkin_pk}/": {"get"},
        "/api/v1/placements/{id}/checkins/{checkin_pk}/submit/": {"post"},
        "/api/v1/placements/{id}/checkins/{checkin_pk}/feedback/": {"post"},
        "/api/v1/placements/{id}/fee/accept/": {"post"},
        "/api/v1/placements/{id}/fee/paid/": {"post"},
        "/api/v1/placements/{id}/fee/received/": {"post"},
        "/api/v1/placements/{id}/complete/": {"post"},
        "/api/v1/placements/{id}/end/": {"post"},
    }.items():
        assert methods <= set(paths[path]), path
    detail = schema["components"]["schemas"]["PlacementDetailOutput"]["properties"]
    assert {"goals", "next_checkin", "fee", "overlap_hours", "hours_logged", "needs_attention"} <= set(detail)
