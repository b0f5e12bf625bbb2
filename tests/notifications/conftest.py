import pytest

from tests.support.private_redis import PrivateRedis


@pytest.fixture
def private_redis(tmp_path):
    """A started Redis server of this test's own; always stopped at the end (even when paused)."""
    directory = tmp_path / "redis"
    directory.mkdir()
    server = PrivateRedis(directory).start()
    yield server
    server.cleanup()
