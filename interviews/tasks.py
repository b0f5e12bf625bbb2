"""Periodic interview jobs (thin: each calls a service that works in bounded batches and hands the
rest to a fresh task)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def interviews_remind_task(which: str) -> int:
    """``which`` is ``day`` (24 hours before) or ``hour`` (1 hour before)."""
    sent, more = services.interviews_remind(which=which)
    if more:
        interviews_remind_task.delay(which)
    return sent


@shared_task(acks_late=True, reject_on_worker_lost=True)
def interview_rounds_expire_task() -> int:
    expired, more = services.interview_rounds_expire()
    if more:
        interview_rounds_expire_task.delay()
    return expired
