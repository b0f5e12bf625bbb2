"""Celery settings that match the tasks, and exactly one beat sending the periodic tasks."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from marketplace.celery import app
from tests.support.private_redis import PrivateRedis, wait

ROOT = Path(__file__).resolve().parents[2]


def test_visibility_timeout_exceeds_the_longest_task_plus_the_longest_countdown():
    """Redis hands a task that a worker has taken but not acknowledged to another worker after
    the visibility timeout: a task still running, or still waiting for its countdown, would run
    twice. Every registered task is checked, so a longer one added later fails here."""
    app.loader.import_default_modules()
    limits = {
        name: task.time_limit or app.conf.task_time_limit
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    }
    assert "reports.tasks.report_export_task" in limits  # every app's tasks are registered
    # The only countdown in use is the outbox's backoff between attempts, at most its maximum.
    longest_countdown = settings.OUTBOX_BACKOFF_MAX_SECONDS
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > max(limits.values()) + longest_countdown, (
        max(limits.items(), key=lambda kv: kv[1]),
        visibility,
    )


def test_broker_and_cache_give_up_on_a_hung_redis_within_seconds():
    options = app.conf.broker_transport_options
    assert 0 < options["socket_timeout"] <= 5 and 0 < options["socket_connect_timeout"] <= 5
    assert 0 < app.conf.broker_connection_timeout <= 5
    assert 0 < app.conf.redis_socket_timeout <= 5 and 0 < app.conf.redis_socket_connect_timeout <= 5
    cache_options = settings.CACHES["default"]["OPTIONS"]
    assert 0 < cache_options["socket_timeout"] <= 5 and 0 < cache_options["socket_connect_timeout"] <= 5


class Beat:
    def __init__(self, name: str, directory: Path, redis_url: str):
        self.log = directory / f"beat-{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
            "REDIS_URL": redis_url,
            "BEAT_LOCK_TTL_SECONDS": "3",
        }
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "beat",
            "--loglevel=INFO",
            f"--schedule={directory / f'schedule-{name}'}",
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def said(self, text: str) -> bool:
        return text in self.log.read_text(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


@pytest.fixture
def beats(tmp_path):
    directory = tmp_path / "redis"
    directory.mkdir()
    server = PrivateRedis(directory).start()
    started = []

    def start(name):
        beat = Beat(name, tmp_path, server.url)
        started.append(beat)
        return beat

    start.redis = redis.Redis.from_url(server.url)
    yield start
    for beat in started:
        beat.stop()
    server.cleanup()


def test_a_second_beat_stands_by_and_takes_over_when_the_first_dies(beats):
    def holder() -> str:
        value = beats.redis.get(settings.BEAT_LOCK_KEY)
        return value.decode() if value else ""

    first = beats("first")
    assert wait(lambda: f":{first.pid}:" in holder(), timeout=60), first.log.read_text()
    second = beats("second")
    assert wait(lambda: second.said("standing by"), timeout=60), second.log.read_text()
    assert f":{first.pid}:" in holder()  # the first keeps it, renewing it on every tick
    assert wait(lambda: first.said("holding the beat lock"), timeout=30), first.log.read_text()

    first.stop(signal.SIGKILL)  # dies without handing over: its lock runs out (TTL 3 s)
    started = time.monotonic()
    assert wait(lambda: f":{second.pid}:" in holder(), timeout=30), second.log.read_text()
    print(f"standby took over {time.monotonic() - started:.1f} s after the first beat was killed")
    # The lock is taken before the line reaches the log file: wait for the line too.
    assert wait(lambda: second.said("holding the beat lock"), timeout=30), second.log.read_text()

    second.stop()  # a clean stop hands the lock back at once
    assert holder() == ""
