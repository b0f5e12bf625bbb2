"""Readiness of the two services the site depends on (``GET /healthz``).

Liveness (``GET /livez``) asks nothing of them: it only shows the process answers.
"""

from django.conf import settings
from django.db import connection


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message is reported
        return False, exc.__class__.__name__
    return True, "ok"


def redis_ok() -> tuple[bool, str]:
    """The broker (and cache): answers a PING within the broker's own timeouts."""
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
            socket_timeout=settings.BROKER_SOCKET_TIMEOUT,
        )
        client.ping()
    except Exception as exc:  # connection refused, timeout, auth: all mean "down"
        return False, exc.__class__.__name__
    return True, "ok"
