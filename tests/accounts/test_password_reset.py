"""Password reset tells no one whether an address has an account, and is throttled per address
and per client (issue 13, item 9)."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import OutboxEmail
from tests.accounts.conftest import fresh_ip
from tests.accounts.factories import StudentFactory

pytestmark = pytest.mark.django_db


def address(name: str) -> str:
    # allauth counts resets per address in the shared cache: every test and run has its own.
    return f"{name}.{uuid.uuid4().hex[:10]}@example.org"


def page(response) -> str:
    """The page as every visitor sees it: without the per-visitor CSRF token."""
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())


def reset(email: str, client: Client | None = None):
    return (client or Client(REMOTE_ADDR=fresh_ip())).post(reverse("account_reset_password"), {"email": email})


def test_known_and_unknown_addresses_get_the_same_answer():
    known, unknown = address("known"), address("unknown")
    StudentFactory(email=known)
    for_known, for_unknown = reset(known), reset(unknown)
    assert for_known.status_code == for_unknown.status_code == 302
    assert for_known["Location"] == for_unknown["Location"] == reverse("account_reset_password_done")
    assert page(Client().get(for_known["Location"])) == page(Client().get(for_unknown["Location"]))
    # Only the mailbox learns the difference: a reset link for the account, a "no account" note otherwise.
    [to_known] = OutboxEmail.objects.filter(to_email=known)
    [to_unknown] = OutboxEmail.objects.filter(to_email=unknown)
    assert "/accounts/password/reset/key/" in to_known.body_text
    assert "/accounts/password/reset/key/" not in to_unknown.body_text
    assert "do not have any record" in to_unknown.body_text


@pytest.mark.parametrize("has_account", [True, False], ids=["known address", "unknown address"])
def test_reset_is_throttled_per_address_across_clients(has_account):
    email = address("target")
    if has_account:
        StudentFactory(email=email)
    answers = [reset(email).status_code for _ in range(5)]  # a new client address each time
    assert answers == [302, 302, 302, 429, 429]
    assert OutboxEmail.objects.filter(to_email=email).count() == 3


def test_reset_is_throttled_per_client_across_addresses():
    client = Client(REMOTE_ADDR=fresh_ip())
    answers = [reset(address(f"spray{n}"), client).status_code for n in range(22)]
    assert answers == [302] * 20 + [429, 429]
    # Another client is not affected.
    assert reset(address("bystander")).status_code == 302


def test_the_throttled_answer_is_the_same_for_known_and_unknown_addresses():
    known, unknown = address("known"), address("unknown")
    StudentFactory(email=known)
    for email in (known, unknown):
        for _ in range(3):
            reset(email)
    blocked_known, blocked_unknown = reset(known), reset(unknown)
    assert blocked_known.status_code == blocked_unknown.status_code == 429
    assert page(blocked_known) == page(blocked_unknown)
