from celery import shared_task

from . import digest


@shared_task(acks_late=True, reject_on_worker_lost=True)
def conversation_digests_task() -> int:
    """Beat, every minute: email the participants whose unread messages are due a digest."""
    handled, more = digest.conversation_digests_send()
    if more:
        conversation_digests_task.delay()
    return handled
