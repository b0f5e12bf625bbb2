"""Filtering and ordering the signed-in user's notifications (``notifications.filters``)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from notifications import services
from notifications.models import Notification
from tests.listings.factories import CareerServicesFactory, EmployerFactory, StudentFactory

pytestmark = pytest.mark.django_db
URL = reverse("v1:notification-list")


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def notify(user, key: str) -> Notification:
    services.notify(event="system.message", recipients=[user], key=key, context={"title": key, "message": "."}, url="/")
    return Notification.objects.get(recipient=user, key=key)


@pytest.fixture
def inbox():
    """A student's three notifications (the second read), and another user's."""
    user = StudentFactory()
    first, second, third = notify(user, "one"), notify(user, "two"), notify(user, "three")
    services.notifications_mark_read(user=user, ids=[second.pk])
    notify(EmployerFactory(), "theirs")
    return user, first.pk, second.pk, third.pk


def keys(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [n["id"] for n in response.json()["results"]]


def test_unread_and_read_notifications_are_filtered(inbox):
    user, first, second, third = inbox
    client = signed_in(user)
    assert keys(client.get(URL)) == [third, second, first]  # newest first
    assert keys(client.get(URL, {"unread": "true"})) == [third, first]
    assert keys(client.get(URL, {"unread": "false"})) == [second]


def test_notifications_are_filtered_by_kind(inbox):
    user, first, second, third = inbox
    client = signed_in(user)
    assert keys(client.get(URL, {"kind": "system.message"})) == [third, second, first]
    assert keys(client.get(URL, {"kind": "application.status_changed"})) == []
    assert keys(client.get(URL, {"kind": "system.message", "unread": "true"})) == [third, first]


def test_notifications_are_ordered_oldest_first_on_request(inbox):
    user, first, second, third = inbox
    assert keys(signed_in(user).get(URL, {"ordering": "created_at"})) == [first, second, third]


def test_a_filter_never_shows_another_users_notifications(inbox):
    other = EmployerFactory()
    notify(other, "mine")
    client = signed_in(other)
    assert len(keys(client.get(URL, {"kind": "system.message", "unread": "true"}))) == 1
    assert keys(signed_in(CareerServicesFactory()).get(URL, {"unread": "true"})) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"unread": "maybe"}, "unread"),
        ({"unread": "yes"}, "unread"),
        ({"kind": "no.such.event"}, "kind"),
        ({"kind": "x" * 61}, "kind"),
        ({"ordering": "title"}, "ordering"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(inbox, params, field):
    response = signed_in(inbox[0]).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error" and list(body["fields"]) == [field], body


def test_anonymous_visitors_are_refused_before_any_filter_is_read(db):
    response = APIClient().get(URL, {"unread": "maybe"})
    assert response.status_code == 401 and response.json()["type"] == "not_authenticated"


@pytest.mark.parametrize("count", [2, 30])
def test_a_filtered_list_takes_a_constant_number_of_queries(django_assert_num_queries, count):
    user = StudentFactory()
    for i in range(count):
        notify(user, f"n-{i}")
    client = signed_in(user)
    # session, user, count, the page
    with django_assert_num_queries(4):
        response = client.get(URL, {"unread": "true", "kind": "system.message", "ordering": "created_at"})
    assert response.json()["count"] == count


def test_the_schema_shows_the_filter_parameters(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/notifications/"]["get"]["parameters"]}
    assert parameters["unread"]["schema"] == {"type": "boolean"}
    assert parameters["kind"]["schema"]["type"] == "string"
    assert parameters["ordering"]["schema"]["items"]["enum"] == ["-created_at", "created_at"]
