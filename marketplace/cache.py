"""The Django cache on Redis, degrading to "empty and forgetful" while Redis is down or hung.

The cache holds nothing the site cannot do without: allauth's rate-limit counters and DRF's
throttle history (sessions live in the database). Django's own Redis backend raises on a
connection error and waits the full socket timeout on a hung server, which turned every log-in
into a 500 or a long wait during a Redis outage. Here a connection error or timeout is answered
as an empty cache would answer (a miss; a write that is not kept; ``add`` succeeds, as the key is
absent), and the breaker (``marketplace.breaker``) skips Redis for a few seconds after a failure.
Rate limits are therefore not enforced while Redis is away; they come back with it.
"""

from __future__ import annotations

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .breaker import Breaker

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)
_MISSING = object()


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every call (about 0.07 ms of CPU, five
    times in a throttled API request); this one keeps one per connection pool and reuses it. Each
    thread has its own cache object (``django.core.cache.caches``), and so its own clients; a
    redis-py client takes a connection from its pool for each command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class DegradingRedisCache(RedisCache):
    """``OPTIONS`` as for Django's ``RedisCache``, plus ``retry_after`` (seconds, default 5): how
    long to go without Redis after a failed call before trying it again."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        retry_after = float(options.pop("retry_after", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = SharedClientRedisCacheClient
        self.breaker = Breaker("Cache (Redis)", retry_after=retry_after)

    def _call(self, method, args, kwargs, fallback):
        if self.breaker.is_open():
            return fallback() if callable(fallback) else fallback
        try:
            result = method(*args, **kwargs)
        except OUTAGE_ERRORS as exc:
            self.breaker.failed(exc)
            return fallback() if callable(fallback) else fallback
        self.breaker.succeeded()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, (key, value, timeout, version), {}, True)

    def get(self, key, default=None, version=None):
        return self._call(super().get, (key, default, version), {}, lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, (key, value, timeout, version), {}, None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, (key, timeout, version), {}, False)

    def delete(self, key, version=None):
        return self._call(super().delete, (key, version), {}, False)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, (keys, version), {}, dict)

    def has_key(self, key, version=None):
        return self._call(super().has_key, (key, version), {}, False)

    def incr(self, key, delta=1, version=None):
        result = self._call(super().incr, (key, delta, version), {}, _MISSING)
        if result is _MISSING:
            # What incr does on a missing key; callers of incr already handle it.
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, (data, timeout, version), {}, lambda: list(data))

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, (keys, version), {}, None)

    def clear(self):
        return self._call(super().clear, (), {}, False)
