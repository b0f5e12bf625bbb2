"""A circuit breaker for Redis, which the site can live without for a while.

When a call to Redis fails (refused, or no answer within the socket timeout), the breaker opens:
for ``retry_after`` seconds callers skip Redis at once instead of each waiting for the timeout
again, so a hung server costs one request per process one timeout, not every request. Then one
call is let through to find out whether Redis is back. State is per process; that is enough,
since each process pays at most one timeout per window.
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger(__name__)


class Breaker:
    def __init__(self, name: str, *, retry_after: float, clock=time.monotonic):
        self.name = name
        self.retry_after = retry_after
        self.clock = clock  # seconds, monotonic; replaceable so tests can move time on
        self._open_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        """True while callers should not try Redis."""
        return self.clock() < self._open_until

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self._open_until = self.clock() + self.retry_after
            first = not self._down
            self._down = True
        if first:
            logger.warning(
                "%s unavailable (%s: %s); going on without it, retrying every %ss",
                self.name,
                error.__class__.__name__,
                error,
                self.retry_after,
            )

    def succeeded(self) -> None:
        if self._down:
            with self._lock:
                was_down, self._down = self._down, False
            if was_down:
                logger.warning("%s is back", self.name)
