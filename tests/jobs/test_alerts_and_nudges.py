"""Saved-search digests (one email per user and period), the signed unsubscribe link, and the
nudge to employers who leave applications untouched."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from applications.models import Application
from applications.reminders import applications_nudge_untouched
from listings import alerts
from listings.models import SavedSearch
from notifications.models import OutboxEmail
from tests.factories import UserFactory

T0 = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


@pytest.fixture
def student(db):
    return UserFactory(email="learner@example.org")


def _search(user, name, query_string, frequency="daily", created=T0 - timedelta(days=3)):
    search = SavedSearch.objects.create(user=user, name=name, query_string=query_string, frequency=frequency)
    SavedSearch.objects.filter(pk=search.pk).update(created_at=created)
    return search


@pytest.mark.django_db
def test_daily_digest_groups_every_matching_search_in_one_email_per_user(student, publish):
    _search(student, "Research sprints", "q=research")
    _search(student, "Micro", "kind=micro")
    _search(student, "Nothing", "q=astronautics")
    with time_machine.travel(T0 - timedelta(hours=5), tick=False):
        publish(kind="micro", title="Research sprint on remote tools")
        publish(kind="internship", title="Design internship")
    with time_machine.travel(T0, tick=False):
        assert alerts.saved_search_alerts_send(frequency="daily") == (1, False)
        assert alerts.saved_search_alerts_send(frequency="daily") == (0, False)  # beat firing twice
    emails = OutboxEmail.objects.filter(event="listing.saved_search_digest")
    assert emails.count() == 1
    body = emails.get().body_text
    assert "Research sprints (1 new)" in body and "Micro (1 new)" in body
    assert "Nothing" not in body and "Design internship" not in body
    assert "/listings/alerts/unsubscribe/" in body


@pytest.mark.django_db
def test_next_digest_only_lists_listings_published_since_the_last_one(student, publish):
    _search(student, "Research", "q=research")
    with time_machine.travel(T0 - timedelta(hours=3), tick=False):
        publish(title="Research assistant")
    with time_machine.travel(T0, tick=False):
        alerts.saved_search_alerts_send(frequency="daily")
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        publish(title="Research analyst")
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        assert alerts.saved_search_alerts_send(frequency="daily") == (1, False)
    latest = OutboxEmail.objects.filter(event="listing.saved_search_digest").order_by("-pk").first()
    assert "Research analyst" in latest.body_text and "Research assistant" not in latest.body_text


@pytest.mark.django_db
def test_weekly_search_is_not_sent_by_the_daily_run_nor_twice_in_a_week(student, publish):
    _search(student, "Weekly research", "q=research", frequency="weekly")
    with time_machine.travel(T0 - timedelta(hours=3), tick=False):
        publish(title="Research assistant")
    with time_machine.travel(T0, tick=False):
        assert alerts.saved_search_alerts_send(frequency="daily") == (0, False)
        assert alerts.saved_search_alerts_send(frequency="weekly") == (1, False)
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        publish(title="Research analyst")
        assert alerts.saved_search_alerts_send(frequency="weekly") == (0, False)


@pytest.mark.django_db
def test_unsubscribe_link_works_without_login_and_only_on_post(client, student):
    search = _search(student, "Research", "q=research")
    token = alerts.unsubscribe_token(student)
    url = reverse("saved_search_unsubscribe", args=[token])
    assert client.get(url).status_code == 200
    search.refresh_from_db()
    assert search.frequency == "daily"
    response = client.post(url)
    assert response.status_code == 200 and "Alerts are off" in response.content.decode()
    search.refresh_from_db()
    assert search.frequency == "off"


@pytest.mark.django_db
def test_tampered_unsubscribe_link_is_refused(client, student):
    search = _search(student, "Research", "q=research")
    forged = signing.dumps({"u": student.pk}, salt="another-salt")
    response = client.post(reverse("saved_search_unsubscribe", args=[forged]))
    assert response.status_code == 400 and "not valid" in response.content.decode()
    search.refresh_from_db()
    assert search.frequency == "daily"


@pytest.mark.django_db
def test_expired_unsubscribe_link_is_refused_with_a_way_forward(client, student):
    search = _search(student, "Research", "q=research")
    with time_machine.travel(T0, tick=False):
        token = alerts.unsubscribe_token(student)
    with time_machine.travel(T0 + timedelta(days=61), tick=False):
        response = client.post(reverse("saved_search_unsubscribe", args=[token]))
    assert response.status_code == 400 and "expired" in response.content.decode()
    search.refresh_from_db()
    assert search.frequency == "daily"


@pytest.mark.django_db
def test_employer_is_nudged_once_about_applications_untouched_for_a_week(publish, apply, employer):
    with time_machine.travel(T0, tick=False):
        listing = publish(kind="internship", title="Data internship")
        waiting = apply(listing, 3)
    Application.objects.filter(pk=waiting[0].pk).update(status="in_review")  # answered: not counted
    assert applications_nudge_untouched(now=T0 + timedelta(days=6)) == (0, False)
    assert applications_nudge_untouched(now=T0 + timedelta(days=7, minutes=1)) == (2, False)
    assert applications_nudge_untouched(now=T0 + timedelta(days=8)) == (0, False)
    nudge = OutboxEmail.objects.get(event="application.untouched_nudge")
    assert nudge.to_email == employer.email
    assert "Data internship: 2 applicants" in nudge.body_text
