"""`make run` as a newcomer runs it: its own embedded PostgreSQL and Redis, gunicorn, a Celery
worker and beat under marketplace/supervise.py.

Each test starts the real `make run` on a free port with an embedded-data folder of its own (the
first start creates the servers and migrates; later ones reuse them), talks to it over HTTP and
its broker, and stops it with SIGTERM to `make`, as `kill` would. Nothing is mocked: the
processes, their pids and the servers are real.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "internships-demo"
# A fresh folder means initdb, every migration and the demo data on 2 shared cores.
START_TIMEOUT = 420
# What the test run exports for its own servers must not reach the stack under test.
TEST_ONLY_ENV = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "WORKER_DATABASE_NAME",
    "TEST_DATABASE_NAME",
    "TEST_CACHE_PREFIX",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "SITE_URL",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
}


# --- processes, read from /proc ------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, command line) of every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        # The command name in parentheses may hold spaces: the fields after it are fixed.
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), fields[0], cmdline)
    return table


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie (this machine's init does not reap orphans)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _descendants(pid: int) -> set[int]:
    table = _processes()
    found, frontier = set(), {pid}
    while frontier:
        children = {p for p, (ppid, _state, _cmd) in table.items() if ppid in frontier and p not in found}
        found |= children
        frontier = children
    return found


def _stack_processes(data_dir: Path) -> dict[int, str]:
    """Live processes of the stack using ``data_dir``: every child inherits EMBEDDED_DIR, and the
    embedded servers name the folder on their command lines."""
    marker = f"EMBEDDED_DIR={data_dir}".encode()
    found = {}
    for pid, (_ppid, state, cmd) in _processes().items():
        if state == "Z":
            continue
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            environ = []
        if marker in environ or str(data_dir) in cmd:
            found[pid] = cmd
    return found


def _server_pids(data_dir: Path) -> set[int]:
    """The embedded PostgreSQL (postmaster and its backends) and Redis of this folder."""
    postmaster = int((data_dir / "pg" / "postmaster.pid").read_text().split()[0])
    redis = int((data_dir / "redis" / "redis.pid").read_text().strip())
    return {postmaster, redis} | _descendants(postmaster)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the stack -----------------------------------------------------------------------------------


class Stack:
    """One `make run` on its own port and embedded-data folder."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.mail_dir = data_dir / f"mail-{self.port}"
        self.log = data_dir / f"make-run-{self.port}.log"
        self.make: subprocess.Popen | None = None

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
        env.update(
            PORT=str(self.port),
            EMBEDDED_DIR=str(self.data_dir),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail_dir),
        )
        return env

    def launch(self) -> Stack:
        self.make = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def start(self) -> Stack:
        self.launch()
        deadline = time.monotonic() + START_TIMEOUT
        while "Serving at" not in self.output():
            assert self.make.poll() is None, f"make run ended with {self.make.returncode}:\n{self.output()[-4000:]}"
            assert time.monotonic() < deadline, (
                f"make run not serving after {START_TIMEOUT} s:\n{self.output()[-4000:]}"
            )
            time.sleep(0.5)
        while True:
            try:
                if self.get("/healthz", timeout=10)[0] == 200:
                    return self
            except OSError:
                pass
            assert time.monotonic() < deadline, f"/healthz never answered 200:\n{self.output()[-4000:]}"
            time.sleep(0.5)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def service_pid(self, name: str) -> int | None:
        """The pid of the running web / worker / beat: the main process (not a gunicorn worker
        or a Celery pool process, whose parent runs the same command)."""
        words = {
            "web": ("gunicorn", "runserver"),
            "worker": ("celery -A marketplace worker",),
            "beat": ("celery -A marketplace beat",),
        }[name]

        def runs(cmd: str) -> bool:
            return not cmd.startswith("/bin/sh") and any(word in cmd for word in words)

        table = _processes()
        for pid in _descendants(self.make.pid):
            ppid, state, cmd = table.get(pid, (0, "Z", ""))
            if state != "Z" and runs(cmd) and not runs(table.get(ppid, (0, "", ""))[2]):
                return pid
        return None

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read(), response.getheader("Content-Type", "")
        finally:
            conn.close()

    def broker(self):
        from celery import Celery

        url = f"redis+socket://{self.data_dir / 'redis' / 'redis.sock'}"
        return Celery("make-run-probe", broker=url, backend=url, set_as_current=False)

    def sent_mail(self) -> str:
        if not self.mail_dir.exists():
            return ""
        return "".join(p.read_text(errors="replace") for p in sorted(self.mail_dir.glob("*.log")))

    def terminate(self) -> int:
        """SIGTERM to `make`, as `kill <pid>` does; returns make's exit status."""
        self.make.send_signal(signal.SIGTERM)
        return self.make.wait(timeout=90)

    def cleanup(self) -> None:
        """After each test, and above all a failed one: nothing this stack started outlives it."""
        if self.make is None:
            return
        # Shown by pytest under the test's teardown output when it failed.
        print(f"--- end of the make run log ({self.log}) ---\n{self.output()[-8000:]}")
        leftovers = _descendants(self.make.pid)
        if self.make.poll() is None:
            self.make.kill()
            self.make.wait()
        for pid in leftovers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _clear_folder(self.data_dir)


