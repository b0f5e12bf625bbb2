from datetime import UTC, datetime, timedelta
from time import monotonic

import pytest
import time_machine

from notifications.models import OutboxEmail
from tests.placements.factories import active_placement

from .factories import completed


@pytest.mark.worker
def test_the_day_3_reminder_firing_twice_reaches_each_party_once(celery_worker, cast):
    """Real worker, real time: a placement completed four days ago, neither side has evaluated."""
    from evaluations.tasks import evaluations_remind_task, evaluations_reveal_closed_task
    from marketplace.celery import ping_task

    with time_machine.travel(datetime.now(tz=UTC) - timedelta(days=4)):
        completed(cast.placement, supervisor=cast.supervisor)
    placement = active_placement(listing=cast.listing, student=cast.other_student, supervisor=cast.supervisor)
    assert placement.is_active  # an active placement has no evaluation to remind of

    for _ in range(2):  # beat fires twice
        evaluations_remind_task.delay(3)
        evaluations_remind_task.delay(10)
        evaluations_reveal_closed_task.delay()
    assert ping_task.delay("done").get(timeout=60) == "pong:done"
    subject = "Your evaluation of Data analyst intern is waiting"
    expected = {(cast.student.email, subject): 1, (cast.supervisor.email, subject): 1}

    def counted():
        found = dict.fromkeys(expected, 0)
        for message in celery_worker.mail.messages():
            key = (message["To"], message["Subject"])
            if key in found:
                found[key] += 1
        return found

    deadline = monotonic() + 30
    while counted() != expected and monotonic() < deadline:
        celery_worker.mail.wait_for(10**6, timeout=0.5)
    assert counted() == expected
    assert OutboxEmail.objects.filter(event="evaluation.reminder").count() == 2
    assert OutboxEmail.objects.filter(event="evaluation.revealed").count() == 0
