"""Periodic listing jobs (thin: each calls a function of listings.expiry, listings.alerts or
listings.search, works in bounded batches and re-enqueues itself when there is more than one run
should do)."""

import time

from celery import shared_task

from . import expiry

# A run works batch after batch until nothing is due (memory stays that of one batch), and hands
# over to a fresh task before its own soft time limit, so no run is ever cut off mid-batch.
# 50,000 stale listings with 200,000 applications take about 8 minutes here (docs/benchmarks.md).
RUN_BUDGET_SECONDS = 840


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=900, time_limit=960)
def listings_expire_due_task() -> int:
    started, expired, more = time.monotonic(), 0, True
    while more and time.monotonic() - started < RUN_BUDGET_SECONDS:
        done, more = expiry.listings_expire_due()
        expired += done
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


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=900, time_limit=960)
def keep_frequent_matches_task() -> dict:
    """Keep the frequent words' matches in the database (listings.search.keep_frequent_matches):
    every web process reads them instead of matching those words itself."""
    from .search import keep_frequent_matches

    done = keep_frequent_matches()
    return {"kept": done.kept, "fresh": done.fresh, "dropped": done.dropped, "busy": done.busy}
