"""The filters of the signed-in user's notifications (``/api/v1/notifications/``)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError

from marketplace.filters import BooleanFilter, FilterSet, Ordering

from . import events
from .models import Notification


def known_event(name: str) -> None:
    try:
        events.get(name)
    except LookupError:
        raise ValidationError("No notification kind is named %(name)s.", params={"name": name}) from None


class NotificationFilter(FilterSet):
    unread = BooleanFilter(method="filter_unread", help_text="`true`: only the unread; `false`: only the read.")
    kind = django_filters.CharFilter(
        field_name="event",
        max_length=60,
        validators=[known_event],
        help_text="Only notifications of this event (the `event` of a notification, e.g. `application.status_changed`).",
    )
    ordering = Ordering(fields=["created_at"], help_text="Default: newest first.")

    class Meta(FilterSet.Meta):
        model = Notification
        fields: list[str] = []

    def filter_unread(self, queryset, name, value: bool):
        return queryset.unread() if value else queryset.filter(read_at__isnull=False)
