"""Account emails are delivered by a real Celery worker through the notifications outbox."""

import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Invitation
from notifications.models import OutboxEmail
from tests.accounts.factories import owner_of
from tests.accounts.test_signup import PASSWORD, unique

pytestmark = [pytest.mark.worker]


def body_of(message) -> str:
    part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else message
    return part.get_payload(decode=True).decode()


def test_verification_email_is_sent_by_the_worker_and_its_link_verifies(client, celery_worker):
    email = unique("worker@example.org")
    client.post(
        reverse("account_signup"),
        {"name": "W", "email": email, "role": "student", "password1": PASSWORD, "password2": PASSWORD},
    )
    celery_worker.mail.wait_for(1)
    [message] = celery_worker.mail.to(email)
    assert "Confirm" in message["Subject"]
    path = urlparse(re.search(r"https?://\S+", body_of(message)).group(0)).path
    client.post(path)
    assert EmailAddress.objects.get(email=email).verified
    assert OutboxEmail.objects.get(to_email=email).status == OutboxEmail.Status.SENT


def test_invitation_email_is_sent_once_by_the_worker(client, celery_worker):
    owner = owner_of("Acme")
    client.force_login(owner)
    client.post(reverse("accounts:organization_invite"), {"email": "rec@example.org"})
    celery_worker.mail.wait_for(1)
    [message] = celery_worker.mail.to("rec@example.org")
    invitation = Invitation.objects.get()
    assert invitation.token in body_of(message)
    assert "Join Acme" in message["Subject"]
