"""Shared fixtures: a real Celery worker process, a real Chromium browser, demo data."""

import os
import shutil
import subprocess
import sys
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from django.conf import settings

from marketplace.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# body itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class SentMail:
    """Emails written by a worker process with the file email backend."""

    def __init__(self, directory: Path):
        self.directory = directory

    def messages(self):
        found = []
        for path in sorted(self.directory.glob("*.log")):
            # The file backend separates messages with a line of 79 dashes.
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    found.append(message_from_bytes(chunk.strip()))
        return found

    def to(self, address: str):
        return [m for m in self.messages() if m["To"] == address]

    def wait_for_to(self, address: str, timeout: float = 20.0):
        """The messages to one address, waiting until at least one has arrived (other emails
        of the same test may be written first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if found:
                return found
            time.sleep(0.1)
        return self.to(address)

    def wait_for(self, count: int, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msgs = self.messages()
            if len(msgs) >= count:
                return msgs
            time.sleep(0.1)
        return self.messages()


class Worker:
    """A real `celery worker` process on the test database and the real broker."""

    def __init__(self, mail_dir: Path, db_name: str, redis_url: str | None = None, extra_env: dict | None = None):
        self.mail_dir = mail_dir
        self.db_name = db_name
        self.redis_url = redis_url or settings.REDIS_URL
        self.extra_env = extra_env or {}
        self.proc = None
        self.log = mail_dir.parent / "worker.log"

    def env(self):
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="marketplace.settings.test",
            WORKER_DATABASE_NAME=self.db_name,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail_dir),
            # The test run's own Redis URL (embedded or given) and database server.
            REDIS_URL=self.redis_url,
        )
        env.update(self.extra_env)
        return env

    def start(self, *extra):
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--loglevel=INFO",
            "--pool=prefork",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            *extra,
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env(), stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )
        if self.redis_url == settings.REDIS_URL:
            # Ready when it answers a ping through the broker.
            result = celery_app.send_task("marketplace.ping", args=["ready"], queue=settings.CELERY_TASK_DEFAULT_QUEUE)
            assert result.get(timeout=60) == "pong:ready", self.log.read_text()
        else:
            self.wait_for_log("ready.")
        return self

    def wait_for_log(self, text: str, timeout: float = 60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log.exists() and text in self.log.read_text(errors="replace"):
                return
            assert self.proc.poll() is None, self.log.read_text(errors="replace")
            time.sleep(0.1)
        raise AssertionError(f"worker never logged {text!r}:\n" + self.log.read_text(errors="replace"))

    def kill(self):
        """Kill the worker hard (SIGKILL to the whole process group), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def _purge_queue():
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """Start a real worker for one test; the test's data must be committed (transactional_db)."""
    _purge_queue()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    from django.db import connection

    worker = Worker(mail_dir, connection.settings_dict["NAME"]).start()
    worker.mail = SentMail(mail_dir)
    yield worker
    worker.stop()
    _purge_queue()


@pytest.fixture
def worker_factory(transactional_db, tmp_path):
    """Start (and restart) workers by hand, e.g. to kill one mid-task."""
    _purge_queue()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    from django.db import connection

    started = []

    def make(**kwargs):
        worker = Worker(mail_dir, connection.settings_dict["NAME"], **kwargs)
        worker.mail = SentMail(mail_dir)
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.stop()
    _purge_queue()


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is required for the browser tests (apt-get install chromium); it is never skipped.")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="Europe/Berlin", locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_data(db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(autouse=True)
def _fresh_listing_snapshot():
    """Each test's first search reads the listings into memory afresh (listings/snapshot.py), so
    its query count does not depend on the tests before it. Keeping a copy across transactions is
    tested on its own (tests/listings/test_snapshot.py)."""
    from listings import snapshot

    snapshot.forget()
