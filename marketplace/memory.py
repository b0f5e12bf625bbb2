"""Handing freed memory back to the operating system.

glibc keeps the memory a process frees for reuse: the heap's free top above a threshold, and
free space inside each thread's arena. A web worker's requests free megabytes of numpy
temporaries each (a search's columns, masks, matches), and glibc raises its thresholds to the
largest block freed so far: a gunicorn worker with four threads settled at 126–132 MB under the
throughput benchmark's load, 121–126 MB with a release at most once a second (docs/benchmarks.md).
``malloc_trim(0)`` returns the free pages of every arena (glibc 2.8 and later); elsewhere (no
glibc) nothing happens.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
import time

_lock = threading.Lock()
_last = float("-inf")  # monotonic time of the last release (none yet)


def release_freed_memory() -> bool:
    """Return the free pages of every arena to the system now. Whether glibc was there to ask."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        return True
    return False


def release_freed_memory_now_and_then(every: float) -> bool:
    """``release_freed_memory`` at most once per ``every`` seconds in this process, whichever thread
    asks (the others go on at once). Between two releases freed memory is reused as glibc would, so
    the cost, page faults on memory touched again, is paid once per period, not per request.
    Whether this call released."""
    global _last
    now = time.monotonic()
    if now - _last < every or not _lock.acquire(blocking=False):
        return False
    try:
        if now - _last < every:
            return False
        _last = now
        return release_freed_memory()
    finally:
        _lock.release()
