"""Tests: real PostgreSQL and Redis (embedded unless URLs are given), fast hashing, locmem email."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")  # noqa: S105

from marketplace import embedded

from .base import *  # noqa: F403
from .base import BASE_DIR, STORAGES, env, services

DEBUG = False
ALLOWED_HOSTS = ["*"]
globals().update(
    services(
        env("DATABASE_URL", default=None) or embedded.postgres_url(),
        env("REDIS_URL", default=None) or embedded.redis_url(),
    )
)
# Several test runs may share one server (e.g. parallel checkouts): the name can be overridden.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_marketplace")}  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = env("TEST_CACHE_PREFIX", default="marketplace-test")  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    **STORAGES,
    "default": {
        **STORAGES["default"],
        "OPTIONS": {**STORAGES["default"]["OPTIONS"], "location": BASE_DIR / ".embedded" / "test-media"},
    },
    "private": {
        **STORAGES["private"],
        "OPTIONS": {**STORAGES["private"]["OPTIONS"], "location": BASE_DIR / ".embedded" / "test-private"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# A worker process started by the tests uses the test database, named by the test run.
if env("WORKER_DATABASE_NAME", default=None):
    DATABASES["default"]["NAME"] = env("WORKER_DATABASE_NAME")  # noqa: F405
# Each test run has its own queue, so runs sharing one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = f"tests-{DATABASES['default']['TEST']['NAME']}"  # noqa: F405
BEAT_LOCK_KEY = f"beat-lock-{CELERY_TASK_DEFAULT_QUEUE}"
# Every test client shares one address, and user ids come again in the next run while the cache
# keeps the last minute's history: the suite's rates are high. The throttle tests set their own,
# and one of them runs with the production rates of base.py.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min"),  # noqa: F405
}
