import contextlib
import logging
import os
import socket
import uuid

from celery import Celery
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

logger = logging.getLogger(__name__)

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="marketplace.ping", ignore_result=False, acks_late=False)
def ping_task(value: str) -> str:
    """Round-trip check used by tests and operations: returns what it was given."""
    return f"pong:{value}"


class SingleBeatScheduler(PersistentScheduler):
    """Celery beat's scheduler, sending periodic tasks only while this process holds the beat
    lock in Redis (``BEAT_LOCK_KEY``).

    Two beats would send every periodic task twice. A second beat, started by mistake or kept as
    a standby, therefore waits; when the holder dies its lock expires after ``BEAT_LOCK_TTL``
    seconds and a waiting beat takes over (a holder that stops cleanly hands over at once). The
    holder renews the lock on every tick and ticks at least three times per TTL. While Redis
    cannot be reached nothing is sent, which is all a beat could do without its broker anyway.
    The lock's value names the holder (host:pid:random).
    """

    def __init__(self, *args, **kwargs):
        import redis
        from django.conf import settings

        self.lock_ttl = settings.BEAT_LOCK_TTL
        self.lock_key = settings.BEAT_LOCK_KEY
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
            socket_timeout=settings.BROKER_SOCKET_TIMEOUT,
        )
        self.lock = client.lock(self.lock_key, timeout=self.lock_ttl, thread_local=False)
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.holding = False
        self._said_standby = False
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        poll = max(self.lock_ttl / 3, 1.0)
        if not self._hold_lock():
            return poll
        return min(super().tick(*args, **kwargs), poll)

    def _hold_lock(self) -> bool:
        from redis.exceptions import LockNotOwnedError, RedisError

        try:
            if self.holding:
                try:
                    return self.lock.reacquire()
                except LockNotOwnedError:
                    self.holding = False
                    logger.warning("beat: lost the beat lock %s (it expired); trying to take it back", self.lock_key)
            if self.lock.acquire(blocking=False, token=self.token):
                self.holding, self._said_standby = True, False
                logger.info("beat: holding the beat lock %s as %s; sending periodic tasks", self.lock_key, self.token)
                return True
            if not self._said_standby:
                holder = self.lock.redis.get(self.lock_key)
                logger.info(
                    "beat: another beat holds the beat lock %s (%s); standing by",
                    self.lock_key,
                    holder.decode() if holder else "?",
                )
                self._said_standby = True
            return False
        except RedisError as exc:
            logger.warning("beat: cannot reach Redis for the beat lock (%s); sending nothing", exc)
            return False

    def close(self):
        from redis.exceptions import RedisError

        if self.holding:
            # Hand over at once; if Redis is unreachable or the lock expired, it expires on its own.
            with contextlib.suppress(RedisError):
                self.lock.release()
            self.holding = False
        super().close()
