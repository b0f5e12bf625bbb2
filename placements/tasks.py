"""Periodic workspace jobs (thin: each calls a function of placements.reminders, works in bounded
batches and hands the rest to a fresh task, so one run's memory is one batch)."""

from celery import shared_task

from . import reminders


@shared_task(acks_late=True, reject_on_worker_lost=True)
def checkins_remind_overdue_task(after: int = 0) -> int:
    sent, cursor = reminders.checkins_remind_overdue(after=after)
    if cursor is not None:
        checkins_remind_overdue_task.delay(cursor)
    return sent


@shared_task(acks_late=True, reject_on_worker_lost=True)
def checkins_remind_feedback_task() -> int:
    sent, more = reminders.checkins_remind_feedback()
    if more:
        checkins_remind_feedback_task.delay()
    return sent


@shared_task(acks_late=True, reject_on_worker_lost=True)
def placements_flag_attention_task(after: int = 0) -> int:
    flagged, cursor = reminders.placements_flag_attention(after=after)
    if cursor is not None:
        placements_flag_attention_task.delay(cursor)
    return flagged
