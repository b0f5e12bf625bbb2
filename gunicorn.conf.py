"""Gunicorn's settings for every web process: `make run` (marketplace/supervise.py binds it to
127.0.0.1:$PORT), the container (Dockerfile) and bench/soak.py.

Each worker process serves ``threads`` requests at once and each thread keeps one database
connection (CONN_MAX_AGE), so one gunicorn holds at most WEB_CONCURRENCY × WEB_THREADS
connections (8 by default): far below PostgreSQL's max_connections (100) with a Celery worker
and beat beside it. The development server opened a thread, and a connection, per client.
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
