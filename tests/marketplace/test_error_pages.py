"""Error pages: 403 and 404 in the site layout with the reason and a way back, a 500 page that
renders without the database, and a refused permission logged as one line."""

import io
import logging

import pytest
from django.db import connection
from django.test import Client
from django.urls import include, path, reverse

from tests.accounts.conftest import fresh_ip
from tests.listings.factories import StudentFactory


def boom(request):
    raise RuntimeError("the view broke")


def boom_in_database(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")


# A URLconf with the project's pages, its handlers and two views that fail (used by the 500 tests).
urlpatterns = [
    path("boom/", boom),
    path("boom-db/", boom_in_database),
    path("", include("marketplace.urls")),
]
handler500 = "marketplace.views.server_error"


def in_site_layout(html: str) -> bool:
    return 'aria-label="Main"' in html and 'href="#main"' in html and "Intern Anywhere" in html


@pytest.mark.django_db
def test_403_page_has_the_layout_the_reason_and_a_way_back():
    client = Client(REMOTE_ADDR=fresh_ip())
    client.force_login(StudentFactory())
    response = client.get(reverse("listings:moderation"))
    html = response.content.decode()
    assert response.status_code == 403
    assert in_site_layout(html)
    assert "Site staff only." in html
    assert f'href="{reverse("home")}"' in html and "Go to the home page" in html
    assert "Log out" in html  # the signed-in navigation, so the user can go on from here


@pytest.mark.django_db
def test_refused_form_gets_the_site_page_saying_what_to_do_and_nothing_is_saved():
    """A post without a valid CSRF token (an expired page, cookies blocked, another site's form)
    answers in the site layout, says nothing was saved and offers a way on."""
    from accounts.models import User

    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=fresh_ip())
    response = client.post(
        reverse("account_signup"),
        {"email": "csrf@example.com", "name": "Csrf", "password1": "a-Long-passw0rd!", "password2": "a-Long-passw0rd!"},
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert in_site_layout(html)
    assert "This form could not be sent" in html and "Nothing was saved." in html
    assert "Referer checking failed" not in html and "CSRF token" not in html  # reasons go to the log
    assert f'href="{reverse("account_signup")}"' in html
    assert not User.objects.filter(email="csrf@example.com").exists()


@pytest.mark.django_db
def test_404_page_has_the_layout_the_path_and_a_way_back(client):
    response = client.get("/no/such/page/?x=1")
    html = response.content.decode()
    assert response.status_code == 404
    assert in_site_layout(html)
    assert "Page not found" in html and "/no/such/page/" in html
    assert f'href="{reverse("home")}"' in html and f'href="{reverse("listings:list")}"' in html


@pytest.mark.django_db
def test_404_page_escapes_the_path(client):
    response = client.get("/<script>alert(1)</script>/")
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("path", ["/boom/", "/boom-db/"])
def test_500_page_renders_without_the_database_and_carries_the_policy(path):
    client = Client(raise_request_exception=False, REMOTE_ADDR=fresh_ip())
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "Intern Anywhere" in html
    assert 'href="/"' in html
    assert "Content-Security-Policy" in response.headers
    # Nothing of the failure leaks to the visitor.
    assert "the view broke" not in html and "no_such_table" not in html


def _console_output_of(request_path, client, settings_debug, settings):
    """What the configured log handlers write while the client requests ``request_path``."""
    settings.DEBUG = settings_debug
    buffer = io.StringIO()
    handlers = []
    for logger in [logging.getLogger(), *[logging.getLogger(name) for name in logging.root.manager.loggerDict]]:
        for handler in getattr(logger, "handlers", []):
            # The configured stream handlers (the console), not pytest's capture handlers.
            if type(handler) is logging.StreamHandler and handler not in [h for h, _ in handlers]:
                handlers.append((handler, handler.setStream(buffer)))
    try:
        response = client.get(request_path)
    finally:
        for handler, stream in handlers:
            handler.setStream(stream)
    return response, buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["make run (DEBUG)", "production"])
def test_a_refused_permission_is_one_log_line_with_its_reason(settings, debug):
    client = Client(REMOTE_ADDR=fresh_ip())
    client.force_login(StudentFactory())
    response, output = _console_output_of(reverse("listings:moderation"), client, debug, settings)
    assert response.status_code == 403
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "WARNING django.request Forbidden (Permission denied): /listings/moderation/" in lines[0]
    assert "(Site staff only.)" in lines[0]
    assert "Traceback" not in output


@pytest.mark.django_db
def test_a_refused_permission_is_one_record_without_a_traceback(caplog):
    client = Client(REMOTE_ADDR=fresh_ip())
    client.force_login(StudentFactory())
    with caplog.at_level(logging.INFO, logger="django.request"):
        assert client.get(reverse("listings:moderation")).status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING and record.status_code == 403
    assert record.exc_info is None and record.exc_text is None


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_still_logs_its_traceback(settings):
    client = Client(raise_request_exception=False, REMOTE_ADDR=fresh_ip())
    response, output = _console_output_of("/boom/", client, False, settings)
    assert response.status_code == 500
    assert "ERROR django.request Internal Server Error: /boom/" in output
    assert "Traceback" in output and "RuntimeError: the view broke" in output
