"""Record when each periodic task last ran, for the operations page."""

from celery import signals
from django.conf import settings
from django.utils import timezone

_PERIODIC = None


def _periodic_names() -> set[str]:
    global _PERIODIC
    if _PERIODIC is None:
        _PERIODIC = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    return _PERIODIC


@signals.task_prerun.connect
def _started(sender=None, **kwargs):
    if sender is not None and sender.name in _periodic_names():
        from .models import PeriodicTaskRun

        PeriodicTaskRun.objects.update_or_create(
            task=sender.name, defaults={"last_started_at": timezone.now(), "last_state": "running"}
        )


@signals.task_postrun.connect
def _finished(sender=None, state=None, retval=None, **kwargs):
    if sender is not None and sender.name in _periodic_names():
        from .models import PeriodicTaskRun

        error = str(retval)[:2000] if state == "FAILURE" else ""
        PeriodicTaskRun.objects.update_or_create(
            task=sender.name,
            defaults={"last_finished_at": timezone.now(), "last_state": state or "", "last_error": error},
        )
