from . import events
from .models import Notification, NotificationPreference


def notifications_for(user):
    return Notification.objects.for_user(user).only("pk", "title", "body", "url", "created_at", "read_at", "event")


def email_preferences(user) -> list[tuple[events.Event, bool]]:
    """Each configurable event with whether the user gets it by email (its default until chosen)."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("event", "email"))
    return [(event, stored.get(event.name, event.email_by_default)) for event in events.configurable()]


def operations_overview():
    """What the operations page shows: outbox backlog, failed deliveries, periodic task runs."""
    from django.conf import settings
    from django.db.models import Count, Min

    from .models import OutboxEmail, PeriodicTaskRun

    counts = dict(OutboxEmail.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    oldest_pending = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).aggregate(oldest=Min("created_at"))[
        "oldest"
    ]
    failed = (
        OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED)
        .order_by("-created_at")
        .only("pk", "event", "to_email", "attempts", "last_error", "created_at")[:50]
    )
    retrying = (
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING, attempts__gt=0)
        .order_by("next_attempt_at")
        .only("pk", "event", "to_email", "attempts", "last_error", "next_attempt_at")[:50]
    )
    runs = {run.task: run for run in PeriodicTaskRun.objects.all()}
    periodic = [
        {"entry": entry, "task": spec["task"], "schedule": spec["schedule"], "run": runs.get(spec["task"])}
        for entry, spec in sorted(settings.CELERY_BEAT_SCHEDULE.items())
    ]
    return {
        "counts": {status: counts.get(status, 0) for status in OutboxEmail.Status.values},
        "oldest_pending": oldest_pending,
        "failed": list(failed),
        "retrying": list(retrying),
        "periodic": periodic,
    }
