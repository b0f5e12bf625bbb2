"""The API's shared contract: one error shape, one pagination, the schema saying both."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from notifications.models import Notification
from tests.accounts.conftest import fresh_ip
from tests.accounts.factories import StudentFactory

ERROR_KEYS = {"type", "detail", "fields"}


@pytest.fixture
def client():
    return Client(REMOTE_ADDR=fresh_ip(), raise_request_exception=False)


@pytest.fixture
def student(db):
    return StudentFactory()


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR=fresh_ip())
    client.force_login(user)
    return client


def assert_error(response, status: int, type_: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == ERROR_KEYS and body["type"] == type_, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body


# --- one error shape ---------------------------------------------------------------------------


def test_an_unknown_path_under_the_api_is_a_json_404(client, db):
    assert_error(client.get("/api/v1/no-such-endpoint/"), 404, "not_found")
    assert_error(client.get("/api/nothing-here"), 404, "not_found")


def test_an_unknown_page_of_the_site_keeps_the_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_request_django_refuses_before_any_view_is_a_json_400_under_the_api(client, student):
    """Too many form fields (found by schemathesis): refused by Django itself, before DRF."""
    from django.conf import settings

    client.force_login(student)
    fields = "&".join(f"ids={i}" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post("/api/v1/notifications/read/", fields, content_type="application/x-www-form-urlencoded")
    assert_error(response, 400, "bad_request")
    page = client.post("/accounts/login/", fields, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_an_unknown_object_is_a_json_404(client, db):
    assert_error(client.get("/api/v1/listings/999999999/"), 404, "not_found")


@pytest.mark.urls("tests.api.urls_crash")
def test_a_crash_under_the_api_is_a_json_500_and_elsewhere_the_html_page(client, db):
    body = assert_error(client.get("/api/v1/crash/"), 500, "server_error")
    assert "boom" not in body["detail"]  # nothing of the exception leaks
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_not_signed_in_is_the_shared_shape(client, db):
    response = client.get("/api/v1/applications/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_refused_is_the_shared_shape(db):
    from tests.accounts.factories import owner_of
    from tests.reports.factories import CareerStaffFactory

    # Career services have no applications of their own and manage no listings.
    staff = CareerStaffFactory()
    body = assert_error(signed_in(staff).get("/api/v1/applications/"), 403, "permission_denied")
    assert body["detail"] == "Only students and members of an organization have applications."
    employer = owner_of("Acme Remote")
    body = assert_error(signed_in(employer).post("/api/v1/listings/1/close/", {}), 404, "not_found")


def test_invalid_input_names_each_field(student):
    response = signed_in(student).post("/api/v1/applications/create/", {}, content_type="application/json")
    body = assert_error(response, 400, "validation_error")
    assert set(body["fields"]) == {"listing", "cover_letter"}
    assert body["fields"]["listing"] == ["This field is required."]


def test_invalid_query_parameters_name_each_parameter(client, db):
    body = assert_error(client.get("/api/v1/listings/", {"kind": "castle", "page": "0"}), 400, "validation_error")
    assert set(body["fields"]) == {"kind", "page"}
    assert all(isinstance(m, str) for messages in body["fields"].values() for m in messages)


def test_malformed_json_is_a_parse_error(student):
    response = signed_in(student).post("/api/v1/notifications/read/", "{nope", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_an_unsupported_media_type_is_415(student):
    response = signed_in(student).post("/api/v1/notifications/read/", "ids", content_type="text/csv")
    assert_error(response, 415, "unsupported_media_type")


def test_a_method_an_endpoint_does_not_have_is_405(student):
    assert_error(signed_in(student).delete("/api/v1/notifications/"), 405, "method_not_allowed")


def test_a_service_refusal_is_a_400_with_the_services_message(student):
    from tests.listings.factories import PublishedListingFactory

    listing = PublishedListingFactory(requires_resume=False)
    api = signed_in(student)
    payload = {"listing": listing.pk, "cover_letter": "Hello"}
    assert api.post("/api/v1/applications/create/", payload, content_type="application/json").status_code == 201
    again = api.post("/api/v1/applications/create/", payload, content_type="application/json")
    body = assert_error(again, 400, "validation_error")
    assert body["detail"] == "You have already applied to this listing."


def test_nested_errors_get_dotted_field_names():
    from marketplace.api import validation_body

    body = validation_body({"milestones": [{}, {"title": ["Required."]}], "answers": {"7": ["Too long."]}})
    assert body["fields"] == {"milestones.1.title": ["Required."], "answers.7": ["Too long."]}


# --- one pagination ----------------------------------------------------------------------------


@pytest.fixture
def notified(student):
    Notification.objects.bulk_create(
        Notification(recipient=student, event="demo", key=f"k{i}", title=f"Note {i}") for i in range(130)
    )
    return student


def test_lists_are_paginated_with_a_page_size_up_to_100(notified):
    api = signed_in(notified)
    first = api.get("/api/v1/notifications/").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 130 and len(first["results"]) == 20 and first["previous"] is None
    assert "page=2" in first["next"]
    assert len(api.get("/api/v1/notifications/", {"page_size": 50}).json()["results"]) == 50
    biggest = api.get("/api/v1/notifications/", {"page_size": 1000}).json()
    assert len(biggest["results"]) == 100 and "page=2" in biggest["next"]
    last = api.get("/api/v1/notifications/", {"page_size": 100, "page": 2}).json()
    assert len(last["results"]) == 30 and last["next"] is None


def test_a_page_past_the_end_is_a_404_in_the_shared_shape(notified):
    assert_error(signed_in(notified).get("/api/v1/notifications/", {"page": 99}), 404, "not_found")


def test_search_takes_the_same_page_size_parameter(client, db):
    from tests.listings.factories import PublishedListingFactory

    for _ in range(3):
        PublishedListingFactory()
    data = client.get("/api/v1/listings/", {"page_size": 2}).json()
    assert data["count"] == 3 and len(data["results"]) == 2 and "page=2" in data["next"]


# --- the schema says all of it -----------------------------------------------------------------


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_schema_is_openapi_3_1(schema):
    assert schema["openapi"] == "3.1.0"


def test_every_operation_documents_its_errors_in_the_shared_shape(schema):
    error_ref = "#/components/schemas/ErrorOutput"
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"401", "403", "404", "429"} | ({"400", "415"} if method in {"post", "put", "patch"} else set())
        assert expected <= set(responses), (method, path, sorted(responses))
        for code, response in responses.items():
            if code >= "400":
                assert response["content"]["application/json"]["schema"]["$ref"] == error_ref, (method, path, code)
        assert "Retry-After" in responses["429"]["headers"]
    fields = schema["components"]["schemas"]["ErrorOutput"]
    assert set(fields["required"]) == ERROR_KEYS


def test_every_list_operation_documents_the_paginated_envelope(schema):
    """A GET whose answer is a list is paginated, and documented so: no bare arrays."""
    paginated = 0
    for path, method, operation in operations(schema):
        if method != "get":
            continue
        content = operation["responses"]["200"].get("content", {})
        if "application/json" not in content:
            continue  # a file download (an export, a certificate PDF)
        body = content["application/json"]["schema"]
        assert body.get("type") != "array", (path, "a bare array")
        ref = body.get("$ref", "")
        if ref.startswith("#/components/schemas/Paginated"):
            envelope = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
            assert {"count", "next", "previous", "results"} <= set(envelope["required"]), path
            names = {p["name"] for p in operation.get("parameters", [])}
            assert {"page", "page_size"} <= names, path
            paginated += 1
    assert paginated >= 7  # applications, applicants, placements, goals, check-ins, messages, notifications


def api_views():
    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and (prefix + str(entry.pattern)).startswith("api/v1/"):
                yield prefix + str(entry.pattern), entry.callback.view_class

    return list(walk(get_resolver()))


def test_every_list_view_uses_the_one_pagination():
    from marketplace.api import Pagination

    paginated = [route for route, view in api_views() if getattr(view, "pagination_class", None) is not None]
    assert len(paginated) >= 6
    for route, view in api_views():
        if getattr(view, "pagination_class", None) is not None:
            assert view.pagination_class is Pagination, route


def test_times_of_day_are_iso_8601_with_an_offset(client, db):
    from tests.listings.factories import PublishedListingFactory

    listing = PublishedListingFactory(time_zone="Asia/Kolkata")
    data = client.get(f"/api/v1/listings/{listing.pk}/").json()
    start = listing.work_start.strftime("%H:%M:%S")
    assert data["work_start"] == f"{start}+05:30"
    assert data["published_at"].endswith("Z") or data["published_at"][-6] in "+-"


def test_the_schema_describes_times_as_the_answers_send_them(schema):
    summary = schema["components"]["schemas"]["ListingSummaryOutput"]["properties"]
    for name in ("work_start", "work_end"):
        assert summary[name]["format"] == "time" and summary[name]["examples"] == ["09:00:00+02:00"]


def test_redoc_is_served_from_local_assets_without_inline_script(client, db):
    response = client.get("/api/redoc/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "redoc.standalone.js" in html and "/static/" in html
    assert "googleapis" not in html and "<style" not in html
    assert "<script>" not in html  # only <script src=…>
    policy = response["Content-Security-Policy"]
    assert "unsafe" not in policy and "script-src 'self';" in policy
    nonce = response.wsgi_request.csp_nonce
    assert f"style-src 'self' 'nonce-{nonce}'" in policy and f'data-style-nonce="{nonce}"' in html
