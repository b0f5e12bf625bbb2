"""Development: DEBUG on, console email, embedded PostgreSQL and Redis unless URLs are given."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-change-me")  # noqa: S105

from marketplace import embedded

from .base import *  # noqa: F403
from .base import env, services

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
globals().update(
    services(
        env("DATABASE_URL", default=None) or embedded.postgres_url(),
        env("REDIS_URL", default=None) or embedded.redis_url(),
    )
)
