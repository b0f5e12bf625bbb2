from __future__ import annotations

from .models import CalendarFeed
from .services import token_hash


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed a secret token opens, if it is current and its owner's account is active."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), user__is_active=True, user__anonymised_at__isnull=True)
        .first()
    )


def feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()
