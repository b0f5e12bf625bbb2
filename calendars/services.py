"""Issuing and revoking the private calendar feed."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from .models import CalendarFeed


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_issue(*, user) -> str:
    """Give ``user`` a new secret feed token (replacing any earlier one, whose URL stops working)
    and return it: the only time the token exists outside the subscriber's calendar."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=user, defaults={"token_hash": token_hash(token), "created_at": timezone.now()}
        )
    return token


def calendar_feed_revoke(*, user) -> bool:
    """Stop ``user``'s feed URL; True if there was one."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return deleted > 0


def calendar_feeds_delete_for_user(*, user_id: int, **_signal) -> list:
    """A deleted account keeps no feed (``accounts.signals.account_anonymising``). No files."""
    CalendarFeed.objects.filter(user_id=user_id).delete()
    return []
