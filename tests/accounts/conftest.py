import itertools
import random

import pytest
from django.test import Client

_addresses = itertools.count(random.randint(1, 200) * 1000)  # noqa: S311


def fresh_ip() -> str:
    """A client address of its own: allauth's rate limits count per IP in the shared cache."""
    n = next(_addresses)
    return f"10.{(n >> 16) % 256}.{(n >> 8) % 256}.{n % 256}"


@pytest.fixture
def client():
    return Client(REMOTE_ADDR=fresh_ip())


@pytest.fixture
def outbox(db):
    """The account and notification emails recorded in the outbox, newest last."""
    from notifications.models import OutboxEmail

    def emails(to=None):
        qs = OutboxEmail.objects.order_by("pk")
        if to:
            qs = qs.filter(to_email=to)
        return list(qs)

    return emails
