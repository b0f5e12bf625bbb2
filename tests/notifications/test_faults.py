"""Faults with real processes: a worker killed mid-delivery, Redis down while events are recorded,
user text with control characters in a subject, a row that can never be sent."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxEmail
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def _notify(user, key):
    from notifications import services

    services.notify(event="system.message", recipients=[user], key=key, context={"title": "Offer", "message": "Hi"})


def _wait(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _send_sweep(queue: str, redis_url: str | None = None):
    from celery import Celery
    from django.conf import settings

    url = redis_url or settings.REDIS_URL
    broker = url.replace("unix://", "redis+socket://", 1)
    # Not the current app: the tests' own tasks must keep using the project's app and broker.
    app = Celery("probe", broker=broker, set_as_current=False)
    app.send_task("notifications.tasks.outbox_sweep_task", queue=queue)
    app.close()


def test_worker_killed_mid_delivery_sends_the_email_exactly_once_after_restart(worker_factory, tmp_path, settings):
    user = UserFactory()
    marker = tmp_path / "sending"
    slow = worker_factory(
        extra_env={
            "EMAIL_BACKEND": "tests.support.slow_email.SlowEmailBackend",
            "SLOW_EMAIL_MARKER": str(marker),
            "SLOW_EMAIL_SECONDS": "120",
        }
    ).start()
    _notify(user, "offer:1")  # autocommit: the delivery task is enqueued at once
    assert _wait(marker.exists), "the worker never started sending"
    slow.kill()  # SIGKILL mid-send: the row lock and its transaction die with the process
    assert _wait(lambda: OutboxEmail.objects.get().status == OutboxEmail.Status.PENDING)
    assert slow.mail.messages() == []

    healthy = worker_factory(extra_env={"OUTBOX_SWEEP_GRACE_SECONDS": "0"}).start()
    _send_sweep(settings.CELERY_TASK_DEFAULT_QUEUE)
    assert _wait(lambda: OutboxEmail.objects.get().status == OutboxEmail.Status.SENT)
    # A second sweep (as beat would run every minute) sends nothing more.
    _send_sweep(settings.CELERY_TASK_DEFAULT_QUEUE)
    from marketplace.celery import ping_task

    ping_task.apply_async(args=["after"], queue=settings.CELERY_TASK_DEFAULT_QUEUE).get(timeout=30)
    assert len(healthy.mail.to(user.email)) == 1


RECORD = """
import django
django.setup()
from django.db import transaction
from accounts.models import User
from notifications import services
for i, user in enumerate(User.objects.order_by("pk")):
    with transaction.atomic():
        services.notify(event="system.message", recipients=[user], key=f"while-down:{i}",
                        context={"title": "Update", "message": "Recorded while Redis was down"})
print("recorded")
"""


def test_events_recorded_while_redis_is_down_are_delivered_by_the_sweep_after_it_returns(
    worker_factory, private_redis, settings
):
    from django.db import connection

    users = [UserFactory() for _ in range(3)]
    redis_url = private_redis.url
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    worker = worker_factory(redis_url=redis_url, extra_env={"OUTBOX_SWEEP_GRACE_SECONDS": "0"}).start()
    private_redis.stop()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "REDIS_URL": redis_url,
        "WORKER_DATABASE_NAME": connection.settings_dict["NAME"],
    }
    out = subprocess.run([sys.executable, "-c", RECORD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "recorded" in out.stdout
    # Nothing lost: every email is in the outbox, waiting.
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count() == 3

    private_redis.start()
    OutboxEmail.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    _send_sweep(queue, redis_url)
    assert _wait(lambda: OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 3, timeout=60), (
        worker.log.read_text()
    )
    assert sorted(m["To"] for m in worker.mail.messages()) == sorted(u.email for u in users)
    worker.stop()


def test_name_with_a_carriage_return_reaches_a_subject_and_the_email_is_still_delivered_clean(celery_worker, client):
    """A name holding "\\r" (from before names were checked, or any path around the forms) is
    shown in the subject of the link request sent to career services: the email goes out with
    the name on one line and no header of its own."""
    from accounts.models import InstitutionLinkRequest
    from tests.accounts.factories import CareerServicesFactory, InstitutionFactory, StudentFactory

    institution = InstitutionFactory(name="Lakeside University", domain="lakeside.edu")
    careers = CareerServicesFactory(institution=institution)
    student = StudentFactory(name="Eve\rBcc: everyone@example.org")
    client.force_login(student)
    response = client.post(reverse("accounts:institution_link_request"), {"institution": institution.pk})
    assert response.status_code == 302 and InstitutionLinkRequest.objects.filter(student=student).exists()

    [message] = celery_worker.mail.wait_for(1)
    assert message["To"] == careers.email
    assert message["Subject"] == "Eve Bcc: everyone@example.org asks to join Lakeside University"
    assert message["Bcc"] is None
    assert _wait(lambda: OutboxEmail.objects.get(to_email=careers.email).status == OutboxEmail.Status.SENT)


def test_sweep_marks_a_row_that_cannot_be_sent_failed_and_delivers_the_rows_behind_it(worker_factory, client):
    from tests.conftest import _purge_queue

    # The oldest pending row cannot be sent, ever: its address holds a line break (written around
    # the form's validation), which Django refuses in a header.
    poison = OutboxEmail.objects.create(
        to_email="victim@example.org\r\nBcc: everyone@example.org",
        event="system.message",
        key="poison",
        subject="Poison",
        body_text="b",
    )
    users = [UserFactory() for _ in range(3)]
    for i, user in enumerate(users):
        _notify(user, f"behind:{i}")
    _purge_queue()  # their tasks were lost (worker down): only the sweep can deliver them
    OutboxEmail.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    OutboxEmail.objects.filter(pk=poison.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=10))

    worker = worker_factory(extra_env={"OUTBOX_SWEEP_GRACE_SECONDS": "0"}).start()
    _send_sweep(_queue())
    assert _wait(lambda: not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists()), (
        worker.log.read_text()
    )
    assert sorted(m["To"] for m in worker.mail.wait_for(3)) == sorted(u.email for u in users)
    poison.refresh_from_db()
    assert poison.status == OutboxEmail.Status.FAILED
    assert poison.last_error.startswith("BadHeaderError:")

    # Staff see it on the operations page, with its error; nothing is left waiting.
    client.force_login(UserFactory(is_staff=True))
    html = client.get(reverse("notifications:operations")).content.decode()
    assert 'data-testid="outbox-failed">1<' in html and 'data-testid="outbox-pending">0<' in html
    assert "BadHeaderError" in html


def _queue():
    from django.conf import settings

    return settings.CELERY_TASK_DEFAULT_QUEUE
