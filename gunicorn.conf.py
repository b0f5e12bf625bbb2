"""Gunicorn's settings for every web process: `make run` (marketplace/supervise.py binds it to
127.0.0.1:$PORT), the container (Dockerfile) and bench/soak.py.

Each worker process serves ``threads`` requests at once and each thread keeps one database
connection (CONN_MAX_AGE), so one gunicorn holds at most WEB_CONCURRENCY × WEB_THREADS
connections (8 by default): far below PostgreSQL's max_connections (100) with a Celery worker
and beat beside it. The development server opened a thread, and a connection, per client.

Each worker reads its in-memory copy of the visible listings (listings/snapshot.py) before it
accepts a request (post_worker_init below), so the first visitor does not wait for it.
"""

import os

bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
# Docker's stop waits 10 s before SIGKILL: requests in flight get most of that.
graceful_timeout = 8
accesslog = "-"
# The control socket (gunicornc) would live at one path per user, shared by every gunicorn of
# that user (tests, benchmarks, several checkouts); nothing here uses it.
control_socket_disable = True


def post_worker_init(worker):
    """Make this worker ready before it accepts a request, so that no visitor waits for what every
    worker needs once: every view imported (the URLconf, about 0.5 s), the in-memory copy of the
    visible listings read (listings/snapshot.py, about 1 s per 100,000 listings), and what was
    made on the way left out of later garbage collections. SEARCH_WARM_START=0 skips the copy; a
    database that does not answer yet only delays the copy to the first search."""
    import time

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view)
    if os.environ.get("SEARCH_WARM_START", "1") == "1":
        from listings.snapshot import warm

        started = time.monotonic()
        try:
            copied = warm(on_chunk=worker.notify)  # a heartbeat per chunk: the copy may outlast `timeout`
        except Exception:  # the worker must still start: its first search will read the copy
            worker.log.exception("The listings copy could not be read at start; the first search will read it")
        else:
            worker.log.info("Listings copy ready: %d listings in %.2f s", copied, time.monotonic() - started)
    freeze_startup_objects()


def freeze_startup_objects():
    """Leave the objects made while the worker started (modules, classes, views, URL patterns:
    about 135,000) out of every later garbage collection. A full collection walked them all and
    held up the request that set it off by 50 ms on a 2-core machine: one or two requests in
    twenty on the browse page, whatever the number of listings. Frozen objects are never
    collected; these live as long as the worker anyway."""
    import gc

    gc.collect()
    gc.freeze()


# Seconds between two releases of a worker's freed memory (marketplace/memory.py).
RELEASE_FREED_MEMORY_EVERY = 1.0


def post_request(worker, req, environ, resp):
    """Hand the memory requests freed back to the system, at most once a second per worker
    (marketplace/memory.py): glibc would keep it for reuse, and a worker's threads each keep their
    own. Measured in docs/benchmarks.md ("HTTP throughput")."""
    from marketplace.memory import release_freed_memory_now_and_then

    release_freed_memory_now_and_then(RELEASE_FREED_MEMORY_EVERY)
