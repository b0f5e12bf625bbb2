"""The API's rate limits: 429 with Retry-After in the shared shape, for each scope; the production
rates are the ones views apply; a Redis outage lets requests through instead of refusing them."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory, force_authenticate

from marketplace import throttling
from notifications.api.views import NotificationListApi
from tests.accounts.conftest import fresh_ip
from tests.accounts.factories import StudentFactory

SCOPES = ("anon", "user", "token", "search", "write")
HIGH = "100000/min"


def rates(**low) -> dict:
    """REST_FRAMEWORK with the given scopes at a low rate and the others out of the way, and a
    cache prefix of its own so that no earlier request (of this run or the last) counts."""
    from django.conf import settings

    return {
        "REST_FRAMEWORK": {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {scope: low.get(scope, HIGH) for scope in SCOPES},
        },
        "CACHES": {
            "default": {**settings.CACHES["default"], "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}"},
        },
    }


@pytest.fixture
def student(db):
    return StudentFactory()


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR=fresh_ip())
    client.force_login(user)
    return client


def assert_throttled(response):
    assert response.status_code == 429, response.content[:200]
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["type"] == "throttled" and body["fields"] == {} and "seconds" in body["detail"]


def test_anonymous_clients_are_limited_per_address(db):
    with override_settings(**rates(anon="3/min")):
        first, second = Client(REMOTE_ADDR=fresh_ip()), Client(REMOTE_ADDR=fresh_ip())
        for _ in range(3):
            assert first.get("/api/v1/listings/1/").status_code == 404
        assert_throttled(first.get("/api/v1/listings/1/"))
        # Another address is counted apart; a forged X-Forwarded-For changes nothing.
        assert second.get("/api/v1/listings/1/").status_code == 404
        assert_throttled(first.get("/api/v1/listings/1/", HTTP_X_FORWARDED_FOR="203.0.113.9"))


def test_signed_in_users_are_limited_per_user(student):
    with override_settings(**rates(user="3/min")):
        client = signed_in(student)
        for _ in range(3):
            assert client.get("/api/v1/notifications/").status_code == 200
        assert_throttled(client.get("/api/v1/notifications/"))
        # The same user from another address is the same user.
        elsewhere = signed_in(student)
        assert_throttled(elsewhere.get("/api/v1/notifications/"))
        assert signed_in(StudentFactory()).get("/api/v1/notifications/").status_code == 200


def test_search_has_its_own_stricter_limit(client, db):
    with override_settings(**rates(search="2/min")):
        client = Client(REMOTE_ADDR=fresh_ip())
        assert client.get("/api/v1/listings/").status_code == 200
        assert client.get("/api/v1/listings/", {"q": "python"}).status_code == 200
        assert_throttled(client.get("/api/v1/listings/"))
        # Other reads are not search.
        assert client.get("/api/v1/listings/1/").status_code == 404


def test_writes_have_their_own_stricter_limit(student):
    with override_settings(**rates(write="2/min")):
        client = signed_in(student)
        for _ in range(2):
            assert client.post("/api/v1/notifications/read/", {}, content_type="application/json").status_code == 200
        assert_throttled(client.post("/api/v1/notifications/read/", {}, content_type="application/json"))
        assert client.get("/api/v1/notifications/").status_code == 200  # reads go on


def test_requests_with_a_stored_token_are_limited_per_token(student):
    """Whatever authenticates a request with a stored token (a model instance) is counted per
    token: two tokens of one user have an allowance each."""
    first, second = Group.objects.create(name="token one"), Group.objects.create(name="token two")
    factory = APIRequestFactory()
    view = NotificationListApi.as_view()

    def get(token):
        request = factory.get("/api/v1/notifications/", REMOTE_ADDR=fresh_ip())
        force_authenticate(request, user=student, token=token)
        return view(request)

    with override_settings(**rates(token="2/min")):
        assert [get(first).status_code for _ in range(2)] == [200, 200]
        refused = get(first)
        assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
        assert refused.data["type"] == "throttled"
        assert get(second).status_code == 200


def test_the_production_rates_are_applied_to_the_views(student):
    """The rates of base.py, not the suite's: the 61st write in a minute is refused."""
    from marketplace.settings import base

    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["write"] == "60/min"
    production = rates()
    production["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"] = base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    with override_settings(**production):
        client = signed_in(student)
        answers = [
            client.post("/api/v1/notifications/read/", {}, content_type="application/json").status_code
            for _ in range(61)
        ]
        assert answers == [200] * 60 + [429]


def test_every_api_view_has_every_throttle():
    from tests.api.test_contract import api_views

    expected = [
        throttling.AnonRateThrottle,
        throttling.UserRateThrottle,
        throttling.TokenRateThrottle,
        throttling.SearchRateThrottle,
        throttling.WriteRateThrottle,
    ]
    assert list(api_settings.DEFAULT_THROTTLE_CLASSES) == expected
    for route, view in api_views():
        assert list(view.throttle_classes) == expected, route


def test_requests_go_through_while_redis_is_down(student):
    """The history lives in the cache; with Redis unreachable the cache answers empty and keeps
    nothing, so no request is refused (and none waits)."""
    down = rates(user="1/min", write="1/min")
    down["CACHES"]["default"]["LOCATION"] = "redis://127.0.0.1:1/0"  # nothing listens there
    with override_settings(**down):
        client = signed_in(student)
        answers = [client.get("/api/v1/notifications/").status_code for _ in range(3)]
        answers += [
            client.post("/api/v1/notifications/read/", {}, content_type="application/json").status_code
            for _ in range(3)
        ]
        assert answers == [200] * 6
