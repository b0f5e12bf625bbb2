import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from . import services
from .models import Notification

logger = logging.getLogger(__name__)

SWEEP_BATCH = 200


def _deliver(outbox_id: int) -> services.Delivery | None:
    """One row; an unexpected error is logged and leaves the row to a later sweep, so it never
    stops the rows after it in the same task."""
    try:
        return services.outbox_deliver(outbox_id=outbox_id)
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("Email %s could not be delivered; left pending", outbox_id)
        return None


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=settings.OUTBOX_MAX_ATTEMPTS)
def deliver_emails_task(self, outbox_ids: list[int]) -> int:
    """Send the given outbox emails; each is sent at most once whatever happens to this task."""
    sent, retry_in = 0, []
    for outbox_id in outbox_ids:
        result = _deliver(outbox_id)
        if result is None:
            continue
        sent += result.sent
        if result.retry_in is not None:
            retry_in.append((outbox_id, result.retry_in))
    if retry_in:
        # Retry only the ones that hit a transient error, after the longest backoff among them.
        ids = [i for i, _ in retry_in]
        raise self.retry(args=[ids], countdown=max(s for _, s in retry_in))
    return sent


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outbox_sweep_task() -> int:
    """Deliver pending emails the normal path missed (worker down, broker restarted). A row that
    fails is marked failed (or left for a later sweep) and the sweep goes on with the next."""
    ids = services.outbox_due_ids(limit=SWEEP_BATCH)
    results = [_deliver(i) for i in ids]
    # A full batch may have more behind it; a row that raised stays due, so a batch with one is
    # not chased at once (the next scheduled sweep picks up from there).
    if len(ids) == SWEEP_BATCH and None not in results:
        outbox_sweep_task.delay()
    return sum(r.sent for r in results if r is not None)


@shared_task(acks_late=True)
def notifications_purge_task(days: int = 180) -> int:
    """Delete read in-app notifications older than ``days``: the list stays short and fast."""
    cutoff = timezone.now() - timezone.timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted
