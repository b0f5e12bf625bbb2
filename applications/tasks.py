from celery import shared_task

from . import reminders


@shared_task(acks_late=True, reject_on_worker_lost=True)
def applications_nudge_untouched_task() -> int:
    covered, more = reminders.applications_nudge_untouched()
    if more:
        applications_nudge_untouched_task.delay()
    return covered
