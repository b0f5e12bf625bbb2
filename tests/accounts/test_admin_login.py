"""The admin has no password form of its own: /admin/login/ sends everyone to the site's login,
whose rate limits stop a password guesser (issue 13, item 3)."""

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.conftest import fresh_ip
from tests.accounts.factories import PASSWORD, SiteStaffFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    # An address of its own in every run: allauth counts failures per address in the shared cache.
    return SiteStaffFactory(email=f"admin.{uuid.uuid4().hex[:10]}@example.org", is_superuser=True)


def login_url_of(response) -> tuple[str, str]:
    """The path a redirect points at and its ``next``."""
    location = urlparse(response["Location"])
    return location.path, parse_qs(location.query).get("next", [""])[0]


def test_admin_login_sends_a_visitor_to_the_site_login_and_back():
    client = Client(REMOTE_ADDR=fresh_ip())
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert login_url_of(response) == (reverse("account_login"), "/admin/accounts/user/")
    # The admin index sends a visitor to its login, which sends them on to the site login.
    to_admin_login = client.get("/admin/")
    assert to_admin_login.status_code == 302
    assert login_url_of(client.get(to_admin_login["Location"])) == (reverse("account_login"), "/admin/")


def test_staff_sign_in_through_the_site_login_and_reach_the_admin(staff):
    client = Client(REMOTE_ADDR=fresh_ip())
    path, next_url = login_url_of(client.get("/admin/login/?next=/admin/"))
    response = client.post(f"{path}?next={next_url}", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_form_checks_no_password(staff):
    """Sixty guesses at the admin's own form, the right password last: none is even checked."""
    client = Client(REMOTE_ADDR=fresh_ip())
    for n in range(61):
        password = PASSWORD if n == 60 else f"guess-{n}"
        response = client.post(
            "/admin/login/?next=/admin/", {"username": staff.email, "password": password, "next": "/admin/"}
        )
        assert response.status_code == 302 and login_url_of(response)[0] == reverse("account_login")
        assert not response.wsgi_request.user.is_authenticated
    assert client.get("/admin/").status_code == 302


def test_sixty_wrong_passwords_through_the_admin_login_are_blocked(staff):
    """The guesser follows the admin login to the site login: after five wrong passwords for the
    address no password is checked any more, and the client is answered 429 well before sixty."""
    client = Client(REMOTE_ADDR=fresh_ip())
    path, next_url = login_url_of(client.get("/admin/login/"))
    answers = []
    for n in range(60):
        response = client.post(f"{path}?next={next_url}", {"login": staff.email, "password": f"guess-{n}"})
        assert not response.wsgi_request.user.is_authenticated
        if response.status_code == 429:
            answers.append("429")
        elif b"Too many failed login attempts" in response.content:
            answers.append("blocked")
        else:
            assert b"not correct" in response.content
            answers.append("checked")
    assert answers.count("checked") == 5 and answers[:5] == ["checked"] * 5
    assert "429" in answers and answers[-1] == "429"
    assert answers.index("429") <= 30
    # The right password from another client is refused too while the address is blocked ...
    other = Client(REMOTE_ADDR=fresh_ip())
    refused = other.post(f"{path}?next={next_url}", {"login": staff.email, "password": PASSWORD})
    assert not refused.wsgi_request.user.is_authenticated
    assert b"Too many failed login attempts" in refused.content
    # ... and accepted once the five minutes have passed.
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        later = Client(REMOTE_ADDR=fresh_ip())
        accepted = later.post(f"{path}?next={next_url}", {"login": staff.email, "password": PASSWORD})
        assert accepted.status_code == 302 and accepted["Location"] == next_url


def test_a_signed_in_user_who_is_not_staff_is_refused_at_the_admin_login():
    client = Client(REMOTE_ADDR=fresh_ip())
    client.force_login(StudentFactory())
    response = client.get("/admin/login/")
    assert response.status_code == 403
    assert b"Go to the home page" in response.content


def test_too_many_requests_page_is_in_the_site_layout(staff):
    client = Client(REMOTE_ADDR=fresh_ip())
    for n in range(31):
        response = client.post(reverse("account_login"), {"login": f"nobody{n}@example.org", "password": "x"})
    assert response.status_code == 429
    html = response.content.decode()
    assert 'aria-label="Main"' in html and "Too many attempts" in html and "Content-Security-Policy" in response


def test_staff_reach_the_admin_while_the_cache_is_down(staff, settings):
    """With Redis gone (nothing listens where the cache points), the login the admin sends to still
    signs staff in: the rate limit is skipped until the cache is back (marketplace/cache.py)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    cache.set("admin-login-test", 1)
    assert cache.get("admin-login-test") is None  # the cache really is unreachable
    client = Client(REMOTE_ADDR=fresh_ip())
    path, next_url = login_url_of(client.get("/admin/login/?next=/admin/"))
    response = client.post(f"{path}?next={next_url}", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
