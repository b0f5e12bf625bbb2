"""The navigation's unread counts: all of them in one query, run only when a page shows them.

Notifications are counted here. An app above adds a badge of its own (the conversations' unread
messages) with :func:`nav_count_register` from its ``AppConfig.ready``, so a page still pays one
query for every badge together.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject

from .models import Notification


def _unread_notifications(user) -> QuerySet:
    return (
        Notification.objects.for_user(user).unread().order_by().values("recipient").annotate(n=Count("pk")).values("n")
    )


# Context name -> a function of the user returning a queryset of at most one row with one value.
_COUNTS: dict[str, Callable[[object], QuerySet]] = {"unread_notifications": _unread_notifications}


def nav_count_register(name: str, count_query: Callable[[object], QuerySet]) -> None:
    _COUNTS[name] = count_query


def nav_counts(user) -> dict[str, int]:
    """Every registered count for ``user``, read as scalar subqueries of a single SELECT."""
    columns = {
        name: Coalesce(Subquery(query(user), output_field=IntegerField()), Value(0)) for name, query in _COUNTS.items()
    }
    row = get_user_model().objects.filter(pk=user.pk).values(**columns).first()
    return row or dict.fromkeys(_COUNTS, 0)


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return dict.fromkeys(_COUNTS, 0)
    # Lazy: pages that never show the navigation do not pay for the query.
    counts = SimpleLazyObject(lambda: nav_counts(user))
    return {name: SimpleLazyObject(lambda name=name: counts[name]) for name in _COUNTS}
