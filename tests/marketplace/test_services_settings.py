"""Where the settings put the database, the cache and the broker (marketplace/settings/base.py)."""

from marketplace.settings.base import services


def test_the_cache_uses_the_brokers_redis_unless_given_its_own(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    shared = services("postgres://u@db:5432/app", "redis://broker:6379/0")
    assert shared["CACHES"]["default"]["LOCATION"] == "redis://broker:6379/0"
    assert shared["CELERY_BROKER_URL"] == "redis://broker:6379/0"

    monkeypatch.setenv("CACHE_URL", "redis://cache:6379/0")
    separate = services("postgres://u@db:5432/app", "redis://broker:6379/0")
    assert separate["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/0"
    assert separate["CELERY_BROKER_URL"] == separate["CELERY_RESULT_BACKEND"] == "redis://broker:6379/0"
