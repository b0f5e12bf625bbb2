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
    """Read the in-memory copy of the visible listings (listings/snapshot.py) before this worker
    accepts a request, so that no visitor's search waits for it (about 1 s per 100,000 listings).
    SEARCH_WARM_START=0 skips it; a database that does not answer yet only delays the copy to the
    first search."""
    if os.environ.get("SEARCH_WARM_START", "1") != "1":
        return
    import time

    from listings.snapshot import warm

    started = time.monotonic()
    try:
        copied = warm(on_chunk=worker.notify)  # a heartbeat per chunk: the copy may outlast `timeout`
    except Exception:  # the worker must still start: its first search will read the copy
        worker.log.exception("The listings copy could not be read at start; the first search will read it")
        return
    worker.log.info("Listings copy ready: %d listings in %.2f s", copied, time.monotonic() - started)