def _clear_folder(data_dir: Path) -> None:
    """Each stack starts (and so owns) the embedded servers of the folder: stop them cleanly, then
    kill anything else still running with this folder (orphans of a failed stop)."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    subprocess.run(
        [sys.executable, "-m", "marketplace.embedded", "stop"],
        cwd=ROOT,
        env={**env, "EMBEDDED_DIR": str(data_dir)},
        check=False,
        capture_output=True,
    )
    for pid in _stack_processes(data_dir):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def data_dir():
    """One embedded-data folder for this module's stacks (a short path: unix sockets live in it)."""
    path = Path(tempfile.mkdtemp(prefix="run-stack-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def stack(data_dir):
    running = Stack(data_dir)
    try:
        yield running.start()
    finally:
        running.cleanup()


def _login(stack: Stack, email: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post(path: str, form_page: str, fields: dict):
        html = opener.open(stack.base + form_page, timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        return opener.open(stack.base + path, data, timeout=30)

    response = post("/accounts/login/", "/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert "/accounts/login/" not in response.url, "the demo login was refused"
    return post


# --- tests ---------------------------------------------------------------------------------------


def test_make_run_serves_concurrent_clients_without_server_errors(stack):
    """The development server opened a thread and a database connection per client (7.4% of
    requests failed with "too many clients" at concurrency 8); gunicorn's fixed threads do not."""
    status, body, _ = stack.get("/api/v1/listings/")
    assert status == 200
    listing_id = re.search(rb'"id":\s*(\d+)', body).group(1).decode()
    status, home, _ = stack.get("/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home.decode()).group(1)
    paths = [
        "/",
        "/listings/",
        "/listings/?q=research",
        "/listings/?kind=micro&sort=newest",
        f"/listings/{listing_id}/",
        "/api/v1/listings/",
        "/api/v1/listings/?q=design",
        "/healthz",
        stylesheet,
    ]
    outcomes: Counter = Counter()
    failures: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        for n in range(25):
            path = paths[(index + n) % len(paths)]
            try:
                status, body, content_type = stack.get(path, timeout=60)
            except OSError as exc:
                status, body, content_type = type(exc).__name__, b"", ""
            with lock:
                # All 16 clients share one address, so the API's per-address search limit may
                # answer 429 (with Retry-After): the throttle working, not a server error.
                if status == 429 and path.startswith("/api/") and b'"throttled"' in body:
                    status = "throttled"
                outcomes[status] += 1
                if status not in (200, "throttled") and len(failures) < 5:
                    failures.append(f"{path} -> {status}: {body[:200]!r}")
                if path == stylesheet and status == 200:
                    outcomes["css"] += "text/css" in content_type

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes[200] + outcomes["throttled"] == 400, (dict(outcomes), failures)
    assert outcomes[200] >= 400 - 2 * 16 * 25 // len(paths), dict(outcomes)  # only API answers may be 429
    # Whitenoise serves the static files under gunicorn too.
    assert outcomes["css"] == sum(1 for i in range(16) for n in range(25) if paths[(i + n) % len(paths)] == stylesheet)

    import psycopg

    with psycopg.connect(f"postgresql://postgres@/marketplace?host={stack.data_dir / 'pg'}") as conn:
        (connections,) = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        ).fetchone()
        (limit,) = conn.execute("SHOW max_connections").fetchone()
    # 2 gunicorn workers x 4 threads, the Celery worker's pool and this query, well under the limit.
    assert connections <= 16 < int(limit), connections


def test_killed_worker_is_restarted_and_delivers_while_the_web_keeps_answering(stack):
    broker = stack.broker()
    assert broker.send_task("marketplace.ping", args=["before"]).get(timeout=120) == "pong:before"
    worker = stack.service_pid("worker")
    pool = _descendants(worker)
    assert pool, "the worker has no pool processes"
    web, beat = stack.service_pid("web"), stack.service_pid("beat")

    os.kill(worker, signal.SIGKILL)

    # The web and beat stay up (honcho stopped everything here).
    assert stack.get("/healthz")[0] == 200
    assert stack.get("/listings/")[0] == 200
    deadline = time.monotonic() + 60
    while stack.service_pid("worker") in (None, worker):
        assert time.monotonic() < deadline, stack.output()[-3000:]
        time.sleep(0.2)
    assert stack.service_pid("web") == web and stack.service_pid("beat") == beat
    assert f"worker (pid {worker}) killed by SIGKILL; starting it again" in stack.output()
    # The dead worker's pool went with it rather than lingering beside the new one.
    assert not [pid for pid in pool if _alive(pid)]

    # The new worker takes tasks: a ping, and an email from a real page, with links to this port.
    assert broker.send_task("marketplace.ping", args=["after"]).get(timeout=120) == "pong:after"
    post = _login(stack, "employer@demo.example")
    invited = f"recruiter-{stack.port}@example.com"
    post("/organization/invite/", "/organization/", {"email": invited})
    deadline = time.monotonic() + 90
    while invited not in stack.sent_mail():
        assert time.monotonic() < deadline, stack.output()[-3000:]
        time.sleep(0.2)
    assert f"{stack.base}/invitations/" in stack.sent_mail()
    assert "http://127.0.0.1:8000" not in stack.sent_mail()


def test_sigterm_to_make_run_leaves_no_process_behind(stack):
    started = _descendants(stack.make.pid) | _server_pids(stack.data_dir)
    for name in ("web", "worker", "beat"):
        assert stack.service_pid(name) in started
    # gunicorn's master and workers, the Celery worker and its pool, beat, PostgreSQL, Redis.
    assert len(started) >= 9, started

    status = stack.terminate()

    assert status != 0  # make reports that it was terminated
    deadline = time.monotonic() + 10
    while [pid for pid in started if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {pid: _processes().get(pid) for pid in started if _alive(pid)}
    assert not left, left
    assert not _stack_processes(stack.data_dir)
    assert "SIGTERM: stopping web, worker and beat" in stack.output()
    assert "embedded PostgreSQL and Redis stopped" in stack.output()


def test_make_run_stops_everything_when_the_web_cannot_start(data_dir):
    """A port in use is not a crash to retry forever: the whole stack stops and says why."""
    stack = Stack(data_dir)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", stack.port))
        taken.listen()
        try:
            status = stack.launch().make.wait(timeout=START_TIMEOUT)
            left = _stack_processes(data_dir)
        finally:
            stack.cleanup()
    assert status != 0
    assert re.search(
        r"web \(pid \d+\) exited with status \d+ [\d.]+ s after starting; stopping everything", stack.output()
    )
    assert "embedded PostgreSQL and Redis stopped" in stack.output()
    assert not left, left


def test_site_url_follows_the_port_make_run_serves_on():
    probe = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "marketplace.settings.test", "PORT": "8650"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8650"


def test_sigterm_to_embedded_run_ends_the_command_and_the_servers_it_started(data_dir):
    """`make test` and `make migrate` run under `marketplace.embedded run`: a `kill` of it used to
    end it at once and leave its PostgreSQL and Redis (and the command) running."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    command = "import time; print('ready', flush=True); time.sleep(600)"
    runner = subprocess.Popen(
        [sys.executable, "-m", "marketplace.embedded", "run", "--", sys.executable, "-c", command],
        cwd=ROOT,
        env={**env, "EMBEDDED_DIR": str(data_dir)},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert runner.stdout.readline().strip() == "ready"
        started = _descendants(runner.pid) | _server_pids(data_dir)
        assert len(started) >= 3, started  # the command, PostgreSQL (and its helpers), Redis

        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=60)

        assert not {pid for pid in started if _alive(pid)}
        assert not _stack_processes(data_dir)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
        runner.stdout.close()
        _clear_folder(data_dir)


def test_compose_restarts_every_long_running_service():
    """`docker compose up` had no restart policy: a crashed worker stayed down (issue 13)."""
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert services[name].get("restart") in {"unless-stopped", "always", "on-failure"}, name
    # The one-shot migration must not be started again once it has done its work.
    assert services["migrate"]["restart"] == "no"
