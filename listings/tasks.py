"""Periodic listing jobs (thin: each calls a function of listings.expiry or listings.alerts,
works one bounded batch and re-enqueues itself while there is more)."""

from celery import shared_task

from . import expiry


@shared_task(acks_late=True, reject_on_worker_lost=True)
def listings_expire_due_task() -> int:
    expired, more = expiry.listings_expire_due()
    if more:
        listings_expire_due_task.delay()
    return expired


@shared_task(acks_late=True, reject_on_worker_lost=True)
def listings_remind_expiring_task() -> int:
    sent, more = expiry.listings_remind_expiring()
    if more:
        listings_remind_expiring_task.delay()
    return sent


@shared_task(acks_late=True, reject_on_worker_lost=True)
def saved_listings_remind_deadline_task() -> int:
    sent, more = expiry.saved_listings_remind_deadline()
    if more:
        saved_listings_remind_deadline_task.delay()
    return sent


@shared_task(acks_late=True, reject_on_worker_lost=True)
def saved_search_alerts_task(frequency: str) -> int:
    from . import alerts

    emailed, more = alerts.saved_search_alerts_send(frequency=frequency)
    if more:
        saved_search_alerts_task.delay(frequency)
    return emailed
