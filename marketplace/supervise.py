"""`make run`: the embedded servers, the demo data, then web, worker and beat, kept running.

    python -m marketplace.supervise [--port 8000] [--no-setup]

One process starts the three and watches them (honcho, used before, stopped everything when one
of them died). A web, worker or beat process that exits is started again after a pause that
doubles from 1 s up to 30 s, and goes back to 1 s once the process has stayed up for a minute.
Only a process that exits with an error of its own within a few seconds of its very first start
(a port already in use, a broken setting) stops the whole stack instead: starting it again would
fail the same way. A process killed by a signal is always started again.

Ctrl-C, SIGTERM (``kill``, or ``make`` being terminated: make passes SIGTERM on to its recipe)
and SIGHUP (a closed terminal) stop the three, then the embedded PostgreSQL and Redis if this
process started them. A second signal during the stop kills whatever is left at once.

Each child runs in a session of its own, so a terminal's Ctrl-C reaches only this process, which
stops the children itself, and so the whole process group of a child that died (the pool
processes of a killed Celery worker, say) is killed before it is started again.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from marketplace import embedded

ROOT = Path(__file__).resolve().parent.parent
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
# A process up this long counts as healthy: its next crash restarts it after BACKOFF_FIRST again.
STABLE_AFTER = 60.0
# A first start that fails (exit status > 0) sooner than this is a configuration problem, not a
# crash (gunicorn gives up on a port in use after about 5 s).
FIRST_START_GRACE = 15.0
# Celery finishes its running tasks on SIGTERM and gunicorn its requests; after this, SIGKILL.
STOP_TIMEOUT = 20.0
POLL = 0.2


def log(message: str) -> None:
    print(f"[make run] {message}", flush=True)


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


@dataclass
class Service:
    name: str
    argv: list[str]
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    starts: int = 0
    delay: float = 0.0
    restart_at: float | None = None

    def start(self, env: dict) -> None:
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
        self.started_at = time.monotonic()
        self.starts += 1
        self.restart_at = None
        log(f"{self.name} started (pid {self.proc.pid})")

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Supervisor:
    def __init__(self, *, port: int, setup: bool, env: dict | None = None):
        self.port = port
        self.setup = setup
        self.env = dict(os.environ if env is None else env)
        self.stop_signal: int | None = None
        self.kill_now = False
        self.stop_servers: list = []
        self.current: subprocess.Popen | None = None

    # --- signals ---------------------------------------------------------------------------

    def request_stop(self, signum, _frame) -> None:
        if self.stop_signal is not None:
            self.kill_now = True
        self.stop_signal = signum

    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self.request_stop)

    # --- the stack -------------------------------------------------------------------------

    def services(self) -> list[Service]:
        python = sys.executable
        return [
            Service(
                "web",
                [
                    python,
                    "-m",
                    "gunicorn",
                    "marketplace.wsgi:application",
                    "--config",
                    str(ROOT / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
            ),
            Service(
                "worker",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "marketplace",
                    "worker",
                    "--loglevel=INFO",
                    "--concurrency=2",
                    "--without-gossip",
                    "--without-mingle",
                ],
            ),
            Service(
                "beat",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "marketplace",
                    "beat",
                    "--loglevel=INFO",
                    f"--schedule={embedded.ROOT / 'celerybeat-schedule'}",
                ],
            ),
        ]

    def _step(self, argv: list[str]) -> int | None:
        """Run one setup command to its end; None when a stop was asked for meanwhile."""
        self.current = subprocess.Popen(argv, cwd=ROOT, env=self.env, start_new_session=True)  # noqa: S603
        try:
            while self.current.poll() is None:
                if self.stop_signal is not None:
                    _kill_group(self.current.pid, signal.SIGTERM)
                    try:
                        self.current.wait(timeout=STOP_TIMEOUT)
                    except subprocess.TimeoutExpired:
                        _kill_group(self.current.pid, signal.SIGKILL)
                        self.current.wait()
                    return None
                time.sleep(POLL)
            return self.current.returncode
        finally:
            self.current = None

    def _port_open(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.2)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def run(self) -> int:
        self.install_signal_handlers()
        self.env.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
        self.env["PORT"] = str(self.port)
        self.env["PYTHONUNBUFFERED"] = "1"
        try:
            self.stop_servers = embedded.start_missing(self.env)
            if self.stop_signal is None and self.setup:
                manage = [sys.executable, str(ROOT / "manage.py")]
                for argv in (manage + ["migrate", "--noinput"], manage + ["seed_demo"]):
                    code = self._step(argv)
                    if code is None:
                        return 0
                    if code != 0:
                        log(f"{' '.join(argv[2:])} failed (status {code}); nothing started")
                        return code
            if self.stop_signal is not None:
                return 0
            return self._watch(self.services())
        finally:
            for stop in self.stop_servers:
                stop()
            if self.stop_servers:
                names = {embedded.postgres_stop: "PostgreSQL", embedded.redis_stop: "Redis"}
                log(f"embedded {' and '.join(names[stop] for stop in self.stop_servers)} stopped")

    def _watch(self, services: list[Service]) -> int:
        for service in services:
            service.start(self.env)
        announced = False
        status = 0
        while self.stop_signal is None:
            now = time.monotonic()
            for service in services:
                if service.proc is None:
                    if service.restart_at is not None and now >= service.restart_at:
                        service.start(self.env)
                    continue
                code = service.proc.poll()
                if code is None:
                    continue
                pid = service.proc.pid
                service.proc = None
                # Whatever the dead process left in its group (Celery pool processes) goes too.
                _kill_group(pid, signal.SIGKILL)
                uptime = now - service.started_at
                reason = _exit_reason(code)
                if service.starts == 1 and uptime < FIRST_START_GRACE and code > 0:
                    log(f"{service.name} (pid {pid}) {reason} {uptime:.1f} s after starting; stopping everything")
                    status = 1
                    break
                service.delay = (
                    BACKOFF_FIRST
                    if service.delay == 0 or uptime >= STABLE_AFTER
                    else min(service.delay * 2, BACKOFF_MAX)
                )
                service.restart_at = now + service.delay
                log(f"{service.name} (pid {pid}) {reason}; starting it again in {service.delay:.0f} s")
            if status:
                break
            if not announced and self._port_open():
                announced = True
                print(
                    f"\n  Serving at http://127.0.0.1:{self.port}/  "
                    "(web, worker and beat; Ctrl-C or SIGTERM stops them all)\n",
                    flush=True,
                )
            time.sleep(POLL)
        if self.stop_signal is not None:
            log(f"{signal.Signals(self.stop_signal).name}: stopping web, worker and beat")
        self._stop(services)
        return status

    def _stop(self, services: list[Service]) -> None:
        running = [s for s in services if s.running()]
        for service in running:
            _kill_group(service.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while any(s.running() for s in running) and time.monotonic() < deadline and not self.kill_now:
            time.sleep(0.1)
        for service in running:
            # The leader may have exited while its children linger: the group goes either way.
            _kill_group(service.proc.pid, signal.SIGKILL)
            service.proc.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m marketplace.supervise", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-setup", dest="setup", action="store_false", help="skip migrate and seed_demo")
    args = parser.parse_args(argv)
    return Supervisor(port=args.port, setup=args.setup).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
