"""The notifications API: preferences through the page's form and service, and the list's
page-number pagination, for every role."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from notifications import events, services
from notifications.models import Notification, NotificationPreference, OutboxEmail
from tests.listings.factories import CareerServicesFactory, EmployerFactory, StaffFactory, StudentFactory

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("v1:notification-preferences")
ROLES = pytest.mark.parametrize(
    "make_user",
    [StudentFactory, EmployerFactory, CareerServicesFactory, StaffFactory],
    ids=["student", "employer", "career services", "site staff"],
)


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _emailed(data) -> set[str]:
    return {e["event"] for e in data["events"] if e["email"]}


def test_anonymous_visitors_are_asked_to_authenticate():
    client = APIClient()
    assert client.get(PREFERENCES).status_code == 401
    assert client.put(PREFERENCES, {"email_events": []}, format="json").status_code == 401
    assert not NotificationPreference.objects.exists()


@ROLES
def test_every_role_reads_and_sets_only_their_own_preferences(make_user):
    user, other = make_user(), make_user()
    client = signed_in(user)
    data = client.get(PREFERENCES).json()
    configurable = events.configurable()
    assert [e["event"] for e in data["events"]] == [e.name for e in configurable]
    assert _emailed(data) == {e.name for e in configurable if e.email_by_default}
    assert "account.email" not in {e["event"] for e in data["events"]}  # cannot be switched off

    response = client.put(PREFERENCES, {"email_events": ["system.message"]}, format="json")
    assert response.status_code == 200 and _emailed(response.json()) == {"system.message"}
    assert _emailed(client.get(PREFERENCES).json()) == {"system.message"}
    assert not NotificationPreference.objects.filter(user=other).exists()
    assert _emailed(signed_in(other).get(PREFERENCES).json()) == _emailed(data)


def test_the_page_and_the_api_show_the_same_choice(client):
    user = StudentFactory()
    signed_in(user).put(PREFERENCES, {"email_events": ["reports.export_ready"]}, format="json")
    client.force_login(user)
    form = client.get(reverse("notifications:preferences")).context["form"]
    assert form.initial["email_events"] == ["reports.export_ready"]


def test_an_event_switched_off_is_not_emailed():
    user, neighbour = StudentFactory(), StudentFactory()
    signed_in(user).put(PREFERENCES, {"email_events": []}, format="json")
    services.notify(
        event="system.message",
        recipients=[user, neighbour],
        key="hello",
        context={"title": "Hi", "message": "Body"},
        url="/",
    )
    assert Notification.objects.filter(recipient=user).exists()  # in-app notifications always appear
    assert not OutboxEmail.objects.filter(to_email=user.email).exists()
    assert OutboxEmail.objects.filter(to_email=neighbour.email).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"email_events": ["no.such.event"]},
        {"email_events": ["account.email"]},
        {"email_events": "system.message"},
        {"email_events": ["system\x00message"]},
        {"email_events": [{"event": "system.message"}]},
        {},
    ],
)
def test_bad_preferences_get_a_400_and_change_nothing(body):
    user = StudentFactory()
    response = signed_in(user).put(PREFERENCES, body, format="json")
    assert response.status_code == 400 and any(k.split(".")[0] == "email_events" for k in response.json()["fields"])
    assert not NotificationPreference.objects.filter(user=user).exists()


def test_a_non_object_body_is_a_400():
    response = signed_in(StudentFactory()).put(PREFERENCES, '["system.message"]', content_type="application/json")
    assert response.status_code == 400


def test_reading_preferences_takes_a_constant_number_of_queries(django_assert_num_queries):
    user = StudentFactory()
    client = signed_in(user)
    # session, user, stored preferences
    with django_assert_num_queries(3):
        client.get(PREFERENCES)
    services.preferences_set(user=user, email_events={"system.message"})
    with django_assert_num_queries(3):
        client.get(PREFERENCES)


def _notify(user, n: int) -> None:
    for i in range(n):
        services.notify(
            event="system.message", recipients=[user], key=f"n-{i}", context={"title": f"N{i}", "message": "."}, url="/"
        )


@ROLES
def test_the_notification_list_is_paginated_by_page_number(make_user):
    user = make_user()
    _notify(user, 23)
    client = signed_in(user)
    first = client.get(reverse("v1:notification-list")).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (23, 20, None)
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 3 and second["next"] is None
    assert client.get(reverse("v1:notification-list"), {"page": "3"}).status_code == 404


@pytest.mark.parametrize("count", [2, 30])
def test_the_notification_list_takes_a_constant_number_of_queries(django_assert_num_queries, count):
    user = StudentFactory()
    _notify(user, count)
    client = signed_in(user)
    # session, user, count, the page
    with django_assert_num_queries(4):
        assert client.get(reverse("v1:notification-list")).status_code == 200


@pytest.mark.parametrize("body", ["[1, 2]", '{"ids": [true]}', '{"ids": "1"}', '{"ids": [0]}', '"all"'])
def test_marking_read_with_a_bad_body_is_a_400_and_marks_nothing(body):
    user = StudentFactory()
    _notify(user, 2)
    response = signed_in(user).post(reverse("v1:notification-mark-read"), body, content_type="application/json")
    assert response.status_code == 400
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 2


def test_marking_read_touches_only_the_callers_notifications():
    user, other = StudentFactory(), EmployerFactory()
    _notify(user, 1)
    _notify(other, 1)
    theirs = Notification.objects.get(recipient=other)
    mine = Notification.objects.get(recipient=user)
    client = signed_in(user)
    url = reverse("v1:notification-mark-read")
    assert client.post(url, {"ids": [theirs.pk]}, format="json").json() == {"marked": 0}
    assert client.post(url, {"ids": [mine.pk]}, format="json").json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
