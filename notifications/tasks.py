from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import Notification

SWEEP_BATCH = 200


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=settings.OUTBOX_MAX_ATTEMPTS)
def deliver_emails_task(self, outbox_ids: list[int]) -> int:
    """Send the given outbox emails; each is sent at most once whatever happens to this task."""
    sent, retry_in = 0, []
    for outbox_id in outbox_ids:
        result = services.outbox_deliver(outbox_id=outbox_id)
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
    """Deliver pending emails the normal path missed (worker down, broker restarted)."""
    ids = services.outbox_due_ids(limit=SWEEP_BATCH)
    sent = sum(services.outbox_deliver(outbox_id=i).sent for i in ids)
    if len(ids) == SWEEP_BATCH:
        outbox_sweep_task.delay()
    return sent


@shared_task(acks_late=True)
def notifications_purge_task(days: int = 180) -> int:
    """Delete read in-app notifications older than ``days``: the list stays short and fast."""
    cutoff = timezone.now() - timezone.timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted
