"""Periodic evaluation jobs (thin: each calls a function of ``evaluations.reminders``, works in
bounded batches and hands the rest to a fresh task)."""

from celery import shared_task

from . import reminders


@shared_task(acks_late=True, reject_on_worker_lost=True)
def evaluations_remind_task(day: int) -> int:
    handled, more = reminders.evaluations_remind(day=day)
    if more:
        evaluations_remind_task.delay(day)
    return handled


@shared_task(acks_late=True, reject_on_worker_lost=True)
def evaluations_reveal_closed_task() -> int:
    handled, more = reminders.evaluations_reveal_closed()
    if more:
        evaluations_reveal_closed_task.delay()
    return handled
