"""`make run` and `make test` as a newcomer runs them: embedded PostgreSQL and Redis of their own,
in a folder of the test's (EMBEDDED_DIR). Nothing is mocked: the processes, their pids and the
servers are real."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the test run exports for its own servers must not reach the processes under test.
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
