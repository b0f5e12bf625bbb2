"""Personal API tokens: made and revoked on the settings page or the API, stored hashed, used as
``Authorization: Bearer``; refused (401) once revoked or expired; a read-only one never writes."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import PersonalToken
from tests.accounts.factories import StudentFactory, owner_of

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return api


def make(user, scope="write", days=30, name="Script"):
    return services.personal_token_create(user=user, name=name, scope=scope, lifetime_days=days)


def test_the_settings_page_shows_a_new_token_once_and_stores_only_its_hash(client):
    student = StudentFactory()
    client.force_login(student)
    response = client.post(reverse("accounts:tokens"), {"name": "My script", "scope": "read", "lifetime_days": "90"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:tokens"))
    secret = page.context["new"]["secret"]
    assert secret.startswith("ia_") and secret in page.content.decode()
    token = PersonalToken.objects.get(user=student)
    assert token.name == "My script" and token.scope == "read"
    assert token.key_hash == services.token_hash(secret) and secret not in token.key_hash
    assert secret.startswith(token.prefix) and len(token.prefix) < 12
    assert timezone.now() + timedelta(days=89) < token.expires_at <= timezone.now() + timedelta(days=90)
    again = client.get(reverse("accounts:tokens"))
    assert secret not in again.content.decode() and token.prefix in again.content.decode()
    assert again["Cache-Control"] == "private, no-store"


def test_the_settings_page_refuses_an_unlisted_lifetime_and_a_blank_name(client):
    client.force_login(StudentFactory())
    response = client.post(reverse("accounts:tokens"), {"name": " ", "scope": "read", "lifetime_days": "7"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "lifetime_days"}
    assert not PersonalToken.objects.exists()


def test_revoking_on_the_settings_page_stops_the_token(client):
    student = StudentFactory()
    token, secret = make(student)
    assert bearer(secret).get("/api/v1/me/").status_code == 200
    client.force_login(student)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    response = bearer(secret).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_another_users_token(client):
    token, secret = make(StudentFactory())
    client.force_login(StudentFactory())
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert bearer(secret).get("/api/v1/me/").status_code == 200


def test_an_expired_token_gets_401():
    token, secret = make(StudentFactory(), days=30)
    with time_machine.travel(token.expires_at + timedelta(seconds=1), tick=False):
        response = bearer(secret).get("/api/v1/me/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer ia_not-a-token", "Bearer", "Bearer a b", "Bearer \u00e9t\u00e9"])
def test_an_unknown_or_malformed_token_gets_401(header):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    response = api.get("/api/v1/listings/")  # even a public endpoint: a bad credential is never ignored
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_without_credentials_a_private_endpoint_answers_401_with_the_bearer_challenge():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_read_only_token_reads_but_never_writes():
    student = StudentFactory()
    token, secret = make(student, scope="read")
    api = bearer(secret)
    assert api.get("/api/v1/me/").status_code == 200
    refused = api.patch("/api/v1/me/", {"program": "History"}, format="json")
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert api.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 403
    assert api.post("/api/v1/notifications/read/", {}, format="json").status_code == 403
    student.student_profile.refresh_from_db()
    assert student.student_profile.program != "History"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_read_and_write_token_writes_and_may_revoke_itself():
    student = StudentFactory()
    token, secret = make(student, scope="write")
    api = bearer(secret)
    etag = api.get("/api/v1/me/")["ETag"]
    assert api.patch("/api/v1/me/", {"program": "History"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert api.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 200
    assert api.get("/api/v1/me/").status_code == 401


def test_a_token_cannot_create_tokens_but_a_session_can_with_csrf():
    student = StudentFactory()
    _, secret = make(student)
    refused = bearer(secret).post("/api/v1/tokens/", {"name": "Mine"}, format="json")
    assert refused.status_code == 403
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(student)
    assert session.post("/api/v1/tokens/", {"name": "Mine"}, format="json").status_code == 403  # no CSRF token
    session = APIClient()
    session.force_login(student)
    created = session.post("/api/v1/tokens/", {"name": "Mine", "scope": "read", "lifetime_days": 365}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["scope"] == "read" and body["secret"].startswith(body["prefix"])
    assert bearer(body["secret"]).get("/api/v1/me/").json()["token_scope"] == "read"
    listed = session.get("/api/v1/tokens/").json()
    assert listed["count"] == 2 and all("secret" not in t for t in listed["results"])


def test_the_api_refuses_a_bad_lifetime():
    session = APIClient()
    session.force_login(StudentFactory())
    response = session.post("/api/v1/tokens/", {"name": "x", "lifetime_days": 0}, format="json")
    assert response.status_code == 400 and "lifetime_days" in str(response.json())


def test_last_use_is_recorded_at_most_once_a_minute(django_assert_num_queries):
    token, secret = make(StudentFactory())
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        bearer(secret).get("/api/v1/tokens/")
    token.refresh_from_db()
    assert token.last_used_at == t0
    with time_machine.travel(t0 + timedelta(seconds=30), tick=False):
        bearer(secret).get("/api/v1/tokens/")
    token.refresh_from_db()
    assert token.last_used_at == t0
    with time_machine.travel(t0 + timedelta(seconds=61), tick=False):
        bearer(secret).get("/api/v1/tokens/")
    token.refresh_from_db()
    assert token.last_used_at == t0 + timedelta(seconds=61)


def test_token_list_has_a_constant_number_of_queries(django_assert_num_queries):
    student = StudentFactory()
    _, secret = make(student)
    api = bearer(secret)
    api.get("/api/v1/tokens/")  # last use recorded; the next calls within the minute write nothing
    # token lookup with its user, count, page
    with django_assert_num_queries(3):
        assert api.get("/api/v1/tokens/").json()["count"] == 1
    for n in range(15):
        make(student, name=f"Script {n}")
    with django_assert_num_queries(3):
        assert api.get("/api/v1/tokens/").json()["count"] == 16


def test_a_deactivated_users_token_stops_working():
    employer = owner_of("Acme")
    _, secret = make(employer)
    employer.is_active = False
    employer.save(update_fields=["is_active"])
    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_deleting_the_account_deletes_its_tokens():
    student = StudentFactory()
    make(student)
    services.user_delete(user=student)
    assert not PersonalToken.objects.filter(user=student).exists()


def test_too_many_active_tokens_are_refused():
    from django.core.exceptions import ValidationError

    student = StudentFactory()
    for n in range(services.MAX_ACTIVE_TOKENS):
        make(student, name=f"t{n}")
    with pytest.raises(ValidationError):
        make(student, name="one more")


def test_every_api_view_checks_the_token_scope():
    """A view that sets its own ``permission_classes`` must keep ``TokenScope`` (``SIGNED_IN`` or
    ``API_DEFAULT``), or a read-only token could write through it."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from marketplace.api_permissions import TokenScope

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry

    missing = []
    for route, entry in walk(get_resolver()):
        view = getattr(entry.callback, "cls", None)
        if (
            route.startswith("api/v1/")
            and view is not None
            and not any(isinstance(p, TokenScope) for p in view().get_permissions())
        ):
            missing.append(route)
    assert missing == []


def test_creating_a_token_tells_its_owner_once(outbox):
    student = StudentFactory()
    token, secret = make(student, scope="read", name="Laptop script")
    emails = outbox(to=student.email)
    assert [e.event for e in emails] == ["accounts.token_created"]
    assert "Laptop script" in emails[0].body_text and token.prefix in emails[0].body_text
    assert secret not in emails[0].body_text
