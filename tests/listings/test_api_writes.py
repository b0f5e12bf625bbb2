"""Organization members write their listings through the API: the dashboard's form rules and
services, optimistic concurrency (ETag / If-Match, 412 on a stale write, 428 without one)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import personal_token_create
from listings.models import Listing
from notifications.models import Notification
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import (
    DraftListingFactory,
    EmployerFactory,
    OrganizationFactory,
    PublishedListingFactory,
    StudentFactory,
    UnverifiedOrganizationFactory,
    member_of,
)
from tests.support.api import api_for

pytestmark = pytest.mark.django_db


def body(**overrides) -> dict:
    data = {
        "kind": "internship",
        "title": "Data intern",
        "field": "research",
        "description": "Clean survey data with us.\n\nRemote, flexible.",
        "skills": ["Python", "SQL"],
        "compensation_type": "paid",
        "compensation_amount": "18.50",
        "currency": "EUR",
        "pay_period": "hour",
        "hours_per_week": 20,
        "duration_days": 90,
        "application_deadline": (timezone.now() + timedelta(days=20)).isoformat(),
        "work_start": "09:00",
        "work_end": "17:00",
        "time_zone": "Europe/Berlin",
        "eligible_countries": ["DE", "NG"],
        "collaboration_tools": ["Slack"],
        "questions": [{"prompt": "Which tools do you know?", "required": True}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def employer():
    return EmployerFactory(organization=OrganizationFactory())


def test_a_member_creates_a_draft_with_screening_questions(employer):
    response = api_for(employer).post("/api/v1/listings/", body(), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "draft" and created["skill_names"] == ["Python", "SQL"]
    assert [q["prompt"] for q in created["questions"]] == ["Which tools do you know?"]
    assert response["ETag"] == f'"{created["version"]}"'
    listing = Listing.objects.get(pk=created["id"])
    assert listing.organization_id == employer.membership.organization_id and listing.created_by == employer
    assert listing.eligible_countries == ["DE", "NG"]


def test_the_listing_forms_rules_apply(employer):
    api = api_for(employer)
    response = api.post("/api/v1/listings/", body(currency="", skills=["x" * 61]), format="json")
    assert response.status_code == 400
    response = api.post("/api/v1/listings/", body(currency=""), format="json")
    assert response.status_code == 400 and "currency" in response.json()["fields"]
    response = api.post("/api/v1/listings/", body(eligible_countries=["Germany"]), format="json")
    assert response.status_code == 400 and any(
        k.split(".")[0] == "eligible_countries" for k in response.json()["fields"]
    )
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = api.post("/api/v1/listings/", body(application_deadline=past), format="json")
    assert response.status_code == 400 and "application_deadline" in response.json()["fields"]
    assert not Listing.objects.exists()


def test_the_deadline_keeps_its_instant_across_time_zones(employer):
    deadline = "2030-01-31T17:00:00+00:00"
    created = api_for(employer).post(
        "/api/v1/listings/", body(application_deadline=deadline, time_zone="Asia/Tokyo"), format="json"
    )
    listing = Listing.objects.get(pk=created.json()["id"])
    assert listing.application_deadline.isoformat() == "2030-01-31T17:00:00+00:00"


@pytest.mark.parametrize("who", ["anonymous", "student", "careers"])
def test_only_members_of_an_organization_create_listings(who):
    from tests.listings.factories import CareerServicesFactory

    user = {"anonymous": None, "student": StudentFactory(), "careers": CareerServicesFactory()}[who]
    response = api_for(user).post("/api/v1/listings/", body(), format="json")
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert not Listing.objects.exists()


def test_a_member_reads_an_etag_and_edits_with_it():
    listing = DraftListingFactory(questions=["Why us?"])
    api = api_for(member_of(listing))
    read = api.get(f"/api/v1/listings/{listing.pk}/")
    etag = read["ETag"]
    question_id = read.json()["questions"][0]["id"]
    response = api.patch(
        f"/api/v1/listings/{listing.pk}/",
        {"title": "Research intern", "questions": [{"id": question_id, "prompt": "Why us, really?"}]},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] != etag
    listing.refresh_from_db()
    assert listing.title == "Research intern" and listing.questions.get().pk == question_id
    assert listing.questions.get().prompt == "Why us, really?"
    assert listing.compensation_amount == 15  # untouched fields keep their values


def test_a_stale_if_match_gets_412_and_changes_nothing():
    listing = DraftListingFactory()
    first, second = api_for(member_of(listing)), api_for(EmployerFactory(organization=listing.organization))
    etag = first.get(f"/api/v1/listings/{listing.pk}/")["ETag"]
    assert second.get(f"/api/v1/listings/{listing.pk}/")["ETag"] == etag
    ok = first.patch(f"/api/v1/listings/{listing.pk}/", {"title": "First edit"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    before = Listing.objects.get(pk=listing.pk)
    stale = second.patch(
        f"/api/v1/listings/{listing.pk}/",
        {"title": "Second edit", "hours_per_week": 5},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    after = Listing.objects.get(pk=listing.pk)
    assert (after.title, after.hours_per_week, after.updated_at) == (
        "First edit",
        before.hours_per_week,
        before.updated_at,
    )
    put = second.put(f"/api/v1/listings/{listing.pk}/", body(title="Put edit"), format="json", HTTP_IF_MATCH=etag)
    assert put.status_code == 412
    assert Listing.objects.get(pk=listing.pk).title == "First edit"


def test_an_edit_without_if_match_gets_428_and_star_overwrites():
    listing = DraftListingFactory()
    api = api_for(member_of(listing))
    refused = api.patch(f"/api/v1/listings/{listing.pk}/", {"title": "No precondition"}, format="json")
    assert refused.status_code == 428
    assert Listing.objects.get(pk=listing.pk).title != "No precondition"
    forced = api.put(f"/api/v1/listings/{listing.pk}/", body(title="Whatever"), format="json", HTTP_IF_MATCH="*")
    assert forced.status_code == 200 and forced.json()["title"] == "Whatever"


def test_a_status_change_also_changes_the_etag():
    listing = DraftListingFactory()
    api = api_for(member_of(listing))
    etag = api.get(f"/api/v1/listings/{listing.pk}/")["ETag"]
    submitted = api.post(f"/api/v1/listings/{listing.pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "published"
    assert submitted["ETag"] != etag
    stale = api.patch(f"/api/v1/listings/{listing.pk}/", {"title": "Late"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412


def test_the_public_and_other_organizations_get_no_etag_and_cannot_edit():
    listing = PublishedListingFactory()
    outsider = EmployerFactory(organization=OrganizationFactory())
    for user in (None, StudentFactory(), outsider):
        read = api_for(user).get(f"/api/v1/listings/{listing.pk}/")
        assert read.status_code == 200 and "ETag" not in read
    etag = f'"{listing.version}"'
    assert (
        api_for(outsider)
        .patch(f"/api/v1/listings/{listing.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH=etag)
        .status_code
        == 404
    )
    assert (
        api_for(StudentFactory())
        .patch(f"/api/v1/listings/{listing.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH=etag)
        .status_code
        == 403
    )
    assert (
        api_for(None)
        .patch(f"/api/v1/listings/{listing.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH=etag)
        .status_code
        == 401
    )
    for action in ("submit", "close", "duplicate"):
        assert (
            api_for(outsider).post(f"/api/v1/listings/{listing.pk}/{action}/", {"reason": "filled"}).status_code == 404
        )
    assert Listing.objects.get(pk=listing.pk).title == listing.title
    assert Listing.objects.count() == 1


def test_an_unverified_organization_submits_for_review():
    listing = DraftListingFactory(organization=UnverifiedOrganizationFactory())
    response = api_for(member_of(listing)).post(f"/api/v1/listings/{listing.pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "pending_review"


def test_closing_tells_the_waiting_applicants_and_duplicating_copies_the_questions():
    listing = PublishedListingFactory(questions=["Portfolio link?"])
    application = SubmittedApplicationFactory(listing=listing)
    api = api_for(member_of(listing))
    assert api.post(f"/api/v1/listings/{listing.pk}/close/", {"reason": "nonsense"}, format="json").status_code == 400
    closed = api.post(f"/api/v1/listings/{listing.pk}/close/", {"reason": "filled"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert Notification.objects.filter(recipient=application.student, event="application.closed").exists()
    edit = api.patch(f"/api/v1/listings/{listing.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH=closed["ETag"])
    assert edit.status_code == 400  # a closed listing is duplicated, not edited
    copy = api.post(f"/api/v1/listings/{listing.pk}/duplicate/")
    assert copy.status_code == 201 and copy.json()["status"] == "draft"
    assert [q["prompt"] for q in copy.json()["questions"]] == ["Portfolio link?"]


def test_a_draft_is_deleted_and_a_published_listing_is_not():
    draft, published = DraftListingFactory(), PublishedListingFactory()
    assert api_for(member_of(draft)).delete(f"/api/v1/listings/{draft.pk}/").status_code == 204
    assert api_for(member_of(published)).delete(f"/api/v1/listings/{published.pk}/").status_code == 400
    assert not Listing.objects.filter(pk=draft.pk).exists() and Listing.objects.filter(pk=published.pk).exists()


def test_a_read_only_token_cannot_write_listings():
    listing = DraftListingFactory()
    _, secret = personal_token_create(user=member_of(listing), name="ATS", scope="read", lifetime_days=30)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    etag = api.get(f"/api/v1/listings/{listing.pk}/")["ETag"]
    assert (
        api.patch(f"/api/v1/listings/{listing.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 403
    )
    assert api.post("/api/v1/listings/", body(), format="json").status_code == 403
    assert api.post(f"/api/v1/listings/{listing.pk}/submit/").status_code == 403
    assert Listing.objects.get(pk=listing.pk).status == "draft"


def test_the_readme_micro_internship_example_is_accepted(employer):
    readme = {
        "kind": "micro",
        "title": "Survey data clean-up",
        "field": "research",
        "description": "Clean and document a 2,000-row survey.",
        "skills": ["Python", "pandas"],
        "compensation_type": "fixed_fee",
        "compensation_amount": "300",
        "currency": "EUR",
        "hours_per_week": 10,
        "duration_days": 14,
        "estimated_total_hours": 20,
        "work_start": "09:00",
        "work_end": "17:00",
        "time_zone": "Europe/Berlin",
        "questions": [{"prompt": "Which tools do you use for data cleaning?"}],
    }
    response = api_for(employer).post("/api/v1/listings/", readme, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["effective_hourly_rate"] == "15.00"
    listing_id = response.json()["id"]
    api = api_for(employer)
    assert api.post(f"/api/v1/listings/{listing_id}/submit/").json()["status"] == "published"
    etag = api.get(f"/api/v1/listings/{listing_id}/")["ETag"]
    edited = api.patch(f"/api/v1/listings/{listing_id}/", {"openings": 2}, format="json", HTTP_IF_MATCH=etag)
    assert edited.status_code == 200 and edited.json()["openings"] == 2
