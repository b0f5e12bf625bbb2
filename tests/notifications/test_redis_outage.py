"""A hung or stopped Redis does not hang or break the web: a committed status change returns within
seconds (its email waits in the outbox for the sweep) and log-in works with its rate limit degraded.

A web process runs in a subprocess against a Redis server of the test's own, with its cache and
broker connections opened while Redis was healthy; the test then pauses (SIGSTOP) or stops that
server and lets the process act. Nothing is mocked: the timeouts are the settings' own.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from applications.models import ApplicationStatus
from notifications.models import OutboxEmail
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import member_of
from tests.support.private_redis import wait

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker

WEB = """
import json, sys, time
import django
django.setup()
from django.core.cache import cache
from django.test import Client
from accounts.models import User
from marketplace.celery import ping_task

args = json.loads(sys.argv[1])
# Like a running web process: connections to the cache and the broker are open and pooled.
cache.set("outage-test:warm", 1)
ping_task.apply_async(args=["warm"], ignore_result=True)
employer = Client(REMOTE_ADDR="10.9.0.1")
employer.force_login(User.objects.get(pk=args["employer_id"]))
print("warm", flush=True)
sys.stdin.readline()  # the test hangs or stops Redis now

result = {}
started = time.monotonic()
response = employer.post(args["move_url"], {"to_status": "in_review", "message": ""})
result["move"] = {"status": response.status_code, "seconds": round(time.monotonic() - started, 2)}

visitor = Client(REMOTE_ADDR="10.9.0.2")
started = time.monotonic()
response = visitor.post(args["login_url"], {"login": args["email"], "password": args["password"]})
result["login"] = {
    "status": response.status_code,
    "location": response.get("Location", ""),
    "seconds": round(time.monotonic() - started, 2),
    "signed_in_as": visitor.session.get("_auth_user_id"),
}
started = time.monotonic()
response = visitor.get(args["next_url"])
result["next_page"] = {"status": response.status_code, "seconds": round(time.monotonic() - started, 2)}
print(json.dumps(result), flush=True)
"""


def _run_web_through_outage(redis, outage: str, args: dict) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "REDIS_URL": redis.url,
        "WORKER_DATABASE_NAME": connection.settings_dict["NAME"],
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", WEB, json.dumps(args)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "warm", proc.stderr.read()
        redis.pause() if outage == "paused" else redis.stop()
        started = time.monotonic()
        out, err = proc.communicate("go\n", timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    result["total_seconds"] = round(time.monotonic() - started, 2)
    print(outage, json.dumps(result))  # the measurements, shown with -s
    return result


@pytest.mark.parametrize("outage", ["paused", "stopped"])
def test_status_change_and_log_in_work_while_redis_hangs_or_is_down(transactional_db, private_redis, outage):
    application = SubmittedApplicationFactory()
    employer = member_of(application.listing)
    student = application.student
    OutboxEmail.objects.all().delete()  # only the email of the change made during the outage counts
    args = {
        "employer_id": employer.pk,
        "move_url": reverse("applications:employer_move", args=[application.pk]),
        "login_url": reverse("account_login"),
        "next_url": reverse("accounts:next_step"),
        "email": student.email,
        "password": "correct-horse-battery",
    }
    result = _run_web_through_outage(private_redis, outage, args)

    # The change is committed and answered without waiting on Redis; its email waits in the outbox.
    assert result["move"]["status"] == 302
    assert result["move"]["seconds"] < 10
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert OutboxEmail.objects.filter(to_email=student.email, status=OutboxEmail.Status.PENDING).count() == 1
    # Log-in works (sessions live in the database), its rate limit skipped while the cache is away.
    assert result["login"]["status"] == 302
    assert result["login"]["location"] == reverse("accounts:next_step")
    assert result["login"]["signed_in_as"] == str(student.pk)
    assert result["login"]["seconds"] < 10
    assert result["next_page"]["status"] == 302  # signed in: sent on to the student's next step
    assert result["total_seconds"] < 20


def test_a_hung_redis_that_comes_back_gets_the_email_delivered_once(transactional_db, private_redis, worker_factory):
    """After the pause the outbox row is delivered exactly once, whether the enqueue reached Redis
    before it hung (the task runs) or not (the sweep sends it)."""
    from django.conf import settings

    from tests.notifications.test_faults import _send_sweep

    application = SubmittedApplicationFactory()
    employer = member_of(application.listing)
    student = application.student
    OutboxEmail.objects.all().delete()
    args = {
        "employer_id": employer.pk,
        "move_url": reverse("applications:employer_move", args=[application.pk]),
        "login_url": reverse("account_login"),
        "next_url": reverse("accounts:next_step"),
        "email": student.email,
        "password": "correct-horse-battery",
    }
    _run_web_through_outage(private_redis, "paused", args)
    private_redis.resume()
    worker = worker_factory(redis_url=private_redis.url, extra_env={"OUTBOX_SWEEP_GRACE_SECONDS": "0"}).start()
    _send_sweep(settings.CELERY_TASK_DEFAULT_QUEUE, private_redis.url)
    assert wait(lambda: not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists(), timeout=60), (
        worker.log.read_text()
    )
    # Both ways may have run; the sweep finishing means neither is still sending.
    assert wait(lambda: _sweep_finished(worker.log), timeout=60), worker.log.read_text()
    assert [m["To"] for m in worker.mail.messages()] == [student.email]
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


def _sweep_finished(log: Path) -> bool:
    text = log.read_text(errors="replace") if log.exists() else ""
    return any("outbox_sweep_task[" in line and "succeeded" in line for line in text.splitlines())


def test_cache_answers_as_an_empty_cache_while_redis_hangs_and_tries_again_after_a_while(private_redis):
    from marketplace.cache import DegradingRedisCache

    now = [1000.0]
    cache = DegradingRedisCache(
        private_redis.url,
        {"KEY_PREFIX": "outage", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 0.5, "retry_after": 5}},
    )
    cache.breaker.clock = lambda: now[0]
    cache.set("kept", "value")
    assert cache.get("kept") == "value"

    private_redis.pause()
    started = time.monotonic()
    assert cache.get("kept", "fallback") == "fallback"  # waits the socket timeout once
    first = time.monotonic() - started
    started = time.monotonic()
    # Then, for retry_after seconds, an empty cache that keeps nothing, without asking Redis.
    assert cache.get_many(["kept"]) == {}
    assert cache.set("kept", "other") is None
    assert cache.add("lock", 1) is True
    assert cache.has_key("kept") is False
    assert cache.set_many({"a": 1}) == ["a"]
    with pytest.raises(ValueError):
        cache.incr("counter")
    skipped = time.monotonic() - started
    print(f"first call {first:.2f} s, six calls while open {skipped:.4f} s")
    assert first >= 0.4 and skipped < first

    private_redis.resume()
    now[0] += 4
    assert cache.get("kept", "fallback") == "fallback"  # still within retry_after: not asked
    now[0] += 2
    assert cache.get("kept") == "value"  # asked again, and back
